import { requestsFor } from './sections/ack.js';
import { runLoad } from './support/open-loop.js';
import { startTarget } from './support/target-process.js';
import { SIGNING_SECRET } from './support/world.js';

const rate = Number(process.argv[2] ?? 300);
const t = await startTarget('full');
await runLoad({ url: t.eventsUrl, secret: SIGNING_SECRET, rate: 100, seconds: 2, next: requestsFor('mention', t) });
await t.settle();
await t.loopDelay();
const s = performance.now();
const r = await runLoad({ url: t.eventsUrl, secret: SIGNING_SECRET, rate, seconds: 5, next: requestsFor('mention', t) });
const ld = await t.loopDelay();
const done = await t.settle();
console.log(rate, Math.round(r.achievedPerSecond), JSON.stringify(r.latencyMs), 'stall', ld, 'done', ((done - s) / 1000).toFixed(1));
await t.stop();
