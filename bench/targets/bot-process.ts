/**
 * The Slack app under load, in a process of its own so neither the load generator nor the
 * stand-ins share its event loop. `full <stand-in info JSON>`: the whole bot (createDeps +
 * createSlackApp on Redis); `bare`: a bare Bolt app (HTTPReceiver, same signing secret) whose
 * listeners only ack. Answers `link`, `memory` (RSS and heap after a GC), `loopDelay` (the event
 * loop's delay since the last ask: a stall there delays every ack) and `work` (requests waiting in
 * the queue and running in this process: the agent work still owed after the acks).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import bolt from '@slack/bolt';
import { freePort } from '../../test/support/processes.js';
import { failChild, serveParent } from '../support/child.js';
import { SIGNING_SECRET, type StandInInfo, type StandInUser, startBot } from '../support/world.js';

const { App, HTTPReceiver, LogLevel } = bolt;

async function startBare() {
  const port = await freePort();
  const receiver = new HTTPReceiver({ signingSecret: SIGNING_SECRET, endpoints: ['/slack/events'], processBeforeResponse: false });
  const app = new App({ token: 'xoxb-bare', receiver, botId: 'B0BENCH', botUserId: 'UBOT', logLevel: LogLevel.ERROR, convoStore: false });
  app.command(/.*/, async ({ ack }) => ack());
  app.event('app_mention', async () => {});
  await app.start(port);
  return { eventsUrl: `http://127.0.0.1:${port}/slack/events`, link: async () => {}, close: () => app.stop(), deps: undefined };
}

async function main() {
  const target = process.argv[2] === 'full' ? await startBot(JSON.parse(process.argv[3]!) as StandInInfo) : await startBare();
  const memory = () => {
    globalThis.gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    return { rss, heapUsed };
  };
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const loopDelay = () => {
    const delay = { p99Ms: loop.percentile(99) / 1e6, maxMs: loop.max / 1e6 };
    loop.reset();
    return delay;
  };
  const work = async () => ({ waiting: (await target.deps?.requests.depth()) ?? 0, running: target.deps?.requests.running ?? 0 });
  serveParent({ eventsUrl: target.eventsUrl }, { memory, loopDelay, work, link: (p) => target.link(...(p as [string, StandInUser])) }, () => target.close());
}

main().catch(failChild(`the ${process.argv[2]} bot process`));
