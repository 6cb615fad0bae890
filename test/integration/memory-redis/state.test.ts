import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ApprovalRecord, approvalIdFor, createApprovalStore } from '../../../src/approvals/approval-store.js';
import type { CibaClient } from '../../../src/approvals/ciba/ciba-client.js';
import { type CibaPoller, type CibaResult, createCibaPoller } from '../../../src/approvals/ciba/ciba-poller.js';
import { createMemoryRedis } from '../../../src/demo/memory-redis.js';
import { createRevocations } from '../../../src/identity/revocations.js';
import { createRedisGateFacts } from '../../../src/policy/gate.js';
import { createEventDedupe } from '../../../src/slack/middleware/dedupe-events.js';
import { createKeys } from '../../../src/store/keys.js';
import { acquireLock } from '../../../src/store/lock.js';
import { createTrackedReads } from '../../../src/store/tracked-reads.js';
import { silentLogger } from '../audit/support.js';

/** The real state modules (their Lua scripts, MULTI batches, SET NX, pub/sub) on demo mode's in-memory engine. */
const keys = createKeys('agenthub-demo');
const ALICE = { teamId: 'T0001', userId: 'U0ALICE' };
let redis: Redis;

beforeEach(() => {
  redis = createMemoryRedis();
});
afterEach(() => {
  redis.disconnect();
});

function approvalFields(id: string): Omit<ApprovalRecord, 'version' | 'status' | 'cards'> {
  const now = Date.now();
  return {
    id,
    teamId: ALICE.teamId,
    requesterId: ALICE.userId,
    threadId: 'T0001:C1:1700000000.000100',
    channel: 'C1',
    threadTs: '1700000000.000100',
    tool: 'github_merge_pull_request',
    service: 'github',
    args: { repo: 'acme/widgets', number: 7 },
    argsHash: 'h',
    description: 'merge pull request #7 in acme/widgets',
    scopes: ['repo'],
    risk: 'high',
    reason: 'Merging changes the default branch',
    outcome: 'approve',
    requirements: { requesterApproval: true, stepUp: false, ciba: false },
    preview: [],
    createdAt: now,
    expiresAt: now + 600_000,
  };
}

describe('approval store', () => {
  it('creates a record once, then decides it with compare-and-set', async () => {
    const approvals = createApprovalStore({ redis, keys });
    const id = approvalIdFor('thread-1', 'call-1');
    expect((await approvals.ensure(approvalFields(id))).created).toBe(true);
    expect((await approvals.ensure(approvalFields(id))).created).toBe(false);
    expect((await approvals.pendingFor(ALICE.teamId, ALICE.userId)).map((r) => r.id)).toEqual([id]);

    expect(await approvals.decide(id, 'approve', 'U0MALLORY')).toMatchObject({ result: 'forbidden' });
    expect(await approvals.decide(id, 'approve', ALICE.userId)).toMatchObject({ result: 'updated', final: true, record: { status: 'approved', version: 2 } });
    expect(await approvals.decide(id, 'deny', ALICE.userId)).toMatchObject({ result: 'not_pending', record: { status: 'approved' } });
    expect(await approvals.pendingFor(ALICE.teamId, ALICE.userId)).toEqual([]);
    expect(await approvals.decide('apv_missing', 'approve', ALICE.userId)).toEqual({ result: 'not_found' });
  });

  it('concurrent updates all land (the CAS script retries on a version change)', async () => {
    const approvals = createApprovalStore({ redis, keys });
    const id = approvalIdFor('thread-2', 'call-1');
    await approvals.ensure(approvalFields(id));
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        approvals.update(id, (r) => ({ cards: [...r.cards, { role: 'requester', userId: 'U', channel: 'D', ts: String(i) }] })),
      ),
    );
    const stored = await approvals.get(id);
    expect(stored?.cards).toHaveLength(10);
    expect(stored?.version).toBe(11);
  });

  it('grants the right to execute to exactly one of 20 concurrent claims, across connections', async () => {
    const approvals = [createApprovalStore({ redis, keys }), createApprovalStore({ redis: redis.duplicate(), keys })];
    const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => approvals[i % 2]!.claimExecution('apv_once')));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });
});

