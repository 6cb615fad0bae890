import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../../src/config.js';

const KEY_BYTES = Buffer.alloc(32, 7);
const REQUIRED = {
  SLACK_BOT_TOKEN: 'xoxb-test-bot-token',
  SLACK_SIGNING_SECRET: 'test-signing-secret',
  AUTH0_DOMAIN: 'acme.us.auth0.com',
  AUTH0_CLIENT_ID: 'test-client-id',
  AUTH0_CLIENT_SECRET: 'test-client-secret',
  AGENTHUB_ENCRYPTION_KEY: KEY_BYTES.toString('base64'),
};
const SECRET = 'SECRET-VALUE-123';

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('loadConfig accepted an environment it should have refused');
}

describe('loadConfig: defaults', () => {
  it('starts with only the required variables, filling in every documented default', () => {
    const config = loadConfig({ ...REQUIRED });
    expect(config.http).toEqual({ port: 3000, host: '0.0.0.0', publicUrl: 'http://localhost:3000' });
    expect(config.slack.apiUrl).toBe('https://slack.com/api/');
    expect(config.slack.appToken).toBeUndefined();
    expect(config.auth0.connections).toEqual({ github: 'github', google: 'google-oauth2' });
    expect(config.auth0.domain).toBe('acme.us.auth0.com');
    expect(config.github.apiUrl).toBe('https://api.github.com');
    expect(config.google.apiUrl).toBe('https://www.googleapis.com/');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.logLevel).toBe('info');
    expect(config.policyPath).toBeUndefined();
  });

  it('derives the public URL people are sent to from PORT when PUBLIC_URL is unset', () => {
    const config = loadConfig({ ...REQUIRED, PORT: '8080' });
    expect(config.http.port).toBe(8080);
    expect(config.http.publicUrl).toBe('http://localhost:8080');
  });

  it('uses an explicit PUBLIC_URL without its trailing slash, so links never get a double slash', () => {
    expect(loadConfig({ ...REQUIRED, PUBLIC_URL: 'https://agenthub.example.com/' }).http.publicUrl).toBe('https://agenthub.example.com');
  });

  it('gives SLACK_API_URL the trailing slash the Slack client needs, and does not double it', () => {
    expect(loadConfig({ ...REQUIRED, SLACK_API_URL: 'http://127.0.0.1:9999/api' }).slack.apiUrl).toBe('http://127.0.0.1:9999/api/');
    expect(loadConfig({ ...REQUIRED, SLACK_API_URL: 'http://127.0.0.1:9999/api/' }).slack.apiUrl).toBe('http://127.0.0.1:9999/api/');
  });

  it('drops the trailing slash of GITHUB_API_URL, so a GitHub Enterprise base joins cleanly with REST paths', () => {
    expect(loadConfig({ ...REQUIRED, GITHUB_API_URL: 'https://ghe.example.com/api/v3/' }).github.apiUrl).toBe('https://ghe.example.com/api/v3');
  });

  it('honours overridden Token Vault connection names and REDIS_URL', () => {
    const config = loadConfig({
      ...REQUIRED,
      AUTH0_GITHUB_CONNECTION: 'gh-enterprise',
      AUTH0_GOOGLE_CONNECTION: 'google-work',
      REDIS_URL: 'rediss://cache.internal:6380/2',
    });
    expect(config.auth0.connections).toEqual({ github: 'gh-enterprise', google: 'google-work' });
    expect(config.redisUrl).toBe('rediss://cache.internal:6380/2');
  });

  it('decodes the encryption key to the exact 32 bytes that were encoded', () => {
    expect(loadConfig({ ...REQUIRED }).encryptionKey.equals(KEY_BYTES)).toBe(true);
  });
});

