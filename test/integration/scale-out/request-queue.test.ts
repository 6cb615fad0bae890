import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLiveRuns, type InterruptedRun, interruptedRunText, type LiveRuns } from '../../../src/agent/live-runs.js';
import { createRequestQueue, type QueuedRequest, type RequestQueue } from '../../../src/intake/request-queue.js';
import { createTestRedis, type TestRedis } from '../../support/redis.js';
import { settle } from './fleet-policy.js';

const request = (n: number) => ({ who: { teamId: 'T0001', userId: 'U0QUEUE' }, channel: 'C0001', threadTs: `${n}.0001`, text: `request ${n}` });

/** Resolves once `check` holds, polling; fails with `what` after `ms`. */
async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await settle(10);
  }
}

describe('the request queue: acked requests wait in Redis for any process with room', () => {
  let store: TestRedis;
  const started: RequestQueue[] = [];
  const leases: LiveRuns[] = [];
  beforeAll(async () => {
    store = await createTestRedis();
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((q) => q.stop()));
    for (const l of leases.splice(0)) l.stop();
    const keys = await store.redis.keys(`${store.keys.prefix}:request-queue:*`);
    if (keys.length) await store.redis.del(...keys);
  });
  afterAll(async () => store?.close());

  /** One process's run leases; what its sweeps report lands in `reports`. */
  function processLeases(reports: InterruptedRun[] = [], leaseMs = 10_000) {
    const runs = createLiveRuns({
      redis: store.redis,
      keys: store.keys,
      logger: pino({ level: 'silent' }),
      leaseMs,
      report: async (r) => void reports.push(r),
    });
    leases.push(runs);
    return runs;
  }

  /** One bot process's queue. `busy` stands for its event loop's utilization (0–1), `lag` for its lag in ms. */
  function processQueue(
    options: { busy?: () => number; lag?: () => number; capacity?: number; concurrency?: number; pollMs?: number; now?: () => number; runs?: LiveRuns } = {},
  ) {
    const { busy = () => 0, lag = () => 0, runs = processLeases(), ...rest } = options;
    return createRequestQueue({
      redis: store.redis,
      keys: store.keys,
      logger: pino({ level: 'silent' }),
      runs,
      load: { utilization: busy, lagMs: lag },
      ...rest,
    });
  }

  /** Starts `queue` taking requests; each run records its text and takes `ms`. */
  async function serve(queue: RequestQueue, ran: string[], { ms = 0, stale = [] as string[], active = { now: 0, max: 0 } } = {}) {
    started.push(queue);
    await queue.start({
      run: async (job: QueuedRequest) => {
        active.max = Math.max(active.max, ++active.now);
        await settle(ms);
        ran.push(job.request.text);
        active.now--;
      },
      stale: async (job) => void stale.push(job.request.text),
    });
    return active;
  }

  it('requests acked by a process that died before taking them are run by another process, in order, once each', async () => {
    const acking = processQueue(); // acks and queues, then dies: it never takes anything
    for (let n = 1; n <= 5; n++) expect(await acking.enqueue(request(n))).toBe('queued');
    expect(await acking.depth()).toBe(5);

    const ran: string[] = [];
    await serve(processQueue(), ran);
    await until(() => ran.length === 5, 'the five requests');
    expect(ran).toEqual(['request 1', 'request 2', 'request 3', 'request 4', 'request 5']);
    expect(await acking.depth()).toBe(0);
  });

  it('three processes taking from one queue run each of 60 requests exactly once, and share them', async () => {
    const ranBy = [[], [], []] as string[][];
    const processes = ranBy.map(() => processQueue());
    await Promise.all(processes.map((q, i) => serve(q, ranBy[i]!, { ms: 5 })));
    const asker = processQueue();
    await Promise.all(Array.from({ length: 60 }, (_, n) => asker.enqueue(request(n))));
    await until(() => ranBy.flat().length === 60, 'sixty runs');
    await settle(300);
    const all = ranBy.flat();
    expect(all).toHaveLength(60);
    expect(new Set(all).size).toBe(60);
    expect(ranBy.filter((r) => r.length > 0).length).toBeGreaterThan(1);
  });

  it('an idle process is woken by another process’s request at once, without waiting for its poll', async () => {
    const ran: string[] = [];
    await serve(processQueue({ pollMs: 60_000 }), ran);
    const at = Date.now();
    await processQueue().enqueue(request(7));
    await until(() => ran.length === 1, 'the woken run', 2000);
    expect(Date.now() - at).toBeLessThan(1000);
  });

  it('while its event loop is busy, a process runs one request at a time; the rest wait in Redis and start when it has room', async () => {
    let busy = 0.9;
    const ran: string[] = [];
    const queue = processQueue({ busy: () => busy, pollMs: 20 });
    const active = await serve(queue, ran, { ms: 30 });
    for (let n = 1; n <= 6; n++) await queue.enqueue(request(n));
    await until(() => ran.length === 3, 'three runs under load');
    expect(active.max).toBe(1);
    busy = 0.1;
    for (let n = 7; n <= 12; n++) await queue.enqueue(request(n));
    await until(() => ran.length === 12, 'the rest once there is room');
    expect(active.max).toBeGreaterThan(1);
  });

  it('a process whose event loop is saturated by acks starts nothing; its requests wait for a process with room', async () => {
    const ran: string[] = [];
    const saturated = processQueue({ busy: () => 1, pollMs: 20 });
    await serve(saturated, ran);
    for (let n = 1; n <= 3; n++) await saturated.enqueue(request(n));
    await settle(200);
    expect(ran).toEqual([]);
    const helper: string[] = [];
    await serve(processQueue(), helper);
    await until(() => helper.length === 3, 'the other process to run them');
    expect(ran).toEqual([]);
  });

  it('runs fewer at once while its event loop lags, and more again once it keeps up', async () => {
    let lag = 50;
    const ran: string[] = [];
    const queue = processQueue({ lag: () => lag, pollMs: 20, concurrency: 16 });
    const active = await serve(queue, ran, { ms: 60 });
    await settle(150); // a few polls with a lagging loop: the limit halves down to one
    for (let n = 1; n <= 6; n++) await queue.enqueue(request(n));
    await until(() => ran.length === 6, 'six runs while lagging');
    expect(active.max).toBe(1);
    lag = 0;
    active.max = 0;
    for (let n = 7; n <= 40; n++) await queue.enqueue(request(n));
    await until(() => ran.length === 40, 'the rest once the loop keeps up');
    expect(active.max).toBeGreaterThan(2);
  });

  it('never runs more than its concurrency at once', async () => {
    const ran: string[] = [];
    const queue = processQueue({ concurrency: 3 });
    const active = await serve(queue, ran, { ms: 40 });
    await Promise.all(Array.from({ length: 12 }, (_, n) => queue.enqueue(request(n))));
    await until(() => ran.length === 12, 'twelve runs');
    expect(active.max).toBe(3);
  });

  it('a Slack delivery (event_id) is queued once across processes, however often it is delivered', async () => {
    const processes = [processQueue(), processQueue(), processQueue()];
    const results = await Promise.all(Array.from({ length: 9 }, (_, n) => processes[n % 3]!.enqueue(request(1), { deliveryId: 'Ev0REPLAYED' })));
    expect(results.filter((r) => r === 'queued')).toHaveLength(1);
    expect(results.filter((r) => r === 'duplicate')).toHaveLength(8);
    expect(await processes[0]!.enqueue(request(2), { deliveryId: 'Ev0OTHER' })).toBe('queued');
    expect(await processes[0]!.depth()).toBe(2);
  });

  it('a full queue refuses new requests and keeps the ones it holds', async () => {
    const queue = processQueue({ capacity: 3 });
    const results = [];
    for (let n = 1; n <= 5; n++) results.push(await queue.enqueue(request(n)));
    expect(results).toEqual(['queued', 'queued', 'queued', 'full', 'full']);
    const ran: string[] = [];
    await serve(processQueue(), ran);
    await until(() => ran.length === 3, 'the three held requests');
    expect(ran).toEqual(['request 1', 'request 2', 'request 3']);
  });

  it('a request that waited longer than ten minutes is reported, not run', async () => {
    const past = processQueue({ now: () => Date.now() - 11 * 60 * 1000 });
    await past.enqueue(request(1));
    await processQueue().enqueue(request(2));
    const ran: string[] = [];
    const stale: string[] = [];
    await serve(processQueue(), ran, { stale });
    await until(() => ran.length + stale.length === 2, 'both requests handled');
    expect(stale).toEqual(['request 1']);
    expect(ran).toEqual(['request 2']);
  });

  it('a process that dies right after taking a request (before any step) is noticed: its thread is told once, by another process', async () => {
    const dyingLeases = processLeases([], 300);
    const dying = processQueue({ runs: dyingLeases });
    started.push(dying);
    const taken: string[] = [];
    // Its handler never gets anywhere: the process is about to die.
    await dying.start({
      run: (job) => {
        taken.push(job.id);
        return new Promise(() => {});
      },
      stale: async () => {},
    });
    await processQueue().enqueue(request(1));
    await until(() => taken.length === 1, 'the request to be taken');
    dyingLeases.stop(); // SIGKILL: no more lease renewals, and its handler never ends
    await settle(400);
    const reports: InterruptedRun[] = [];
    const survivors = [processLeases(reports), processLeases(reports)];
    const claimed = await Promise.all(survivors.map((l) => l.sweep()));
    expect(claimed.reduce((a, b) => a + b, 0)).toBe(1);
    expect(reports).toEqual([{ who: request(1).who, channel: 'C0001', threadTs: '1.0001' }]);
    expect(interruptedRunText(reports[0]!)).toMatch(
      /<@U0QUEUE>, your request here was interrupted: .* stopped before it began any action\. Please ask again\./,
    );
  });

  it('a request handled to the end leaves no lease behind', async () => {
    const reports: InterruptedRun[] = [];
    const ran: string[] = [];
    const queue = processQueue({ runs: processLeases([], 200) });
    await serve(queue, ran);
    await queue.enqueue(request(1));
    await until(() => ran.length === 1, 'the run');
    await settle(500);
    expect(await processLeases(reports).sweep()).toBe(0);
    expect(reports).toEqual([]);
  });

  it('stop() lets the requests already running finish, and takes no more', async () => {
    const ran: string[] = [];
    const queue = processQueue({ concurrency: 1 });
    await serve(queue, ran, { ms: 100 });
    await queue.enqueue(request(1));
    await queue.enqueue(request(2));
    await until(() => queue.running === 1, 'the first run to start');
    await queue.stop();
    expect(ran).toEqual(['request 1']);
    await settle(300);
    expect(ran).toEqual(['request 1']);
    expect(await queue.depth()).toBe(1);
  });
});
