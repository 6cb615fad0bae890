/**
 * The policy gate end to end: policy files given as YAML, requests made through signed Slack
 * events, decisions taken on the DM cards, at Auth0 (step-up MFA, CIBA) or by a second person —
 * and the proof of what happened is what reached the fake GitHub.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BINDING_MESSAGE_RULE } from '../fakes/auth0-ciba.js';
import { type Harness, startHarness } from '../support/harness.js';
import { buttonsOf, cardFor, click, currentCard, ephemeralAnswer, mention, messageText, passStepUp, threadSays } from '../support/slack-user.js';

const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const CAROL = 'U0CAROL';
const LEAD = 'U0LEAD';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How many messages the bot has posted to this person's DMs (approval cards are the only DMs it sends). */
const dmsTo = (h: Harness, user: string) => h.slack.callsTo('chat.postMessage').filter((c) => c.params.channel === h.slack.dmChannelFor(user)).length;

/** Every text the thread's progress message has shown, oldest first. */
const threadHistory = (h: Harness, progressTs: string) =>
  h.slack
    .callsTo('chat.update')
    .filter((c) => c.params.ts === progressTs)
    .map(messageText);

const buttonTexts = (h: Harness, card: Awaited<ReturnType<typeof cardFor>>) => buttonsOf(currentCard(h, card)).map((b) => b.text);

/** Adds an open pull request into a fresh, unprotected, non-default branch, so no branch fact changes the decision. */
function pullIntoNewBranch(h: Harness, base: string, title: string): number {
  h.github.addBranch('acme', 'widgets', { name: base });
  return h.github.addPull('acme', 'widgets', { title, author: 'alice-gh', base, files: [{ filename: 'src/app.ts', additions: 5, deletions: 1 }] });
}

describe('two-person rule: a critical action needs the requester’s MFA and a named second approver', () => {
  const POLICY = `
version: 1
groups:
  release-managers: [${LEAD}]
rules:
  - id: branch-deletes-need-two
    tools: [github_delete_branch]
    repos: ["acme/*"]
    risk: critical
    approvers: [release-managers]
    reason: "Deleting a branch in acme needs a release manager too"
`;
  let h: Harness;
  let alice: { sub: string };
  beforeAll(async () => {
    h = await startHarness({ policy: POLICY });
    h.github.seedDemo('octo-dev');
    alice = await h.linkUser(ALICE);
    await h.linkUser(LEAD);
  });
  afterAll(async () => h?.close());

  it('the branch is deleted only once both the requester (with MFA) and the release manager approved; self-approval is refused', async () => {
    const { progressTs } = await mention(h, ALICE, 'delete branch stale/experiment in acme/widgets');
    const waiting = await threadSays(h, progressTs, /Waiting for <@U0ALICE> to approve/);
    expect(waiting).toMatch(/second approver/);

    const mine = await cardFor(h, ALICE);
    expect(messageText(mine)).toMatch(/^Approval needed: delete branch stale\/experiment in acme\/widgets/);
    expect(messageText(mine)).toMatch(/Risk\*\nCritical/);
    expect(messageText(mine)).toContain('Deleting a branch in acme needs a release manager too');
    expect(messageText(mine)).toMatch(/Needs: .*MFA verification \+ a second approver/);
    expect(buttonTexts(h, mine)).toEqual(['Approve with MFA', 'Deny']);

    const leads = await cardFor(h, LEAD);
    expect(messageText(leads)).toMatch(/^Second approval needed: delete branch stale\/experiment in acme\/widgets/);
    expect(messageText(leads)).toContain('<@U0ALICE> asked AgentHub');
    expect(buttonTexts(h, leads)).toEqual(['Approve', 'Deny']);
    expect(h.github.deletedBranches).toHaveLength(0);

    // The requester cannot be his own second approver, even with the approver's button.
    const self = await click(h, leads, 'Approve', ALICE);
    expect(self.status).toBe(200);
    expect(await ephemeralAnswer(h, self.responseId)).toMatch(/You can't decide this one: the two-person rule needs someone other than the person who asked/);
    expect(buttonTexts(h, leads)).toEqual(['Approve', 'Deny']);
    expect(h.github.deletedBranches).toHaveLength(0);

    // Step 1: the requester's MFA alone is not enough.
    const mfaUrl = buttonsOf(mine).find((b) => b.text === 'Approve with MFA')!.url!;
    const verified = await passStepUp(h, mfaUrl, { sub: alice.sub, amr: ['pwd', 'mfa'] });
    expect(verified.status).toBe(200);
    await vi.waitFor(() => expect(buttonTexts(h, mine)).toEqual(['Deny']), { timeout: 5000 });
    await sleep(300);
    expect(h.github.deletedBranches).toHaveLength(0);
    expect(threadHistory(h, progressTs).at(-1)).toMatch(/Waiting for/);

    // Step 2: the release manager's approval completes it.
    const second = await click(h, leads, 'Approve', LEAD);
    expect(second.status).toBe(200);
    const done = await threadSays(h, progressTs, /Deleted branch/);
    expect(done).toContain('stale/experiment');
    expect(h.github.deletedBranches).toEqual([expect.objectContaining({ owner: 'acme', repo: 'widgets', branch: 'stale/experiment' })]);

    for (const card of [mine, leads]) {
      const shown = messageText(currentCard(h, card));
      expect(shown).toMatch(/Approved\* by <@U0LEAD>/);
      expect(shown).toMatch(/second approver <@U0LEAD>/);
      expect(shown).toMatch(/MFA verified/);
      expect(buttonsOf(currentCard(h, card))).toEqual([]);
    }
  });
});

describe('two-person rule whose only named approver is the requester himself', () => {
  const POLICY = `
version: 1
rules:
  - id: branch-deletes-need-two
    tools: [github_delete_branch]
    repos: ["acme/*"]
    risk: critical
    approvers: [${ALICE}]
`;
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ policy: POLICY });
    h.github.seedDemo('octo-dev');
    await h.linkUser(ALICE);
  });
  afterAll(async () => h?.close());

  it('is refused outright: nobody else can approve, so nothing is asked and nothing runs', async () => {
    const { progressTs } = await mention(h, ALICE, 'delete branch stale/experiment in acme/widgets');
    const said = await threadSays(h, progressTs, /Not allowed/);
    expect(said).toMatch(/critical actions need a second approver and the policy names none/);
    expect(said).toMatch(/Nothing was done/);
    expect(dmsTo(h, ALICE)).toBe(0);
    expect(h.github.deletedBranches).toHaveLength(0);
  });
});

