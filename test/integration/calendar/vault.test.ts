/**
 * The calendar agent end to end below the planner: executor → Token Vault (@auth0/ai against the
 * Auth0 fake) → calendarBinding's client → the Google Calendar fake. Needs
 * NODE_EXTRA_CA_CERTS=test/fixtures/auth0-test-cert.pem (the Auth0 fake is HTTPS), as `npm test` sets.
 */
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config.js';
import { AgentHubError } from '../../../src/errors.js';
import { calendarBinding, calendarTools } from '../../../src/integrations/calendar/index.js';
import { createTrackedReads } from '../../../src/store/tracked-reads.js';
import { createToolExecutor, type ToolExecutor } from '../../../src/tools/tool-executor.js';
import { createLinkedAccountStore } from '../../../src/vault/linked-accounts.js';
import { createSecretBox } from '../../../src/vault/secret-box.js';
import { createTokenCache } from '../../../src/vault/token-cache.js';
import { createTokenVault } from '../../../src/vault/token-vault.js';
import { FakeAuth0 } from '../../fakes/fake-auth0.js';
import { FakeGoogleCalendar } from '../../fakes/fake-google-calendar.js';
import { createTestRedis, type TestRedis } from '../../support/redis.js';
import { staticPeople } from '../../support/tool-context.js';
import { ALICE, NOW, PEOPLE } from './support.js';

const GOOGLE = 'google-oauth2';
const TOKEN_EXCHANGE = 'urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token';
const GRANTED = [
  'openid',
  'https://www.googleapis.com/auth/calendar.events.readonly',
  'https://www.googleapis.com/auth/calendar.events',
  'https://www.googleapis.com/auth/calendar.freebusy',
].join(' ');
const who = { teamId: 'T0TEAM', userId: ALICE.id };

let auth0: FakeAuth0;
let auth0Domain: string;
let google: FakeGoogleCalendar;
let redis: TestRedis;
let executor: ToolExecutor;

beforeAll(async () => {
  auth0 = new FakeAuth0();
  google = new FakeGoogleCalendar();
  const [{ domain }] = await Promise.all([auth0.start(), google.start()]);
  auth0Domain = domain;
  google.seedDemo(NOW);
  auth0.addUser({ sub: 'auth0|alice', refreshToken: 'rt-alice', connections: { [GOOGLE]: { scope: GRANTED } } });
  // Every Google token Token Vault mints is valid for Alice's calendar, with exactly the scopes granted.
  auth0.onTokenIssued((t) => t.connection === GOOGLE && google.acceptToken(t.token, ALICE.email!, t.scope.split(' ')));
  redis = await createTestRedis();
  const accounts = createLinkedAccountStore({
    redis: redis.redis,
    keys: redis.keys,
    box: createSecretBox(randomBytes(32)),
    reads: createTrackedReads({ redis: redis.redis, logger: pino({ level: 'silent' }), canaryKey: redis.keys.key('tracking-canary', 'vault') }),
  });
  await accounts.link(who, { auth0Sub: 'auth0|alice', refreshToken: 'rt-alice' });
  const vault = createTokenVault({
    auth0: { domain, clientId: auth0.clientId, clientSecret: auth0.clientSecret },
    accounts,
    cache: createTokenCache(),
    serviceNames: { [GOOGLE]: 'Google Calendar' },
  });
  const config = {
    auth0: { domain, clientId: auth0.clientId, clientSecret: auth0.clientSecret, audience: undefined, connections: { github: 'github', google: GOOGLE } },
    google: { apiUrl: google.rootUrl },
  } as Pick<Config, 'auth0' | 'google'>;
  executor = createToolExecutor({
    tools: calendarTools,
    services: { calendar: calendarBinding(config) },
    vault,
    people: staticPeople(PEOPLE),
    logger: pino({ level: 'silent' }),
    now: () => new Date(NOW),
  });
});
afterAll(async () => {
  await Promise.all([auth0?.stop(), google?.stop()]);
  await redis?.close();
});

function prepared(name: string, args: Record<string, unknown>) {
  const call = executor.prepare(name, args);
  if (!call.ok) throw new Error(call.message);
  return call.value;
}

