/**
 * CIBA approvals end to end: our client against the HTTPS fake Auth0 (test/fakes/auth0-ciba.ts)
 * and the durable poller on real Redis. Real-time tests use interval 1 s; the slow_down tests
 * share a virtual clock between the poller and a second fake, so +5 s costs nothing.
 */
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { BINDING_MESSAGE_PATTERN } from '../../../src/approvals/ciba/binding-message.js';
import { CIBA_GRANT_TYPE, type CibaClient, CibaError, createCibaClient } from '../../../src/approvals/ciba/ciba-client.js';
import {
  type CibaPoller,
  type CibaPollerOptions,
  type CibaRequest,
  type CibaResult,
  cibaRequestFromStart,
  createCibaPoller,
} from '../../../src/approvals/ciba/ciba-poller.js';
import { createRedis, waitForRedis } from '../../../src/store/redis.js';
import { type CibaStep, type FakeCiba, installCiba } from '../../fakes/auth0-ciba.js';
import { FakeAuth0, type FakeAuth0Info } from '../../fakes/fake-auth0.js';
import { createCapturedLogger } from '../../support/log-capture.js';
import { createTestRedis, type TestRedis } from '../../support/redis.js';

const SUB = 'auth0|ciba-user';
const RAW_MESSAGE = 'Merge PR #42? (acme/api) → main!';
const INTERVAL_MS = 1000;

const captured = createCapturedLogger('debug');
let fake: FakeAuth0;
let ciba: FakeCiba;
let info: FakeAuth0Info;
let tr: TestRedis;
let client: CibaClient;
const pollers: CibaPoller[] = [];
const extraRedis: Redis[] = [];
let seq = 0;

interface Reported {
  by: string;
  request: CibaRequest;
  result: CibaResult;
}
const reported: Reported[] = [];
const resultsFor = (id: string) => reported.filter((r) => r.request.id === id);

function newClient(overrides: Partial<Parameters<typeof createCibaClient>[0]> = {}): CibaClient {
  return createCibaClient({ domain: info.domain, clientId: fake.clientId, clientSecret: fake.clientSecret, ...overrides });
}

async function newRedis(): Promise<Redis> {
  const r = createRedis(tr.url);
  await waitForRedis(r);
  extraRedis.push(r);
  return r;
}

function newPoller(opts: Partial<CibaPollerOptions> & { name?: string } = {}): CibaPoller {
  const { name = 'p', ...rest } = opts;
  const p = createCibaPoller({
    redis: tr.redis,
    keys: tr.keys,
    client,
    logger: captured.logger,
    tickMs: 25,
    onResult: async (request, result) => {
      reported.push({ by: name, request, result });
    },
    ...rest,
  });
  pollers.push(p);
  return p;
}

/** Starts a CIBA request at the fake (scripted when `steps` is given) and enqueues it. */
async function startAndEnqueue(poller: CibaPoller, steps?: CibaStep[], c: CibaClient = client): Promise<CibaRequest> {
  if (steps) ciba.script('next', steps);
  const startedAt = Date.now();
  const start = await c.start({ auth0Sub: SUB, bindingMessage: RAW_MESSAGE });
  const request = cibaRequestFromStart({ id: `req-${++seq}`, start, payload: { thread: 'T1:C1:1700000000.000100', tool: 'merge_pr' }, startedAt });
  await poller.enqueue(request);
  return request;
}

