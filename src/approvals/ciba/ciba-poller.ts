/**
 * Durable CIBA poller shared by every AgentHub process (auth0.md §8.6, reliability.md §2.7).
 *
 * Redis layout (keys.ts):
 * - `ciba-request:{ciba}:<id>` hash: id, authReqId, intervalSeconds, expiresAt (ms), payload (JSON)
 * - `ciba-schedule:{ciba}` ZSET: member = id, score = next poll time (ms)
 * - `lock:ciba:<id>`: SET NX PX while one process polls that request
 * The `{ciba}` hash tag keeps the hash and the schedule in one cluster slot for the Lua scripts
 * (reliability.md §7.4).
 *
 * Rules:
 * - Polls of one request are spaced ≥ its interval. The interval starts at Auth0's (5 s when
 *   absent) and grows by 5 s on every `slow_down`, persisted, so it holds for all later polls and
 *   for every process; a `Retry-After` longer than the interval is honoured for that poll.
 * - One process polls a given request at a time: a per-request lock, then a re-check of the
 *   schedule under the lock (another process may have just polled and rescheduled it).
 * - Exactly one result per request: "remove from the schedule + delete the hash" is one Lua step
 *   and only the caller whose ZREM returned 1 reports. A cancel racing a poll therefore yields
 *   one result, whichever wins. A reschedule uses ZADD XX, so it never revives a finished request.
 * - Past `expiresAt`, the request ends as 'expired' without another HTTP call; the last poll is
 *   scheduled no later than `expiresAt` so expiry is reported on time.
 * - Transient failures (network, timeout, 5xx, Redis errors) keep the request and retry after
 *   the interval; only Auth0's definitive answers and expiry end it.
 *
 * Delivery is at most once: a process that dies between claiming a result and finishing
 * `onResult` loses that result (the request is already gone), which fails closed (nothing runs).
 *
 * Never logged: auth_req_id, payload, tokens (the client never returns them).
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../../logger.js';
import type { Keys } from '../../store/keys.js';
import { acquireLock } from '../../store/lock.js';
import { type CibaClient, type CibaStartResult, DEFAULT_INTERVAL_SECONDS } from './ciba-client.js';

export interface CibaRequest {
  /** Our id (e.g. the pending tool call); unique among pending requests. */
  id: string;
  authReqId: string;
  intervalSeconds: number;
  /** Epoch ms after which Auth0 no longer answers. */
  expiresAt: number;
  /** Whatever the caller needs to act on the result (thread, tool call, Slack message …). */
  payload: Record<string, unknown>;
}

export type CibaOutcome = 'approved' | 'denied' | 'expired' | 'cancelled' | 'error';

export interface CibaResult {
  status: CibaOutcome;
  message?: string;
}

/** For status displays: no auth_req_id on purpose. */
export interface CibaRequestStatus {
  id: string;
  intervalSeconds: number;
  /** Epoch ms of the next poll (`undefined` if the request is finishing right now). */
  nextPollAt: number | undefined;
  expiresAt: number;
  payload: Record<string, unknown>;
}

export interface CibaPollerOptions {
  redis: Redis;
  keys: Keys;
  client: Pick<CibaClient, 'poll'>;
  logger: Logger;
  /** Called exactly once per request (unless the process dies mid-report, see above). */
  onResult: (request: CibaRequest, result: CibaResult) => Promise<void>;
  now?: () => number;
  tickMs?: number;
  /** Due requests handled per tick (default 20). */
  batchSize?: number;
  /** Per-request poll lock; must exceed the client timeout (default 30 s). */
  lockTtlMs?: number;
}

export interface CibaPoller {
  /** Stores the request and schedules its first poll at now + interval. Throws if the id is pending already. */
  enqueue(request: CibaRequest): Promise<void>;
  /** Stops polling and reports 'cancelled'; `false` if the request had already finished (no second result). */
  cancel(id: string, message?: string): Promise<boolean>;
  get(id: string): Promise<CibaRequestStatus | undefined>;
  /** One pass over due requests; resolves to the number of polls made (tests drive it directly). */
  tick(): Promise<number>;
  start(): void;
  /** Stops the loop and waits for the tick in progress, which releases its locks. */
  stop(): Promise<void>;
}

/** Turns a `start()` answer into a request. `startedAt` = time before the HTTP call (conservative expiry). */
export function cibaRequestFromStart(args: { id: string; start: CibaStartResult; payload: Record<string, unknown>; startedAt: number }): CibaRequest {
  return {
    id: args.id,
    authReqId: args.start.authReqId,
    intervalSeconds: args.start.interval,
    expiresAt: args.startedAt + args.start.expiresIn * 1000,
    payload: args.payload,
  };
}

export const SLOW_DOWN_INCREMENT_SECONDS = 5;
/** Keeps every CIBA key in one cluster slot. */
const SLOT = '{ciba}';
/** A request hash outlives its expiry by this much, as a leak guard if no poller runs at all. */
const HASH_GRACE_MS = 24 * 3600 * 1000;