describe('the calendar agent through Token Vault', () => {
  it('reads the agenda with a Token Vault token minted for the asker', async () => {
    const result = await executor.run(prepared('calendar_list_events', {}), who);
    expect(result).toMatchObject({ ok: true, value: { data: { events: [{ id: 'standup1' }, { id: 'designrev' }, { id: 'carol1on1' }] } } });
    const exchange = auth0.exchanges.at(-1);
    expect(exchange?.params).toMatchObject({ connection: GOOGLE, subject_token: 'rt-alice' });
    const token = google.requests.at(-1)?.token;
    expect(auth0.tokenInfo(token ?? '')).toMatchObject({ sub: 'auth0|alice', connection: GOOGLE });
    expect(google.requests.at(-1)?.path).toBe('/calendar/v3/calendars/primary/events');
  });

  it('refuses bad arguments at the executor, before any token is asked for', () => {
    const exchanges = auth0.exchangeCount;
    const bad = executor.prepare('calendar_create_event', { summary: 'x', start: 'whenever' });
    expect(bad).toMatchObject({ ok: false, code: 'bad_request' });
    expect(auth0.exchangeCount).toBe(exchanges);
  });

  it('when Google rejects the token (401), asks the person to reconnect, then works again with a fresh token', async () => {
    await executor.run(prepared('calendar_list_events', {}), who);
    const stale = google.requests.at(-1)!.token!;
    google.revokeToken(stale);

    const refused = await executor.run(prepared('calendar_list_events', {}), who);
    expect(refused).toMatchObject({ ok: false, code: 'connection_required', halt: true, connect: { connection: GOOGLE } });
    expect(refused.ok ? '' : refused.message).toMatch(/Google Calendar account isn't connected/);

    const again = await executor.run(prepared('calendar_list_events', {}), who);
    expect(again.ok).toBe(true);
    expect(google.requests.at(-1)?.token).not.toBe(stale);
  });

  it('previews a delete with the cached read token and deletes with a fresh single-use token', async () => {
    const call = prepared('calendar_delete_event', { event_id: 'teamretro' });
    const preview = await executor.preview(call, who);
    expect(preview).toMatchObject({
      ok: true,
      value: [{ label: 'Event', value: 'Team retro' }, {}, {}, { label: 'Cancellations', value: 'e-mailed to 2 guests' }],
    });
    const previewToken = google.requests.at(-1)!.token!;
    const exchanges = auth0.exchangeCount;

    const done = await executor.run(call, who);
    expect(done).toMatchObject({ ok: true, value: { text: expect.stringMatching(/^Deleted “Team retro”/) } });
    expect(google.deleted).toHaveLength(1);
    expect(google.deleted[0]?.token).not.toBe(previewToken);
    expect(auth0.exchangeCount).toBe(exchanges + 1);
  });
});

describe('a slow Auth0 (the Token Vault exchange has a deadline)', () => {
  it('an exchange Auth0 does not answer in time is refused with "Auth0 is not answering", nothing reaches Google, and the next call works', async () => {
    const bob = { teamId: 'T0TEAM', userId: 'U0BOBSLOW' };
    auth0.addUser({ sub: 'auth0|bobslow', refreshToken: 'rt-bobslow', connections: { [GOOGLE]: { scope: GRANTED } } });
    const accounts = createLinkedAccountStore({
      redis: redis.redis,
      keys: redis.keys,
      box: createSecretBox(randomBytes(32)),
      reads: createTrackedReads({ redis: redis.redis, logger: pino({ level: 'silent' }), canaryKey: redis.keys.key('tracking-canary', 'vault') }),
    });
    await accounts.link(bob, { auth0Sub: 'auth0|bobslow', refreshToken: 'rt-bobslow' });
    const vault = createTokenVault({
      auth0: { domain: auth0Domain, clientId: auth0.clientId, clientSecret: auth0.clientSecret },
      accounts,
      cache: createTokenCache(),
      exchangeTimeoutMs: 200,
    });
    const isExchange = (r: { path: string; grantType?: string }) => r.path === '/oauth/token' && r.grantType === TOKEN_EXCHANGE;
    auth0.once(isExchange, { status: 200, delayMs: 1500, body: { error: 'never read' } });
    const exchanges = () => auth0.requests.filter(isExchange).length;
    const before = { exchanges: exchanges(), google: google.requests.length };
    const request = { who: bob, connection: GOOGLE, scopes: ['https://www.googleapis.com/auth/calendar.events.readonly'], verifyScopes: true };
    const started = Date.now();
    const err = await vault
      .withToken(request, async () => 'used')
      .then(
        () => undefined,
        (e: unknown) => e as AgentHubError,
      );
    expect(err).toBeInstanceOf(AgentHubError);
    expect(err).toMatchObject({ code: 'upstream_unavailable' });
    expect(err!.userMessage).toBe('Auth0 is not answering properly right now, so I could not get a token for this. Nothing was done; try again in a minute.');
    expect(Date.now() - started).toBeLessThan(1500);
    expect(exchanges()).toBe(before.exchanges + 1);
    expect(google.requests.length).toBe(before.google);

    expect(await vault.withToken(request, async (token) => (token ? 'used' : 'no token'))).toBe('used');
  });
});
