import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createDeps } from '../deps.js';
import { createLogger } from '../logger.js';
import { createSlackApp, SLACK_EVENTS_PATH } from '../slack/create-slack-app.js';
import { createKeys } from '../store/keys.js';
import { createRedis, waitForRedis } from '../store/redis.js';
import type { DemoWorkspace } from './demo-types.js';
import { createMemoryRedis } from './memory-redis.js';
import { standInConfig } from './stand-in-config.js';
import type { FakeAuth0 } from './stand-ins/fake-auth0.js';
import type { FakeGitHub } from './stand-ins/fake-github.js';
import type { FakeGoogleCalendar } from './stand-ins/fake-google-calendar.js';
import type { FakeSlack } from './stand-ins/fake-slack.js';
import { startStandIns } from './stand-ins/world.js';
import { createDemoWeb } from './web/demo-web.js';

/** The people of the demo workspace: who they are in Slack, Auth0, GitHub and Google. */
const PEOPLE = [
  { id: 'U0ALICE', name: 'Alice Lee', email: 'alice@acme.test', github: 'octo-dev', linked: true, role: 'requester — signed in, GitHub and Google connected' },
  { id: 'U0BOB', name: 'Bob Stone', email: 'bob@acme.test', github: 'bob-gh', linked: true, role: 'teammate — signed in; try clicking Alice’s cards as Bob' },
  { id: 'U0CAROL', name: 'Carol Diaz', email: 'carol@acme.test', github: 'carol-gh', linked: false, role: 'newcomer — not signed in yet' },
] as const;
const TEAM = 'T0DEMO';
const GENERAL = { id: 'C0GENERAL', name: 'general' };

export interface DemoOptions {
  /** The page's port (default 3000; 0 picks a free one). */
  port?: number;
  /** The page's interface (default 127.0.0.1: the demo is for this machine only). */
  host?: string;
  /** A Redis to use; default REDIS_URL, else 127.0.0.1:6379, else an in-memory engine. */
  redisUrl?: string;
  /** Force the in-memory engine. */
  memory?: boolean;
  /** Redis key prefix (default agenthub-demo); tests use their own. */
  keyPrefix?: string;
  logger?: Logger;
  /** LLM keys and the like, passed through to the bot's configuration (GROQ_API_KEY…). */
  env?: NodeJS.ProcessEnv;
}

export interface RunningDemo {
  /** The demo page. */
  url: string;
  /** The bot's own address (Slack events, sign-in and step-up routes). */
  botUrl: string;
  /** False when state lives in this process's memory only. */
  persistent: boolean;
  slack: FakeSlack;
  github: FakeGitHub;
  calendar: FakeGoogleCalendar;
  auth0: FakeAuth0;
  workspace: DemoWorkspace;
  close(): Promise<void>;
}

/**
 * Demo mode: every upstream is a local stand-in on 127.0.0.1 (the same ones the tests use), and the
 * real bot — Bolt app, gate, vault adapter, audit, store — runs against them. Only the planner differs:
 * the built-in one, unless an LLM key is set. Nothing here is reachable from production mode.
 */