describe('the policy is checked again when an approval is used', () => {
  const POLICY = `
version: 1
rules:
  - id: widgets-merges-are-medium
    tools: [github_merge_pull_request]
    repos: ["acme/widgets"]
    risk: medium
    reason: "Merges in widgets only need the requester's say-so"
`;
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ policy: POLICY });
    h.github.seedDemo('octo-dev');
    await h.linkUser(ALICE);
  });
  afterAll(async () => h?.close());

  it('a merge lowered to medium risk is approved with a plain Approve button and then runs', async () => {
    const pr = pullIntoNewBranch(h, 'staging', 'Tune staging timeouts');
    const { progressTs } = await mention(h, ALICE, `merge PR #${pr} in acme/widgets`);
    await threadSays(h, progressTs, /Waiting for/);
    const card = await cardFor(h, ALICE);
    expect(messageText(card)).toMatch(/Risk\*\nMedium/);
    expect(buttonTexts(h, card)).toEqual(['Approve', 'Deny']);
    await click(h, card, 'Approve', ALICE);
    await threadSays(h, progressTs, /Merged/);
    expect(h.github.merges.filter((m) => m.number === pr)).toHaveLength(1);
  });

  it('when the base branch became protected after the card was sent, Approve merges nothing and the thread says the policy changed', async () => {
    const pr = pullIntoNewBranch(h, 'develop', 'Ship the develop changes');
    const { progressTs } = await mention(h, ALICE, `merge PR #${pr} in acme/widgets`);
    await threadSays(h, progressTs, /Waiting for/);
    const card = await cardFor(h, ALICE);
    expect(messageText(card)).toContain('`develop`');
    expect(buttonTexts(h, card)).toEqual(['Approve', 'Deny']);

    h.github.protectBranch('acme', 'widgets', 'develop');
    await click(h, card, 'Approve', ALICE);
    const said = await threadSays(h, progressTs, /policy changed/);
    expect(said).toMatch(/Nothing was done/);
    expect(said).toMatch(/MFA/);
    await sleep(200);
    expect(h.github.merges.filter((m) => m.number === pr)).toHaveLength(0);
    expect(h.github.requests.filter((r) => r.method === 'PUT' && r.path === `/repos/acme/widgets/pulls/${pr}/merge`)).toHaveLength(0);
  });
});

