import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEvent } from '../../../src/integrations/calendar/create-event.js';
import { deleteEvent } from '../../../src/integrations/calendar/delete-event.js';
import { INVITE_RISK_THRESHOLD } from '../../../src/integrations/calendar/index.js';
import { updateEvent } from '../../../src/integrations/calendar/update-event.js';
import { riskOf } from '../../../src/tools/tool-definition.js';
import { googleError } from '../../fakes/fake-google-calendar.js';
import { ALICE, argsFor, asker, asMap, type CalendarWorld, labels, NOW, rejection, startCalendarWorld, TOKENS } from './support.js';

let w: CalendarWorld;
beforeEach(async () => {
  w = await startCalendarWorld();
});
afterEach(() => w.fake.stop());

const ctx = () => asker(ALICE);
const create = (raw: Record<string, unknown>) => argsFor(createEvent, { summary: 'Sync', ...raw });
const update = (raw: Record<string, unknown>) => argsFor(updateEvent, raw);
const del = (raw: Record<string, unknown>) => argsFor(deleteEvent, raw);
const writes = () => w.fake.requests.filter((r) => r.method !== 'GET');
const guests = (n: number) => Array.from({ length: n }, (_, i) => `guest${i}@acme.test`);

describe('calendar_create_event', () => {
  it('creates the event at the asker’s local time, invites the guests by e-mail and adds Meet', async () => {
    const args = create({ start: 'tomorrow 15:00', attendees: ['<@U0BOB>', 'carol@acme.test'], with_meet: true, location: 'Room 2' });
    const result = await createEvent.run(args, w.alice, ctx());
    const [made] = w.fake.created;
    expect(made).toMatchObject({ calendar: 'alice@acme.test', token: TOKENS.alice, sendUpdates: 'all', conferenceDataVersion: 1 });
    expect(made?.body).toMatchObject({
      summary: 'Sync',
      location: 'Room 2',
      start: { dateTime: '2026-12-01T15:00:00+01:00', timeZone: 'Europe/Paris' },
      end: { dateTime: '2026-12-01T15:30:00+01:00', timeZone: 'Europe/Paris' },
      attendees: [{ email: 'bob@acme.test' }, { email: 'carol@acme.test' }],
      conferenceData: { createRequest: { conferenceSolutionKey: { type: 'hangoutsMeet' } } },
    });
    expect(w.fake.emailsAbout(made!.eventId)).toEqual([
      { to: 'bob@acme.test', kind: 'invitation', eventId: made!.eventId },
      { to: 'carol@acme.test', kind: 'invitation', eventId: made!.eventId },
    ]);
    expect(labels(result.text)).toBe(
      'Created [Sync], tomorrow (Tue 1 Dec) 15:00–15:30 (times in Europe/Paris) with 2 guests; invitations e-mailed to 2 guests. · [Join Meet]',
    );
    expect(result.data).toMatchObject({
      id: made!.eventId,
      start: '2026-12-01T15:00:00+01:00',
      meet_url: expect.stringMatching(/^https:\/\/meet\.google\.com\//),
      attendees: ['bob@acme.test', 'carol@acme.test'],
      invitations_emailed: 2,
    });
    // Bob is now busy then.
    expect(w.fake.eventJson(made!.eventId, 'bob@acme.test')).toMatchObject({ organizer: { email: 'alice@acme.test' }, status: 'confirmed' });
  });

  it('sends no e-mail when told not to, and no Meet unless asked', async () => {
    const result = await createEvent.run(
      create({ start: '2026-12-02T09:00', duration_minutes: 90, attendees: ['bob@acme.test'], notify: false }),
      w.alice,
      ctx(),
    );
    expect(w.fake.created[0]).toMatchObject({ sendUpdates: 'none', conferenceDataVersion: 0 });
    expect(w.fake.created[0]?.body).not.toHaveProperty('conferenceData');
    expect(w.fake.emails).toEqual([]);
    expect(labels(result.text)).toBe('Created [Sync], Wed 2 Dec 09:00–10:30 (times in Europe/Paris) with 1 guest; no invitations e-mailed.');
    expect(result.data).toMatchObject({ invitations_emailed: 0, meet_url: null });
  });

  it('takes an explicit end, an ISO time with offset, and leaves the organizer off the guest list', async () => {
    await createEvent.run(create({ start: '2026-12-03T14:00:00Z', end: 'thursday 16:00', attendees: ['alice@acme.test', '<@U0ALICE>'] }), w.alice, ctx());
    expect(w.fake.created[0]?.body).toMatchObject({ start: { dateTime: '2026-12-03T15:00:00+01:00' }, end: { dateTime: '2026-12-03T16:00:00+01:00' } });
    expect(w.fake.created[0]?.body).not.toHaveProperty('attendees');
    expect(w.fake.emails).toEqual([]);
  });

  it('pins relative times and Slack mentions when bound, so a later approval books exactly what was shown', async () => {
    const bound = await createEvent.bind!(create({ start: 'tomorrow 15:00', duration_minutes: 45, attendees: ['<@U0BOB>'] }), w.alice, ctx());
    expect(bound).toEqual({
      summary: 'Sync',
      start: '2026-12-01T15:00:00+01:00',
      end: '2026-12-01T15:45:00+01:00',
      attendees: ['bob@acme.test'],
      with_meet: false,
    });
    expect(createEvent.describe(bound)).toBe('create calendar event “Sync” at Tue 1 Dec 15:00 (UTC+01:00) until Tue 1 Dec 15:45 (UTC+01:00) with 1 guest');
    // Approved the next day: "tomorrow" would now mean Wednesday, but the bound time stays Tuesday.
    await createEvent.run(bound, w.alice, asker(ALICE, new Date(NOW.getTime() + 86_400_000)));
    expect(w.fake.created[0]?.body).toMatchObject({ start: { dateTime: '2026-12-01T15:00:00+01:00' }, attendees: [{ email: 'bob@acme.test' }] });
    expect(w.fake.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('previews exactly what will be created, without touching Google', async () => {
    const lines = await createEvent.preview!(
      create({ summary: 'Planning <!here>', start: 'friday 10:00', attendees: ['<@U0BOB>', 'carol@acme.test'], with_meet: true, location: 'HQ' }),
      w.alice,
      ctx(),
    );
    expect(lines).toEqual([
      { label: 'Title', value: 'Planning <!here>' },
      { label: 'When', value: 'Fri 4 Dec 10:00–10:30 (times in Europe/Paris)' },
      { label: 'Guests', value: 'bob@acme.test, carol@acme.test' },
      { label: 'Location', value: 'HQ' },
      { label: 'Google Meet', value: 'yes, a Meet link is added' },
      { label: 'Invitations', value: 'e-mailed to 2 guests' },
    ]);
    expect(asMap(await createEvent.preview!(create({ start: 'friday 10:00', attendees: ['bob@acme.test'], notify: false }), w.alice, ctx()))).toMatchObject({
      'Google Meet': 'no',
      Invitations: "not e-mailed (notify is off; 1 guest won't be told)",
    });
    expect(asMap(await createEvent.preview!(create({ start: 'friday 10:00' }), w.alice, ctx()))).toMatchObject({
      Guests: 'none',
      Invitations: 'none (no guests)',
    });
    expect(w.fake.requests).toHaveLength(0);
  });

  it(`becomes high risk when it e-mails ${INVITE_RISK_THRESHOLD} or more guests`, () => {
    expect(INVITE_RISK_THRESHOLD).toBe(10);
    const risk = (raw: Record<string, unknown>) => riskOf(createEvent, create({ start: 'tomorrow 10:00', ...raw }));
    expect(risk({})).toBe('medium');
    expect(risk({ attendees: guests(9) })).toBe('medium');
    expect(risk({ attendees: guests(10) })).toBe('high');
    expect(risk({ attendees: guests(10), notify: false })).toBe('medium');
    // The same person twice is one e-mail.
    expect(risk({ attendees: [...guests(9), 'GUEST0@acme.test', '<@U0BOB>', 'U0BOB'] })).toBe('high');
    expect(risk({ attendees: [...guests(8), 'GUEST0@acme.test', '<@U0BOB>', 'U0BOB'] })).toBe('medium');
  });

  it('rejects malformed arguments before anything is sent', () => {
    const bad = [
      { start: 'soon' },
      { start: 'tomorrow' },
      { start: '2026-02-30T10:00' },
      { start: 'tomorrow 10:00', duration_minutes: 0 },
      { start: 'tomorrow 10:00', duration_minutes: 100_000 },
      { start: 'tomorrow 10:00', end: 'tomorrow 11:00', duration_minutes: 60 },
      { start: 'tomorrow 10:00', attendees: guests(101) },
      { start: 'tomorrow 10:00', attendees: ['bob'] },
      { start: 'tomorrow 10:00', summary: '' },
    ];
    for (const raw of bad) expect(createEvent.schema.safeParse({ summary: 'Sync', ...raw }).success, JSON.stringify(raw)).toBe(false);
    expect(createEvent.schema.safeParse({ summary: 'Sync', start: 'tomorrow 10:00', attendees: guests(100) }).success).toBe(true);
  });

  it('refuses an end before the start, an event of weeks, or a guest without an address, and creates nothing', async () => {
    const inverted = await rejection(createEvent.run(create({ start: 'tomorrow 15:00', end: 'tomorrow 14:00' }), w.alice, ctx()));
    expect(inverted.userMessage).toBe("The end (2026-12-01 14:00) isn't after the start (2026-12-01 15:00); give an end that comes after the start.");
    const long = await rejection(createEvent.run(create({ start: 'tomorrow 15:00', end: '2027-01-15T10:00' }), w.alice, ctx()));
    expect(long.userMessage).toBe('That event would last more than 14 days; check the end time.');
    const hidden = await rejection(createEvent.run(create({ start: 'tomorrow 15:00', attendees: ['<@U0BOB>', '<@U0HAL>'] }), w.alice, ctx()));
    expect(hidden.userMessage).toMatch(/^Slack doesn't show me an e-mail address for Hal &lt;!here&gt; Hidden/);
    expect(writes()).toHaveLength(0);
    expect(w.fake.created).toHaveLength(0);
  });

  it('sends the insert once, and on a server error says it cannot tell whether the event exists', async () => {
    w.fake.once('POST /calendar/v3/calendars/primary/events', googleError(503, 'backendError', 'Backend Error'));
    const err = await rejection(createEvent.run(create({ start: 'tomorrow 15:00' }), w.alice, ctx()));
    expect(err.code).toBe('upstream_unavailable');
    expect(err.userMessage).toBe(
      "Google Calendar is having trouble right now (it returned a server error) while creating the event, so I can't tell whether it was created. Check your calendar before asking again.",
    );
    expect(writes()).toHaveLength(1);
  });

  it('passes on what Google says when it refuses the event', async () => {
    w.fake.once('POST /calendar/v3/calendars/primary/events', googleError(400, 'invalid', 'Invalid attendee email.'));
    const err = await rejection(createEvent.run(create({ start: 'tomorrow 15:00' }), w.alice, ctx()));
    expect(err.code).toBe('upstream_rejected');
    expect(err.userMessage).toBe('Google Calendar refused the request for the new event (Google says: Invalid attendee email.). Nothing was changed.');
  });
});

describe('calendar_update_event', () => {
  // Roadmap planning: Alice's, Tuesday 11:00–12:30 in Paris, with Bob.
  it('moves an event keeping its length, and e-mails the guests the update', async () => {
    const result = await updateEvent.run(update({ event_id: 'roadmap', start: 'wednesday 14:00' }), w.alice, ctx());
    expect(w.fake.patched).toHaveLength(1);
    expect(w.fake.patched[0]).toMatchObject({ eventId: 'roadmap', token: TOKENS.alice, sendUpdates: 'all' });
    expect(w.fake.patched[0]?.body).toEqual({
      start: { dateTime: '2026-12-02T14:00:00+01:00', timeZone: 'Europe/Paris', date: null },
      end: { dateTime: '2026-12-02T15:30:00+01:00', timeZone: 'Europe/Paris', date: null },
    });
    expect(w.fake.emailsAbout('roadmap')).toEqual([{ to: 'bob@acme.test', kind: 'update', eventId: 'roadmap' }]);
    expect(labels(result.text)).toBe('Updated [Roadmap planning]: moved to Wed 2 Dec 14:00–15:30 (times in Europe/Paris); updates e-mailed to 1 guest.');
    expect(result.data).toMatchObject({ id: 'roadmap', start: '2026-12-02T14:00:00+01:00', end: '2026-12-02T15:30:00+01:00', updates_emailed: 1 });
  });

  it('previews old → new for each change, and who will be e-mailed', async () => {
    const lines = await updateEvent.preview!(
      update({
        event_id: 'roadmap',
        start: 'wednesday 14:00',
        summary: 'Roadmap v2',
        add_attendees: ['<@U0CAROL>'],
        remove_attendees: ['bob@acme.test'],
        location: 'Room 9',
      }),
      w.alice,
      ctx(),
    );
    expect(lines).toEqual([
      { label: 'Event', value: 'Roadmap planning (tomorrow (Tue 1 Dec) 11:00–12:30)' },
      { label: 'Title', value: 'Roadmap planning → Roadmap v2' },
      { label: 'When', value: 'tomorrow (Tue 1 Dec) 11:00–12:30 → Wed 2 Dec 14:00–15:30 (times in Europe/Paris)' },
      { label: 'Guests', value: '+carol@acme.test, −bob@acme.test (1 guest after the change)' },
      { label: 'Location', value: 'none → Room 9' },
      { label: 'Updates', value: 'e-mailed to 2 guests' },
    ]);
    expect(writes()).toHaveLength(0);
  });

  it('adds and removes guests: an invitation for the new one, a cancellation for the one removed', async () => {
    const result = await updateEvent.run(update({ event_id: 'roadmap', add_attendees: ['<@U0CAROL>'], remove_attendees: ['<@U0BOB>'] }), w.alice, ctx());
    // The whole new list is sent (Google replaces it): Alice as organizer, Carol added, Bob gone.
    expect(w.fake.patched[0]?.body).toMatchObject({ attendees: [{ email: 'alice@acme.test', organizer: true }, { email: 'carol@acme.test' }] });
    expect(w.fake.emailsAbout('roadmap')).toEqual([
      { to: 'carol@acme.test', kind: 'invitation', eventId: 'roadmap' },
      { to: 'bob@acme.test', kind: 'cancellation', eventId: 'roadmap' },
    ]);
    expect(labels(result.text)).toBe('Updated [Roadmap planning]: added 1 guest, removed 1 guest; updates e-mailed to 2 guests.');
  });

  it('renames quietly when told not to notify, and moves the end alone', async () => {
    await updateEvent.run(update({ event_id: 'roadmap', summary: 'Roadmap (short)', end: 'tomorrow 12:00', notify: false }), w.alice, ctx());
    expect(w.fake.patched[0]).toMatchObject({ sendUpdates: 'none' });
    expect(w.fake.patched[0]?.body).toMatchObject({
      summary: 'Roadmap (short)',
      start: { dateTime: '2026-12-01T11:00:00+01:00' },
      end: { dateTime: '2026-12-01T12:00:00+01:00' },
    });
    expect(w.fake.emails).toEqual([]);
  });

  it('tells the gate how many guests a change e-mails, counting those already invited and those added', async () => {
    // The standup has bob and carol; adding dave makes three people told about the move.
    const target = await updateEvent.target!(update({ event_id: 'standup1', start: 'tuesday 10:00', add_attendees: ['dave@acme.test'] }), w.alice, ctx());
    expect(target).toEqual({ audience: 3 });
    expect(writes()).toHaveLength(0);
  });

  it('pins the moved times (and the kept length) when bound for approval', async () => {
    const bound = await updateEvent.bind!(update({ event_id: 'roadmap', start: 'wednesday 14:00', add_attendees: ['<@U0CAROL>'] }), w.alice, ctx());
    expect(bound).toEqual({ event_id: 'roadmap', start: '2026-12-02T14:00:00+01:00', end: '2026-12-02T15:30:00+01:00', add_attendees: ['carol@acme.test'] });
    expect(updateEvent.describe(bound)).toBe(
      'update calendar event roadmap: move to Wed 2 Dec 14:00 (UTC+01:00) until Wed 2 Dec 15:30 (UTC+01:00), add 1 guest',
    );
    expect(writes()).toHaveLength(0);
  });

  it('refuses to remove someone who is not invited, an inverted time, and an empty change', async () => {
    const notThere = await rejection(updateEvent.run(update({ event_id: 'roadmap', remove_attendees: ['carol@acme.test'] }), w.alice, ctx()));
    expect(notThere.userMessage).toBe("carol@acme.test isn't on the guest list of “Roadmap planning”, so there is nobody to remove.");
    const inverted = await rejection(updateEvent.run(update({ event_id: 'roadmap', end: 'tomorrow 10:00' }), w.alice, ctx()));
    expect(inverted.code).toBe('bad_request');
    expect(updateEvent.schema.safeParse({ event_id: 'roadmap' }).success).toBe(false);
    expect(updateEvent.schema.safeParse({ event_id: 'roadmap', start: 'whenever' }).success).toBe(false);
    expect(writes()).toHaveLength(0);
  });

  it('explains an unknown event and an event someone else organizes', async () => {
    const missing = await rejection(updateEvent.run(update({ event_id: 'nosuchevent', summary: 'x' }), w.alice, ctx()));
    expect(missing.code).toBe('not_found');
    // Bob organizes the design review: Google refuses Alice's change.
    const theirs = await rejection(updateEvent.run(update({ event_id: 'designrev', summary: 'Mine now' }), w.alice, ctx()));
    expect(theirs.code).toBe('upstream_rejected');
    expect(theirs.userMessage).toBe('Only the organizer of event designrev can change it; ask them, or change your own answer instead.');
    expect(asMap(await updateEvent.preview!(update({ event_id: 'designrev', summary: 'Mine now' }), w.alice, ctx())).Organizer).toBe('bob@acme.test (not you)');
  });

  it('raises the risk for ten or more new guests who would be e-mailed', () => {
    expect(riskOf(updateEvent, update({ event_id: 'roadmap', add_attendees: guests(9) }))).toBe('medium');
    expect(riskOf(updateEvent, update({ event_id: 'roadmap', add_attendees: guests(10) }))).toBe('high');
    expect(riskOf(updateEvent, update({ event_id: 'roadmap', add_attendees: guests(10), notify: false }))).toBe('medium');
  });
});

describe('calendar_delete_event', () => {
  // Team retro: Alice's, Friday 17:00–18:00 in Paris, with Bob and Carol.
  it('previews the event, its guests and the cancellations, then deletes it once, e-mailing them', async () => {
    expect(await deleteEvent.preview!(del({ event_id: 'teamretro' }), w.alice, ctx())).toEqual([
      { label: 'Event', value: 'Team retro' },
      { label: 'When', value: 'Fri 4 Dec 17:00–18:00 (times in Europe/Paris)' },
      { label: 'Guests', value: '2: bob@acme.test, carol@acme.test' },
      { label: 'Cancellations', value: 'e-mailed to 2 guests' },
    ]);
    expect(writes()).toHaveLength(0);

    const result = await deleteEvent.run(del({ event_id: 'teamretro' }), w.alice, ctx());
    expect(w.fake.deleted).toEqual([{ eventId: 'teamretro', calendar: 'alice@acme.test', token: TOKENS.alice, sendUpdates: 'all' }]);
    expect(w.fake.emailsAbout('teamretro').map((m) => `${m.kind} → ${m.to}`)).toEqual(['cancellation → bob@acme.test', 'cancellation → carol@acme.test']);
    expect(result.text).toBe('Deleted “Team retro” (Fri 4 Dec 17:00–18:00, times in Europe/Paris); cancellations e-mailed to 2 guests.');
    expect(result.data).toMatchObject({ deleted: true, id: 'teamretro', cancellations_emailed: 2 });
  });

  it('deletes without e-mails when told not to notify, and says so on the card', async () => {
    expect(asMap(await deleteEvent.preview!(del({ event_id: 'teamretro', notify: false }), w.alice, ctx())).Cancellations).toBe(
      "not e-mailed (notify is off; 2 guests won't be told)",
    );
    await deleteEvent.run(del({ event_id: 'teamretro', notify: false }), w.alice, ctx());
    expect(w.fake.deleted[0]?.sendUpdates).toBe('none');
    expect(w.fake.emails).toEqual([]);
    expect(deleteEvent.describe(del({ event_id: 'teamretro', notify: false }))).toBe('delete calendar event teamretro without telling the guests');
  });

  it('does not delete twice: a deleted event is reported, not deleted again', async () => {
    await deleteEvent.run(del({ event_id: 'lunchdana' }), w.alice, ctx());
    const again = await rejection(deleteEvent.run(del({ event_id: 'lunchdana' }), w.alice, ctx()));
    expect(again.code).toBe('not_found');
    expect(again.userMessage).toBe('“Lunch with Dana” is already deleted; nothing was changed.');
    expect(w.fake.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
    expect(asMap(await deleteEvent.preview!(del({ event_id: 'lunchdana' }), w.alice, ctx())).State).toBe('already deleted');
  });

  it('maps Google’s 410 Gone to “not found”, and a server error to “can’t tell”, sending the delete once', async () => {
    w.fake.once('DELETE /calendar/v3/calendars/primary/events/teamretro', googleError(410, 'deleted', 'Resource has been deleted'));
    expect((await rejection(deleteEvent.run(del({ event_id: 'teamretro' }), w.alice, ctx()))).code).toBe('not_found');
    w.fake.once('DELETE /calendar/v3/calendars/primary/events/teamretro', googleError(500, 'backendError', 'Backend Error'));
    const err = await rejection(deleteEvent.run(del({ event_id: 'teamretro' }), w.alice, ctx()));
    expect(err.userMessage).toMatch(/while deleting the event, so I can't tell whether it was deleted\. Check your calendar before asking again\.$/);
    expect(w.fake.requests.filter((r) => r.method === 'DELETE')).toHaveLength(2);
  });
});
