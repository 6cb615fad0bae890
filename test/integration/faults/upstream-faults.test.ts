import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_PATH } from '../../fakes/fake-groq.js';
import { type Harness, READS_ALLOWED_POLICY, startHarness, TEAM } from '../../support/harness.js';
import { mention, threadSays } from '../../support/slack-user.js';

/**
 * Issue 8 §2: upstreams that fail (5xx, 429 with Retry-After) or answer too late. The person gets
 * one clear sentence with a reference id, retries are bounded (counted at the stand-in), and the
 * audit trail shows the failure.
 */
const PULLS = '/repos/acme/widgets/pulls';
const TOKEN_EXCHANGE = 'urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token';
const ONE_SENTENCE_WITH_REFERENCE = /reference [A-Za-z0-9_-]{4,}/;

async function auditOf(h: Harness, userId: string) {
  return (await h.deps.audit.read(TEAM)).filter((r) => r.userId === userId);
}

describe('failing upstreams, with the built-in planner', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ policy: READS_ALLOWED_POLICY });
    h.github.seedDemo('octo-dev');
  }, 30_000);
  afterAll(async () => h?.close());

  it('GitHub answering 502 every time: bounded retries, one sentence with a reference, a failed audit record', async () => {
    const user = 'U0GH502';
    await h.linkUser(user);
    // Octokit retries a 5xx twice: three failures leave nothing to retry into.
    for (let i = 0; i < 3; i++) h.github.once(`GET ${PULLS}`, { status: 502, body: { message: 'Bad Gateway' } });
    const before = h.github.requests.filter((r) => r.path === PULLS).length;
    const { progressTs } = await mention(h, user, 'list open pull requests in acme/widgets');
    const said = await threadSays(h, progressTs, ONE_SENTENCE_WITH_REFERENCE, 15_000);
    const tries = h.github.requests.filter((r) => r.path === PULLS).length - before;
    console.info(`[upstream faults] GitHub 502: ${tries} requests; the person was told: ${said}`);
    expect(tries).toBe(3);
    expect(said).toMatch(/GitHub/);
    const finished = (await auditOf(h, user)).filter((r) => r.kind === 'tool_call_finished');
    expect(finished.at(-1)?.outcome).toMatch(/error|failed/);
  });

  it('GitHub answering 429 with Retry-After: no retry against the limit, the person is told', async () => {
    const user = 'U0GH429';
    await h.linkUser(user);
    // One 429 only: a retry would succeed and show the pull requests, so the test would notice.
    h.github.once(`GET ${PULLS}`, { status: 429, headers: { 'retry-after': '60' }, body: { message: 'rate limited' } });
    const before = h.github.requests.filter((r) => r.path === PULLS).length;
    const { progressTs } = await mention(h, user, 'list open pull requests in acme/widgets');
    const said = await threadSays(h, progressTs, ONE_SENTENCE_WITH_REFERENCE, 15_000);
    const tries = h.github.requests.filter((r) => r.path === PULLS).length - before;
    console.info(`[upstream faults] GitHub 429: ${tries} requests; the person was told: ${said}`);
    expect(tries).toBe(1);
    expect(said).toMatch(/rate-limiting/);
  });

  // @auth0/ai 5.1.1's own exchange does `if (!res.ok) return;`,
  // so any Auth0 failure (5xx, 429) became a TokenVaultInterrupt, which read as "not connected":
  // src/vault/token-vault.ts now does the exchange itself, with a deadline, and tells the two apart.
  it('Auth0 failing the Token Vault exchange (503): the person is told Auth0 failed, not to reconnect GitHub', async () => {
    const user = 'U0AUTH503';
    await h.linkUser(user);
    const isExchange = (r: { path: string; grantType?: string }) => r.path === '/oauth/token' && r.grantType === TOKEN_EXCHANGE;
    h.auth0.once(isExchange, { status: 503, body: { error: 'temporarily_unavailable' } });
    const { progressTs } = await mention(h, user, 'list open pull requests in acme/widgets');
    const said = await threadSays(h, progressTs, ONE_SENTENCE_WITH_REFERENCE, 15_000);
    console.info(`[upstream faults] Auth0 exchange 503; the person was told: ${said}`);
    expect(said).not.toMatch(/isn't connected/);
    expect(said).toMatch(/Auth0|try again/i);
  });
});

describe('a failing model (FakeGroq over the real ChatGroq client)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ groq: true, policy: READS_ALLOWED_POLICY });
  }, 30_000);
  afterAll(async () => h?.close());

  it.each([
    ['503', { status: 503, body: { error: { message: 'over capacity' } } }],
    ['429 with Retry-After', { status: 429, headers: { 'retry-after': '1' }, body: { error: { message: 'rate limited' } } }],
  ])(
    'the model answering %s: bounded retries, one sentence, nothing done',
    async (_name, reply) => {
      const user = `U0LLM${_name.slice(0, 3)}`;
      await h.linkUser(user);
      // Two failures: with one retry the run ends; any further request finds the stand-in unscripted.
      for (let i = 0; i < 2; i++) h.groq!.once(CHAT_PATH, reply);
      const before = h.groq!.requests.length;
      const started = Date.now();
      const { progressTs } = await mention(h, user, 'list open pull requests in acme/widgets');
      const said = await threadSays(h, progressTs, ONE_SENTENCE_WITH_REFERENCE, 20_000);
      const tries = h.groq!.requests.length - before;
      console.info(`[upstream faults] model ${_name}: ${tries} requests, answered in ${Date.now() - started} ms; the person was told: ${said}`);
      expect(tries).toBe(2);
      expect(h.github.requests.filter((r) => r.path === PULLS)).toEqual([]);
    },
    60_000,
  );
});
