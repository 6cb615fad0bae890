export { READS_ALLOWED_POLICY } from './shared.js';

import { randomBytes } from 'node:crypto';
import type { Planner } from '../../src/agent/planners/planner.js';
import { createMemoryRedis } from '../../src/demo/memory-redis.js';
import { standInConfig } from '../../src/demo/stand-in-config.js';
import { startStandIns } from '../../src/demo/stand-ins/world.js';
import { createDeps, type Deps } from '../../src/deps.js';
import { parsePolicy } from '../../src/policy/policy-file.js';
import { createSlackApp, SLACK_EVENTS_PATH, type SlackApp } from '../../src/slack/create-slack-app.js';
import { createKeys } from '../../src/store/keys.js';
import { createRedis, waitForRedis } from '../../src/store/redis.js';
import type { FakeCiba } from '../fakes/auth0-ciba.js';
import type { FakeMyAccount } from '../fakes/auth0-my-account.js';
import type { DemoLoginUser, OidcFake } from '../fakes/auth0-oidc.js';
import type { FakeAuth0 } from '../fakes/fake-auth0.js';
import type { FakeGitHub } from '../fakes/fake-github.js';
import type { FakeGoogleCalendar } from '../fakes/fake-google-calendar.js';
import { FakeGroq } from '../fakes/fake-groq.js';
import type { FakeSlack } from '../fakes/fake-slack.js';
import { createCapturedLogger } from './log-capture.js';
import { freePort } from './processes.js';
import { createTestRedis, type TestRedis } from './redis.js';

/** Every Google Calendar scope AgentHub's tools ask for, as a person who connected Google grants them. */
const GOOGLE_CALENDAR_SCOPES = [
  'https://www.googleapis.com/auth/calendar.events',
  'https://www.googleapis.com/auth/calendar.events.readonly',
  'https://www.googleapis.com/auth/calendar.freebusy',
];

export const SIGNING_SECRET = 'test-signing-secret';
export const TEAM = 'T0001';

export interface Harness {
  /** POST target for signed Slack requests. */
  eventsUrl: string;
  baseUrl: string;
  slack: FakeSlack;
  auth0: FakeAuth0;
  github: FakeGitHub;
  calendar: FakeGoogleCalendar;
  groq?: FakeGroq;
  oidc: OidcFake;
  ciba: FakeCiba;
  myAccount: FakeMyAccount;
  /** The Auth0 stand-in's plain-http browser origin, with `interactiveAuth0`. */
  auth0BrowserUrl?: string;
  logs: ReturnType<typeof createCapturedLogger>;
  store: TestRedis;
  deps: Deps;
  app: SlackApp;
  /**
   * A second bot process: its own Redis connection, Bolt app and caches, sharing the Redis data
   * (same key prefix) and the stand-ins, as two processes behind a load balancer would.
   */
  startSecondProcess(): Promise<{ eventsUrl: string; deps: Deps; close(): Promise<void> }>;
  /**
   * Links a Slack user to an Auth0 user whose GitHub is connected (through the real encrypted store);
   * with `googleEmail`, their Google Calendar is connected too, as that Google user.
   */
  linkUser(userId: string, opts?: { github?: boolean; githubLogin?: string; googleEmail?: string }): Promise<{ sub: string; refreshToken: string }>;
  close(): Promise<void>;
}

/**
 * The whole product wired as in production — real Bolt app over HTTP, real Redis, the real
 * config loader — with every upstream replaced by a local stand-in speaking its wire format.
 */

