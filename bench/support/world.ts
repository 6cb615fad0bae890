/**
 * The whole bot wired as in production (real Bolt app over HTTP, real Redis, createDeps) against the
 * local stand-ins, for benchmarks. It mirrors test/support/harness.ts, which cannot be used here: it
 * takes its Redis from vitest's `inject`.
 */
import { randomBytes } from 'node:crypto';
import type { Planner } from '../../src/agent/planners/planner.js';
import { standInConfig } from '../../src/demo/stand-in-config.js';
import { installCiba } from '../../src/demo/stand-ins/auth0-ciba.js';
import { installMyAccount } from '../../src/demo/stand-ins/auth0-my-account.js';
import { installOidc, type OidcFake } from '../../src/demo/stand-ins/auth0-oidc.js';
import { FakeAuth0 } from '../../src/demo/stand-ins/fake-auth0.js';
import { FakeGitHub } from '../../src/demo/stand-ins/fake-github.js';
import { FakeGoogleCalendar } from '../../src/demo/stand-ins/fake-google-calendar.js';
import { FakeSlack } from '../../src/demo/stand-ins/fake-slack.js';
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

/** Reading the demo repositories needs no approval, so a read is one scripted tool call and an answer. */
export const READS_ALLOWED_POLICY = `
version: 1
rules:
  - id: demo-reads
    tools: ["github_list_*", "github_get_*"]
    repos: ["acme/*"]
    outcome: allow
    reason: "Reading the demo repositories is pre-authorised"
`;

export interface World {
  eventsUrl: string;
  baseUrl: string;
  slack: FakeSlack;
  auth0: FakeAuth0;
  github: FakeGitHub;
  groq?: FakeGroq;
  oidc: OidcFake;
  deps: Deps;
  app: SlackApp;
  keys: Keys;
  /** Links a Slack user to an Auth0 user with GitHub connected (the real encrypted store). */
  linkUser(userId: string): Promise<{ sub: string }>;
  /** Forgets what the stand-ins recorded (they keep every request; long runs would grow without it). */
  forgetRecordings(): void;
  close(): Promise<void>;
}

export async function startWorld({ groq = false, planner }: { groq?: boolean; planner?: Planner } = {}): Promise<World> {
  const slack = new FakeSlack({ teamId: TEAM });
  const auth0 = new FakeAuth0();
  const github = new FakeGitHub();
  const calendar = new FakeGoogleCalendar();
  const groqFake = groq ? new FakeGroq() : undefined;
  const [slackUrl, auth0Info, githubUrl, groqUrl] = await Promise.all([slack.start(), auth0.start(), github.start(), groqFake?.start(), calendar.start()]);
  const oidc = await installOidc(auth0, {});
  installCiba(auth0, { interval: 1 });
  installMyAccount(auth0, { interactive: false });
  const redis = createRedis(REDIS_URL);
  await waitForRedis(redis);
  const keys = createKeys(`agenthub-bench-${randomBytes(4).toString('hex')}`);
  const logger = createLogger({ level: 'silent' });
  const port = await freePort();
  const config = standInConfig({
    slackUrl,
    auth0: { domain: auth0Info.domain, clientId: auth0.clientId, clientSecret: auth0.clientSecret },
    githubUrl,
    googleRootUrl: calendar.rootUrl,
    redisUrl: REDIS_URL,
    signingSecret: SIGNING_SECRET,
    port,
    extra: groqUrl ? { GROQ_API_KEY: 'gsk_benchkey0000000000', GROQ_BASE_URL: groqUrl } : {},
  });
  const policy = parsePolicy(READS_ALLOWED_POLICY, 'bench-policy.yaml');
  const deps = createDeps(config, { logger, redis, keys, planner, policy });
  const app = createSlackApp({ slack: config.slack, http: config.http, deps, logger, botIdentity: { botId: slack.botId, botUserId: slack.botUserId } });
  await app.start();
  deps.startBackground();
  github.seedDemo('octo-dev');
  let linked = 0;
  return {
    eventsUrl: `http://127.0.0.1:${port}${SLACK_EVENTS_PATH}`,
    baseUrl: `http://127.0.0.1:${port}`,
    slack,
    auth0,
    github,
    groq: groqFake,
    oidc,
    deps,
    app,
    keys,
    async linkUser(userId) {
      const sub = `github|${2000 + ++linked}`;
      const refreshToken = `v1.MRrt-bench-refresh-${randomBytes(12).toString('hex')}`;
      auth0.addUser({ sub, refreshToken, connections: { github: { scope: '' } } });
      auth0.onTokenIssued((t) => {
        if (t.sub === sub && t.connection === 'github') github.acceptToken(t.token, 'octo-dev');
      });
      await deps.accounts.link({ teamId: TEAM, userId }, { auth0Sub: sub, refreshToken });
      return { sub };
    },
    forgetRecordings() {
      for (const s of [slack, auth0, github, calendar, groqFake]) s?.resetRequests();
    },
    async close() {
      await app.stop().catch(() => {});
      await deps.close();
      await Promise.all([slack.stop(), auth0.stop(), github.stop(), calendar.stop(), groqFake?.stop()]);
      await deleteByPattern(redis, `${keys.prefix}:*`);
      redis.disconnect();
    },
  };
}

/** Deletes every key matching `pattern` (the run's own prefix). */
export async function deleteByPattern(redis: ReturnType<typeof createRedis>, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    if (found.length) await redis.del(...found);
  } while (cursor !== '0');
}
