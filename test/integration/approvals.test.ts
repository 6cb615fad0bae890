import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, READS_ALLOWED_POLICY, startHarness } from '../support/harness.js';
import { buttonsOf, cardFor, click, currentCard, ephemeralAnswer, mention, messageText, passStepUp, threadSays } from '../support/slack-user.js';

const ALICE = 'U0ALICE';
const MALLORY = 'U0MALLORY';

describe('risky actions wait for the requester in Slack', () => {
  let h: Harness;
  let alice: { sub: string };
  beforeAll(async () => {
    h = await startHarness();
    h.github.seedDemo('octo-dev');
    alice = await h.linkUser(ALICE);
    await h.linkUser(MALLORY);
  });
  afterAll(async () => h?.close());

  it('a merge pauses with a DM card that shows who, where, what, access, risk, reason and blast radius', async () => {
    const { progressTs } = await mention(h, ALICE, 'merge PR #1 in acme/widgets');
    const waiting = await threadSays(h, progressTs, /Waiting for <@U0ALICE> to approve/);
    expect(waiting).toContain('merge pull request #1 in acme/widgets (squash)');

    const card = await cardFor(h, ALICE);
    const text = messageText(card);
    expect(text).toContain('<@U0ALICE> asked AgentHub in <#C0001>');
    expect(text).toContain('GitHub agent');
    expect(text).toMatch(/Risk\*\nHigh/);
    expect(text).toContain('"pull_number": 1');
    expect(text).toMatch(/pull_requests:write/);
    expect(text).toMatch(/single-use token for this action only/);
    expect(text).toMatch(/default branch main/);
    for (const fact of ['Add rate limiting to widget API', 'alice-gh', '`main` (protected, default)', 'Checks', 'files, +']) expect(text).toContain(fact);
    expect(buttonsOf(card).map((b) => `${b.text}:${b.style ?? ''}`)).toEqual(['Approve with MFA:primary', 'Deny:danger']);
    expect(h.github.merges).toHaveLength(0);
  });

  it('a click by someone else is refused privately and changes nothing', async () => {
    const card = await cardFor(h, ALICE);
    const { status, responseId } = await click(h, card, 'Deny', MALLORY);
    expect(status).toBe(200);
    expect(await ephemeralAnswer(h, responseId)).toMatch(/You can't decide this one: only the person who asked/);
    expect(buttonsOf(currentCard(h, card)).map((b) => b.text)).toEqual(['Approve with MFA', 'Deny']);
    expect(h.github.merges).toHaveLength(0);
  });

  it('step-up as another person, without MFA or with a stale login is refused; then real MFA merges once', async () => {
    const card = await cardFor(h, ALICE);
    const mfaUrl = buttonsOf(card).find((b) => b.text === 'Approve with MFA')!.url!;
    const progressTs = String(h.slack.callsTo('chat.update').find((c) => /Waiting for <@U0ALICE>/.test(messageText(c)))!.params.ts);

    const mallory = (await h.linkUser('U0MALLORY2')).sub;
    expect((await passStepUp(h, mfaUrl, { sub: mallory, amr: ['pwd', 'mfa'] })).page).toMatch(/different person/);
    expect((await passStepUp(h, mfaUrl, { sub: alice.sub, amr: ['pwd'] })).page).toMatch(/multi-factor/);
    expect((await passStepUp(h, mfaUrl, { sub: alice.sub, amr: ['pwd', 'mfa'], authTimeOffsetSeconds: -900 })).status).toBeGreaterThanOrEqual(400);
    expect(h.github.merges).toHaveLength(0);

    const ok = await passStepUp(h, mfaUrl, { sub: alice.sub, amr: ['pwd', 'mfa'] });
    expect(ok.status).toBe(200);
    expect(ok.page).toMatch(/Verified/);
    const done = await threadSays(h, progressTs, /Merged/);
    expect(done).toContain('acme/widgets');
    expect(h.github.merges).toHaveLength(1);
    expect(messageText(currentCard(h, card))).toMatch(/Approved\* by <@U0ALICE>.*MFA verified/);
    // The same link cannot approve twice.
    await passStepUp(h, mfaUrl, { sub: alice.sub, amr: ['pwd', 'mfa'] });
    expect(h.github.merges).toHaveLength(1);
  });

  it('Deny leaves the action undone and says so in the thread and on the card', async () => {
    const { progressTs } = await mention(h, ALICE, 'delete branch stale/experiment in acme/widgets');
    await threadSays(h, progressTs, /Waiting for/);
    const card = await cardFor(h, ALICE);
    await click(h, card, 'Deny', ALICE);
    const said = await threadSays(h, progressTs, /Denied by <@U0ALICE>/);
    expect(said).toMatch(/was not done/);
    expect(messageText(currentCard(h, card))).toMatch(/Denied\* by <@U0ALICE>/);
    expect(buttonsOf(currentCard(h, card))).toEqual([]);
    expect(h.github.deletedBranches).toHaveLength(0);
  });

  it('twenty simultaneous clicks on Approve run the action exactly once', async () => {
    // Reading a private repository for the first time needs the requester's approval (medium).
    const { progressTs } = await mention(h, ALICE, 'show issue #7 in acme/widgets');
    await threadSays(h, progressTs, /Waiting for/);
    const card = await cardFor(h, ALICE);
    const before = h.github.requests.filter((r) => r.path === '/repos/acme/widgets/issues/7').length;
    const clicks = await Promise.all(Array.from({ length: 20 }, () => click(h, card, 'Approve', ALICE)));
    expect(clicks.every((c) => c.status === 200)).toBe(true);
    await threadSays(h, progressTs, /Widget API returns 500 on empty cart/);
    await new Promise((r) => setTimeout(r, 300));
    expect(h.github.requests.filter((r) => r.path === '/repos/acme/widgets/issues/7').length - before).toBe(1);
    const answers = await Promise.all(clicks.slice(1).map((c) => ephemeralAnswer(h, c.responseId, 2000).catch(() => '')));
    expect(answers.filter((a) => /already approved/.test(a)).length).toBeGreaterThanOrEqual(1);
  });
});

describe('resuming after an approval repeats nothing', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ groq: true, policy: READS_ALLOWED_POLICY });
    h.github.seedDemo('octo-dev');
  });
  afterAll(async () => h?.close());

  it('a read planned in the same step as a merge runs once, and the merge gets its own single-use token', async () => {
    const { sub } = await h.linkUser(ALICE);
    h.groq!.reply({
      toolCalls: [
        { name: 'github_list_pull_requests', args: { owner: 'acme', repo: 'widgets' } },
        { name: 'github_merge_pull_request', args: { owner: 'acme', repo: 'widgets', pull_number: 1 } },
      ],
    });
    h.groq!.reply({ content: 'Listed the PRs and merged #1.' });
    const { progressTs } = await mention(h, ALICE, 'list the PRs in acme/widgets and merge #1');
    await threadSays(h, progressTs, /Waiting for <@U0ALICE>/);
    const lists = () => h.github.requests.filter((r) => r.method === 'GET' && r.path === '/repos/acme/widgets/pulls').length;
    expect(lists()).toBe(1);
    const exchangesBefore = h.auth0.issuedTokens.filter((t) => t.sub === sub).length;

    const card = await cardFor(h, ALICE);
    await passStepUp(h, buttonsOf(card).find((b) => b.text === 'Approve with MFA')!.url!, { sub, amr: ['pwd', 'mfa'] });
    await threadSays(h, progressTs, /Listed the PRs and merged #1/);

    expect(lists()).toBe(1); // the earlier call of the same plan was not repeated on resume
    expect(h.github.merges).toHaveLength(1);
    const mergeToken = h.github.merges[0]!.token;
    // The merge used a token exchanged for it alone, not the cached token the read used.
    expect(h.auth0.issuedTokens.filter((t) => t.sub === sub).length).toBeGreaterThan(exchangesBefore);
    expect(h.github.requests.filter((r) => r.token === mergeToken && r.method === 'GET' && r.path === '/repos/acme/widgets/pulls')).toHaveLength(0);
  });
});
