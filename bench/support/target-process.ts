/**
 * The app under load as child processes: `bare` is one process (a bare Bolt app); `full` is the
 * bot in one process and the stand-ins it calls in another.
 */
import type { StandInsReady } from '../targets/stand-ins-process.js';
import { type Child, startChild } from './child.js';
import type { StandInUser } from './world.js';

export type TargetKind = 'full' | 'bare';

const BOT = new URL('../targets/bot-process.ts', import.meta.url);
const STAND_INS = new URL('../targets/stand-ins-process.ts', import.meta.url);
const USER = 'U0BENCH';

export interface TargetProcess {
  eventsUrl: string;
  responseUrl: string;
  /** A linked Slack user (GitHub connected), for mentions. */
  user: string;
  /** The bot process's RSS and heap after a GC. */
  memory(): Promise<{ rss: number; heapUsed: number }>;
  /** The bot process's event-loop delay since the last call. */
  loopDelay(): Promise<{ p99Ms: number; maxMs: number }>;
  /**
   * Waits until the work after the acks is done: no request waiting or running, and no new
   * stand-in request for 1 s. Resolves to the time (performance.now()) the last request finished.
   */
  settle(maxMs?: number): Promise<number>;
  stop(): Promise<void>;
}

export async function startTarget(kind: TargetKind): Promise<TargetProcess> {
  let standIns: Child<StandInsReady> | undefined;
  let bot: Child<{ eventsUrl: string }>;
  if (kind === 'full') {
    standIns = await startChild<StandInsReady>(STAND_INS);
    bot = await startChild(BOT, ['full', JSON.stringify(standIns.ready.info)]);
    await bot.ask('link', [USER, await standIns.ask<StandInUser>('addUser')]);
  } else {
    bot = await startChild(BOT, ['bare']);
  }
  return {
    eventsUrl: bot.ready.eventsUrl,
    responseUrl: standIns?.ready.responseUrl ?? 'http://127.0.0.1:9/unused',
    user: USER,
    async memory() {
      await standIns?.ask('forget');
      return bot.ask('memory');
    },
    loopDelay: () => bot.ask('loopDelay'),
    async settle(maxMs = 240_000) {
      if (!standIns) return performance.now();
      const until = Date.now() + maxMs;
      let workDoneAt: number | undefined;
      let last = -1;
      for (;;) {
        const [work, now] = await Promise.all([bot.ask<{ waiting: number; running: number }>('work'), standIns.ask<number>('activity')]);
        if (work.waiting + work.running > 0) workDoneAt = undefined;
        else workDoneAt ??= performance.now();
        if ((workDoneAt !== undefined && now === last) || Date.now() > until) return workDoneAt ?? performance.now();
        last = now;
        await new Promise((r) => setTimeout(r, workDoneAt === undefined ? 100 : 1000));
      }
    },
    async stop() {
      await bot.stop();
      await standIns?.stop();
    },
  };
}