describe('locks, dedupe and gate facts', () => {
  it('a lock is held until released, and release never frees a lock someone else took', async () => {
    const first = await acquireLock(redis, 'lock:turn:1', 60_000);
    expect(first).toBeDefined();
    expect(await acquireLock(redis, 'lock:turn:1', 60_000)).toBeUndefined();
    await first!.release();
    const second = await acquireLock(redis, 'lock:turn:1', 60_000);
    expect(second).toBeDefined();
    await first!.release(); // stale owner: must not free the second holder's lock
    expect(await acquireLock(redis, 'lock:turn:1', 60_000)).toBeUndefined();
  });

  it('a lock expires by itself', async () => {
    expect(await acquireLock(redis, 'lock:short', 30)).toBeDefined();
    await new Promise((r) => setTimeout(r, 60));
    expect(await acquireLock(redis, 'lock:short', 30)).toBeDefined();
  });

  it('a Slack event delivered twice is handled once', async () => {
    const dedupe = createEventDedupe({ redis, keys, logger: silentLogger(), onStateUnavailable: async () => {} });
    const handled: string[] = [];
    const deliver = (eventId: string) =>
      // The slice of Bolt's middleware arguments the dedupe reads.
      dedupe({ body: { event_id: eventId }, context: {}, next: async () => void handled.push(eventId) } as unknown as Parameters<typeof dedupe>[0]);
    await Promise.all([deliver('Ev1'), deliver('Ev1'), deliver('Ev2')]);
    await deliver('Ev1');
    expect(handled.sort()).toEqual(['Ev1', 'Ev2']);
  });

  it('counts high-risk requests in the window, each request once (MULTI with ZADD NX)', async () => {
    const facts = createRedisGateFacts({ redis, keys });
    const now = new Date();
    expect(await facts.countHighRisk(ALICE, { now, windowMs: 60_000, requestId: 'r1' })).toBe(1);
    expect(await facts.countHighRisk(ALICE, { now: new Date(now.getTime() + 10), windowMs: 60_000, requestId: 'r2' })).toBe(2);
    expect(await facts.countHighRisk(ALICE, { now: new Date(now.getTime() + 20), windowMs: 60_000, requestId: 'r1' })).toBe(1);
    expect(await facts.countHighRisk(ALICE, { now: new Date(now.getTime() + 30), windowMs: 60_000 })).toBe(3);
    await facts.rememberPrivateRead(ALICE, 'Acme/Secret');
    expect(await facts.privateReadAuthorized(ALICE, 'acme/secret')).toBe(true);
  });
});

describe('revocations', () => {
  it('a revocation is refused at once and broadcast to a subscriber on a duplicated connection', async () => {
    // The stand-in cannot track reads: tracking says so once, and every read goes to it.
    const reads = createTrackedReads({ redis, logger: silentLogger(), canaryKey: keys.key('tracking-canary', 'memory') });
    await reads.start();
    expect(reads.state).toBe('unsupported');
    const revocations = createRevocations({ redis, keys, logger: silentLogger(), reads });
    const heard: unknown[] = [];
    const subscription = await revocations.subscribe((who, scope) => heard.push({ ...who, scope }));
    await revocations.revoke(ALICE, 'github');
    await expect(revocations.assertActive(ALICE, 'github')).rejects.toMatchObject({ code: 'revoked' });
    expect(await revocations.isRevoked(ALICE, 'google')).toBe(false);
    await vi.waitFor(() => expect(heard).toEqual([{ ...ALICE, scope: 'github' }]));
    await revocations.clear(ALICE, 'github');
    expect(await revocations.isRevoked(ALICE, 'github')).toBe(false);
    await subscription.close();
    await reads.close();
  });
});

describe('CIBA poller', () => {
  let clock: number;
  let answers: Array<Awaited<ReturnType<CibaClient['poll']>>>;
  let polled: string[];
  let results: Array<{ id: string; result: CibaResult }>;
  let poller: CibaPoller;

  beforeEach(() => {
    clock = Date.now();
    answers = [];
    polled = [];
    results = [];
    poller = createCibaPoller({
      redis,
      keys,
      logger: silentLogger(),
      now: () => clock,
      // Auth0's answers in order; the poller's Redis side is what is under test here.
      client: {
        poll: async (authReqId) => {
          polled.push(authReqId);
          return answers.shift() ?? { status: 'pending' };
        },
      },
      onResult: async (request, result) => void results.push({ id: request.id, result }),
    });
  });

  const enqueue = (id: string) => poller.enqueue({ id, authReqId: `auth-${id}`, intervalSeconds: 5, expiresAt: clock + 120_000, payload: { tool: 'merge' } });

  it('reschedules a pending request, raises the interval on slow_down, and reports approval once', async () => {
    await enqueue('req-1');
    await expect(enqueue('req-1')).rejects.toThrow(/already pending/);
    expect(await poller.tick()).toBe(0); // not due yet
    clock += 5_000;
    expect(await poller.tick()).toBe(1);
    expect(await poller.get('req-1')).toMatchObject({ intervalSeconds: 5, nextPollAt: clock + 5_000, payload: { tool: 'merge' } });

    answers.push({ status: 'slow_down' });
    clock += 5_000;
    await poller.tick();
    expect(await poller.get('req-1')).toMatchObject({ intervalSeconds: 10, nextPollAt: clock + 10_000 });

    answers.push({ status: 'approved' });
    clock += 10_000;
    await poller.tick();
    expect(results).toEqual([{ id: 'req-1', result: { status: 'approved' } }]);
    expect(await poller.get('req-1')).toBeUndefined();
    expect(await poller.cancel('req-1')).toBe(false);
    expect(polled).toEqual(['auth-req-1', 'auth-req-1', 'auth-req-1']);
  });

  it('a cancel racing the claim yields exactly one result', async () => {
    await enqueue('req-2');
    const outcomes = await Promise.all([poller.cancel('req-2'), poller.cancel('req-2'), poller.cancel('req-2')]);
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect(results).toEqual([{ id: 'req-2', result: { status: 'cancelled', message: 'Cancelled before it was answered.' } }]);
  });
});