describe('CIBA: a merge approved in Auth0 Guardian', () => {
  const POLICY = `
version: 1
rules:
  - id: merges-on-the-phone
    tools: [github_merge_pull_request]
    repos: ["acme/*"]
    outcome: ciba
`;
  let h: Harness;
  const subs: Record<string, string> = {};
  beforeAll(async () => {
    h = await startHarness({ policy: POLICY });
    h.github.seedDemo('octo-dev');
    h.github.addBranch('acme', 'widgets', { name: 'develop' });
    for (const user of [ALICE, BOB, CAROL]) subs[user] = (await h.linkUser(user)).sub;
  });
  afterAll(async () => h?.close());

  /** Asks for a merge of a new PR into `develop` (unprotected: nothing raises CIBA to step-up). */
  async function requestMerge(user: string, title: string) {
    const pr = h.github.addPull('acme', 'widgets', { title, author: 'alice-gh', base: 'develop' });
    const { progressTs } = await mention(h, user, `merge PR #${pr} in acme/widgets`);
    const waiting = await threadSays(h, progressTs, /Waiting for/);
    const authReqId = h.ciba.lastAuthReqId!;
    return { pr, progressTs, waiting, authReqId };
  }

  it('asks Auth0 with a clean binding message for the requester, and an approval there merges exactly once', async () => {
    const before = h.auth0.requests.filter((r) => r.path === '/bc-authorize').length;
    const { pr, progressTs, waiting, authReqId } = await requestMerge(ALICE, 'Add (safe) retries → API');
    expect(waiting).toMatch(/Auth0 Guardian/);

    const starts = h.auth0.requests.filter((r) => r.path === '/bc-authorize');
    expect(starts).toHaveLength(before + 1);
    const sent = starts.at(-1)!;
    expect(sent.status).toBe(200);
    const binding = String(sent.params.binding_message);
    expect(binding).toMatch(BINDING_MESSAGE_RULE);
    expect(binding.length).toBeLessThanOrEqual(64);
    expect(binding).toMatch(new RegExp(`merge pull request #${pr} in acme widgets`));
    expect(JSON.parse(String(sent.params.login_hint))).toMatchObject({ format: 'iss_sub', sub: subs[ALICE] });
    expect(h.ciba.requests.get(authReqId)?.sub).toBe(subs[ALICE]);

    const card = await cardFor(h, ALICE);
    expect(buttonTexts(h, card)).toEqual(['Cancel request']);
    expect(h.github.merges).toHaveLength(0);

    await h.ciba.waitForPoll(authReqId, 1, 5000);
    expect(h.github.merges).toHaveLength(0);
    h.ciba.approve(authReqId);
    await threadSays(h, progressTs, /Merged/);
    expect(h.github.merges.filter((m) => m.number === pr)).toHaveLength(1);
    await vi.waitFor(() => expect(messageText(currentCard(h, card))).toMatch(/Approved\*/), { timeout: 5000 });

    // Polling ended with the approval; nothing runs a second time.
    const polls = h.ciba.polls(authReqId).length;
    await sleep(1500);
    expect(h.ciba.polls(authReqId)).toHaveLength(polls);
    expect(h.github.merges.filter((m) => m.number === pr)).toHaveLength(1);
  });

  it('a denial in Guardian leaves the PR unmerged and the thread says it was denied', async () => {
    const { pr, progressTs, authReqId } = await requestMerge(BOB, 'Refactor the cart');
    h.ciba.deny(authReqId);
    const said = await threadSays(h, progressTs, /Denied/);
    expect(said).toMatch(/was not done/);
    // Auth0 decided, not a Slack user: the thread must not show a broken mention of an internal id.
    expect(said).not.toMatch(/<@system>/);
    await sleep(300);
    expect(h.github.merges.filter((m) => m.number === pr)).toHaveLength(0);
  });

  it('"Cancel request" on the card cancels it, stops polling Auth0, and a later approval there changes nothing', async () => {
    const { pr, progressTs, authReqId } = await requestMerge(CAROL, 'Drop the legacy cache');
    const card = await cardFor(h, CAROL);
    const approvalId = buttonsOf(card).find((b) => b.text === 'Cancel request')!.value!;
    await h.ciba.waitForPoll(authReqId, 1, 5000);
    expect(await h.deps.ciba.get(approvalId)).toBeDefined();

    const { status } = await click(h, card, 'Cancel request', CAROL);
    expect(status).toBe(200);
    await vi.waitFor(() => expect(messageText(currentCard(h, card))).toMatch(/Cancelled\*/), { timeout: 5000 });
    expect(buttonsOf(currentCard(h, card))).toEqual([]);
    await threadSays(h, progressTs, /cancelled/i);
    await vi.waitFor(async () => expect(await h.deps.ciba.get(approvalId)).toBeUndefined(), { timeout: 5000 });

    h.ciba.approve(authReqId);
    await sleep(200);
    const polls = h.ciba.polls(authReqId).length;
    await sleep(2500);
    expect(h.ciba.polls(authReqId)).toHaveLength(polls);
    expect(h.github.merges.filter((m) => m.number === pr)).toHaveLength(0);
  });
});

