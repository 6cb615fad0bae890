import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWorkspace } from '../../../src/audit/verify.js';
import { type Harness, READS_ALLOWED_POLICY, startHarness, TEAM } from '../../support/harness.js';
import { buttonsOf, cardFor, mention, passStepUp, threadSays } from '../../support/slack-user.js';

const ALICE = 'U0ALICE';

/** The whole bot (Bolt over HTTP, the agents, approvals, audit) on demo mode's in-memory engine instead of Redis. */
describe('the bot on the in-memory engine', () => {
  let h: Harness;
  let alice: { sub: string };
  beforeAll(async () => {
    h = await startHarness({ policy: READS_ALLOWED_POLICY, memoryRedis: true });
    h.github.seedDemo('octo-dev');
    alice = await h.linkUser(ALICE);
  });
  afterAll(async () => h?.close());

  it('answers a mention with the open pull requests', async () => {
    const { progressTs } = await mention(h, ALICE, 'list open pull requests in acme/widgets');
    const answer = await threadSays(h, progressTs, /Add rate limiting to widget API/);
    for (const title of ['Fix flaky checkout test', 'Bump typescript to 5.9']) expect(answer).toContain(title);
  });

  it('a merge waits for approval, runs once after Approve with MFA, and the audit trail verifies', async () => {
    const { progressTs } = await mention(h, ALICE, 'merge PR #1 in acme/widgets');
    await threadSays(h, progressTs, /Waiting for <@U0ALICE> to approve/);
    expect(h.github.merges).toHaveLength(0);

    const card = await cardFor(h, ALICE);
    const mfaUrl = buttonsOf(card).find((b) => b.text === 'Approve with MFA')!.url!;
    expect((await passStepUp(h, mfaUrl, { sub: alice.sub, amr: ['pwd', 'mfa'] })).status).toBe(200);
    await threadSays(h, progressTs, /Merged/);
    expect(h.github.merges).toHaveLength(1);
    // The same link cannot approve twice.
    await passStepUp(h, mfaUrl, { sub: alice.sub, amr: ['pwd', 'mfa'] });
    expect(h.github.merges).toHaveLength(1);

    const verdict = await verifyWorkspace(h.deps.audit, undefined, TEAM);
    expect(verdict).toMatchObject({ ok: true });
    const actions = (await h.deps.audit.read(TEAM)).map((r) => `${r.kind}:${r.outcome}`);
    expect(actions).toEqual(expect.arrayContaining([expect.stringMatching(/^approval/), 'tool_call_finished:ok']));
    expect(verdict.count).toBe(actions.length);
  });
});
