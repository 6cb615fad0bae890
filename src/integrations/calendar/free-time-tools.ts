import { z } from 'zod';
import { escapeMrkdwn } from '../../slack/mrkdwn.js';
import { defineTool } from '../../tools/tool-definition.js';
import type { CalendarClient } from './client.js';
import { calendarsToCheck, type PersonBusy, queryFreeBusy } from './free-busy.js';
import { DEFAULT_WORKING_HOURS, defaultSlotDay, findFreeSlots, nextWorkingDay, type WorkingHours } from './free-slots.js';
import { requesterOf } from './people.js';
import { dayLabel, describeEventTime, describeWindow, rangeWords, timesIn, timeWithinDay } from './plain-words.js';
import { hhmm, people, when as whenSchema, windowEdge } from './schemas.js';
import { SCOPES } from './scopes.js';
import { type Clock, daysIn, resolveWindow, type TimeWindow } from './when.js';
import { isoWithOffset } from './zone.js';

const TEXT_BLOCKS_MAX = 12;

const iso = (window: TimeWindow, clock: Clock) => ({ start: isoWithOffset(window.start, clock.timeZone), end: isoWithOffset(window.end, clock.timeZone) });
const andOthers = (refs: readonly string[]) => (refs.length ? ` and ${refs.length} other ${refs.length === 1 ? 'person' : 'people'}` : '');

export const getFreeBusy = defineTool({
  name: 'calendar_get_free_busy',
  description: 'Show when you and other people are busy (free/busy only, no event details) for a day or a week.',
  schema: z.object({ people, when: whenSchema.optional(), start: windowEdge('start').optional(), end: windowEdge('end').optional() }),
  service: 'calendar',
  scopes: [SCOPES.freeBusy],
  risk: 'low',
  readOnly: true,
  describe: ({ people, when }) => `check free/busy times of you${andOthers(people)} ${rangeWords(when ?? 'today')}`,
  async run(args, client: CalendarClient, ctx) {
    const { person, clock } = await requesterOf(ctx);
    const window = resolveWindow(args, clock, 'today');
    const calendars = await calendarsToCheck(args.people, ctx, person);
    const results = await queryFreeBusy(client, window, clock.timeZone, calendars);
    const data = {
      time_zone: clock.timeZone,
      from: isoWithOffset(window.start, clock.timeZone),
      to: isoWithOffset(window.end, clock.timeZone),
      people: results.map((r) => ({ calendar: r.id, name: r.label, busy: r.busy.map((b) => iso(b, clock)), ...(r.error ? { error: r.error } : {}) })),
    };
    const lines = results.map((r) => `• *${escapeMrkdwn(r.label)}*: ${busyWords(r, window, clock)}`);
    return { data, text: `Free/busy ${escapeMrkdwn(describeWindow(window, clock))} (${timesIn(clock.timeZone)}):\n${lines.join('\n')}` };
  },
});

function busyWords(r: PersonBusy, window: TimeWindow, clock: Clock): string {
  if (r.error) return `I can't see this calendar (${r.error === 'notFound' ? 'not shared with you, or no such calendar' : r.error})`;
  if (!r.busy.length) return 'free the whole time';
  const days = daysIn(window, clock.timeZone);
  const blocks = r.busy.map((b) =>
    days.length === 1 ? timeWithinDay({ allDay: false, ...b }, days[0]!, clock) : describeEventTime({ allDay: false, ...b }, clock),
  );
  const shown = blocks.slice(0, TEXT_BLOCKS_MAX);
  return `busy ${shown.join(', ')}${blocks.length > shown.length ? ` and ${blocks.length - shown.length} more` : ''}`;
}

const workingHours = z
  .object({ start: hhmm.describe('Start of the working day, e.g. 09:00'), end: hhmm.describe('End of the working day, e.g. 18:00') })
  .refine((h) => h.end > h.start, 'working hours must end after they start')
  .describe("Working hours in the asker's time zone (default 09:00-18:00)");

