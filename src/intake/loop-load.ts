import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

export interface LoopLoad {
  /** The share of the last sampling window the event loop spent running code (0–1). */
  utilization(): number;
  /** The longest a ready callback waited for the loop in the last sampling window, in ms. */
  lagMs(): number;
  stop(): void;
}

/**
 * Samples this process's event loop. Acks share the loop with agent work: utilization says how
 * much room is left, lag how long an ack arriving now would wait behind the work already running.
 */
export function watchLoopLoad({ windowMs = 100 }: { windowMs?: number } = {}): LoopLoad {
  let previous = performance.eventLoopUtilization();
  let utilization = 0;
  let lag = 0;
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    utilization = performance.eventLoopUtilization(now, previous).utilization;
    previous = now;
    lag = delay.max / 1e6;
    delay.reset();
  }, windowMs);
  timer.unref();
  return {
    utilization: () => utilization,
    lagMs: () => lag,
    stop: () => {
      clearInterval(timer);
      delay.disable();
    },
  };
}
