import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { clip, escapeMrkdwn } from '../slack/mrkdwn.js';
import type { Keys } from '../store/keys.js';
import type { ThreadRef } from './runner.js';

/**
 * Runs whose bot process died must not vanish silently (issue 8: a process SIGKILLed while a merge
 * was in flight left the thread at "Working…" and the thread's turn lock held for two minutes).
 *
 * Each running turn holds a lease in a Redis sorted set (score = lease end), renewed by its process
 * while it is alive. Every process sweeps for leases that ran out: the one whose ZREM wins releases
 * the dead run's turn lock and reports it, so the person hears about it exactly once.
 */

export interface InterruptedRun extends ThreadRef {
  /** The last step the run announced ("merge pull request #5 in acme/widgets"), if any. */
  step?: string;
}

export interface LiveRun {
  step(description: string): void;
  /** The run holds this thread's turn lock: if its process dies, the sweeper frees it. */
  locked(lockKey: string): void;
  /** The run lets go of the lock: await it before releasing the lock, so a sweep never frees another run's. */
  unlocked(): Promise<void>;
  end(): Promise<void>;
}

/** Where leases live, for a script that starts one atomically with taking work (src/intake/request-queue.ts). */
export interface LeaseKeys {
  leases: string;
  details: string;
  leaseMs: number;
}

export interface LiveRuns {
  begin(thread: ThreadRef, lockKey?: string): LiveRun;
  /** Renews and ends a lease another step already wrote under `id` (atomically with taking a queued request). */
  adopt(id: string, thread: ThreadRef): LiveRun;
  readonly leaseKeys: LeaseKeys;
  /** Reports every run whose process stopped renewing its lease; returns how many this process claimed. */
  sweep(): Promise<number>;
  stop(): void;
}

interface Detail extends InterruptedRun {
  lockKey?: string;
}

/** What a lease records of its thread (the take script in request-queue.ts writes the same three fields). */
const threadOf = ({ who, channel, threadTs }: ThreadRef): ThreadRef => ({ who, channel, threadTs });

/** Hash tag shared by the leases and the request queue: the queue's take script writes a lease in one step. */
export const RUNS_SLOT = '{runs}';

export function createLiveRuns({
  redis,
  keys,
  logger,
  report,
  leaseMs = 10_000,
}: {
  redis: Redis;
  keys: Keys;
  logger: Logger;
  report: (run: InterruptedRun) => Promise<void>;
  leaseMs?: number;
}): LiveRuns {
  // One hash tag: the MULTI below touches both keys, which Redis Cluster allows only within one slot.
  const leases = keys.key('live-run', RUNS_SLOT, 'lease');
  const details = keys.key('live-run', RUNS_SLOT, 'detail');
  const local = new Set<string>();
  let heartbeat: NodeJS.Timeout | undefined;

  const renew = async () => {
    if (local.size === 0) return;
    const until = Date.now() + leaseMs;
    await redis.zadd(leases, 'XX', ...[...local].flatMap((id) => [until, id]));
  };
  const keepAlive = () => {
    if (heartbeat) return;
    heartbeat = setInterval(() => void renew().catch((err) => logger.warn({ err }, 'could not renew run leases')), leaseMs / 3);
    heartbeat.unref();
  };

  /** A lease of this process under `id`, already `written` to Redis (or being written). */
  const track = (id: string, detail: Detail, written: Promise<unknown>): LiveRun => {
    local.add(id);
    keepAlive();
    const save = () => written.then(() => redis.hset(details, id, JSON.stringify(detail)).catch(() => undefined));
    return {
      step(description) {
        detail.step = description;
        void save();
      },
      locked(lockKey) {
        detail.lockKey = lockKey;
        void save();
      },
      async unlocked() {
        delete detail.lockKey;
        await save();
      },
      async end() {
        local.delete(id);
        await written;
        await redis
          .multi()
          .zrem(leases, id)
          .hdel(details, id)
          .exec()
          .catch((err) => logger.warn({ err }, 'could not clear a finished run; a sweep may report it'));
      },
    };
  };

  return {
    begin(thread, lockKey) {
      const id = randomUUID();
      const detail: Detail = { ...threadOf(thread), ...(lockKey ? { lockKey } : {}) };
      // Best effort: a run is never refused because its lease could not be written.
      const written = redis
        .multi()
        .hset(details, id, JSON.stringify(detail))
        .zadd(leases, Date.now() + leaseMs, id)
        .exec()
        .catch((err) => logger.warn({ err }, 'could not record a live run'));
      return track(id, detail, written);
    },
    adopt(id, thread) {
      return track(id, threadOf(thread), Promise.resolve());
    },
    leaseKeys: { leases, details, leaseMs },
    async sweep() {
      const expired = await redis.zrangebyscore(leases, '-inf', Date.now(), 'LIMIT', 0, 50);
      let claimed = 0;
      for (const id of expired) {
        if ((await redis.zrem(leases, id)) !== 1) continue; // another process claimed it
        claimed++;
        const raw = await redis.hget(details, id);
        await redis.hdel(details, id);
        if (!raw) continue;
        const run = JSON.parse(raw) as Detail;
        // The dead process cannot release the thread's turn lock; without this the thread would answer "still working" until it expired.
        if (run.lockKey) await redis.del(run.lockKey);
        logger.warn({ thread: `${run.channel}:${run.threadTs}`, step: run.step }, 'a run was interrupted: its bot process stopped');
        await report(run).catch((err) => logger.warn({ err }, 'could not tell the thread about an interrupted run'));
      }
      return claimed;
    },
    stop() {
      if (heartbeat) clearInterval(heartbeat);
      heartbeat = undefined;
    },
  };
}

/** What the thread is told: the run stopped, what it was doing, and that it may or may not have happened. */
export function interruptedRunText({ who, step }: InterruptedRun): string {
  // Steps are announced before each tool call starts, so without one no action had begun.
  if (!step)
    return `:warning: <@${who.userId}>, your request here was interrupted: the AgentHub process handling it stopped before it began any action. Please ask again.`;
  return (
    `:warning: <@${who.userId}>, your request here was interrupted: the AgentHub process running it stopped while it was doing this: ${escapeMrkdwn(clip(step, 200))}. ` +
    'That step may have happened or not, so check before asking again. I will not retry it on my own.'
  );
}
