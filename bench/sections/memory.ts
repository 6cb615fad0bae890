/**
 * §5 Memory of the full app (its own process): RSS at idle, then after every 2,000 requests
 * (half signed slash commands, half app_mentions, whose agent work runs too) up to 10,000, each
 * sample taken once the work after the acks has finished and after a GC, with the stand-ins'
 * request logs dropped first (they live in the same process and would otherwise be counted).
 */
import { runLoad } from '../support/open-loop.js';
import { round, slope } from '../support/stats.js';
import { startTarget } from '../support/target-process.js';
import { SIGNING_SECRET } from '../support/world.js';
import { requestsFor } from './ack.js';

const TOTAL = 10_000;
const STEP = 2_000;
const RATE = 400;
const MB = 1024 * 1024;

export interface MemoryResult {
  idleRssMb: number;
  samples: Array<{ requests: number; rssMb: number; heapUsedMb: number }>;
  /** RSS slope after the first step (warm-up), in MB per 1,000 requests. */
  rssSlopeMbPer1000: number;
  heapSlopeMbPer1000: number;
}

export async function memoryBench(log: (line: string) => void): Promise<MemoryResult> {
  const target = await startTarget('full');
  try {
    await new Promise((r) => setTimeout(r, 2000));
    const idle = await target.memory();
    const samples: MemoryResult['samples'] = [];
    for (let done = 0; done < TOTAL; done += STEP) {
      log(`memory: requests ${done + 1}–${done + STEP}…`);
      for (const kind of ['command', 'mention'] as const)
        await runLoad({ url: target.eventsUrl, secret: SIGNING_SECRET, rate: RATE, seconds: STEP / 2 / RATE, next: requestsFor(kind, target) });
      await target.settle();
      const m = await target.memory();
      samples.push({ requests: done + STEP, rssMb: round(m.rss / MB, 1), heapUsedMb: round(m.heapUsed / MB, 1) });
    }
    const afterWarmup = samples.slice(1);
    return {
      idleRssMb: round(idle.rss / MB, 1),
      samples,
      rssSlopeMbPer1000: round(slope(afterWarmup.map((s) => [s.requests / 1000, s.rssMb])), 2),
      heapSlopeMbPer1000: round(slope(afterWarmup.map((s) => [s.requests / 1000, s.heapUsedMb])), 2),
    };
  } finally {
    await target.stop();
  }
}