describe('anomaly: a burst of high-risk requests from one person is refused', () => {
  const POLICY = `
version: 1
anomaly: { windowMinutes: 10, maxHighRisk: 2, action: deny }
`;
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ policy: POLICY });
    h.github.seedDemo('octo-dev');
    for (const name of ['tmp/one', 'tmp/two', 'tmp/three', 'tmp/bobs']) h.github.addBranch('acme', 'widgets', { name });
    await h.linkUser(ALICE);
    await h.linkUser(BOB);
  });
  afterAll(async () => h?.close());

  it('the third branch deletion in a row is refused without a card, naming the burst; another person is unaffected', async () => {
    for (const branch of ['tmp/one', 'tmp/two']) {
      const { progressTs } = await mention(h, ALICE, `delete branch ${branch} in acme/widgets`);
      await threadSays(h, progressTs, /Waiting for <@U0ALICE>/);
    }
    expect(dmsTo(h, ALICE)).toBe(2);

    const third = await mention(h, ALICE, 'delete branch tmp/three in acme/widgets');
    const said = await threadSays(h, third.progressTs, /Not allowed/);
    expect(said).toMatch(/unusually many high-risk requests \(3 in the last 10 minutes, more than 2\)/);
    expect(said).toMatch(/Nothing was done/);
    expect(threadHistory(h, third.progressTs).some((t) => /Waiting for/.test(t))).toBe(false);
    expect(dmsTo(h, ALICE)).toBe(2);

    const bob = await mention(h, BOB, 'delete branch tmp/bobs in acme/widgets');
    await threadSays(h, bob.progressTs, /Waiting for <@U0BOB>/);
    expect(buttonTexts(h, await cardFor(h, BOB))).toEqual(['Approve with MFA', 'Deny']);
    expect(h.github.deletedBranches).toHaveLength(0);
  });
});

/** Weekdays (as a policy file spells them) that are neither today nor in the next 12 hours in `zone`. */
function daysOtherThanNow(zone: string): string[] {
  const day = (at: Date) => new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short' }).format(at).slice(0, 3).toLowerCase();
  const now = Date.now();
  const busy = new Set([day(new Date(now)), day(new Date(now + 12 * 3_600_000))]);
  return ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].filter((d) => !busy.has(d));
}

const hoursPolicy = (outside: 'deny' | 'step_up') => `
version: 1
timezone: Pacific/Auckland
businessHours:
  days: [${daysOtherThanNow('Pacific/Auckland').join(', ')}]
  start: "00:00"
  end: "23:59"
  outside: ${outside}
`;

