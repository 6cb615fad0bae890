import { z } from 'zod';
import { isPersonRef } from './people.js';
import { isDateTimeText, isRangeText, isWindowEdgeText } from './when.js';

/** Argument schemas shared by the calendar tools. Times are read in the requester's own zone. */

/** Most people one request may name; Google's free/busy answers at most 50 calendars per query, the asker is one. */
export const MAX_PEOPLE = 49;
/** Most guests one invitation may carry from here. */
export const MAX_ATTENDEES = 100;

export const when = z
  .string()
  .max(40)
  .refine(isRangeText, 'today, tomorrow, this_week, next_week, a weekday name such as friday, or a date like 2026-12-01')
  .describe('Which days: today, tomorrow, this_week (now to Sunday), next_week (Monday to Sunday), a weekday name (friday) or a date (2026-12-01)');

const DATE_TIME_FORMS = 'a date and time like "tomorrow 15:00", "friday 09:30", "2026-12-01T15:00" or "2026-12-01T15:00:00+01:00"';

/** A window edge for reads: a date-time, or a day meaning its start (or end). */
export const windowEdge = (which: 'start' | 'end') =>
  z
    .string()
    .max(60)
    .refine(isWindowEdgeText, `${DATE_TIME_FORMS}, or a day`)
    .describe(`${which === 'start' ? 'Start' : 'End'} of the time to look at, instead of "when": ${DATE_TIME_FORMS}, or a day (tomorrow, 2026-12-01)`);

/** A date-time for writes. */
export const dateTime = (description: string) => z.string().max(60).refine(isDateTimeText, DATE_TIME_FORMS).describe(`${description}: ${DATE_TIME_FORMS}`);

export const personRef = z.string().max(300).refine(isPersonRef, 'a Slack mention like <@U0123ABC>, a Slack user id or an e-mail address');

export const people = z
  .array(personRef)
  .max(MAX_PEOPLE)
  .default([])
  .describe('Other people: Slack mentions (<@U0123ABC>) or e-mail addresses. You (the person asking) are always included.');

export const attendees = (description: string) =>
  z.array(personRef).max(MAX_ATTENDEES).describe(`${description}: Slack mentions (<@U0123ABC>) or e-mail addresses`);

/** Google's ids are base32hex, recurring instances add `_20261201T090000Z`; imported ones may carry `@` and `.`. */
export const eventId = z
  .string()
  .regex(/^[A-Za-z0-9_@.-]{1,1024}$/, 'a Google Calendar event id')
  .describe('Event id, from an earlier list of events');

export const notify = z.boolean().optional().describe('E-mail the guests about it (default true)');

/** "HH:MM" on a 24-hour clock. */
export const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a 24-hour time like 09:00');
