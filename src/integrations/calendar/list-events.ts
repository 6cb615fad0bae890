import { z } from 'zod';
import { escapeMrkdwn } from '../../slack/mrkdwn.js';
import { defineTool } from '../../tools/tool-definition.js';
import type { CalendarClient } from './client.js';
import { withCalendarErrors } from './errors.js';
import { eventData, eventLink, eventTimeOf, type GoogleEvent, meetSuffix } from './event-view.js';
import { requesterOf } from './people.js';
import { dayLabel, describeWindow, type EventTime, rangeWords, timesIn, timeWithinDay } from './plain-words.js';
import { when as whenSchema, windowEdge } from './schemas.js';
import { SCOPES } from './scopes.js';
import { type Clock, daysIn, resolveWindow, type TimeWindow } from './when.js';
import { compareDates, isoDate, isoWithOffset, type LocalDate, localDate } from './zone.js';

const listSchema = z.object({
  when: whenSchema.optional(),
  start: windowEdge('start').optional(),
  end: windowEdge('end').optional(),
  limit: z.number().int().min(1).max(100).default(25).describe('How many events at most (1-100)'),
});

export const listEvents = defineTool({
  name: 'calendar_list_events',
  description: "Show the asker's agenda from their primary Google Calendar for a day or a week (today by default).",
  schema: listSchema,
  service: 'calendar',
  scopes: [SCOPES.readEvents],
  risk: 'low',
  readOnly: true,
  describe: ({ when, start, end }) =>
    `list your calendar events ${start || end ? `from ${start ?? 'now'} to ${end ?? 'the end of that day'}` : rangeWords(when ?? 'today')}`,
  async run(args, client: CalendarClient, ctx) {
    const { clock } = await requesterOf(ctx);
    const window = resolveWindow(args, clock, 'today');
    const { events, more } = await fetchAgenda(client, window, clock.timeZone, args.limit);
    const shown = events.filter((e) => touchesWindowDays(e, window, clock));
    const data = {
      time_zone: clock.timeZone,
      from: isoWithOffset(window.start, clock.timeZone),
      to: isoWithOffset(window.end, clock.timeZone),
      events: shown.map((e) => eventData(e, clock)),
      more_not_shown: more,
    };
    return { data, text: agendaText(shown, window, clock, more, args.limit) };
  },
});

/** events.list, following pageToken until `limit` events or the last page. */
async function fetchAgenda(client: CalendarClient, window: TimeWindow, timeZone: string, limit: number): Promise<{ events: GoogleEvent[]; more: boolean }> {
  return withCalendarErrors('your calendar', async () => {
    const events: GoogleEvent[] = [];
    let pageToken: string | undefined;
    do {
      const { data } = await client.events.list({
        calendarId: 'primary',
        timeMin: window.start.toISOString(),
        timeMax: window.end.toISOString(),
        singleEvents: true,
        orderBy: 'startTime',
        timeZone,
        maxResults: Math.min(limit - events.length, 250),
        ...(pageToken ? { pageToken } : {}),
      });
      events.push(...(data.items ?? []).filter((e) => e.status !== 'cancelled'));
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken && events.length < limit);
    return { events: events.slice(0, limit), more: events.length > limit || Boolean(pageToken) };
  });
}

/**
 * Google places all-day events by the calendar's own zone; the requester may live elsewhere.
 * An all-day event is theirs for the dates it names, so one outside the window's local days is dropped.
 */
function touchesWindowDays(event: GoogleEvent, window: TimeWindow, clock: Clock): boolean {
  const time = eventTimeOf(event);
  if (!time?.allDay) return true;
  const days = daysIn(window, clock.timeZone);
  return compareDates(time.last, days[0]!) >= 0 && compareDates(time.first, days.at(-1)!) <= 0;
}

/** The day an event is listed under: its first day, or the window's first day for one already under way. */
function listedOn(time: EventTime, windowFirstDay: LocalDate, clock: Clock): LocalDate {
  const first = time.allDay ? time.first : localDate(time.start, clock.timeZone);
  return compareDates(first, windowFirstDay) < 0 ? windowFirstDay : first;
}

function agendaText(events: GoogleEvent[], window: TimeWindow, clock: Clock, more: boolean, limit: number): string {
  const period = describeWindow(window, clock);
  if (!events.length) return `Nothing on your calendar ${period.startsWith('today') || period.startsWith('tomorrow') ? '' : 'for '}${period}.`;
  const firstDay = localDate(window.start, clock.timeZone);
  const byDay = new Map<string, { day: LocalDate; lines: string[] }>();
  for (const event of events) {
    const time = eventTimeOf(event);
    const day = time ? listedOn(time, firstDay, clock) : firstDay;
    const key = isoDate(day);
    const group = byDay.get(key) ?? { day, lines: [] };
    byDay.set(key, group);
    group.lines.push(`• ${time ? timeWithinDay(time, day, clock) : 'time unknown'} ${eventLink(event)}${meetSuffix(event)}`);
  }
  const sections = [...byDay.values()].map(({ day, lines }) => `*${capitalize(dayLabel(day, clock))}*\n${lines.join('\n')}`);
  const tail = more ? `\n_Showing the first ${limit}; ask for a shorter period or a higher limit to see more._` : '';
  return `Your calendar, ${escapeMrkdwn(period)} (${timesIn(clock.timeZone)}):\n${sections.join('\n')}${tail}`;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
