import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentHubError } from '../../../src/errors.js';
import { calendarBinding } from '../../../src/integrations/calendar/binding.js';
import { type CalendarClient, createCalendarClient } from '../../../src/integrations/calendar/client.js';
import { createEvent } from '../../../src/integrations/calendar/create-event.js';
import { findFreeSlot } from '../../../src/integrations/calendar/free-time-tools.js';
import { listEvents } from '../../../src/integrations/calendar/list-events.js';
import { googleError } from '../../fakes/fake-google-calendar.js';
import { expectSecretAbsent } from '../../support/canary.js';
import { ALICE, argsFor, asker, type CalendarWorld, rejection, startCalendarWorld, TOKENS } from './support.js';

let w: CalendarWorld;
beforeEach(async () => {
  w = await startCalendarWorld();
});
afterEach(() => w.fake.stop());

const EVENTS = 'GET /calendar/v3/calendars/primary/events';
const list = () => listEvents.run(argsFor(listEvents, {}), w.alice, asker(ALICE));
const listCalls = () => w.fake.requests.filter((r) => r.path === '/calendar/v3/calendars/primary/events');

describe('Google Calendar failures, in sentences a person can act on', () => {
  it('403: refused, and says when the connection lacks the access', async () => {
    w.fake.once(EVENTS, googleError(403, 'forbidden', 'Forbidden'));
    const err = await rejection(list());
    expect(err.code).toBe('upstream_rejected');
    expect(err.userMessage).toBe('Google Calendar refused access to your calendar for your account.');

    w.fake.once(EVENTS, googleError(403, 'insufficientPermissions', 'Request had insufficient authentication scopes.'));
    expect((await rejection(list())).userMessage).toBe(
      'Google Calendar refused access to your calendar for your account (the connection lacks the calendar access this needs; reconnect Google Calendar).',
    );
  });

  it('429 with Retry-After: rate-limited, says how long to wait, and does not sit waiting it out', async () => {
    w.fake.once(EVENTS, googleError(429, 'rateLimitExceeded', 'Rate Limit Exceeded', { 'Retry-After': '30' }));
    const started = Date.now();
    const err = await rejection(list());
    expect(err.code).toBe('rate_limited');
    expect(err.userMessage).toBe('Google Calendar is rate-limiting your account right now. Try again in about 30 seconds.');
    expect(listCalls()).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(2_000);

    w.fake.once(EVENTS, googleError(429, 'rateLimitExceeded', 'Rate Limit Exceeded', { 'Retry-After': '300' }));
    expect((await rejection(list())).userMessage).toBe('Google Calendar is rate-limiting your account right now. Try again in about 5 minutes.');
  });

  it('403 userRateLimitExceeded is a rate limit too, not a refusal', async () => {
    w.fake.once(EVENTS, googleError(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded'));
    const err = await rejection(list());
    expect(err.code).toBe('rate_limited');
    expect(err.userMessage).toBe('Google Calendar is rate-limiting your account right now. Try again in a minute or two.');
  });

  it('5xx on a read: retried twice, then "try again shortly"; a single blip is invisible', async () => {
    for (let i = 0; i < 3; i++) w.fake.once(EVENTS, googleError(503, 'backendError', 'Backend Error'));
    const err = await rejection(list());
    expect(err.code).toBe('upstream_unavailable');
    expect(err.userMessage).toBe('Google Calendar is having trouble right now (it returned a server error). Nothing was changed; try again shortly.');
    expect(listCalls().map((r) => r.status)).toEqual([503, 503, 503]);

    w.fake.resetRequests();
    w.fake.once(EVENTS, googleError(500, 'backendError', 'Backend Error'));
    await expect(list()).resolves.toMatchObject({ data: { events: [{}, {}, {}] } });
    expect(listCalls().map((r) => r.status)).toEqual([500, 200]);
  });

  it('free/busy (a POST that only reads) is retried like the other reads', async () => {
    w.fake.once('POST /calendar/v3/freeBusy', googleError(502, 'backendError', 'Bad Gateway'));
    await findFreeSlot.run(argsFor(findFreeSlot, {}), w.alice, asker(ALICE));
    expect(w.fake.requests.map((r) => r.status)).toEqual([502, 200]);
  });

  it('401 reaches the vault untouched, with its status, so the person is asked to reconnect', async () => {
    w.fake.revokeToken(TOKENS.alice);
    const err = await list().then(
      () => undefined,
      (e: unknown) => e as { status?: unknown; response?: { status?: unknown } },
    );
    expect(err).toBeDefined();
    expect(err).not.toBeInstanceOf(AgentHubError);
    // What src/vault/token-vault.ts checks to drop the token and ask for a reconnect.
    expect(err?.status).toBe(401);
    expect(err?.response?.status).toBe(401);
    // Not retried: the token is simply no good.
    expect(listCalls()).toHaveLength(1);
  });

  it('an unreachable Google is "didn’t answer", not an internal error', async () => {
    const client = createCalendarClient(TOKENS.alice, w.fake.rootUrl);
    await w.fake.stop();
    const err = await rejection(listEvents.run(argsFor(listEvents, {}), client, asker(ALICE)));
    expect(err.code).toBe('upstream_unavailable');
    expect(err.userMessage).toBe("Google Calendar didn't answer. Nothing was changed; try again shortly.");
  });

  it('never carries the access token in what it throws (logs print errors whole)', async () => {
    const errors: unknown[] = [];
    for (const reply of [googleError(404, 'notFound', 'Not Found'), googleError(500, 'backendError', 'x'), googleError(429, 'rateLimitExceeded', 'x')]) {
      w.fake.resetRequests(); // drops overrides a non-retried failure left unused
      for (let i = 0; i < 3; i++) w.fake.once(EVENTS, reply);
      errors.push(await list().catch((e: unknown) => e));
    }
    w.fake.resetRequests();
    w.fake.revokeToken(TOKENS.alice);
    errors.push(await list().catch((e: unknown) => e));
    const printed = errors.map((e) => inspect(e, { depth: 8 })).join('\n');
    const causes = errors.map((e) => inspect((e as { cause?: unknown }).cause, { depth: 8 })).join('\n');
    expect(printed).toContain('401');
    expectSecretAbsent(TOKENS.alice, { printed, causes });
  });
});

describe('calendarBinding', () => {
  it('is a Token Vault binding for the Google connection, reading with the read-only events scope', async () => {
    const binding = calendarBinding({
      auth0: { domain: 'tenant.example', clientId: 'c', clientSecret: 's', audience: undefined, connections: { github: 'github', google: 'google-oauth2' } },
      google: { apiUrl: w.fake.rootUrl },
    } as Parameters<typeof calendarBinding>[0]);
    expect(binding).toMatchObject({
      kind: 'vault',
      connection: 'google-oauth2',
      verifyScopes: true,
      readScopes: ['https://www.googleapis.com/auth/calendar.events.readonly'],
    });
    // Its client sends the token as a bearer header to `${GOOGLE_API_URL}calendar/v3/…`.
    await listEvents.run(argsFor(listEvents, {}), binding.createClient(TOKENS.alice) as CalendarClient, asker(ALICE));
    expect(w.fake.requests[0]).toMatchObject({ path: '/calendar/v3/calendars/primary/events', token: TOKENS.alice });
    expect(w.fake.requests[0]?.headers.authorization).toBe(`Bearer ${TOKENS.alice}`);
  });
});

describe('a slow Google Calendar (each request bounded by a deadline)', () => {
  /** Google takes 1.5 s to answer; the client waits 200 ms per request. */
  const slowly = (status: number, body: unknown = {}) => ({ status, delayMs: 1500, body });

  it('a read that times out is retried, then the person is told Google did not answer and nothing changed', { timeout: 20_000 }, async () => {
    for (let i = 0; i < 3; i++) w.fake.once(EVENTS, slowly(200, { items: [] }));
    const client = createCalendarClient(TOKENS.alice, w.fake.rootUrl, { timeoutMs: 200 });
    const started = Date.now();
    const err = await rejection(listEvents.run(argsFor(listEvents, {}), client, asker(ALICE)));
    expect(err.code).toBe('upstream_unavailable');
    expect(err.userMessage).toBe("Google Calendar didn't answer. Nothing was changed; try again shortly.");
    expect(listCalls()).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a booking that times out is sent once, and the person is told to check before asking again', { timeout: 20_000 }, async () => {
    const inserts = () => w.fake.requests.filter((r) => r.method === 'POST' && r.path === '/calendar/v3/calendars/primary/events');
    w.fake.once('POST /calendar/v3/calendars/primary/events', slowly(200));
    const client = createCalendarClient(TOKENS.alice, w.fake.rootUrl, { timeoutMs: 200 });
    const args = argsFor(createEvent, { summary: 'Design review', start: '2026-12-01T10:00:00', duration_minutes: 30 });
    const err = await rejection(createEvent.run(args, client, asker(ALICE)));
    expect(err.code).toBe('upstream_unavailable');
    expect(err.userMessage).toMatch(
      /Google Calendar didn't answer while creating .*can't tell whether it was created\. Check your calendar before asking again\./,
    );
    expect(err.userMessage).not.toMatch(/Nothing was changed/);
    expect(inserts()).toHaveLength(1);
  });
});
