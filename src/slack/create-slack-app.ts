import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AnyMiddlewareArgs, App, type CustomRoute, HTTPReceiver, LogLevel } from '@slack/bolt';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { STATE_UNAVAILABLE_TEXT } from '../intake/submit-request.js';
import { createMentionIntake } from '../listeners/events/app-mention.js';
import { type ListenerDeps, registerListeners } from '../listeners/index.js';
import { toBoltLogger } from '../logger.js';
import type { Keys } from '../store/keys.js';
import type { TrackedReads } from '../store/tracked-reads.js';
import { slackClientOptions } from './client-options.js';
import { createHealthRoute } from './health-route.js';
import { createEventDedupe } from './middleware/dedupe-events.js';
import { refuseFutureTimestamps } from './request-guard.js';

export const SLACK_EVENTS_PATH = '/slack/events';

export interface SlackAppOptions {
  slack: Config['slack'];
  http: Pick<Config['http'], 'port' | 'host'>;
  deps: ListenerDeps & { redis: Redis; keys: Keys; authRoutes: CustomRoute[]; trackedReads: Pick<TrackedReads, 'state'> };
  logger: Logger;
  /** When known, Bolt skips its auth.test call at start-up. */
  botIdentity?: { botId: string; botUserId: string };
  /** Extra browser routes (sign-in, connect, step-up) served next to the Slack endpoint. */
  routes?: CustomRoute[];
}

export interface SlackApp {
  app: App;
  /** Starts listening; resolves to the HTTP port in use (the health/route port in Socket Mode). */
  start(): Promise<{ port: number }>;
  stop(): Promise<void>;
}

/**
 * The Bolt app: HTTP receiver at POST /slack/events (or Socket Mode when an app token is set),
 * signature and timestamp checks, event dedupe, then the listeners. Everything it uses is passed in.
 */
export function createSlackApp({ slack, http, deps, logger, botIdentity, routes = [] }: SlackAppOptions): SlackApp {
  const boltLogger = toBoltLogger(logger);
  boltLogger.setLevel(logger.level === 'debug' ? LogLevel.DEBUG : LogLevel.INFO);
  const customRoutes: CustomRoute[] = [createHealthRoute({ redis: deps.redis, trackedReads: deps.trackedReads }), ...deps.authRoutes, ...routes];
  const clientOptions = slackClientOptions(slack);

  const identity = botIdentity ? { botId: botIdentity.botId, botUserId: botIdentity.botUserId } : {};
  let receiver: HTTPReceiver | undefined;
  let app: App;
  if (slack.appToken) {
    app = new App({
      token: slack.botToken,
      appToken: slack.appToken,
      socketMode: true,
      customRoutes,
      installerOptions: { port: http.port },
      logger: boltLogger,
      clientOptions,
      convoStore: false,
      ...identity,
    });
  } else {
    receiver = new HTTPReceiver({
      signingSecret: slack.signingSecret,
      endpoints: [SLACK_EVENTS_PATH],
      customRoutes,
      logger: boltLogger,
      processBeforeResponse: false,
    });
    receiver.requestListener = refuseFutureTimestamps(receiver.requestListener, { endpoints: [SLACK_EVENTS_PATH] });
    app = new App({ token: slack.botToken, receiver, logger: boltLogger, clientOptions, convoStore: false, ...identity });
  }

  // First after Bolt's own ignoreSelf: mentions are queued here and go no further (app-mention.ts).
  app.use(createMentionIntake(deps));
  app.use(
    createEventDedupe({
      redis: deps.redis,
      keys: deps.keys,
      logger,
      onStateUnavailable: (args) => tellStateUnavailable(args),
    }),
  );
  registerListeners(app, deps);
  app.error(async (error) => {
    logger.error({ err: error.original ?? error, code: error.code }, 'unhandled error in a Slack listener');
  });

  return {
    app,
    async start() {
      if (receiver) {
        const server = (await app.start({ port: http.port, host: http.host })) as unknown as Server;
        return { port: (server.address() as AddressInfo).port };
      }
      await app.start();
      return { port: http.port };
    },
    stop: () => app.stop() as Promise<void>,
  };
}

/** Without Redis we cannot tell a first delivery from a retry, so nothing runs; say so in the thread. */
async function tellStateUnavailable(args: AnyMiddlewareArgs): Promise<void> {
  const { client } = args as AnyMiddlewareArgs & { client: App['client'] };
  const event = (args.body as { event?: { type?: string; channel?: string; ts?: string; thread_ts?: string; bot_id?: string } }).event;
  if (!event?.channel || !event.ts || event.bot_id || (event as { subtype?: string }).subtype || (event.type !== 'app_mention' && event.type !== 'message'))
    return;
  await client.chat.postMessage({
    channel: event.channel,
    thread_ts: event.thread_ts ?? event.ts,
    text: STATE_UNAVAILABLE_TEXT,
  });
}
