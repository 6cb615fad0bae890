import { z } from 'zod';
import { AgentHubError } from '../../errors.js';
import { clip, escapeMrkdwn } from '../../slack/mrkdwn.js';
import type { ToolContext } from '../../tools/tool-context.js';
import { defineTool, type PreviewLine } from '../../tools/tool-definition.js';
import type { CalendarClient } from './client.js';
import { withCalendarErrors } from './errors.js';
import { eventData, eventLink, eventTimeOf, type GoogleEvent, guestsOf, titleOf } from './event-view.js';
import { getEvent } from './get-event.js';
import { emailOutcome, emailPreview, guestList, invitationRisk, sendUpdatesOf } from './invitations.js';
import { countPeople, requesterOf, resolvePeople } from './people.js';
import { describeEventTime, type EventTime, plural, stampInWords, timesIn } from './plain-words.js';
import { attendees, dateTime, eventId, notify } from './schemas.js';
import { SCOPES } from './scopes.js';
import { assertEventSpan, type Clock, parseDateTime } from './when.js';
import { addDays, isoWithOffset, startOfDay } from './zone.js';

const updateSchema = z
  .object({
    event_id: eventId,
    summary: z.string().trim().min(1).max(300).optional().describe('New title'),
    start: dateTime('New start; the event keeps its length unless end is also given').optional(),
    end: dateTime('New end').optional(),
    add_attendees: attendees('Guests to add').optional(),
    remove_attendees: attendees('Guests to remove').optional(),
    description: z.string().max(8000).optional().describe('New description (replaces the old one)'),
    location: z.string().max(500).optional().describe('New location'),
    notify: notify,
  })
  .refine(
    (a) => a.summary || a.start || a.end || a.add_attendees?.length || a.remove_attendees?.length || a.description !== undefined || a.location !== undefined,
    'say what to change: summary, start, end, add_attendees, remove_attendees, description or location',
  );

export type UpdateEventArgs = z.infer<typeof updateSchema>;

/** The change exactly as it will be sent, next to the event as it is now. */
interface SettledChange {
  args: UpdateEventArgs;
  clock: Clock;
  current: GoogleEvent;
  before: EventTime | undefined;
  timing: { start: Date; end: Date } | undefined;
  added: string[];
  removed: string[];
  guestsAfter: string[];
  /** Everyone Google e-mails about the change: guests before and after (removed ones get a cancellation). */
  toldAbout: number;
  patch: GoogleEvent;
}

const lower = (s: string) => s.toLowerCase();

/** The event's span as instants (an all-day event spans its local days). */
function spanOf(time: EventTime, clock: Clock): { start: Date; end: Date } {
  return time.allDay ? { start: startOfDay(time.first, clock.timeZone), end: startOfDay(addDays(time.last, 1), clock.timeZone) } : time;
}

/** The new start and end: the event keeps its length when only the start moves. */
function newTiming(args: UpdateEventArgs, before: EventTime | undefined, clock: Clock, title: string): SettledChange['timing'] {
  if (!args.start && !args.end) return undefined;
  if (!before)
    throw new AgentHubError(
      'upstream_rejected',
      `event ${args.event_id} has no readable time`,
      `I can't read the current time of “${title}”, so I won't move it.`,
    );
  if (!args.start && before.allDay) {
    throw new AgentHubError(
      'bad_request',
      'end only, for an all-day event',
      `“${title}” is an all-day event; give a start as well as an end to turn it into a timed one.`,
    );
  }
  const span = spanOf(before, clock);
  const start = args.start ? parseDateTime(args.start, clock) : span.start;
  const end = args.end ? parseDateTime(args.end, clock) : new Date(start.getTime() + (span.end.getTime() - span.start.getTime()));
  assertEventSpan(start, end, clock);
  return { start, end };
}

