import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, loadConfig } from '../config.js';

/** Where the stand-ins listen, and what the bot is told about itself. */
export interface StandInWorld {
  slackUrl: string;
  auth0: { domain: string; clientId: string; clientSecret: string };
  githubUrl: string;
  googleRootUrl: string;
  redisUrl: string;
  signingSecret: string;
  /** The bot's port on 127.0.0.1 (its PUBLIC_URL too). */
  port: number;
  /** Anything else the environment should say (LLM keys, a policy file…). */
  extra?: Record<string, string>;
}

/**
 * The environment of a bot in a world of local stand-ins, exactly as an operator would set it.
 * Demo mode, the test harness and the multi-process tests wire the same world the same way; only the
 * secrets are fresh. `publicUrl` defaults to the bot's own address (a load balancer's otherwise).
 */
export function standInEnv(w: StandInWorld & { publicUrl?: string }): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: 'xoxb-stand-in-bot-token',
    SLACK_SIGNING_SECRET: w.signingSecret,
    SLACK_API_URL: `${w.slackUrl}/api/`,
    AUTH0_DOMAIN: w.auth0.domain,
    AUTH0_CLIENT_ID: w.auth0.clientId,
    AUTH0_CLIENT_SECRET: w.auth0.clientSecret,
    GITHUB_API_URL: w.githubUrl,
    GOOGLE_API_URL: w.googleRootUrl,
    REDIS_URL: w.redisUrl,
    AGENTHUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    PORT: String(w.port),
    HOST: '127.0.0.1',
    PUBLIC_URL: w.publicUrl ?? `http://127.0.0.1:${w.port}`,
    AGENTHUB_AUDIT_ANCHOR_DIR: mkdtempSync(join(tmpdir(), 'agenthub-anchors-')),
    ...w.extra,
  };
}

/** The bot's configuration for a world of local stand-ins, read through the real config loader. */
export function standInConfig(w: StandInWorld): Config {
  return loadConfig(standInEnv(w));
}
