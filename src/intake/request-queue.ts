import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { type LiveRun, type LiveRuns, RUNS_SLOT } from '../agent/live-runs.js';
import type { AgentRequest } from '../slack/handle-agent-request.js';
import type { Keys } from '../store/keys.js';
import { luaScript } from '../store/lua-script.js';
import type { LoopLoad } from './loop-load.js';

/**
 * Requests acked but not started yet, kept in Redis and shared by every bot process.
 *
 * Slack is acked before any agent work, and that work used to wait in the acking process's
 * memory: a burst starved the event loop (acks at 1,000 mentions/s took seconds) and a process
 * that died lost everything it had acked. Here a request is queued in Redis after its ack; any
 * process takes it, one process once (an atomic pop), and starts it at once. A process takes new
 * work only while its event loop has room, so under a burst the queue grows in Redis instead of
 * delaying acks, and drains when the burst is over. A full queue refuses new requests, and the
 * person is told; a dead process loses none of the requests still waiting.
 *
 * Taking a request starts its live-run lease (src/agent/live-runs.ts) in the same atomic step, so
 * from the moment it leaves the queue until its handler ends, a process that dies is noticed and
 * the thread is told: no request is ever between the two and lost silently.
 */

export interface QueuedRequest {
  id: string;
  request: AgentRequest;
  /** Epoch ms when it was queued: a request that waited too long is reported, not run. */
  queuedAt: number;
}

/** 'duplicate': this Slack delivery (event_id) was queued before: a retry or a replay, dropped. */
export type EnqueueResult = 'queued' | 'full' | 'duplicate';

export interface QueueHandlers {
  /** Runs a request taken by this process; each request is taken by one process, once. `live` is its lease (ended after). */
  run(job: QueuedRequest, live: LiveRun): Promise<void>;
  /** A request that waited longer than `maxWaitMs` (say, every process was down): report it, don't run it. */
  stale(job: QueuedRequest, waitedMs: number): Promise<void>;
}

export interface RequestQueue {
  /**
   * Queues a request for whichever process has room; 'full' means it was not queued. With a
   * `deliveryId` (Slack's event_id), the delivery is claimed in the same atomic step, so a retried
   * delivery is queued once across every process, and a claimed delivery is never left unqueued.
   */
  enqueue(request: AgentRequest, options?: { deliveryId?: string }): Promise<EnqueueResult>;
  /** Starts taking requests in this process. */
  start(handlers: QueueHandlers): Promise<void>;
  /** Stops taking requests; resolves when those running here are done (or after `drainMs`). */
  stop(): Promise<void>;
  /** Requests waiting, across every process. */
  depth(): Promise<number>;
  /** Requests running in this process. */
  readonly running: number;
}

// KEYS: waiting (zset by arrival), jobs (hash), sequence, delivery claim.
// ARGV: id, payload, capacity, wake channel, whether to claim the delivery, claim lifetime (s).
// Only the first request after a lull wakes the processes: a process that has room keeps taking
// until the queue is empty, and a busy one takes again as its runs finish.
const ENQUEUE = luaScript(`
if ARGV[5] == '1' and not redis.call('SET', KEYS[4], '1', 'NX', 'EX', ARGV[6]) then return 2 end
local waiting = redis.call('ZCARD', KEYS[1])
if waiting >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], redis.call('INCR', KEYS[3]), ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
if waiting == 0 then redis.call('PUBLISH', ARGV[4], '1') end
return 1`);

// KEYS: waiting, jobs, run leases, run details. ARGV: lease end (epoch ms).
// The oldest request, removed in the same step, so two processes never both take it; its lease starts here too.
const TAKE = luaScript(`
local ids = redis.call('ZRANGE', KEYS[1], 0, 0)
if #ids == 0 then return false end
local id = ids[1]
redis.call('ZREM', KEYS[1], id)
local payload = redis.call('HGET', KEYS[2], id)
redis.call('HDEL', KEYS[2], id)
if not payload then return false end
local r = cjson.decode(payload).request
redis.call('HSET', KEYS[4], id, cjson.encode({who = r.who, channel = r.channel, threadTs = r.threadTs}))
redis.call('ZADD', KEYS[3], ARGV[1], id)
return payload`);

/** Longer than Slack's whole retry schedule, and than a captured request's five-minute replay window. */
const DELIVERY_MEMORY_SECONDS = 24 * 60 * 60;

