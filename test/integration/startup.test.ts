import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../fakes/fake-slack.js';
import { runEntryPoint } from '../support/processes.js';

/** Runs the real entry point (`src/main.ts`) as a process and collects what it prints. */
const runMain = (env: Record<string, string>) => runEntryPoint('src/main.ts', [], env);

describe('start-up with bad configuration', () => {
  it('in production mode, names every missing variable on one line and exits 1', async () => {
    // With no Slack credentials at all, `npm start` is the demo; production must be asked for.
    const { code, stderr } = await runMain({ AGENTHUB_MODE: 'production' });
    expect(code).toBe(1);
    const first = stderr.split('\n')[0]!;
    expect(first).toMatch(/^AgentHub cannot start: /);
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'AUTH0_DOMAIN', 'AUTH0_CLIENT_ID', 'AUTH0_CLIENT_SECRET', 'AGENTHUB_ENCRYPTION_KEY'])
      expect(first).toContain(name);
  });

  it('a bad AGENTHUB_MODE is named and nothing starts', async () => {
    const { code, stderr } = await runMain({ AGENTHUB_MODE: 'staging' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/AGENTHUB_MODE must be demo or production/);
  });

  it('with only one Slack credential, it is a production start that names the other', async () => {
    const { code, stderr } = await runMain({ SLACK_BOT_TOKEN: 'xoxb-half-configured-000' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/SLACK_SIGNING_SECRET/);
    expect(stderr).not.toContain('xoxb-half-configured-000');
  });

  it('names an invalid variable without ever printing its value', async () => {
    const secret = `not-a-key-${randomBytes(6).toString('hex')}`;
    const { code, stderr, stdout } = await runMain({
      SLACK_BOT_TOKEN: 'xoxb-secret-value-000111',
      SLACK_SIGNING_SECRET: 'signing-secret-value',
      AUTH0_DOMAIN: 'https://tenant.example.com/path',
      AUTH0_CLIENT_ID: 'client',
      AUTH0_CLIENT_SECRET: 'client-secret-value',
      AGENTHUB_ENCRYPTION_KEY: secret,
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/AGENTHUB_ENCRYPTION_KEY must be 32 random bytes/);
    expect(stderr).toMatch(/AUTH0_DOMAIN must be a host name/);
    for (const value of [secret, 'xoxb-secret-value-000111', 'signing-secret-value', 'client-secret-value', 'tenant.example.com']) {
      expect(stderr + stdout).not.toContain(value);
    }
  });

  it('refuses to start with an invalid policy file, naming the line and the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agenthub-policy-'));
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, ['version: 1', 'rules:', '  - tools: [github_merge_pull_request]', '    outcom: deny', ''].join('\n'));
    const { code, stderr } = await runMain({
      SLACK_BOT_TOKEN: 'xoxb-test-000000',
      SLACK_SIGNING_SECRET: 'signing-secret',
      AUTH0_DOMAIN: 'tenant.example.com',
      AUTH0_CLIENT_ID: 'client',
      AUTH0_CLIENT_SECRET: 'secret',
      AGENTHUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      AGENTHUB_POLICY: file,
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/policy file in AGENTHUB_POLICY is invalid/);
    expect(stderr).toMatch(/policy\.yaml line 4: .*outcom.*did you mean "outcome"/);
  });

  describe('with Slack answering', () => {
    const slack = new FakeSlack();
    beforeAll(async () => {
      await slack.start();
    });
    afterAll(async () => slack.stop());

    it('says in one sentence that Slack refused the bot token, instead of crashing', async () => {
      slack.once('auth.test', { body: { ok: false, error: 'invalid_auth' } });
      const { code, stdout, stderr } = await runMain({
        SLACK_BOT_TOKEN: 'xoxb-revoked-token-123456',
        SLACK_SIGNING_SECRET: 'signing-secret',
        SLACK_API_URL: `${slack.url}/api/`,
        AUTH0_DOMAIN: 'tenant.example.com',
        AUTH0_CLIENT_ID: 'client',
        AUTH0_CLIENT_SECRET: 'secret',
        AGENTHUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        PORT: '0',
        REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      });
      expect(code).toBe(1);
      expect(stdout + stderr).toMatch(/Slack refused SLACK_BOT_TOKEN \(auth.test: invalid_auth\)/);
      expect(stdout + stderr).not.toMatch(/at .*node_modules/); // no stack trace
      expect(stdout + stderr).not.toContain('xoxb-revoked-token-123456');
    });
  });
});