async function waitForResult(id: string, timeout = 8000): Promise<Reported> {
  return vi.waitFor(
    () => {
      const r = resultsFor(id)[0];
      if (!r) throw new Error(`no result for ${id} yet`);
      return r;
    },
    { timeout, interval: 20 },
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);
const timing: Record<string, unknown> = {};

beforeAll(async () => {
  fake = new FakeAuth0();
  fake.addUser({ sub: SUB, refreshToken: 'rt-ciba-user', connections: {} });
  fake.addUser({ sub: 'auth0|no-guardian', refreshToken: 'rt-no-guardian', connections: {} });
  ciba = installCiba(fake, { interval: 1 });
  ciba.withoutGuardian('auth0|no-guardian');
  info = await fake.start();
  tr = await createTestRedis();
  client = newClient();
});

beforeEach(() => {
  ciba.configure({ interval: 1, expiresIn: undefined, enforceInterval: true });
});

afterEach(async () => {
  await Promise.all(pollers.splice(0).map((p) => p.stop()));
});

afterAll(async () => {
  // Timing figures for the report.
  console.log('[ciba timing]', JSON.stringify(timing));
  for (const r of extraRedis) r.disconnect();
  await tr?.close();
  await fake?.stop();
});

describe('CIBA client: wire format', () => {
  it('start sends the form of auth0.md §4.2 with a sanitized message, iss_sub login_hint and no empty audience', async () => {
    const res = await client.start({ auth0Sub: SUB, bindingMessage: RAW_MESSAGE });
    expect(res).toEqual({ authReqId: expect.stringMatching(/^cibareq_/), expiresIn: 300, interval: 1 });

    const rec = fake.requests.filter((r) => r.path === '/bc-authorize').at(-1)!;
    expect(rec.status).toBe(200);
    expect(rec.method).toBe('POST');
    expect(rec.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.keys(rec.params).sort()).toEqual(['binding_message', 'client_id', 'client_secret', 'login_hint', 'requested_expiry', 'scope']);
    expect(rec.rawBody).not.toMatch(/(^|&)audience=/);
    expect(rec.params).toMatchObject({
      client_id: fake.clientId,
      client_secret: fake.clientSecret,
      scope: 'openid',
      requested_expiry: '300',
      binding_message: 'Merge PR #42 acme api main',
    });
    expect(rec.params.login_hint).toBe(`{"format":"iss_sub","iss":"${info.issuer}","sub":"${SUB}"}`);
    expect(JSON.parse(String(rec.params.login_hint))).toEqual({ format: 'iss_sub', iss: `https://${info.domain}/`, sub: SUB });

    // The same request with the raw text is what Auth0 (and the fake) refuse.
    expect(BINDING_MESSAGE_PATTERN.test(RAW_MESSAGE)).toBe(false);
    const raw = await fetch(`${info.url}/bc-authorize`, {
      method: 'POST',
      body: new URLSearchParams({ ...(rec.params as Record<string, string>), binding_message: RAW_MESSAGE }),
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('sends audience only when configured, always includes openid, and passes requested_expiry', async () => {
    const withAudience = newClient({ audience: 'https://agenthub.example/api' });
    await withAudience.start({ auth0Sub: SUB, bindingMessage: 'Deploy web', scope: 'merge:pr', requestedExpiry: 120 });
    const rec = fake.requests.filter((r) => r.path === '/bc-authorize').at(-1)!;
    expect(rec.params).toMatchObject({ audience: 'https://agenthub.example/api', scope: 'openid merge:pr', requested_expiry: '120' });
    expect(ciba.requests.get(ciba.lastAuthReqId!)?.expiresAt).toBeGreaterThan(0);
  });

  it('uses interval 5 when Auth0 sends none', async () => {
    ciba.configure({ interval: null });
    expect((await client.start({ auth0Sub: SUB, bindingMessage: 'x' })).interval).toBe(5);
  });

  it('turns start errors into CibaError with Auth0 error, description and a sentence for the user', async () => {
    const noPush = await client.start({ auth0Sub: 'auth0|no-guardian', bindingMessage: 'Merge' }).catch((e: unknown) => e);
    expect(noPush).toBeInstanceOf(CibaError);
    expect(noPush).toMatchObject({ error: 'invalid_request', errorDescription: expect.stringMatching(/push/), status: 400, transient: false });
    expect((noPush as CibaError).userMessage).toMatch(/Guardian/);

    const unknown = await client.start({ auth0Sub: 'auth0|nobody', bindingMessage: 'Merge' }).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ error: 'unknown_user_id', status: 400 });

    const badSecret = await newClient({ clientSecret: 'wrong-secret' })
      .start({ auth0Sub: SUB, bindingMessage: 'Merge' })
      .catch((e: unknown) => e);
    expect(badSecret).toMatchObject({ error: 'access_denied', status: 401, transient: false });
    expect(String((badSecret as Error).message)).not.toContain('wrong-secret');

    fake.once('POST /bc-authorize', { status: 503, body: 'upstream down' });
    const down = await client.start({ auth0Sub: SUB, bindingMessage: 'Merge' }).catch((e: unknown) => e);
    expect(down).toMatchObject({ status: 503, transient: true, code: 'upstream_unavailable' });
  });

  it('poll maps every Auth0 answer, honours Retry-After and never returns tokens', async () => {
    ciba.configure({ enforceInterval: false });
    const cases: Array<[CibaStep, unknown]> = [
      ['pending', { status: 'pending' }],
      [
        { outcome: 'slow_down', retryAfter: 7 },
        { status: 'slow_down', retryAfterSeconds: 7 },
      ],
      ['denied', { status: 'denied', message: expect.stringMatching(/denied.*expired/) }],
      ['expired', { status: 'expired', message: expect.any(String) }],
      ['invalid_grant', { status: 'error', message: expect.any(String) }],
      ['approved', { status: 'approved' }],
    ];
    for (const [step, expected] of cases) {
      ciba.script('next', [step]);
      const { authReqId } = await client.start({ auth0Sub: SUB, bindingMessage: 'Map' });
      const result = await client.poll(authReqId);
      expect(result).toEqual(expected);
      if (step === 'approved') {
        // Single use after success, and nothing but the status came back.
        expect(Object.keys(result)).toEqual(['status']);
        expect(await client.poll(authReqId)).toMatchObject({ status: 'error' });
      }
    }
    const rec = fake.requests.filter((r) => r.path === '/oauth/token' && r.grantType === CIBA_GRANT_TYPE).at(-1)!;
    expect(Object.keys(rec.params).sort()).toEqual(['auth_req_id', 'client_id', 'client_secret', 'grant_type']);
    expect(rec.contentType).toMatch(/^application\/x-www-form-urlencoded/);

    expect(await client.poll('cibareq_unknown')).toMatchObject({ status: 'error' });
    expect(await newClient({ clientSecret: 'wrong' }).poll('cibareq_unknown')).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/credentials/),
    });

    fake.once((r) => r.grantType === CIBA_GRANT_TYPE, { status: 502, body: '<html>bad gateway</html>' });
    await expect(client.poll('cibareq_any')).rejects.toMatchObject({ name: 'CibaError', transient: true, status: 502 });
  });

  it('the fake answers slow_down with Retry-After (new interval) to a poll sooner than the interval', async () => {
    const { authReqId } = await client.start({ auth0Sub: SUB, bindingMessage: 'Too fast' });
    expect(await client.poll(authReqId)).toEqual({ status: 'slow_down', retryAfterSeconds: 6 });
    expect(ciba.requests.get(authReqId)?.interval).toBe(6);
  });
});

