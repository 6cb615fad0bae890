import { randomBytes } from 'node:crypto';
import { standInConfig } from '../../../src/demo/stand-in-config.js';
import { createDeps, type Deps } from '../../../src/deps.js';
import { createSlackApp, SLACK_EVENTS_PATH } from '../../../src/slack/create-slack-app.js';
import { createKeys } from '../../../src/store/keys.js';
import { createRedis, waitForRedis } from '../../../src/store/redis.js';
import { type Harness, SIGNING_SECRET, TEAM } from '../../support/harness.js';
import { freePort } from '../../support/processes.js';

/**
 * A bot process wired exactly as `createDeps` wires production (its own `createRedis` client, so the
 * fail-fast options are the ones under test), talking to the harness's stand-ins but to a Redis of
 * the test's choosing — one the test can kill. The result is shaped like the harness, so the
 * slack-user helpers (mention, cardFor, passStepUp…) drive this process.
 */
export interface BotOnRedis extends Harness {
  /** Links a Slack user whose GitHub is connected, in this process's Redis. */
  linkUser(userId: string): Promise<{ sub: string; refreshToken: string }>;
  close(): Promise<void>;
}

export async function startBotOnRedis(h: Harness, redisUrl: string): Promise<BotOnRedis> {
  const port = await freePort();
  const config = standInConfig({
    slackUrl: h.slack.url,
    auth0: { domain: h.auth0.url.replace(/^https:\/\//, ''), clientId: h.auth0.clientId, clientSecret: h.auth0.clientSecret },
    githubUrl: h.github.url,
    googleRootUrl: h.calendar.rootUrl,
    redisUrl,
    signingSecret: SIGNING_SECRET,
    port,
  });
  const deps: Deps = createDeps(config, { logger: h.logs.logger, keys: createKeys(`agenthub-fault-${randomBytes(4).toString('hex')}`) });
  await waitForRedis(deps.redis);
  const app = createSlackApp({
    slack: config.slack,
    http: config.http,
    deps,
    logger: h.logs.logger,
    botIdentity: { botId: h.slack.botId, botUserId: h.slack.botUserId },
  });
  await app.start();
  deps.startBackground();
  let linked = 0;
  return {
    ...h,
    eventsUrl: `http://127.0.0.1:${port}${SLACK_EVENTS_PATH}`,
    baseUrl: `http://127.0.0.1:${port}`,
    deps,
    app,
    async linkUser(userId) {
      const sub = `github|fault-${++linked}-${randomBytes(3).toString('hex')}`;
      const refreshToken = `v1.MRrt-fault-${randomBytes(12).toString('hex')}`;
      h.auth0.addUser({ sub, refreshToken, connections: { github: { scope: '' } } });
      h.auth0.onTokenIssued((t) => {
        if (t.sub === sub && t.connection === 'github') h.github.acceptToken(t.token, 'octo-dev');
      });
      await deps.accounts.link({ teamId: TEAM, userId }, { auth0Sub: sub, refreshToken });
      return { sub, refreshToken };
    },
    async close() {
      await app.stop().catch(() => {});
      await deps.close();
    },
  };
}

/** A fresh Redis client for inspecting the same data the bot sees (its own connection, same options). */
export async function inspector(url: string) {
  const redis = createRedis(url);
  await waitForRedis(redis);
  return redis;
}
