import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { clip } from '../../slack/mrkdwn.js';
import type { ToolContext } from '../../tools/tool-context.js';
import { defineTool, type PreviewLine } from '../../tools/tool-definition.js';
import type { CalendarClient } from './client.js';
import { withCalendarErrors } from './errors.js';
import { eventData, eventLink, meetSuffix } from './event-view.js';
import { emailOutcome, emailPreview, guestList, invitationRisk, sendUpdatesOf } from './invitations.js';
import { countPeople, requesterOf, resolvePeople } from './people.js';
import { describeEventTime, plural, stampInWords, timesIn } from './plain-words.js';
import { attendees, dateTime, notify } from './schemas.js';
import { SCOPES } from './scopes.js';
import { assertEventSpan, type Clock, parseDateTime } from './when.js';
import { isoWithOffset } from './zone.js';

const DEFAULT_MINUTES = 30;

const createSchema = z
  .object({
    summary: z.string().trim().min(1).max(300).describe('Event title'),
    start: dateTime('When it starts'),
    end: dateTime('When it ends (or give duration_minutes)').optional(),
    duration_minutes: z.number().int().min(5).max(1440).optional().describe('Length in minutes when no end is given (5-1440, default 30)'),
    attendees: attendees('Guests to invite').optional(),
    description: z.string().max(8000).optional().describe('Event description'),
    location: z.string().max(500).optional().describe('Where it happens'),
    with_meet: z.boolean().default(false).describe('Add a Google Meet video link'),
    notify: notify,
  })
  .refine((a) => !(a.end && a.duration_minutes), { message: 'give either end or duration_minutes, not both', path: ['end'] });

export type CreateEventArgs = z.infer<typeof createSchema>;

/** The event exactly as it will be created: absolute times, guests as e-mail addresses. */
interface SettledEvent {
  args: CreateEventArgs;
  clock: Clock;
  start: Date;
  end: Date;
  guests: string[];
}

/** Reads the times in the asker's zone and the guests' addresses, and checks the result makes sense. */
async function settle(args: CreateEventArgs, ctx: ToolContext): Promise<SettledEvent> {
  const { person, clock } = await requesterOf(ctx);
  const start = parseDateTime(args.start, clock);
  const end = args.end ? parseDateTime(args.end, clock) : new Date(start.getTime() + (args.duration_minutes ?? DEFAULT_MINUTES) * 60_000);
  assertEventSpan(start, end, clock);
  // The asker organizes the event; Google never e-mails the organizer, so they are not a guest.
  const me = person.email?.toLowerCase();
  const guests = (await resolvePeople(args.attendees ?? [], ctx)).map((p) => p.email).filter((e) => e.toLowerCase() !== me);
  const { duration_minutes: _ignored, ...rest } = args;
  const bound: CreateEventArgs = { ...rest, start: isoWithOffset(start, clock.timeZone), end: isoWithOffset(end, clock.timeZone), attendees: guests };
  return { args: bound, clock, start, end, guests };
}

export const createEvent = defineTool({
  name: 'calendar_create_event',
  description:
    'Create an event in your primary Google Calendar, optionally inviting guests (they are e-mailed unless notify is false) and adding a Google Meet link.',
  schema: createSchema,
  service: 'calendar',
  scopes: [SCOPES.writeEvents],
  risk: 'medium',
  readOnly: false,
  describe: ({ summary, start, end, duration_minutes, attendees }) =>
    `create calendar event “${clip(summary, 80)}” at ${stampInWords(start)}${end ? ` until ${stampInWords(end)}` : ` for ${duration_minutes ?? DEFAULT_MINUTES} minutes`}${
      attendees?.length ? ` with ${plural(countPeople(attendees), 'guest')}` : ''
    }`,
  riskFor: ({ attendees, notify }) => invitationRisk(countPeople(attendees), notify, 'medium'),
  /** Pins relative times ("tomorrow 15:00") and Slack mentions, so the approval covers exactly what is shown. */
  bind: async (args, _client, ctx) => (await settle(args, ctx)).args,
  async preview(args, _client, ctx): Promise<PreviewLine[]> {
    const e = await settle(args, ctx);
    return [
      { label: 'Title', value: clip(e.args.summary, 150) },
      { label: 'When', value: `${describeEventTime({ allDay: false, start: e.start, end: e.end }, e.clock)} (${timesIn(e.clock.timeZone)})` },
      { label: 'Guests', value: guestList(e.guests) },
      ...(e.args.location ? [{ label: 'Location', value: clip(e.args.location, 150) }] : []),
      { label: 'Google Meet', value: e.args.with_meet ? 'yes, a Meet link is added' : 'no' },
      emailPreview('Invitations', e.guests.length, e.args.notify),
    ];
  },
  async run(args, client: CalendarClient, ctx) {
    const e = await settle(args, ctx);
    const { summary, description, location, with_meet, notify } = e.args;
    const { data: created } = await withCalendarErrors(
      'the new event',
      () =>
        client.events.insert({
          calendarId: 'primary',
          sendUpdates: sendUpdatesOf(notify),
          ...(with_meet ? { conferenceDataVersion: 1 } : {}),
          requestBody: {
            summary,
            ...(description ? { description } : {}),
            ...(location ? { location } : {}),
            start: { dateTime: isoWithOffset(e.start, e.clock.timeZone), timeZone: e.clock.timeZone },
            end: { dateTime: isoWithOffset(e.end, e.clock.timeZone), timeZone: e.clock.timeZone },
            ...(e.guests.length ? { attendees: e.guests.map((email) => ({ email })) } : {}),
            ...(with_meet ? { conferenceData: { createRequest: { requestId: randomUUID(), conferenceSolutionKey: { type: 'hangoutsMeet' } } } } : {}),
          },
        }),
      { doing: 'creating the event', done: 'created' },
    );
    const emailed = emailOutcome('invitations', e.guests.length, notify);
    const data = {
      ...eventData(created, e.clock),
      time_zone: e.clock.timeZone,
      attendees: e.guests,
      invitations_emailed: sendUpdatesOf(notify) === 'all' ? e.guests.length : 0,
    };
    const guests = e.guests.length ? ` with ${plural(e.guests.length, 'guest')}` : '';
    return {
      data,
      text: `Created ${eventLink(created)}, ${data.when} (${timesIn(e.clock.timeZone)})${guests}${emailed ? `; ${emailed}` : ''}.${meetSuffix(created)}`,
    };
  },
});