/** KEYS: schedule, hash · ARGV: id, score, pexpireat, ...hash fields → 1 stored, 0 already pending. */
const ENQUEUE = `
if redis.call('exists', KEYS[2]) == 1 or redis.call('zscore', KEYS[1], ARGV[1]) then return 0 end
redis.call('hset', KEYS[2], unpack(ARGV, 4))
redis.call('pexpireat', KEYS[2], ARGV[3])
redis.call('zadd', KEYS[1], ARGV[2], ARGV[1])
return 1`;

/** KEYS: schedule, hash · ARGV: id → the hash (flat) if this caller removed the request, else nil. */
const CLAIM = `
if redis.call('zrem', KEYS[1], ARGV[1]) == 1 then
  local h = redis.call('hgetall', KEYS[2])
  redis.call('del', KEYS[2])
  return h
end
return false`;

/** KEYS: schedule, hash · ARGV: id, score, interval → 1, or 0 when the request is gone (finished/cancelled). */
const RESCHEDULE = `
if not redis.call('zscore', KEYS[1], ARGV[1]) or redis.call('exists', KEYS[2]) == 0 then return 0 end
redis.call('hset', KEYS[2], 'intervalSeconds', ARGV[3])
redis.call('zadd', KEYS[1], 'XX', ARGV[2], ARGV[1])
return 1`;

