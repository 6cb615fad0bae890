/**
 * The Slack app under load, in a process of its own so the load generator never shares its event
 * loop. `full`: the whole bot (createDeps + createSlackApp, Redis, stand-ins in this process);
 * `bare`: a bare Bolt app (HTTPReceiver, same signing secret) whose listeners only ack.
 * Talks to the runner over IPC: `ready`, then answers `memory`, `activity` and `stop`.
 */
import bolt from '@slack/bolt';
import { freePort } from '../../test/support/processes.js';
import { SIGNING_SECRET, startWorld, type World } from '../support/world.js';

export type TargetKind = 'full' | 'bare';
export type TargetRequest = { id: number; type: 'memory' | 'activity' | 'stop' };
export interface TargetReady {
  type: 'ready';
  eventsUrl: string;
  responseUrl: string;
  /** A linked Slack user for mentions. */
  user: string;
}

const { App, HTTPReceiver, LogLevel } = bolt;
const kind = process.argv[2] as TargetKind;
const USER = 'U0BENCH';

async function startBare() {
  const port = await freePort();
  const receiver = new HTTPReceiver({ signingSecret: SIGNING_SECRET, endpoints: ['/slack/events'], processBeforeResponse: false });
  const app = new App({ token: 'xoxb-bare', receiver, botId: 'B0BENCH', botUserId: 'UBOT', logLevel: LogLevel.ERROR, convoStore: false });
  app.command(/.*/, async ({ ack }) => ack());
  app.event('app_mention', async () => {});
  await app.start(port);
  return { eventsUrl: `http://127.0.0.1:${port}/slack/events`, close: () => app.stop() };
}

async function main() {
  let world: World | undefined;
  let activity = 0;
  let ready: TargetReady;
  let close: () => Promise<unknown>;
  if (kind === 'full') {
    world = await startWorld();
    await world.linkUser(USER);
    for (const s of [world.slack, world.auth0, world.github]) s.onRecord(() => activity++);
    ready = { type: 'ready', eventsUrl: world.eventsUrl, responseUrl: world.slack.responseUrl('bench'), user: USER };
    close = () => world!.close();
  } else {
    const bare = await startBare();
    ready = { type: 'ready', eventsUrl: bare.eventsUrl, responseUrl: 'http://127.0.0.1:9/unused', user: USER };
    close = bare.close;
  }
  process.on('message', async (m: TargetRequest) => {
    if (m.type === 'memory') {
      // The stand-ins keep every request they saw; dropping that keeps their memory out of the app's figure.
      world?.forgetRecordings();
      globalThis.gc?.();
      const { rss, heapUsed } = process.memoryUsage();
      process.send?.({ id: m.id, rss, heapUsed });
    } else if (m.type === 'activity') {
      process.send?.({ id: m.id, activity });
    } else {
      await close().catch(() => {});
      process.send?.({ id: m.id });
      process.exit(0);
    }
  });
  process.send?.(ready);
}

main().catch((err) => {
  process.stderr.write(`slack target (${kind}) failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
