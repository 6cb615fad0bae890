import { z } from 'zod';

/**
 * The only module that reads the environment. Every variable of CONTRACT.md is declared here,
 * once; `loadConfig(env)` takes the environment as a parameter so tests pass their own.
 */

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const required = (hint: string) =>
  z
    .string({ error: `is missing (${hint})` })
    .trim()
    .min(1, { error: `is missing (${hint})` });

const httpUrl = (fallback: string) =>
  optional.pipe(
    z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .optional()
      .transform((v) => v ?? fallback),
  );

/** AES-256-GCM key: 32 bytes, base64 encoded. */
const encryptionKey = required('32 random bytes, base64 encoded: `openssl rand -base64 32`').refine(
  (v) => /^[A-Za-z0-9+/]{43}=$/.test(v) && Buffer.from(v, 'base64').length === 32,
  {
    error: 'must be 32 random bytes, base64 encoded (e.g. `openssl rand -base64 32`)',
  },
);

/** Auth0 is always reached over https, so the domain is a host with an optional port, never a URL. */
const auth0Domain = required('your tenant host, e.g. acme.us.auth0.com').refine((v) => /^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(v), {
  error: 'must be a host name with an optional :port, without https:// or a path',
});

const schema = z
  .object({
    AGENTHUB_MODE: optional.pipe(z.enum(['demo', 'production']).optional()),
    SLACK_BOT_TOKEN: required('the xoxb- bot token from your Slack app'),
    SLACK_SIGNING_SECRET: required("your Slack app's signing secret"),
    SLACK_APP_TOKEN: optional.pipe(z.string().startsWith('xapp-', { error: 'must be an app-level token starting with xapp-' }).optional()),
    SLACK_API_URL: httpUrl('https://slack.com/api/'),
    PORT: optional
      .transform((v) => (v === undefined ? 3000 : /^\d{1,5}$/.test(v) ? Number(v) : Number.NaN))
      .pipe(
        z
          .number({ error: 'must be a port number' })
          .int({ error: 'must be a port number' })
          .min(0, { error: 'must be a port number' })
          .max(65535, { error: 'must be a port number' }),
      ),
    HOST: optional.transform((v) => v ?? '0.0.0.0'),
    PUBLIC_URL: httpUrl(''),
    AUTH0_DOMAIN: auth0Domain,
    AUTH0_CLIENT_ID: required('the Client ID of your Auth0 Regular Web Application'),
    AUTH0_CLIENT_SECRET: required('the Client Secret of your Auth0 Regular Web Application'),
    AUTH0_AUDIENCE: optional,
    AUTH0_GITHUB_CONNECTION: optional.transform((v) => v ?? 'github'),
    AUTH0_GOOGLE_CONNECTION: optional.transform((v) => v ?? 'google-oauth2'),
    GITHUB_API_URL: httpUrl('https://api.github.com'),
    GOOGLE_API_URL: httpUrl('https://www.googleapis.com/'),
    GROQ_API_KEY: optional,
    GROQ_BASE_URL: httpUrl(''),
    GROQ_MODEL: optional.transform((v) => v ?? 'llama-3.3-70b-versatile'),
    OPENAI_API_KEY: optional,
    OPENAI_BASE_URL: httpUrl(''),
    OPENAI_MODEL: optional.transform((v) => v ?? 'gpt-4o-mini'),
    REDIS_URL: optional.pipe(
      z
        .string()
        .regex(/^rediss?:\/\//, { error: 'must be a redis:// or rediss:// URL' })
        .optional()
        .transform((v) => v ?? 'redis://127.0.0.1:6379'),
    ),
    AGENTHUB_ENCRYPTION_KEY: encryptionKey,
    AGENTHUB_POLICY: optional,
    AGENTHUB_AUDIT_ANCHOR_DIR: optional.transform((v) => v ?? './audit-anchors'),
    AGENTHUB_AUDIT_RETENTION_DAYS: optional
      .transform((v) => (v === undefined ? undefined : /^\d{1,6}$/.test(v) ? Number(v) : Number.NaN))
      .pipe(z.number({ error: 'must be a whole number of days (1 or more)' }).int().min(1, { error: 'must be a whole number of days (1 or more)' }).optional()),
    LOG_LEVEL: optional.pipe(z.enum(['debug', 'info', 'warn', 'error'], { error: 'must be debug, info, warn or error' }).default('info')),
  })
  .transform((e) => ({
    mode: 'production' as const,
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
    },
    http: {
      port: e.PORT,
      host: e.HOST,
      publicUrl: (e.PUBLIC_URL || `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    },
    auth0: {
      domain: e.AUTH0_DOMAIN,
      clientId: e.AUTH0_CLIENT_ID,
      clientSecret: e.AUTH0_CLIENT_SECRET,
      audience: e.AUTH0_AUDIENCE,
      connections: { github: e.AUTH0_GITHUB_CONNECTION, google: e.AUTH0_GOOGLE_CONNECTION },
    },
    github: { apiUrl: e.GITHUB_API_URL.replace(/\/+$/, '') },
    google: { apiUrl: e.GOOGLE_API_URL.endsWith('/') ? e.GOOGLE_API_URL : `${e.GOOGLE_API_URL}/` },
    llm: {
      groq: e.GROQ_API_KEY ? { apiKey: e.GROQ_API_KEY, baseUrl: e.GROQ_BASE_URL || undefined, model: e.GROQ_MODEL } : undefined,
      openai: e.OPENAI_API_KEY ? { apiKey: e.OPENAI_API_KEY, baseUrl: e.OPENAI_BASE_URL || undefined, model: e.OPENAI_MODEL } : undefined,
    },
    redisUrl: e.REDIS_URL,
    encryptionKey: Buffer.from(e.AGENTHUB_ENCRYPTION_KEY, 'base64'),
    policyPath: e.AGENTHUB_POLICY,
    audit: { anchorDir: e.AGENTHUB_AUDIT_ANCHOR_DIR, retentionDays: e.AGENTHUB_AUDIT_RETENTION_DAYS },
    logLevel: e.LOG_LEVEL,
  }));

export type Config = z.output<typeof schema>;

/** Thrown when the environment cannot start the bot; its message is one line fit for stderr. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`AgentHub cannot start: ${problems.join('; ')}.`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment. Problems are reported by variable name only: a value may be a secret,
 * so it never appears in the message.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  // One problem per variable: a blank value would otherwise be reported as missing and as malformed.
  const byVariable = new Map<string, string>();
  for (const issue of result.error.issues) {
    const name = String(issue.path[0] ?? 'environment');
    if (!byVariable.has(name)) byVariable.set(name, `${name} ${issue.message}`);
  }
  throw new ConfigError([...byVariable.values()]);
}

/** The names of every variable the bot reads, for docs and tests. */
export const CONFIG_VARIABLES = Object.keys(schema.in.shape);

export type Mode = 'demo' | 'production';

/**
 * Which program `npm start` runs: AGENTHUB_MODE when set; otherwise production when Slack
 * credentials are given, and the keyless demo when neither is. One of the two alone is a
 * half-configured production start, which then names the missing one.
 */
export function chooseMode(env: NodeJS.ProcessEnv = process.env): Mode {
  const forced = env.AGENTHUB_MODE?.trim();
  if (forced === 'demo' || forced === 'production') return forced;
  if (forced) throw new ConfigError([`AGENTHUB_MODE must be demo or production`]);
  return env.SLACK_BOT_TOKEN || env.SLACK_SIGNING_SECRET ? 'production' : 'demo';
}