export const findFreeSlot = defineTool({
  name: 'calendar_find_free_slot',
  description:
    'Find times when you and the people named are all free, for a meeting of the given length, within working hours on weekdays (today, or the next working day, by default).',
  schema: z.object({
    people,
    duration_minutes: z.number().int().min(5).max(480).default(30).describe('Meeting length in minutes (5-480, default 30)'),
    when: whenSchema.optional(),
    start: windowEdge('start').optional(),
    end: windowEdge('end').optional(),
    working_hours: workingHours.optional(),
    count: z.number().int().min(1).max(10).default(3).describe('How many slots to suggest (1-10, default 3)'),
  }),
  service: 'calendar',
  scopes: [SCOPES.freeBusy],
  risk: 'low',
  readOnly: true,
  describe: ({ people, duration_minutes, when }) =>
    `find a free ${duration_minutes}-minute slot for you${andOthers(people)}${when ? ` ${rangeWords(when)}` : ''}`,
  async run(args, client: CalendarClient, ctx) {
    const { person, clock } = await requesterOf(ctx);
    const hours = args.working_hours ?? DEFAULT_WORKING_HOURS;
    const window = resolveWindow(args, clock, defaultSlotDay(clock, hours, args.duration_minutes));
    const calendars = await calendarsToCheck(args.people, ctx, person);
    // Nothing before now can be booked, so that part of the window isn't asked about.
    const ahead = { start: new Date(Math.max(window.start.getTime(), clock.now.getTime())), end: window.end };
    const results = ahead.end > ahead.start ? await queryFreeBusy(client, ahead, clock.timeZone, calendars) : [];
    const slots = findFreeSlots({
      window: ahead,
      busy: results.flatMap((r) => r.busy),
      clock,
      hours,
      durationMinutes: args.duration_minutes,
      count: args.count,
    });
    const unseen = results.filter((r) => r.error);
    const data = {
      slots: slots.map((s) => iso(s, clock)),
      people: calendars.map((c) => c.id),
      time_zone: clock.timeZone,
      duration_minutes: args.duration_minutes,
      working_hours: hours,
      ...(unseen.length ? { calendars_not_visible: unseen.map((r) => r.id) } : {}),
    };
    const text = slotsText({
      slots,
      others: calendars.slice(1).map((c) => c.label),
      unseen: unseen.map((r) => r.label),
      window,
      clock,
      hours,
      minutes: args.duration_minutes,
    });
    return { data, text };
  },
});

/** The slots in plain words, or that none fit and where to look next; a calendar that couldn't be seen is said once. */
function slotsText(o: {
  slots: TimeWindow[];
  others: string[];
  unseen: string[];
  window: TimeWindow;
  clock: Clock;
  hours: WorkingHours;
  minutes: number;
}): string {
  const withWhom = o.others.length ? ` with ${escapeMrkdwn(o.others.join(', '))}` : '';
  const period = escapeMrkdwn(describeWindow(o.window, o.clock));
  const unseen = escapeMrkdwn(o.unseen.join(', '));
  if (!o.slots.length) {
    const caveat = o.unseen.length ? ` (I couldn't see the calendar of ${unseen}.)` : '';
    return `I found no free ${o.minutes}-minute slot${withWhom} ${period} within working hours (${o.hours.start}–${o.hours.end}, weekdays, ${timesIn(o.clock.timeZone)}). Try another day, such as ${dayLabel(nextWorkingDay(o.window, o.clock), o.clock)}, or a shorter meeting.${caveat}`;
  }
  const lines = o.slots.map((s) => `• ${describeEventTime({ allDay: false, ...s }, o.clock)}`);
  const caveat = o.unseen.length ? `\n_I can't see the calendar of ${unseen}, so these times only account for the others._` : '';
  return `Free ${o.minutes}-minute slots${withWhom}, ${period} (${timesIn(o.clock.timeZone)}):\n${lines.join('\n')}${caveat}`;
}