describe('CIBA poller on real Redis (interval 1 s)', () => {
  it('pending → pending → approved: polls spaced ≥ interval and exactly one onResult', async () => {
    const poller = newPoller();
    poller.start();
    const request = await startAndEnqueue(poller, ['pending', 'pending', 'approved']);
    const status = await poller.get(request.id);
    expect(status).toEqual({ id: request.id, intervalSeconds: 1, nextPollAt: expect.any(Number), expiresAt: request.expiresAt, payload: request.payload });
    expect(status).not.toHaveProperty('authReqId');

    const r = await waitForResult(request.id);
    expect(r.result).toEqual({ status: 'approved' });
    expect(r.request).toEqual(request);

    const fakeReq = ciba.requests.get(request.authReqId)!;
    const times = ciba.polls(request.authReqId);
    expect(times).toHaveLength(3);
    expect(times[0]! - fakeReq.createdAt).toBeGreaterThanOrEqual(INTERVAL_MS);
    for (const g of gaps(times)) expect(g).toBeGreaterThanOrEqual(INTERVAL_MS);
    expect(ciba.pollLog(request.authReqId).map((p) => p.outcome)).toEqual(['pending', 'pending', 'approved']);
    timing.firstPollAfterStartMs = times[0]! - fakeReq.createdAt;
    timing.approvedFlowGapsMs = gaps(times);

    await sleep(1200);
    expect(ciba.polls(request.authReqId)).toHaveLength(3);
    expect(resultsFor(request.id)).toHaveLength(1);
    expect(await poller.get(request.id)).toBeUndefined();
    expect(await tr.redis.exists(tr.keys.key('ciba-request', '{ciba}', request.id))).toBe(0);
  });

  it('denial → one onResult("denied")', async () => {
    const poller = newPoller();
    poller.start();
    const request = await startAndEnqueue(poller, ['pending']);
    await ciba.waitForPoll(request.authReqId, 1);
    ciba.deny(request.authReqId);
    const r = await waitForResult(request.id);
    expect(r.result).toEqual({ status: 'denied', message: expect.stringMatching(/denied/) });
    expect(ciba.polls(request.authReqId)).toHaveLength(2);
    await sleep(300);
    expect(resultsFor(request.id)).toHaveLength(1);
  });

  it('expiry (expires_in 2, always pending) → "expired" without a final HTTP call, and no further polls', async () => {
    ciba.configure({ expiresIn: 2 });
    const poller = newPoller();
    poller.start();
    const request = await startAndEnqueue(poller);
    const r = await waitForResult(request.id);
    expect(r.result).toEqual({ status: 'expired', message: expect.any(String) });
    const reportedAt = Date.now();
    expect(reportedAt).toBeGreaterThanOrEqual(request.expiresAt);
    timing.expiredReportedAfterExpiresAtMs = reportedAt - request.expiresAt;
    const polls = ciba.pollLog(request.authReqId);
    expect(polls.map((p) => p.outcome)).toEqual(['pending']);
    await sleep(1200);
    expect(ciba.polls(request.authReqId)).toHaveLength(1);
    expect(resultsFor(request.id)).toHaveLength(1);
  });

  it('cancel → one onResult("cancelled"), idempotent, and no further polls', async () => {
    const poller = newPoller();
    poller.start();
    const request = await startAndEnqueue(poller);
    await ciba.waitForPoll(request.authReqId, 1);
    expect(await poller.cancel(request.id)).toBe(true);
    expect(await poller.cancel(request.id)).toBe(false);
    expect(resultsFor(request.id).map((r) => r.result.status)).toEqual(['cancelled']);
    await sleep(1300);
    expect(ciba.polls(request.authReqId)).toHaveLength(1);
    expect(resultsFor(request.id)).toHaveLength(1);
    expect(await poller.get(request.id)).toBeUndefined();
  });

  it('cancel racing an in-flight poll that comes back approved → exactly one result', async () => {
    const poller = newPoller();
    poller.start();
    const request = await startAndEnqueue(poller, [{ outcome: 'approved', delayMs: 400 }]);
    // The fake records a poll before its delayed answer leaves: the poll is in flight now.
    await ciba.waitForPoll(request.authReqId, 1);
    expect(await poller.cancel(request.id)).toBe(true);
    await sleep(700);
    expect(ciba.pollLog(request.authReqId).map((p) => p.outcome)).toEqual(['approved']);
    expect(resultsFor(request.id).map((r) => r.result.status)).toEqual(['cancelled']);
  });

  it('two pollers on one Redis: every poll made by exactly one of them, spacing kept, one result per request', async () => {
    const byPoller: Array<{ poller: string; authReqId: string }> = [];
    const tagged = (name: string): CibaClient => {
      const c = newClient();
      return {
        start: c.start,
        poll: (id) => {
          byPoller.push({ poller: name, authReqId: id });
          return c.poll(id);
        },
      };
    };
    const a = newPoller({ name: 'A', redis: await newRedis(), client: tagged('A'), tickMs: 10 });
    const b = newPoller({ name: 'B', redis: await newRedis(), client: tagged('B'), tickMs: 10 });
    a.start();
    b.start();
    const requests = await Promise.all([1, 2, 3, 4].map(() => startAndEnqueue(a, ['pending', 'pending', 'approved'])));
    await Promise.all(requests.map((r) => waitForResult(r.id)));
    await sleep(300);

    const minGaps: number[] = [];
    for (const r of requests) {
      const log = ciba.pollLog(r.authReqId);
      expect(log.map((p) => p.outcome)).toEqual(['pending', 'pending', 'approved']);
      expect(byPoller.filter((p) => p.authReqId === r.authReqId)).toHaveLength(3);
      const g = gaps(log.map((p) => p.at));
      for (const x of g) expect(x).toBeGreaterThanOrEqual(INTERVAL_MS);
      minGaps.push(...g);
      expect(resultsFor(r.id)).toHaveLength(1);
    }
    timing.twoPollers = {
      polls: byPoller.length,
      byA: byPoller.filter((p) => p.poller === 'A').length,
      byB: byPoller.filter((p) => p.poller === 'B').length,
      resultsByA: reported.filter((r) => r.by === 'A').length,
      resultsByB: reported.filter((r) => r.by === 'B').length,
      minGapMs: Math.min(...minGaps),
      maxGapMs: Math.max(...minGaps),
    };
  });

  it('a poller stopped mid-request hands over to a new one (new client, same Redis prefix): one result', async () => {
    const redisA = await newRedis();
    const first = newPoller({ name: 'first', redis: redisA, client: newClient() });
    first.start();
    const request = await startAndEnqueue(first, ['pending', 'pending', 'approved']);
    await ciba.waitForPoll(request.authReqId, 1);
    await first.stop();
    redisA.disconnect();
    const stoppedAt = Date.now();

    const second = newPoller({ name: 'second', redis: await newRedis(), client: newClient() });
    second.start();
    const r = await waitForResult(request.id);
    expect(r.by).toBe('second');
    expect(r.result.status).toBe('approved');
    const times = ciba.polls(request.authReqId);
    expect(times).toHaveLength(3);
    expect(times[1]!).toBeGreaterThan(stoppedAt);
    for (const g of gaps(times)) expect(g).toBeGreaterThanOrEqual(INTERVAL_MS);
    await sleep(200);
    expect(resultsFor(request.id)).toHaveLength(1);
    timing.handoverGapsMs = gaps(times);
  });

  it('logs no auth_req_id, client secret or token, and onResult never sees a token', () => {
    const text = captured.text();
    expect(text).toMatch(/CIBA request finished/);
    expect(ciba.requests.size).toBeGreaterThan(5);
    for (const id of ciba.requests.keys()) expect(text).not.toContain(id);
    expect(text).not.toContain(fake.clientSecret);
    expect(ciba.issuedTokens.length).toBeGreaterThan(0);
    for (const t of ciba.issuedTokens) expect(text).not.toContain(t);
    expect(text).not.toMatch(/CIBA_(AT|ID)_CANARY|eyJhbGci/);
    const results = JSON.stringify(reported.map((r) => r.result));
    for (const t of ciba.issuedTokens) expect(results).not.toContain(t);
  });
});

