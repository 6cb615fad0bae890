/**
 * Contract checks of the Google Calendar stand-in through the real `@googleapis/calendar` client:
 * if one fails after a client upgrade, the fake no longer speaks Google's wire format.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CalendarClient, createCalendarClient } from '../../../src/integrations/calendar/client.js';
import { FakeGoogleCalendar, SCOPE } from '../../fakes/fake-google-calendar.js';

let fake: FakeGoogleCalendar;
let calendar: CalendarClient;

beforeEach(async () => {
  fake = new FakeGoogleCalendar();
  await fake.start();
  fake.seedDemo(new Date('2026-11-30T09:00:00Z'));
  fake.acceptToken('ya29.alice', 'alice@acme.test');
  calendar = createCalendarClient('ya29.alice', fake.rootUrl);
});
afterEach(() => fake.stop());

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: { status?: number; response?: { data?: { error?: { code?: number; errors?: Array<{ reason?: string }> } } } }) => ({
      status: e.status,
      code: e.response?.data?.error?.code,
      reason: e.response?.data?.error?.errors?.[0]?.reason,
    }),
  );

describe('FakeGoogleCalendar + @googleapis/calendar', () => {
  it('answers an unknown token with Google’s 401 envelope', async () => {
    const stranger = createCalendarClient('ya29.unknown', fake.rootUrl);
    await expect(failure(stranger.events.list({ calendarId: 'primary' }))).resolves.toEqual({ status: 401, code: 401, reason: 'authError' });
  });

  it('pages with nextPageToken and rejects a forged one', async () => {
    fake.setPageSize(3);
    const first = await calendar.events.list({ calendarId: 'primary', singleEvents: true, orderBy: 'startTime' });
    expect(first.data.items).toHaveLength(3);
    const second = await calendar.events.list({ calendarId: 'primary', singleEvents: true, orderBy: 'startTime', pageToken: first.data.nextPageToken! });
    expect(second.data.items?.[0]?.id).not.toBe(first.data.items?.[0]?.id);
    await expect(failure(calendar.events.list({ calendarId: 'primary', pageToken: 'forged' }))).resolves.toMatchObject({ status: 400 });
    await expect(failure(calendar.events.list({ calendarId: 'primary', orderBy: 'startTime' }))).resolves.toMatchObject({ status: 400 });
  });

  it('adds Meet only when the client declares conferenceDataVersion=1, as Google does', async () => {
    const requestBody = {
      summary: 'Meet?',
      start: { dateTime: '2026-12-01T10:00:00Z' },
      end: { dateTime: '2026-12-01T10:30:00Z' },
      conferenceData: { createRequest: { requestId: 'r1', conferenceSolutionKey: { type: 'hangoutsMeet' } } },
    };
    const ignored = await calendar.events.insert({ calendarId: 'primary', requestBody });
    expect(ignored.data.hangoutLink).toBeUndefined();
    const honoured = await calendar.events.insert({ calendarId: 'primary', conferenceDataVersion: 1, requestBody });
    expect(honoured.data.hangoutLink).toMatch(/^https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
    expect(honoured.data.conferenceData?.entryPoints?.[0]).toMatchObject({ entryPointType: 'video', uri: honoured.data.hangoutLink });
  });

  it('e-mails by sendUpdates: all, externalOnly, or nobody by default', async () => {
    const base = {
      start: { dateTime: '2026-12-01T10:00:00Z' },
      end: { dateTime: '2026-12-01T10:30:00Z' },
      attendees: [{ email: 'bob@acme.test' }, { email: 'x@other.example' }],
    };
    const quiet = await calendar.events.insert({ calendarId: 'primary', requestBody: { summary: 'quiet', ...base } });
    const outside = await calendar.events.insert({ calendarId: 'primary', sendUpdates: 'externalOnly', requestBody: { summary: 'outside', ...base } });
    const all = await calendar.events.insert({ calendarId: 'primary', sendUpdates: 'all', requestBody: { summary: 'all', ...base } });
    expect(fake.emailsAbout(quiet.data.id!)).toEqual([]);
    expect(fake.emailsAbout(outside.data.id!).map((m) => m.to)).toEqual(['x@other.example']);
    expect(fake.emailsAbout(all.data.id!).map((m) => m.to)).toEqual(['bob@acme.test', 'x@other.example']);
    expect(fake.created.map((c) => c.sendUpdates)).toEqual([undefined, 'externalOnly', 'all']);
    // The organizer is on the list, accepted; guests have not answered yet.
    expect(all.data.attendees?.map((a) => [a.email, a.responseStatus, Boolean(a.organizer)])).toEqual([
      ['alice@acme.test', 'accepted', true],
      ['bob@acme.test', 'needsAction', false],
      ['x@other.example', 'needsAction', false],
    ]);
  });

  it('rejects an empty time range, and answers 410 for a second delete', async () => {
    const empty = calendar.events.insert({
      calendarId: 'primary',
      requestBody: { start: { dateTime: '2026-12-01T10:00:00Z' }, end: { dateTime: '2026-12-01T10:00:00Z' } },
    });
    await expect(failure(empty)).resolves.toEqual({ status: 400, code: 400, reason: 'timeRangeEmpty' });
    await calendar.events.delete({ calendarId: 'primary', eventId: 'roadmap' });
    await expect(failure(calendar.events.delete({ calendarId: 'primary', eventId: 'roadmap' }))).resolves.toMatchObject({ status: 410, reason: 'deleted' });
    expect((await calendar.events.get({ calendarId: 'primary', eventId: 'roadmap' })).data.status).toBe('cancelled');
  });

  it('keeps guests’ answers when the attendee list is patched', async () => {
    const patched = await calendar.events.patch({
      calendarId: 'primary',
      eventId: 'standup1',
      requestBody: { attendees: [{ email: 'bob@acme.test' }, { email: 'dave@acme.test' }] },
    });
    expect(patched.data.attendees?.map((a) => [a.email, a.responseStatus])).toEqual([
      ['alice@acme.test', 'accepted'],
      ['bob@acme.test', 'accepted'],
      ['dave@acme.test', 'needsAction'],
    ]);
    expect(patched.data.sequence).toBe(1);
  });

  it('answers free/busy per calendar, with notFound for unknown ones, ignoring transparent and declined events', async () => {
    fake.addEvent({
      organizer: 'bob@acme.test',
      summary: 'declined',
      start: '2026-12-02T15:00:00Z',
      end: '2026-12-02T16:00:00Z',
      attendees: [{ email: 'carol@acme.test', responseStatus: 'declined' }],
    });
    const { data } = await calendar.freebusy.query({
      requestBody: {
        timeMin: '2026-12-02T00:00:00Z',
        timeMax: '2026-12-03T00:00:00Z',
        items: [{ id: 'primary' }, { id: 'carol@acme.test' }, { id: 'nobody@nowhere.example' }],
      },
    });
    expect(data.calendars?.primary?.busy).toEqual([
      { start: '2026-12-02T09:00:00Z', end: '2026-12-02T09:15:00Z' },
      { start: '2026-12-02T12:00:00Z', end: '2026-12-02T13:00:00Z' },
    ]);
    expect(data.calendars?.['carol@acme.test']?.busy).toEqual([{ start: '2026-12-02T09:00:00Z', end: '2026-12-02T09:15:00Z' }]);
    expect(data.calendars?.['nobody@nowhere.example']).toEqual({ errors: [{ domain: 'global', reason: 'notFound' }], busy: [] });
  });

  it('enforces the scopes a token was granted', async () => {
    fake.acceptToken('ya29.read', 'alice@acme.test', [SCOPE.eventsReadonly]);
    const reader = createCalendarClient('ya29.read', fake.rootUrl);
    await expect(reader.events.list({ calendarId: 'primary' })).resolves.toBeTruthy();
    await expect(failure(reader.events.delete({ calendarId: 'primary', eventId: 'roadmap' }))).resolves.toMatchObject({
      status: 403,
      reason: 'insufficientPermissions',
    });
    await expect(
      failure(reader.freebusy.query({ requestBody: { timeMin: '2026-12-02T00:00:00Z', timeMax: '2026-12-03T00:00:00Z', items: [] } })),
    ).resolves.toMatchObject({
      status: 403,
    });
    expect(fake.deleted).toEqual([]);
  });
});
