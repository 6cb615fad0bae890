import { ackBench, ackTargets } from './sections/ack.js';

const { rows } = await ackBench((l) => process.stderr.write(`${l}\n`));
for (const r of rows)
  console.log(
    r.kind,
    r.rate,
    'full',
    Math.round(r.full.achievedPerSecond),
    r.full.latencyMs.p50.toFixed(1),
    r.full.latencyMs.p99.toFixed(1),
    'stall',
    r.full.loopDelayMaxMs.toFixed(0),
    'done',
    (r.full.workDoneAfterMs / 1000).toFixed(1),
    '| bare',
    Math.round(r.bare.achievedPerSecond),
    r.bare.latencyMs.p50.toFixed(1),
    r.bare.latencyMs.p99.toFixed(1),
    r.full.non2xx + r.full.errors,
  );
console.log(JSON.stringify(ackTargets(rows)));