export async function startDemo(opts: DemoOptions = {}): Promise<RunningDemo> {
  const env = opts.env ?? process.env;
  const logger = opts.logger ?? createLogger({ level: env.LOG_LEVEL === 'debug' ? 'debug' : 'warn', name: 'agenthub-demo' });
  const now = new Date();

  const standIns = await startStandIns({
    slack: { teamId: TEAM, teamName: 'acme' },
    interactive: { users: PEOPLE.map((p) => ({ sub: subOf(p.id), name: p.name, email: p.email })) },
    cibaInterval: 2,
  });
  const { slack, auth0, github, calendar } = standIns;

  github.seedDemo('octo-dev');
  calendar.seedDemo(now);
  for (const p of PEOPLE) {
    slack.addUser({
      id: p.id,
      real_name: p.name,
      name: p.name.split(' ')[0]!.toLowerCase(),
      email: p.email,
      tz: 'Europe/Paris',
      tz_label: 'Central European Time',
    });
  }
  slack.addChannel({ id: GENERAL.id, name: GENERAL.name, members: [...PEOPLE.map((p) => p.id), slack.botUserId] });
  slack.addMessage({ channel: GENERAL.id, user: 'U0BOB', text: 'Morning! The release is on Wednesday; PR #1 still needs a merge.' });

  // Who each minted token belongs to, as GitHub and Google would know it.
  auth0.onTokenIssued((t) => {
    const person = PEOPLE.find((p) => subOf(p.id) === t.sub);
    if (!person) return;
    if (t.connection === 'github') github.acceptToken(t.token, person.github);
    if (t.connection === 'google-oauth2') calendar.acceptToken(t.token, person.email);
  });

  const { redis, persistent, redisUrl } = await chooseStore(opts, env);
  const keyPrefix = opts.keyPrefix ?? 'agenthub-demo';
  const keys = createKeys(keyPrefix);
  const botPort = await freePort();
  const signingSecret = randomBytes(16).toString('hex');
  const config = standInConfig({
    ...standIns.addresses,
    redisUrl,
    signingSecret,
    port: botPort,
    extra: pick(env, ['GROQ_API_KEY', 'GROQ_BASE_URL', 'GROQ_MODEL', 'OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_MODEL', 'AGENTHUB_POLICY', 'LOG_LEVEL']),
  });
  const deps = createDeps(config, { logger, redis, keys, authorizeUrl: `${standIns.auth0BrowserUrl}/authorize` });

  // Alice and Bob have signed in and connected GitHub and Google; Carol has not (the tour signs her in).
  for (const p of PEOPLE) {
    const refreshToken = `v1.demo-refresh-${randomBytes(12).toString('hex')}`;
    auth0.addUser({
      sub: subOf(p.id),
      refreshToken,
      connections: p.linked ? { github: { scope: '' }, 'google-oauth2': { scope: `openid ${GOOGLE_SCOPES}` } } : {},
    });
    if (!p.linked) continue;
    // Each start is a fresh tour: a revocation clicked in an earlier run (kept in Redis) is lifted.
    await deps.accounts.link({ teamId: TEAM, userId: p.id }, { auth0Sub: subOf(p.id), refreshToken });
    await deps.revocations.clear({ teamId: TEAM, userId: p.id });
  }

  const app = createSlackApp({ slack: config.slack, http: config.http, deps, logger, botIdentity: { botId: slack.botId, botUserId: slack.botUserId } });
  await app.start();
  deps.startBackground();

  const workspace: DemoWorkspace = {
    teamId: TEAM,
    teamName: 'Acme (demo)',
    botUserId: slack.botUserId,
    users: PEOPLE.map((p) => ({ id: p.id, name: p.name, role: p.role })),
    channels: [GENERAL],
    banner: persistent
      ? `Demo mode: every service is a local stand-in; state is kept in Redis at ${redactUrl(redisUrl)} under "${keyPrefix}:".`
      : 'Demo mode: every service is a local stand-in. No Redis was found, so state lives in memory: nothing persists after you stop the demo.',
  };
  const web = createDemoWeb({ slack, eventsUrl: `http://127.0.0.1:${botPort}${SLACK_EVENTS_PATH}`, signingSecret, workspace, logger });
  const url = await web.listen(opts.port ?? 3000, opts.host ?? '127.0.0.1');

  return {
    url,
    botUrl: `http://127.0.0.1:${botPort}`,
    persistent,
    slack,
    github,
    calendar,
    auth0,
    workspace,
    async close() {
      await web.close().catch(() => {});
      await app.stop().catch(() => {});
      await deps.close();
      redis.disconnect();
      await standIns.stop();
    },
  };
}

const GOOGLE_SCOPES = [
  'https://www.googleapis.com/auth/calendar.events',
  'https://www.googleapis.com/auth/calendar.events.readonly',
  'https://www.googleapis.com/auth/calendar.freebusy',
].join(' ');

const subOf = (slackUserId: string) => `auth0|demo-${slackUserId.toLowerCase()}`;

/** Redis when one answers (REDIS_URL, else the default port); otherwise the in-memory engine. */
async function chooseStore(opts: DemoOptions, env: NodeJS.ProcessEnv): Promise<{ redis: Redis; persistent: boolean; redisUrl: string }> {
  const url = opts.redisUrl ?? env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (!opts.memory) {
    const redis = createRedis(url, { retryStrategy: () => null, maxRetriesPerRequest: 0 });
    redis.on('error', () => {});
    try {
      await waitForRedis(redis, 1500);
      // Reconnect normally from now on (the probe above gave up at the first failure).
      redis.disconnect();
      const live = createRedis(url);
      live.on('error', () => {});
      await waitForRedis(live, 3000);
      return { redis: live, persistent: true, redisUrl: url };
    } catch {
      redis.disconnect();
    }
  }
  // loadConfig still wants a URL; nothing connects to it.
  return { redis: createMemoryRedis(), persistent: false, redisUrl: 'redis://127.0.0.1:6379' };
}

function pick(env: NodeJS.ProcessEnv, names: string[]): Record<string, string> {
  return Object.fromEntries(names.flatMap((n) => (env[n] ? [[n, env[n] as string]] : [])));
}

/** A URL without its password, for the banner. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'REDIS_URL';
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