describe('business hours with outside: deny', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ policy: hoursPolicy('deny') });
    h.github.seedDemo('octo-dev');
    await h.linkUser(ALICE);
  });
  afterAll(async () => h?.close());

  it('a medium-risk action (first read of a private repository) outside the window is refused, naming business hours', async () => {
    const { progressTs } = await mention(h, ALICE, 'show issue #7 in acme/widgets');
    const said = await threadSays(h, progressTs, /Not allowed/);
    expect(said).toMatch(/outside business hours \(.*Pacific\/Auckland time\)/);
    expect(said).not.toContain('Widget API returns 500');
    expect(dmsTo(h, ALICE)).toBe(0);
    expect(h.github.requests.filter((r) => r.path === '/repos/acme/widgets/issues/7')).toHaveLength(0);
  });

  it('a low-risk action still runs outside the window', async () => {
    const { progressTs } = await mention(h, ALICE, 'list open pull requests in acme/gadgets');
    const said = await threadSays(h, progressTs, /There are no open pull requests in \*acme\/gadgets\*/);
    expect(said).not.toMatch(/Not allowed|business hours/);
  });
});

describe('business hours with outside: step_up', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ policy: hoursPolicy('step_up') });
    h.github.seedDemo('octo-dev');
    await h.linkUser(ALICE);
  });
  afterAll(async () => h?.close());

  it('the same first read outside the window asks for approval with MFA', async () => {
    const { progressTs } = await mention(h, ALICE, 'show issue #7 in acme/widgets');
    await threadSays(h, progressTs, /Waiting for <@U0ALICE>/);
    const card = await cardFor(h, ALICE);
    expect(messageText(card)).toMatch(/outside business hours/);
    expect(buttonTexts(h, card)).toEqual(['Approve with MFA', 'Deny']);
    expect(h.github.requests.filter((r) => r.path === '/repos/acme/widgets/issues/7')).toHaveLength(0);
  });
});

describe('private repository: the first read needs approval, once per person', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    h.github.seedDemo('octo-dev');
    await h.linkUser(ALICE);
    await h.linkUser(BOB);
  });
  afterAll(async () => h?.close());

  it('the first read waits for Approve; the next read of the same repository by the same person runs at once', async () => {
    const first = await mention(h, ALICE, 'show issue #7 in acme/widgets');
    await threadSays(h, first.progressTs, /Waiting for <@U0ALICE>/);
    const card = await cardFor(h, ALICE);
    expect(messageText(card)).toMatch(/first read of private repository acme\/widgets/);
    expect(buttonTexts(h, card)).toEqual(['Approve', 'Deny']);
    await click(h, card, 'Approve', ALICE);
    await threadSays(h, first.progressTs, /Widget API returns 500 on empty cart/);
    const cards = dmsTo(h, ALICE);

    const again = await mention(h, ALICE, 'show issue #7 in acme/widgets');
    await threadSays(h, again.progressTs, /Widget API returns 500 on empty cart/);
    expect(threadHistory(h, again.progressTs).some((t) => /Waiting for/.test(t))).toBe(false);
    expect(dmsTo(h, ALICE)).toBe(cards);
  });

  it('another person still needs their own approval for their first read', async () => {
    const { progressTs } = await mention(h, BOB, 'show issue #7 in acme/widgets');
    await threadSays(h, progressTs, /Waiting for <@U0BOB>/);
    const card = await cardFor(h, BOB);
    expect(buttonTexts(h, card)).toEqual(['Approve', 'Deny']);
  });
});

describe('deny by policy', () => {
  const POLICY = `
version: 1
rules:
  - id: release-train
    tools: [github_merge_pull_request]
    repos: ["acme/*"]
    outcome: deny
    reason: "Merges in acme go through the release train"
`;
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ policy: POLICY });
    h.github.seedDemo('octo-dev');
    await h.linkUser(ALICE);
  });
  afterAll(async () => h?.close());

  it('a merge the policy forbids is refused in the thread with the rule’s reason; no card, nothing merged', async () => {
    const { progressTs } = await mention(h, ALICE, 'merge PR #1 in acme/widgets');
    const said = await threadSays(h, progressTs, /Not allowed/);
    expect(said).toContain('Merges in acme go through the release train');
    expect(said).toMatch(/Nothing was done/);
    expect(threadHistory(h, progressTs).some((t) => /Waiting for/.test(t))).toBe(false);
    expect(h.slack.callsTo('chat.postMessage').filter((c) => String(c.params.channel).startsWith('D'))).toHaveLength(0);
    expect(h.github.merges).toHaveLength(0);
    expect(h.github.requests.filter((r) => r.method === 'PUT')).toHaveLength(0);
  });
});
