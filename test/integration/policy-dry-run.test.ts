import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postCommand, slashCommand } from '../fakes/slack-requests.js';
import { type Harness, SIGNING_SECRET, startHarness } from '../support/harness.js';

describe('/agenthub policy explains a decision without doing anything', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      policy: `
version: 1
rules:
  - id: no-prod-branch-deletes
    tools: [github_delete_branch]
    repos: ["acme/*"]
    outcome: deny
    reason: "Branches in acme repositories are deleted by release managers only"
`,
    });
    h.github.seedDemo('octo-dev');
    await h.linkUser('U0001');
  });
  afterAll(async () => h?.close());

  async function dryRun(text: string, user = 'U0001') {
    const id = `dry-${Math.random().toString(36).slice(2)}`;
    const res = await postCommand(h.eventsUrl, SIGNING_SECRET, slashCommand({ text: `policy ${text}`, user, responseUrl: h.slack.responseUrl(id) }));
    expect(res.status).toBe(200);
    const answer = await h.slack.waitFor((c) => c.api === 'response' && c.responseId === id, 10_000);
    expect(answer.params.response_type).toBe('ephemeral');
    return String(answer.params.text);
  }

  it('says a merge into the protected default branch needs approval with MFA, and why', async () => {
    const text = await dryRun('merge PR #1 in acme/widgets');
    expect(text).toMatch(/Dry run — nothing was done/);
    expect(text).toMatch(/merge pull request #1 in acme\/widgets/);
    expect(text).toMatch(/approval with MFA/);
    expect(text).toMatch(/default branch main/);
    expect(h.github.merges).toHaveLength(0);
    expect(h.slack.callsTo('conversations.open')).toHaveLength(0); // no card was sent
  });

  it('names the policy rule that denies an action', async () => {
    const text = await dryRun('delete branch stale/experiment in acme/widgets');
    expect(text).toMatch(/Not allowed/);
    expect(text).toMatch(/release managers only/);
    expect(text).toMatch(/no-prod-branch-deletes/);
    expect(h.github.deletedBranches).toHaveLength(0);
  });

  it('for an unlinked person, explains with what it knows and says the real decision may be stricter', async () => {
    const text = await dryRun('show issue #7 in acme/widgets', 'U0NOBODY');
    expect(text).toMatch(/Allowed/);
    expect(text).toMatch(/may be stricter/);
  });

  it('asks for a request it can read when given nonsense', async () => {
    const text = await dryRun('please do the thing');
    expect(text).toMatch(/couldn't tell which action/);
    expect(text).toContain('/agenthub policy merge PR #42 in acme/api');
  });
});