export function createRequestQueue({
  redis,
  keys,
  logger,
  runs,
  load,
  concurrency = 64,
  maxLagMs = 10,
  capacity = 10_000,
  startMoreBelow = 0.8,
  startFirstBelow = 0.95,
  pollMs = 100,
  drainMs = 10_000,
  maxWaitMs = 10 * 60 * 1000,
  now = Date.now,
}: {
  redis: Redis;
  keys: Keys;
  logger: Logger;
  /** Leases of running requests: taking one starts its lease. */
  runs: Pick<LiveRuns, 'adopt' | 'leaseKeys'>;
  /** This process's event loop: its utilization decides when work starts, its lag how much may run at once. */
  load: Pick<LoopLoad, 'utilization' | 'lagMs'>;
  /** Most requests running at once in one process (agent runs mostly wait on the network). */
  concurrency?: number;
  /** The loop lag (ms) above which the number of requests allowed to run at once is halved. */
  maxLagMs?: number;
  /** Most requests waiting across all processes; beyond it, requests are refused. */
  capacity?: number;
  /** Below this utilization, requests start up to `concurrency`. */
  startMoreBelow?: number;
  /** Below this one, a process with nothing running starts one request. Above it, acks take the whole loop. */
  startFirstBelow?: number;
  /** How often an idle process looks for work it was not woken for (a lost wake-up, a busy spell ending). */
  pollMs?: number;
  drainMs?: number;
  maxWaitMs?: number;
  now?: () => number;
}): RequestQueue {
  // One hash tag, the leases' too: the scripts touch several keys, which Redis Cluster allows only within one slot.
  const waiting = keys.key('request-queue', RUNS_SLOT, 'waiting');
  const jobs = keys.key('request-queue', RUNS_SLOT, 'jobs');
  const sequence = keys.key('request-queue', RUNS_SLOT, 'sequence');
  const { leases, details, leaseMs } = runs.leaseKeys;
  const wake = keys.key('channel', 'request-queue');

  let handle: QueueHandlers | undefined;
  let running = 0;
  /**
   * How many may run at once now, adapted every poll (additive increase, multiplicative decrease):
   * runs waiting on a slow model leave the loop idle and the limit climbs toward `concurrency`;
   * runs busy on the CPU make callbacks wait, and the limit drops until acks stop waiting.
   */
  let limit = Math.min(8, concurrency);
  const adapt = () => {
    if (load.lagMs() > maxLagMs) limit = Math.max(1, Math.floor(limit / 2));
    else if (running >= limit) limit = Math.min(concurrency, limit + 1);
  };
  let taking = false;
  let wokenWhileTaking = false;
  let poll: NodeJS.Timeout | undefined;
  let subscriber: Redis | undefined;
  const drained = new Set<() => void>();

  const hasRoom = () => {
    if (handle === undefined || running >= limit) return false;
    const busy = load.utilization();
    return busy < startMoreBelow || (running === 0 && busy < startFirstBelow);
  };

  /** Takes requests while this process has room; concurrent calls fold into the one already taking. */
  const take = async (): Promise<void> => {
    if (taking) {
      wokenWhileTaking = true;
      return;
    }
    taking = true;
    try {
      do {
        wokenWhileTaking = false;
        while (hasRoom()) {
          const handler = handle!;
          const raw = (await TAKE(redis, [waiting, jobs, leases, details], [String(Date.now() + leaseMs)])) as string | null;
          if (!raw) break;
          begin(raw, handler); // taken means ours: it runs even if stop() came meanwhile
        }
      } while (wokenWhileTaking && hasRoom());
    } catch (err) {
      logger.warn({ err }, 'could not take queued requests; trying again shortly');
    } finally {
      taking = false;
    }
  };

  const begin = (raw: string, handler: QueueHandlers) => {
    let job: QueuedRequest;
    try {
      job = JSON.parse(raw) as QueuedRequest;
    } catch (err) {
      logger.error({ err }, 'dropped an unreadable queued request');
      return;
    }
    running++;
    const live = runs.adopt(job.id, job.request);
    const waited = now() - job.queuedAt;
    void (waited > maxWaitMs ? handler.stale(job, waited) : handler.run(job, live))
      .catch((err) => logger.error({ err, job: job.id }, 'a queued request failed'))
      .finally(async () => {
        await live.end();
        running--;
        if (running === 0) for (const done of drained) done();
        void take();
      });
  };

  return {
    async enqueue(request, { deliveryId } = {}) {
      const job: QueuedRequest = { id: randomUUID(), request, queuedAt: now() };
      const claim = keys.key('request-queue', RUNS_SLOT, 'delivery', deliveryId ?? '-');
      const args = [job.id, JSON.stringify(job), String(capacity), wake, deliveryId ? '1' : '0', String(DELIVERY_MEMORY_SECONDS)];
      const result = await ENQUEUE(redis, [waiting, jobs, sequence, claim], args);
      return result === 1 ? 'queued' : result === 2 ? 'duplicate' : 'full';
    },
    async start(handlers) {
      handle = handlers;
      subscriber = redis.duplicate({ enableOfflineQueue: true });
      subscriber.on('error', (err) => logger.warn({ err: { message: err.message } }, 'request-queue wake-up connection problem'));
      subscriber.on('message', () => void take());
      await subscriber.subscribe(wake);
      poll = setInterval(() => {
        adapt();
        void take();
      }, pollMs);
      poll.unref();
      await take();
    },
    async stop() {
      handle = undefined;
      if (poll) clearInterval(poll);
      subscriber?.disconnect();
      if (running === 0) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          drained.delete(done);
          resolve();
        };
        const timer = setTimeout(done, drainMs);
        drained.add(done);
      });
    },
    depth: () => redis.zcard(waiting),
    get running() {
      return running;
    },
  };
}