describe('loadConfig: planner selection', () => {
  it('offers no LLM planner without an API key, so the built-in planner is used', () => {
    const { llm } = loadConfig({ ...REQUIRED, GROQ_MODEL: 'some-model', GROQ_BASE_URL: 'http://127.0.0.1:1' });
    expect(llm.groq).toBeUndefined();
    expect(llm.openai).toBeUndefined();
  });

  it('selects Groq when GROQ_API_KEY is set, with the default model and the SDK default base URL', () => {
    expect(loadConfig({ ...REQUIRED, GROQ_API_KEY: 'gsk_testkey' }).llm.groq).toEqual({
      apiKey: 'gsk_testkey',
      baseUrl: undefined,
      model: 'llama-3.3-70b-versatile',
    });
  });

  it('passes GROQ_BASE_URL and GROQ_MODEL through to the Groq planner', () => {
    const { llm } = loadConfig({ ...REQUIRED, GROQ_API_KEY: 'gsk_testkey', GROQ_BASE_URL: 'http://127.0.0.1:4010', GROQ_MODEL: 'llama-3.1-8b-instant' });
    expect(llm.groq).toEqual({ apiKey: 'gsk_testkey', baseUrl: 'http://127.0.0.1:4010', model: 'llama-3.1-8b-instant' });
  });

  it('treats a blank GROQ_API_KEY as unset instead of selecting Groq with an empty key', () => {
    expect(loadConfig({ ...REQUIRED, GROQ_API_KEY: '   ' }).llm.groq).toBeUndefined();
  });

  it('selects the OpenAI planner settings only when OPENAI_API_KEY is set', () => {
    expect(loadConfig({ ...REQUIRED, OPENAI_API_KEY: 'sk-test' }).llm).toEqual({
      groq: undefined,
      openai: { apiKey: 'sk-test', baseUrl: undefined, model: 'gpt-4o-mini' },
    });
  });
});

describe('loadConfig: refusing to start', () => {
  const requiredNames = Object.keys(REQUIRED);

  it('names every missing required variable at once, in a single line', () => {
    const err = configError({});
    expect(err.message).not.toContain('\n');
    expect(err.message).toMatch(/^AgentHub cannot start: /);
    for (const name of requiredNames) expect(err.message).toContain(`${name} is missing`);
    expect(err.problems).toHaveLength(requiredNames.length);
  });

  it('reports missing and malformed variables together and never echoes a value', () => {
    const invalid = {
      AGENTHUB_MODE: SECRET,
      SLACK_APP_TOKEN: SECRET,
      SLACK_API_URL: `ftp://${SECRET}`,
      PORT: SECRET,
      PUBLIC_URL: SECRET,
      AUTH0_DOMAIN: `https://${SECRET}.auth0.com`,
      GITHUB_API_URL: SECRET,
      GOOGLE_API_URL: `javascript:${SECRET}`,
      GROQ_BASE_URL: SECRET,
      OPENAI_BASE_URL: SECRET,
      REDIS_URL: `http://${SECRET}`,
      AGENTHUB_ENCRYPTION_KEY: SECRET,
      LOG_LEVEL: SECRET,
    };
    const err = configError({ ...REQUIRED, SLACK_BOT_TOKEN: undefined, SLACK_SIGNING_SECRET: SECRET, AUTH0_CLIENT_SECRET: SECRET, ...invalid });
    for (const name of [...Object.keys(invalid), 'SLACK_BOT_TOKEN']) expect(err.message).toContain(name);
    expect(err.message).not.toContain('\n');
    expect(err.message).not.toContain(SECRET);
    expect(err.problems.join(' ')).not.toContain(SECRET);
    expect(String(err.stack)).not.toContain(SECRET);
  });

  it('tells the operator how to make an encryption key when it is missing', () => {
    expect(configError({ ...REQUIRED, AGENTHUB_ENCRYPTION_KEY: undefined }).message).toContain('openssl rand -base64 32');
  });

  it('treats blank and whitespace-only required values as missing', () => {
    const err = configError({ ...REQUIRED, SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '   ', AUTH0_CLIENT_ID: '\t' });
    expect(err.message).toContain('SLACK_BOT_TOKEN is missing');
    expect(err.message).toContain('SLACK_SIGNING_SECRET is missing');
    expect(err.message).toContain('AUTH0_CLIENT_ID is missing');
  });

  it('treats a blank optional variable as unset and applies its default', () => {
    const config = loadConfig({ ...REQUIRED, PORT: ' ', REDIS_URL: '', SLACK_API_URL: '  ', LOG_LEVEL: '' });
    expect(config.http.port).toBe(3000);
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.slack.apiUrl).toBe('https://slack.com/api/');
    expect(config.logLevel).toBe('info');
  });

  it.each([
    ['an https:// URL', 'https://acme.us.auth0.com'],
    ['an http:// URL', 'http://acme.us.auth0.com'],
    ['a host with a path', 'acme.us.auth0.com/oauth'],
    ['a host with a trailing slash', 'acme.us.auth0.com/'],
    ['a host with credentials', 'user@acme.us.auth0.com'],
  ])('refuses AUTH0_DOMAIN given as %s, because Auth0 is always reached at https://<host>/', (_what, domain) => {
    expect(configError({ ...REQUIRED, AUTH0_DOMAIN: domain }).message).toContain('AUTH0_DOMAIN must be a host name');
  });

  it('accepts AUTH0_DOMAIN as a host with a port, as a local stand-in needs', () => {
    expect(loadConfig({ ...REQUIRED, AUTH0_DOMAIN: '127.0.0.1:8443' }).auth0.domain).toBe('127.0.0.1:8443');
  });

  it.each([
    ['16 bytes', Buffer.alloc(16, 1).toString('base64')],
    ['33 bytes', Buffer.alloc(33, 1).toString('base64')],
    ['32 bytes written as hex', Buffer.alloc(32, 1).toString('hex')],
    ['a passphrase', 'correct horse battery staple'],
  ])('refuses an encryption key of %s', (_what, key) => {
    expect(configError({ ...REQUIRED, AGENTHUB_ENCRYPTION_KEY: key }).message).toContain('AGENTHUB_ENCRYPTION_KEY must be 32 random bytes');
  });

  it.each(['-1', '65536', '3000.5', 'http'])('refuses PORT=%s', (port) => {
    expect(configError({ ...REQUIRED, PORT: port }).message).toContain('PORT must be a port number');
  });

  it('refuses a SLACK_APP_TOKEN that is not an app-level xapp- token', () => {
    expect(configError({ ...REQUIRED, SLACK_APP_TOKEN: 'xoxb-wrong-kind' }).message).toContain('SLACK_APP_TOKEN must be an app-level token');
    expect(loadConfig({ ...REQUIRED, SLACK_APP_TOKEN: 'xapp-1-A1-1-abc' }).slack.appToken).toBe('xapp-1-A1-1-abc');
  });
});