export async function startHarness({
  groq = false,
  planner,
  policy,
  now,
  interactiveAuth0,
  memoryRedis = false,
}: {
  /** Demo mode's in-memory engine instead of the real Redis (the whole bot on createMemoryRedis()). */
  memoryRedis?: boolean;
  /** Demo mode's Auth0: the browser origin runs and the login and consent steps show pages for these users. */
  interactiveAuth0?: { users: DemoLoginUser[] };
  groq?: boolean;
  planner?: Planner;
  policy?: string /** The agents' clock, for calendar tests. */;
  now?: () => Date;
} = {}): Promise<Harness> {
  const groqFake = groq ? new FakeGroq() : undefined;
  const [standIns, groqUrl] = await Promise.all([
    startStandIns({ slack: { teamId: TEAM }, ...(interactiveAuth0 ? { interactive: interactiveAuth0 } : {}) }),
    groqFake?.start(),
  ]);
  const { slack, auth0, github, calendar, oidc, ciba, myAccount, auth0BrowserUrl } = standIns;
  const store = memoryRedis ? createMemoryStore() : await createTestRedis();
  const logs = createCapturedLogger();
  // Browser links (step-up) must carry the real address, so the port is chosen before the config is read.
  const port = await freePort();
  const config = standInConfig({
    ...standIns.addresses,
    redisUrl: store.url,
    signingSecret: SIGNING_SECRET,
    port,
    extra: groqUrl ? { GROQ_API_KEY: 'gsk_testkey0000000000', GROQ_BASE_URL: groqUrl } : {},
  });
  const parsedPolicy = policy ? parsePolicy(policy, 'test-policy.yaml') : undefined;
  // Demo mode sends browsers to the stand-in's plain-http sign-in page.
  const authorizeUrl = auth0BrowserUrl ? { authorizeUrl: `${auth0BrowserUrl}/authorize` } : {};
  const deps = createDeps(config, { logger: logs.logger, redis: store.redis, keys: store.keys, planner, policy: parsedPolicy, now, ...authorizeUrl });
  const app = createSlackApp({
    slack: config.slack,
    http: config.http,
    deps,
    logger: logs.logger,
    botIdentity: { botId: slack.botId, botUserId: slack.botUserId },
  });
  await app.start();
  deps.startBackground();
  const baseUrl = `http://127.0.0.1:${port}`;
  let linked = 0;
  const startSecondProcess = async () => {
    // A second process cannot share an in-memory engine (another connection in this process could, but would prove nothing).
    if (memoryRedis) throw new Error('startSecondProcess needs the real Redis: the in-memory engine lives in one process');
    const redis = createRedis(store.url);
    await waitForRedis(redis);
    const deps2 = createDeps(config, { logger: logs.logger, redis, keys: store.keys, planner, policy: parsedPolicy, now, ...authorizeUrl });
    const app2 = createSlackApp({
      slack: config.slack,
      http: { ...config.http, port: await freePort() },
      deps: deps2,
      logger: logs.logger,
      botIdentity: { botId: slack.botId, botUserId: slack.botUserId },
    });
    const { port: port2 } = await app2.start();
    deps2.startBackground();
    return {
      eventsUrl: `http://127.0.0.1:${port2}${SLACK_EVENTS_PATH}`,
      deps: deps2,
      async close() {
        await app2.stop().catch(() => {});
        await deps2.close();
        redis.disconnect();
      },
    };
  };
  return {
    eventsUrl: `${baseUrl}${SLACK_EVENTS_PATH}`,
    baseUrl,
    slack,
    auth0,
    github,
    calendar,
    groq: groqFake,
    oidc,
    ciba,
    myAccount,
    auth0BrowserUrl,
    logs,
    store,
    deps,
    app,
    startSecondProcess,
    async linkUser(userId, { github: connected = true, githubLogin = 'octo-dev', googleEmail } = {}) {
      const n = ++linked;
      const sub = `github|${1000 + n}`;
      const refreshToken = `v1.MRrt-test-refresh-${randomBytes(12).toString('hex')}`;
      auth0.addUser({
        sub,
        refreshToken,
        connections: {
          ...(connected ? { github: { scope: '' } } : {}),
          ...(googleEmail ? { 'google-oauth2': { scope: `openid ${GOOGLE_CALENDAR_SCOPES.join(' ')}` } } : {}),
        },
      });
      auth0.onTokenIssued((t) => {
        if (t.sub === sub && t.connection === 'github') github.acceptToken(t.token, githubLogin);
        if (t.sub === sub && t.connection === 'google-oauth2' && googleEmail) calendar.acceptToken(t.token, googleEmail);
      });
      await deps.accounts.link({ teamId: TEAM, userId }, { auth0Sub: sub, refreshToken });
      return { sub, refreshToken };
    },
    async close() {
      await app.stop().catch(() => {});
      await deps.close();
      await Promise.all([standIns.stop(), groqFake?.stop()]);
      await store.close();
    },
  };
}

/** Demo mode's in-memory engine shaped like `createTestRedis()`'s result. */
function createMemoryStore(): TestRedis {
  const redis = createMemoryRedis();
  return {
    redis,
    keys: createKeys('agenthub-demo'),
    url: 'redis://127.0.0.1:6379',
    async close() {
      redis.disconnect();
    },
  };
}
