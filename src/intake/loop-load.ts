import { performance } from 'node:perf_hooks';

export interface LoopLoad {
  /** The share of the last sampling window the event loop spent running code (0–1). */
  utilization(): number;
  stop(): void;
}

/**
 * Samples this process's event-loop utilization. Acks share the loop with agent work; when the
 * loop is nearly always busy, new work waits (in Redis) so acks keep their latency.
 */
export function watchLoopLoad({ windowMs = 100 }: { windowMs?: number } = {}): LoopLoad {
  let previous = performance.eventLoopUtilization();
  let last = 0;
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    last = performance.eventLoopUtilization(now, previous).utilization;
    previous = now;
  }, windowMs);
  timer.unref();
  return {
    utilization: () => last,
    stop: () => clearInterval(timer),
  };
}
