/**
 * §1 Ack latency and throughput: signed slash commands and app_mention events, open loop at fixed
 * rates, through the full app and through a bare Bolt app, each in its own process, in the same run.
 */
import { appMention, FORM, JSON_CT, slashCommand } from '../../src/demo/stand-ins/slack-requests.js';
import { type LoadResult, runLoad, type SlackRequestBody } from '../support/open-loop.js';
import { round } from '../support/stats.js';
import { startTarget, type TargetProcess } from '../support/target-process.js';
import { SIGNING_SECRET } from '../support/world.js';

export const RATES = [100, 300, 1000] as const;
const SECONDS = Number(process.env.BENCH_ACK_SECONDS ?? 5);
const MAX_SECONDS = 5;
const WARMUP = 300;

export type RequestKind = 'command' | 'mention';

let unique = 0;
/** A fresh signed-body factory: every request carries its own trigger_id or event_id. */
export function requestsFor(kind: RequestKind, target: Pick<TargetProcess, 'responseUrl' | 'user'>): () => SlackRequestBody {
  const run = `${process.pid}${Date.now().toString(36)}`;
  if (kind === 'command') {
    return () => ({
      contentType: FORM,
      body: new URLSearchParams(
        slashCommand({ text: 'help', user: target.user, responseUrl: target.responseUrl, triggerId: `${run}.${++unique}.benchtrigger` }),
      ).toString(),
    });
  }
  return () => ({
    contentType: JSON_CT,
    body: JSON.stringify(appMention({ text: '<@UBOT> list open pull requests in acme/widgets', user: target.user, eventId: `EvB${run}${++unique}` })),
  });
}

export interface AckRow {
  kind: RequestKind;
  rate: number | 'max';
  bare: Measured;
  full: Measured;
}

/**
 * A load run; the app process's worst event-loop delay during it (what stalls every ack at once);
 * and for the full app, how long until the work behind the acks was done (every mention answered).
 */
type Measured = LoadResult & { loopDelayMaxMs: number; workDoneAfterMs: number };

async function measure(target: TargetProcess, kind: RequestKind, rate: number | 'max'): Promise<Measured> {
  await target.loopDelay();
  const startedAt = performance.now();
  const result = await runLoad({
    url: target.eventsUrl,
    secret: SIGNING_SECRET,
    rate,
    seconds: rate === 'max' ? MAX_SECONDS : SECONDS,
    next: requestsFor(kind, target),
  });
  // The agent work after each ack must finish before the next run, or it would load the next one.
  const { maxMs } = await target.loopDelay();
  const workDoneAt = await target.settle();
  return { ...result, loopDelayMaxMs: maxMs, workDoneAfterMs: workDoneAt - startedAt };
}

export async function ackBench(log: (line: string) => void): Promise<{ rows: AckRow[] }> {
  const bare = await startTarget('bare');
  const full = await startTarget('full');
  try {
    for (const t of [bare, full]) {
      for (const kind of ['command', 'mention'] as const)
        await runLoad({ url: t.eventsUrl, secret: SIGNING_SECRET, rate: 200, seconds: WARMUP / 200, next: requestsFor(kind, t) });
      await t.settle();
    }
    const rows: AckRow[] = [];
    for (const kind of ['command', 'mention'] as const) {
      for (const rate of [...RATES, 'max' as const]) {
        log(`ack: ${kind} at ${rate === 'max' ? 'max (32 connections)' : `${rate} req/s`}…`);
        rows.push({ kind, rate, bare: await measure(bare, kind, rate), full: await measure(full, kind, rate) });
      }
    }
    return { rows };
  } finally {
    await Promise.all([bare.stop(), full.stop()]);
  }
}

export function ackTargets(rows: AckRow[]) {
  const at300 = rows.filter((r) => r.rate === 300);
  const max = rows.filter((r) => r.rate === 'max');
  return {
    p99At300Under25ms: at300.every((r) => r.full.latencyMs.p99 < 25 && r.full.non2xx + r.full.errors === 0),
    throughputAtLeastHalfOfBare: max.every((r) => r.full.achievedPerSecond >= r.bare.achievedPerSecond / 2),
    throughputRatio: Object.fromEntries(max.map((r) => [r.kind, round(r.full.achievedPerSecond / r.bare.achievedPerSecond)])),
  };
}