describe('CIBA poller with a virtual clock shared with the fake', () => {
  const clock = { t: Date.UTC(2030, 0, 1) };
  const now = () => clock.t;
  let fake2: FakeAuth0;
  let ciba2: FakeCiba;
  let client2: CibaClient;
  const advance = (ms: number) => {
    clock.t += ms;
  };

  beforeAll(async () => {
    fake2 = new FakeAuth0();
    fake2.addUser({ sub: SUB, refreshToken: 'rt-2', connections: {} });
    ciba2 = installCiba(fake2, { interval: 1, now });
    const i2 = await fake2.start();
    client2 = createCibaClient({ domain: i2.domain, clientId: fake2.clientId, clientSecret: fake2.clientSecret });
  });

  afterAll(async () => {
    await fake2?.stop();
  });

  async function enqueueScripted(poller: CibaPoller, steps: CibaStep[]): Promise<CibaRequest> {
    ciba2.script('next', steps);
    const startedAt = now();
    const start = await client2.start({ auth0Sub: SUB, bindingMessage: RAW_MESSAGE });
    const request = cibaRequestFromStart({ id: `vreq-${++seq}`, start, payload: {}, startedAt });
    await poller.enqueue(request);
    return request;
  }

  it('slow_down adds 5 s to the interval for this and every later poll (persisted), and the fake never sees a poll too early', async () => {
    const poller = newPoller({ client: client2, now });
    const request = await enqueueScripted(poller, ['pending', 'slow_down', 'pending', 'pending', 'approved']);
    const t0 = now();
    const key = tr.keys.key('ciba-request', '{ciba}', request.id);

    expect(await poller.tick()).toBe(0); // not due yet
    advance(1000);
    expect(await poller.tick()).toBe(1); // pending
    expect(await poller.tick()).toBe(0);
    advance(1000);
    expect(await poller.tick()).toBe(1); // slow_down
    const afterSlowDown = await poller.get(request.id);
    expect(afterSlowDown?.intervalSeconds).toBe(6);
    expect(await tr.redis.hget(key, 'intervalSeconds')).toBe('6');
    expect(afterSlowDown?.nextPollAt).toBeGreaterThanOrEqual(now() + 6000);

    advance(5999);
    expect(await poller.tick()).toBe(0); // still inside the raised interval
    advance(1);
    expect(await poller.tick()).toBe(1); // pending, next in 6 s again
    expect((await poller.get(request.id))?.nextPollAt).toBe(now() + 6000);
    advance(6000);
    expect(await poller.tick()).toBe(1); // pending
    advance(6000);
    expect(await poller.tick()).toBe(1); // approved

    const log = ciba2.pollLog(request.authReqId);
    expect(log.map((p) => p.outcome)).toEqual(['pending', 'slow_down', 'pending', 'pending', 'approved']);
    expect(log.map((p) => p.at - t0)).toEqual([1000, 2000, 8000, 14000, 20000]);
    expect(gaps(log.map((p) => p.at))).toEqual([1000, 6000, 6000, 6000]);
    expect(resultsFor(request.id).map((r) => r.result.status)).toEqual(['approved']);
  });

  it('a Retry-After longer than the raised interval is honoured for that poll only', async () => {
    const poller = newPoller({ client: client2, now });
    const request = await enqueueScripted(poller, [{ outcome: 'slow_down', retryAfter: 20 }, 'pending', 'approved']);
    advance(1000);
    expect(await poller.tick()).toBe(1);
    expect(await poller.get(request.id)).toMatchObject({ intervalSeconds: 6, nextPollAt: now() + 20_000 });
    advance(19_999);
    expect(await poller.tick()).toBe(0);
    advance(1);
    expect(await poller.tick()).toBe(1);
    expect((await poller.get(request.id))?.nextPollAt).toBe(now() + 6000);
    advance(6000);
    expect(await poller.tick()).toBe(1);
    expect(resultsFor(request.id).map((r) => r.result.status)).toEqual(['approved']);
  });

  it('a transient failure (502) keeps the request and retries after the interval', async () => {
    const poller = newPoller({ client: client2, now });
    const request = await enqueueScripted(poller, ['approved']);
    fake2.once((r) => r.grantType === CIBA_GRANT_TYPE, { status: 502, body: 'bad gateway' });
    advance(1000);
    expect(await poller.tick()).toBe(1);
    expect(resultsFor(request.id)).toHaveLength(0);
    expect((await poller.get(request.id))?.nextPollAt).toBe(now() + 1000);
    advance(1000);
    expect(await poller.tick()).toBe(1);
    expect(resultsFor(request.id).map((r) => r.result.status)).toEqual(['approved']);
    expect(captured.text()).toMatch(/CIBA poll failed; will retry/);
  });

  it('schedules the last poll no later than expiresAt and reports expiry there without an HTTP call', async () => {
    ciba2.configure({ expiresIn: 3, interval: 2 });
    try {
      const poller = newPoller({ client: client2, now });
      const request = await enqueueScripted(poller, []);
      advance(2000);
      expect(await poller.tick()).toBe(1); // pending; next would be +2 s but expiry is at +3 s
      expect((await poller.get(request.id))?.nextPollAt).toBe(request.expiresAt);
      advance(1000);
      expect(await poller.tick()).toBe(0);
      expect(resultsFor(request.id).map((r) => r.result.status)).toEqual(['expired']);
      expect(ciba2.polls(request.authReqId)).toHaveLength(1);
    } finally {
      ciba2.configure({ expiresIn: undefined, interval: 1 });
    }
  });

  it('skips a request whose lock another process holds, and rejects a duplicate enqueue', async () => {
    const poller = newPoller({ client: client2, now });
    const request = await enqueueScripted(poller, ['approved']);
    await expect(poller.enqueue(request)).rejects.toThrow(/already pending/);
    const lockKey = tr.keys.key('lock', 'ciba', request.id);
    await tr.redis.set(lockKey, 'other-process', 'PX', 10_000);
    advance(1000);
    expect(await poller.tick()).toBe(0);
    expect(ciba2.polls(request.authReqId)).toHaveLength(0);
    await tr.redis.del(lockKey);
    expect(await poller.tick()).toBe(1);
    expect(resultsFor(request.id).map((r) => r.result.status)).toEqual(['approved']);
  });
});