/** The guest list after adding and removing; removing someone who isn't invited is refused, not ignored. */
async function newGuestList(args: UpdateEventArgs, current: GoogleEvent, asker: string | undefined, ctx: ToolContext, title: string) {
  const existing = current.attendees ?? [];
  const onList = new Set(existing.map((a) => lower(a.email ?? '')));
  const me = lower(asker ?? '');
  const added = (await resolvePeople(args.add_attendees ?? [], ctx)).map((p) => p.email).filter((e) => !onList.has(lower(e)) && lower(e) !== me);
  const removed = (await resolvePeople(args.remove_attendees ?? [], ctx)).map((p) => p.email);
  const notInvited = removed.filter((e) => !onList.has(lower(e)));
  if (notInvited.length) {
    throw new AgentHubError(
      'bad_request',
      `not on the guest list: ${notInvited.join(', ')}`,
      `${escapeMrkdwn(notInvited.join(', '))} ${notInvited.length === 1 ? "isn't" : "aren't"} on the guest list of “${title}”, so there is nobody to remove.`,
    );
  }
  const gone = new Set(removed.map(lower));
  const attendees = [...existing.filter((a) => !gone.has(lower(a.email ?? ''))), ...added.map((email) => ({ email }))];
  return { added, removed, attendees };
}

/** Reads the event, then works out exactly what changes and who hears about it. */
async function settle(args: UpdateEventArgs, client: CalendarClient, ctx: ToolContext): Promise<SettledChange> {
  const { person, clock } = await requesterOf(ctx);
  const current = await getEvent(client, args.event_id);
  const title = escapeMrkdwn(clip(titleOf(current), 100));
  if (current.status === 'cancelled')
    throw new AgentHubError('not_found', `event ${args.event_id} is cancelled`, `“${title}” was deleted, so there is nothing to change.`);
  const before = eventTimeOf(current);
  const timing = newTiming(args, before, clock, title);
  const { added, removed, attendees } = await newGuestList(args, current, person.email, ctx, title);
  const guestsBefore = guestsOf(current).map((a) => a.email!);
  const guestsAfter = guestsOf({ attendees }).map((a) => a.email!);
  const toldAbout = new Set([...guestsBefore, ...guestsAfter].map(lower)).size;

  const dateTimeOf = (d: Date) => ({ dateTime: isoWithOffset(d, clock.timeZone), timeZone: clock.timeZone, date: null });
  const patch: GoogleEvent = {
    ...(args.summary ? { summary: args.summary } : {}),
    ...(args.description !== undefined ? { description: args.description } : {}),
    ...(args.location !== undefined ? { location: args.location } : {}),
    ...(timing ? { start: dateTimeOf(timing.start), end: dateTimeOf(timing.end) } : {}),
    ...(added.length || removed.length ? { attendees } : {}),
  };
  // Pinned: absolute times (the end too, so the length kept is the one the approver saw) and addresses.
  const bound: UpdateEventArgs = {
    ...args,
    ...(timing ? { start: isoWithOffset(timing.start, clock.timeZone), end: isoWithOffset(timing.end, clock.timeZone) } : {}),
    ...(args.add_attendees ? { add_attendees: added } : {}),
    ...(args.remove_attendees ? { remove_attendees: removed } : {}),
  };
  return { args: bound, clock, current, before, timing, added, removed, guestsAfter, toldAbout, patch };
}

const arrow = (from: string, to: string) => `${from} → ${to}`;