describe('CONFIG_VARIABLES', () => {
  // The variables of the Environment table in CONTRACT.md (the outside contract), copied verbatim.
  const CONTRACT_ENVIRONMENT_TABLE = [
    'SLACK_BOT_TOKEN',
    'SLACK_SIGNING_SECRET',
    'SLACK_APP_TOKEN',
    'SLACK_API_URL',
    'PORT',
    'HOST',
    'PUBLIC_URL',
    'AUTH0_DOMAIN',
    'AUTH0_CLIENT_ID',
    'AUTH0_CLIENT_SECRET',
    'AUTH0_AUDIENCE',
    'AUTH0_GITHUB_CONNECTION',
    'AUTH0_GOOGLE_CONNECTION',
    'GITHUB_API_URL',
    'GOOGLE_API_URL',
    'GROQ_API_KEY',
    'GROQ_BASE_URL',
    'GROQ_MODEL',
    'OPENAI_API_KEY',
    'OPENAI_BASE_URL',
    'OPENAI_MODEL',
    'REDIS_URL',
    'AGENTHUB_ENCRYPTION_KEY',
    'AGENTHUB_POLICY',
    'LOG_LEVEL',
  ];

  it("lists every variable of the contract's Environment table", () => {
    expect(CONFIG_VARIABLES).toEqual(expect.arrayContaining(CONTRACT_ENVIRONMENT_TABLE));
  });

  /** Added beyond the contract (audit anchors and retention); documented in the README's Environment table. */
  const EXTENSIONS = ['AGENTHUB_AUDIT_ANCHOR_DIR', 'AGENTHUB_AUDIT_RETENTION_DAYS'];

  it('lists only variables the contract names (the table, AGENTHUB_MODE from the commands section, and the documented extensions)', () => {
    const documented = new Set([...CONTRACT_ENVIRONMENT_TABLE, 'AGENTHUB_MODE', ...EXTENSIONS]);
    expect(CONFIG_VARIABLES.filter((name) => !documented.has(name))).toEqual([]);
  });

  it('every variable the bot reads appears in .env.example, which the start-up error points operators to', () => {
    const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    const missing = CONFIG_VARIABLES.filter((name) => !new RegExp(`^#?\\s*${name}=`, 'm').test(example));
    expect(missing).toEqual([]);
  });
});
