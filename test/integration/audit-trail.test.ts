import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/audit/chain.js';
import { dumpRedis, expectSecretAbsent } from '../support/canary.js';
import { type Harness, READS_ALLOWED_POLICY, startHarness, TEAM } from '../support/harness.js';
import { buttonsOf, cardFor, mention, messageText, passStepUp, threadSays } from '../support/slack-user.js';

const ALICE = 'U0ALICE';

describe('every agent action leaves a record, written before it acts', () => {
  let h: Harness;
  let alice: { sub: string; refreshToken: string };
  beforeAll(async () => {
    h = await startHarness({ policy: READS_ALLOWED_POLICY });
    h.github.seedDemo('octo-dev');
    alice = await h.linkUser(ALICE);
  });
  afterAll(async () => h?.close());

  it('a merge with approval and MFA is recorded step by step, each record following from the one before, in an intact chain', async () => {
    const { progressTs } = await mention(h, ALICE, 'merge PR #1 in acme/widgets');
    await threadSays(h, progressTs, /Waiting for/);
    const card = await cardFor(h, ALICE);
    await passStepUp(h, buttonsOf(card).find((b) => b.text === 'Approve with MFA')!.url!, { sub: alice.sub, amr: ['pwd', 'mfa'] });
    await threadSays(h, progressTs, /Merged/);

    const records = await h.deps.audit.read(TEAM);
    const kinds = records.map((r) => r.kind);
    for (const kind of ['request', 'policy_decision', 'approval_requested', 'step_up', 'token_exchange', 'tool_call_started', 'tool_call_finished'])
      expect(kinds).toContain(kind);
    const byId = new Map(records.map((r) => [r.id, r]));
    const finished = records.find((r) => r.kind === 'tool_call_finished' && r.tool === 'github_merge_pull_request')!;
    expect(finished.outcome).toBe('ok');
    expect(finished.target).toBe('acme/widgets#1');
    // finished ← started ← approval decision/request ← policy decision ← the person's request
    const started = byId.get(finished.causeId!)!;
    expect(started.kind).toBe('tool_call_started');
    // Written before the call: the record's time precedes the merge request GitHub received.
    const mergeRequest = h.github.requests.find((r) => r.method === 'PUT' && r.path === '/repos/acme/widgets/pulls/1/merge')!;
    expect(Date.parse(started.at)).toBeLessThanOrEqual(mergeRequest.at);
    expect(started.seq).toBeLessThan(finished.seq);
    const asked = byId.get(started.causeId!)!;
    expect(asked.kind).toBe('approval_requested');
    const decided = byId.get(asked.causeId!)!;
    expect(decided).toMatchObject({ kind: 'policy_decision', decision: 'step_up' });
    expect(byId.get(decided.causeId!)).toMatchObject({ kind: 'request', userId: ALICE });
    expect(records.find((r) => r.kind === 'step_up')).toMatchObject({ approvalId: asked.approvalId, userId: ALICE });
    expect(records.find((r) => r.kind === 'token_exchange')).toMatchObject({ connection: 'github' });
    expect(verifyChain(records)).toMatchObject({ ok: true, count: records.length });
  });

  it('no token or secret can be found in any audit record of the run', async () => {
    const records = JSON.stringify(await h.deps.audit.read(TEAM));
    const stream = await dumpRedis(h.store.redis, `${h.store.keys.prefix}:audit`);
    for (const t of h.auth0.issuedTokens) expectSecretAbsent(t.token, { records, stream });
    expectSecretAbsent(alice.refreshToken, { records, stream });
    expectSecretAbsent(h.auth0.clientSecret, { records, stream });
    expectSecretAbsent('xoxb-test-bot-token', { records, stream });
  });

  it('a token pasted into a request is not written to the audit trail', async () => {
    const { progressTs } = await mention(h, ALICE, 'list open pull requests in acme/widgets ghp_pastedByMistake0123456789abcdefghijkl');
    await threadSays(h, progressTs, /open pull request/);
    expect(JSON.stringify(await h.deps.audit.read(TEAM))).not.toContain('ghp_pastedByMistake0123456789abcdefghijkl');
  });

  it('when the audit record cannot be written, nothing is done and the person is told why', async () => {
    // Break the workspace's audit stream the way a failing store would: writes to it now fail.
    const key = h.deps.audit.streamKey(TEAM);
    const saved = await h.store.redis.dumpBuffer(key);
    await h.store.redis.del(key);
    await h.store.redis.set(key, 'not a stream');
    try {
      const githubBefore = h.github.requests.length;
      const delivery = await mention(h, ALICE, 'list open pull requests in acme/widgets');
      const reply = await h.slack.waitFor(
        (c) => c.api === 'chat.postMessage' && c.params.thread_ts === delivery.ts && /audit record/.test(messageText(c)),
        10_000,
      );
      expect(messageText(reply)).toMatch(/couldn't write the audit record, so I did nothing/);
      expect(h.github.requests.length).toBe(githubBefore);
    } finally {
      await h.store.redis.del(key);
      if (saved) await h.store.redis.restore(key, 0, saved);
    }
  });

  it('an approved action whose "about to act" record cannot be written is not performed', async () => {
    const { progressTs } = await mention(h, ALICE, 'delete branch stale/experiment in acme/widgets');
    await threadSays(h, progressTs, /Waiting for/);
    const card = await cardFor(h, ALICE);
    const key = h.deps.audit.streamKey(TEAM);
    const saved = await h.store.redis.dumpBuffer(key);
    await h.store.redis.del(key);
    await h.store.redis.set(key, 'not a stream');
    try {
      await passStepUp(h, buttonsOf(card).find((b) => b.text === 'Approve with MFA')!.url!, { sub: alice.sub, amr: ['pwd', 'mfa'] });
      await threadSays(h, progressTs, /couldn't write the audit record, so I did nothing/);
      expect(h.github.deletedBranches).toHaveLength(0);
    } finally {
      await h.store.redis.del(key);
      if (saved) await h.store.redis.restore(key, 0, saved);
    }
  });
});