export const updateEvent = defineTool({
  name: 'calendar_update_event',
  description:
    'Change an event in your primary calendar: rename it, move it (it keeps its length when only the start is given), add or remove guests, or change its description or location. Guests are e-mailed unless notify is false.',
  schema: updateSchema,
  service: 'calendar',
  scopes: [SCOPES.writeEvents],
  risk: 'medium',
  readOnly: false,
  describe: (a) => {
    const parts = [
      a.start ? `move to ${stampInWords(a.start)}${a.end ? ` until ${stampInWords(a.end)}` : ''}` : a.end ? `end at ${stampInWords(a.end)}` : '',
      a.summary ? `rename to “${clip(a.summary, 80)}”` : '',
      a.add_attendees?.length ? `add ${plural(countPeople(a.add_attendees), 'guest')}` : '',
      a.remove_attendees?.length ? `remove ${plural(countPeople(a.remove_attendees), 'guest')}` : '',
      a.location !== undefined ? 'change the location' : '',
      a.description !== undefined ? 'change the description' : '',
    ].filter(Boolean);
    return `update calendar event ${a.event_id}: ${parts.join(', ')}`;
  },
  /** Everyone the change e-mails counts: the guests added, and those already invited (read by `target`). */
  riskFor: ({ add_attendees, notify }, target) => invitationRisk(Math.max(countPeople(add_attendees), target?.audience ?? 0), notify, 'medium'),
  /** The event's guests, before and after, for the gate: moving a 200-person meeting e-mails 200 people. */
  target: async (args, client: CalendarClient, ctx) => ({ audience: (await settle(args, client, ctx)).toldAbout }),
  bind: async (args, client: CalendarClient, ctx) => (await settle(args, client, ctx)).args,
  async preview(args, client: CalendarClient, ctx): Promise<PreviewLine[]> {
    const c = await settle(args, client, ctx);
    const { current, clock } = c;
    const lines: PreviewLine[] = [{ label: 'Event', value: `${clip(titleOf(current), 150)}${c.before ? ` (${describeEventTime(c.before, clock)})` : ''}` }];
    if (current.organizer && !current.organizer.self) lines.push({ label: 'Organizer', value: `${current.organizer.email ?? 'someone else'} (not you)` });
    if (c.args.summary) lines.push({ label: 'Title', value: arrow(clip(titleOf(current), 100), clip(c.args.summary, 100)) });
    if (c.timing) {
      const to = describeEventTime({ allDay: false, ...c.timing }, clock);
      lines.push({ label: 'When', value: `${c.before ? arrow(describeEventTime(c.before, clock), to) : to} (${timesIn(clock.timeZone)})` });
    }
    if (c.added.length || c.removed.length) {
      const changes = [...c.added.map((e) => `+${e}`), ...c.removed.map((e) => `−${e}`)];
      lines.push({ label: 'Guests', value: `${guestList(changes)} (${plural(c.guestsAfter.length, 'guest')} after the change)` });
    }
    if (c.args.location !== undefined)
      lines.push({ label: 'Location', value: arrow(clip(current.location || 'none', 100), clip(c.args.location || 'none', 100)) });
    if (c.args.description !== undefined)
      lines.push({ label: 'Description', value: c.args.description ? `replaced with “${clip(c.args.description, 150)}”` : 'removed' });
    lines.push(emailPreview('Updates', c.toldAbout, c.args.notify));
    return lines;
  },
  async run(args, client: CalendarClient, ctx) {
    const c = await settle(args, client, ctx);
    const { data: updated } = await withCalendarErrors(
      `event ${args.event_id}`,
      () => client.events.patch({ calendarId: 'primary', eventId: args.event_id, sendUpdates: sendUpdatesOf(c.args.notify), requestBody: c.patch }),
      { doing: 'updating the event', done: 'updated' },
    );
    const done = [
      c.timing ? `moved to ${describeEventTime({ allDay: false, ...c.timing }, c.clock)} (${timesIn(c.clock.timeZone)})` : '',
      c.args.summary ? 'renamed' : '',
      c.added.length ? `added ${plural(c.added.length, 'guest')}` : '',
      c.removed.length ? `removed ${plural(c.removed.length, 'guest')}` : '',
      c.args.location !== undefined ? 'location changed' : '',
      c.args.description !== undefined ? 'description changed' : '',
    ].filter(Boolean);
    const emailed = emailOutcome('updates', c.toldAbout, c.args.notify);
    const data = {
      ...eventData(updated, c.clock),
      time_zone: c.clock.timeZone,
      added_guests: c.added,
      removed_guests: c.removed,
      updates_emailed: sendUpdatesOf(c.args.notify) === 'all' ? c.toldAbout : 0,
    };
    return { data, text: `Updated ${eventLink(updated)}: ${done.join(', ') || 'no visible change'}${emailed ? `; ${emailed}` : ''}.` };
  },
});
