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
  end(): Promise<void>;
}

export interface LiveRuns {
  begin(thread: ThreadRef, lockKey: string): LiveRun;
  /** Reports every run whose process stopped renewing its lease; returns how many this process claimed. */
  sweep(): Promise<number>;
  stop(): void;
}

interface Detail extends InterruptedRun {
  lockKey: string;
}

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
  const leases = keys.key('live-run', '{live-run}', 'lease');
  const details = keys.key('live-run', '{live-run}', 'detail');
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

  return {
    begin(thread, lockKey) {
      const id = randomUUID();
      const detail: Detail = { who: thread.who, channel: thread.channel, threadTs: thread.threadTs, lockKey };
      local.add(id);
      keepAlive();
      // Best effort: a run is never refused because its lease could not be written.
      const written = redis
        .multi()
        .hset(details, id, JSON.stringify(detail))
        .zadd(leases, Date.now() + leaseMs, id)
        .exec()
        .catch((err) => logger.warn({ err }, 'could not record a live run'));
      return {
        step(description) {
          detail.step = description;
          void written.then(() => redis.hset(details, id, JSON.stringify(detail)).catch(() => undefined));
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
    },
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
        await redis.del(run.lockKey);
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
  const doing = step ? ` while it was doing this: ${escapeMrkdwn(clip(step, 200))}` : '';
  return (
    `:warning: <@${who.userId}>, your request here was interrupted: the AgentHub process running it stopped${doing}. ` +
    'That step may have happened or not, so check before asking again. I will not retry it on my own.'
  );
}