export function createCibaPoller(opts: CibaPollerOptions): CibaPoller {
  const { redis, keys, client, onResult } = opts;
  const now = opts.now ?? Date.now;
  const tickMs = opts.tickMs ?? 250;
  const batchSize = opts.batchSize ?? 20;
  const lockTtlMs = opts.lockTtlMs ?? 30_000;
  const log = opts.logger.child({ component: 'ciba-poller' });

  const scheduleKey = keys.key('ciba-schedule', SLOT);
  const hashKey = (id: string) => keys.key('ciba-request', SLOT, id);
  const lockKey = (id: string) => keys.key('lock', 'ciba', id);

  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<number> | undefined;
  let failing = false;

  async function claimAndReport(id: string, result: CibaResult): Promise<boolean> {
    const flat = (await redis.eval(CLAIM, 2, scheduleKey, hashKey(id), id)) as string[] | null;
    if (!flat) return false;
    const request = fromHash(flat);
    if (!request) {
      log.warn({ cibaId: id, status: result.status }, 'CIBA request finished but its record was unreadable; result dropped');
      return true;
    }
    log.info({ cibaId: id, status: result.status }, 'CIBA request finished');
    try {
      await onResult(request, result);
    } catch (err) {
      log.error({ err, cibaId: id, status: result.status }, 'CIBA onResult failed');
    }
    return true;
  }

  async function reschedule(request: CibaRequest, intervalSeconds: number, retryAfterSeconds = 0): Promise<number | undefined> {
    const t = now();
    const nextAt = Math.min(t + Math.max(intervalSeconds, retryAfterSeconds) * 1000, request.expiresAt);
    const ok = await redis.eval(RESCHEDULE, 2, scheduleKey, hashKey(request.id), request.id, String(nextAt), String(intervalSeconds));
    return ok === 1 ? nextAt : undefined;
  }

  /** Polls one due request if this process gets it; resolves to whether an HTTP poll was made. */
  async function processOne(id: string): Promise<boolean> {
    const lock = await acquireLock(redis, lockKey(id), lockTtlMs);
    if (!lock) return false;
    try {
      const [[, scoreRaw] = [], [, hash] = []] = ((await redis.multi().zscore(scheduleKey, id).hgetall(hashKey(id)).exec()) ?? []) as Array<
        [Error | null, unknown]
      >;
      // Gone, or another process polled and rescheduled it between our range read and the lock.
      if (scoreRaw === null || scoreRaw === undefined || Number(scoreRaw) > now()) return false;
      const request = fromHash(hash);
      if (!request) {
        await redis.zrem(scheduleKey, id);
        log.warn({ cibaId: id }, 'CIBA request record missing or unreadable; dropped from the schedule');
        return false;
      }
      if (now() >= request.expiresAt) {
        await claimAndReport(id, { status: 'expired', message: 'The approval request expired before it was answered.' });
        return false;
      }

      let result: Awaited<ReturnType<CibaClient['poll']>>;
      try {
        result = await client.poll(request.authReqId);
      } catch (err) {
        const nextAt = await reschedule(request, request.intervalSeconds);
        log.warn({ err, cibaId: id, nextPollAt: nextAt }, 'CIBA poll failed; will retry');
        return true;
      }

      switch (result.status) {
        case 'pending': {
          const nextAt = await reschedule(request, request.intervalSeconds);
          if (nextAt === undefined) log.debug({ cibaId: id }, 'CIBA request finished elsewhere while polling (e.g. cancelled); not rescheduled');
          else log.debug({ cibaId: id, nextPollAt: nextAt }, 'CIBA approval pending');
          break;
        }
        case 'slow_down': {
          const interval = request.intervalSeconds + SLOW_DOWN_INCREMENT_SECONDS;
          const nextAt = await reschedule(request, interval, result.retryAfterSeconds);
          log.info(
            { cibaId: id, intervalSeconds: interval, retryAfterSeconds: result.retryAfterSeconds, nextPollAt: nextAt },
            'CIBA slow_down: interval raised',
          );
          break;
        }
        case 'approved':
          await claimAndReport(id, { status: 'approved' });
          break;
        case 'denied':
        case 'expired':
        case 'error':
          await claimAndReport(id, { status: result.status, message: result.message });
          break;
      }
      return true;
    } finally {
      await lock.release().catch((err: unknown) => log.warn({ err, cibaId: id }, 'CIBA lock release failed (it will expire)'));
    }
  }

  async function runTick(): Promise<number> {
    const ids = await redis.zrangebyscore(scheduleKey, '-inf', String(now()), 'LIMIT', 0, batchSize);
    const outcomes = await Promise.allSettled(ids.map(processOne));
    let polls = 0;
    for (const [i, o] of outcomes.entries()) {
      if (o.status === 'fulfilled') polls += o.value ? 1 : 0;
      else log.warn({ err: o.reason, cibaId: ids[i] }, 'CIBA request processing failed; will retry');
    }
    return polls;
  }

  function tick(): Promise<number> {
    inFlight ??= runTick().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  return {
    async enqueue(request) {
      const interval = Number.isFinite(request.intervalSeconds) && request.intervalSeconds > 0 ? request.intervalSeconds : DEFAULT_INTERVAL_SECONDS;
      const firstAt = Math.min(now() + interval * 1000, request.expiresAt);
      const stored = await redis.eval(
        ENQUEUE,
        2,
        scheduleKey,
        hashKey(request.id),
        request.id,
        String(firstAt),
        String(request.expiresAt + HASH_GRACE_MS),
        'id',
        request.id,
        'authReqId',
        request.authReqId,
        'intervalSeconds',
        String(interval),
        'expiresAt',
        String(request.expiresAt),
        'payload',
        JSON.stringify(request.payload ?? {}),
      );
      if (stored !== 1) throw new Error(`CIBA request ${request.id} is already pending`);
      log.info({ cibaId: request.id, intervalSeconds: interval, expiresAt: request.expiresAt, nextPollAt: firstAt }, 'CIBA request enqueued');
    },

    async cancel(id, message = 'Cancelled before it was answered.') {
      return claimAndReport(id, { status: 'cancelled', message });
    },

    async get(id) {
      const [[, scoreRaw] = [], [, hash] = []] = ((await redis.multi().zscore(scheduleKey, id).hgetall(hashKey(id)).exec()) ?? []) as Array<
        [Error | null, unknown]
      >;
      const request = fromHash(hash);
      if (!request) return undefined;
      const score = scoreRaw === null || scoreRaw === undefined ? undefined : Number(scoreRaw);
      return { id: request.id, intervalSeconds: request.intervalSeconds, nextPollAt: score, expiresAt: request.expiresAt, payload: request.payload };
    },

    tick,

    start() {
      if (timer) return;
      timer = setInterval(() => {
        if (inFlight) return;
        tick().then(
          () => {
            if (failing) log.info('CIBA poller recovered');
            failing = false;
          },
          (err: unknown) => {
            // Logged once per outage, not every tick.
            if (!failing) log.error({ err }, 'CIBA poller tick failed; retrying every tick');
            failing = true;
          },
        );
      }, tickMs);
      timer.unref();
    },

    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await inFlight?.catch(() => undefined);
    },
  };
}

/** HGETALL (object) or the Lua flat array → request; `undefined` when absent or malformed. */
function fromHash(raw: unknown): CibaRequest | undefined {
  let h: Record<string, string>;
  if (Array.isArray(raw)) {
    h = {};
    for (let i = 0; i + 1 < raw.length; i += 2) h[String(raw[i])] = String(raw[i + 1]);
  } else if (raw && typeof raw === 'object') {
    h = raw as Record<string, string>;
  } else {
    return undefined;
  }
  const intervalSeconds = Number(h.intervalSeconds);
  const expiresAt = Number(h.expiresAt);
  if (!h.id || !h.authReqId || !Number.isFinite(intervalSeconds) || !Number.isFinite(expiresAt)) return undefined;
  let payload: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(h.payload ?? '{}') as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) payload = parsed as Record<string, unknown>;
  } catch {
    // keep {}
  }
  return { id: h.id, authReqId: h.authReqId, intervalSeconds, expiresAt, payload };
}
