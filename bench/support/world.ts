import { deleteByPattern, READS_ALLOWED_POLICY } from '../../test/support/shared.js';

export { deleteByPattern, READS_ALLOWED_POLICY };

/**
 * The whole bot wired as in production (real Bolt app over HTTP, real Redis, createDeps) against the
 * local stand-ins, for benchmarks. It mirrors test/support/harness.ts, which cannot be used here: it
 * takes its Redis from vitest's `inject`. The stand-ins and the bot are separate halves so the load
 * benchmarks can run them in separate processes (the stand-ins' CPU is not the bot's).
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { standInConfig } from '../../src/demo/stand-in-config.js';
import type { OidcFake } from '../../src/demo/stand-ins/auth0-oidc.js';
import type { FakeAuth0 } from '../../src/demo/stand-ins/fake-auth0.js';
import type { FakeGitHub } from '../../src/demo/stand-ins/fake-github.js';
import type { FakeSlack } from '../../src/demo/stand-ins/fake-slack.js';
import { startStandIns as startStandInWorld } from '../../src/demo/stand-ins/world.js';
import { createDeps, type Deps } from '../../src/deps.js';
import { createLogger } from '../../src/logger.js';
import { parsePolicy } from '../../src/policy/policy-file.js';
import { createSlackApp, SLACK_EVENTS_PATH, type SlackApp } from '../../src/slack/create-slack-app.js';
import { createKeys, type Keys } from '../../src/store/keys.js';
import { createRedis, waitForRedis } from '../../src/store/redis.js';
import { FakeGroq } from '../../test/fakes/fake-groq.js';
import { freePort } from '../../test/support/processes.js';

export const SIGNING_SECRET = 'bench-signing-secret';
export const TEAM = 'T0001';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Where the stand-ins listen: plain data, so it can cross a process boundary. */
export interface StandInInfo {
  slackUrl: string;
  auth0: { domain: string; clientId: string; clientSecret: string };
  githubUrl: string;
  googleRootUrl: string;
  groqUrl?: string;
  botId: string;
  botUserId: string;
}

/** An Auth0 user with GitHub connected, to link a Slack user to. */
export interface StandInUser {
  sub: string;
  refreshToken: string;
}

export interface StandIns {
  info: StandInInfo;
  slack: FakeSlack;
  auth0: FakeAuth0;
  github: FakeGitHub;
  groq?: FakeGroq;
  oidc: OidcFake;
  /** Adds an Auth0 user whose GitHub is connected; GitHub accepts the tokens Token Vault mints for them. */
  addUser(): StandInUser;
  /** Every request any stand-in received so far (survives `forgetRecordings`). */
  activity(): number;
  /** Forgets what the stand-ins recorded (they keep every request; long runs would grow without it). */
  forgetRecordings(): void;
  close(): Promise<void>;
}

export async function startStandIns({ groq = false }: { groq?: boolean } = {}): Promise<StandIns> {
  const groqFake = groq ? new FakeGroq() : undefined;
  const [standIns, groqUrl] = await Promise.all([startStandInWorld({ slack: { teamId: TEAM } }), groqFake?.start()]);
  const { slack, auth0, github, calendar, oidc } = standIns;
  github.seedDemo('octo-dev');
  let activity = 0;
  for (const s of [slack, auth0, github, calendar]) s.onRecord(() => activity++);
  let users = 0;
  return {
    info: {
      ...standIns.addresses,
      ...(groqUrl ? { groqUrl } : {}),
      botId: slack.botId,
      botUserId: slack.botUserId,
    },
    slack,
    auth0,
    github,
    groq: groqFake,
    oidc,
    addUser() {
      const sub = `github|${2000 + ++users}`;
      const refreshToken = `v1.MRrt-bench-refresh-${randomBytes(12).toString('hex')}`;
      auth0.addUser({ sub, refreshToken, connections: { github: { scope: '' } } });
      auth0.onTokenIssued((t) => {
        if (t.sub === sub && t.connection === 'github') github.acceptToken(t.token, 'octo-dev');
      });
      return { sub, refreshToken };
    },
    activity: () => activity,
    forgetRecordings() {
      for (const s of [slack, auth0, github, calendar, groqFake]) s?.resetRequests();
    },
    async close() {
      await Promise.all([standIns.stop(), groqFake?.stop()]);
    },
  };
}

export interface Bot {
  eventsUrl: string;
  deps: Deps;
  app: SlackApp;
  keys: Keys;
  redis: Redis;
  /** Links a Slack user to an Auth0 user (through the real encrypted store). */
  link(userId: string, user: StandInUser): Promise<void>;
  close(): Promise<void>;
}

/** The real bot (createDeps + createSlackApp on Redis under a fresh key prefix) for these stand-ins. */
export async function startBot(info: StandInInfo): Promise<Bot> {
  const redis = createRedis(REDIS_URL);
  await waitForRedis(redis);
  const keys = createKeys(`agenthub-bench-${randomBytes(4).toString('hex')}`);
  const logger = createLogger({ level: 'silent' });
  const port = await freePort();
  const config = standInConfig({
    slackUrl: info.slackUrl,
    auth0: info.auth0,
    githubUrl: info.githubUrl,
    googleRootUrl: info.googleRootUrl,
    redisUrl: REDIS_URL,
    signingSecret: SIGNING_SECRET,
    port,
    extra: info.groqUrl ? { GROQ_API_KEY: 'gsk_benchkey0000000000', GROQ_BASE_URL: info.groqUrl } : {},
  });
  const policy = parsePolicy(READS_ALLOWED_POLICY, 'bench-policy.yaml');
  const deps = createDeps(config, { logger, redis, keys, policy });
  const app = createSlackApp({ slack: config.slack, http: config.http, deps, logger, botIdentity: { botId: info.botId, botUserId: info.botUserId } });
  await app.start();
  deps.startBackground();
  return {
    eventsUrl: `http://127.0.0.1:${port}${SLACK_EVENTS_PATH}`,
    deps,
    app,
    keys,
    redis,
    async link(userId, user) {
      await deps.accounts.link({ teamId: TEAM, userId }, { auth0Sub: user.sub, refreshToken: user.refreshToken });
    },
    async close() {
      await app.stop().catch(() => {});
      await deps.close();
      await deleteByPattern(redis, `${keys.prefix}:*`);
      redis.disconnect();
    },
  };
}

export interface World extends StandIns {
  bot: Bot;
  /** Links a Slack user to a new Auth0 user with GitHub connected. */
  linkUser(userId: string): Promise<StandInUser>;
}

/** Stand-ins and bot in this process: for the sequential benchmarks that drive the bot one request at a time. */
export async function startWorld({ groq = false }: { groq?: boolean } = {}): Promise<World> {
  const standIns = await startStandIns({ groq });
  const bot = await startBot(standIns.info);
  return {
    ...standIns,
    bot,
    async linkUser(userId) {
      const user = standIns.addUser();
      await bot.link(userId, user);
      return user;
    },
    async close() {
      await bot.close();
      await standIns.close();
    },
  };
}
