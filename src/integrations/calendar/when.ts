/**
 * The day and time words the calendar tools accept, always read in the requester's own time zone.
 *
 * Ranges (`when`): today | tomorrow | this_week (now → end of Sunday) | next_week (Monday–Sunday) |
 * a weekday name (the coming one, today included) | YYYY-MM-DD.
 * Date-times (`start`, `end`): ISO 8601 with an offset or Z; local YYYY-MM-DDTHH:MM; or
 * `<day> HH:MM` where <day> is today | tomorrow | a weekday name | YYYY-MM-DD. The built-in planner
 * writes exactly these forms; a little more is accepted for people and models (`at`, `3pm`).
 */
import { AgentHubError } from '../../errors.js';
import { clip, escapeMrkdwn } from '../../slack/mrkdwn.js';
import { addDays, compareDates, instantOf, isRealDate, type LocalDate, localDate, parseIsoDate, startOfDay, wallClock, weekdayOf } from './zone.js';

/** The requester's clock: the moment of the request and the IANA zone they live in. */
export interface Clock {
  now: Date;
  timeZone: string;
}

/** A half-open span of time [start, end). */
export interface TimeWindow {
  start: Date;
  end: Date;
}

const MINUTE = 60_000;
/** Longest window a read may cover: enough for "the next two months", bounded for Google's sake. */
export const MAX_WINDOW_DAYS = 62;

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const RANGE_EXAMPLES = 'today, tomorrow, this_week, next_week, a weekday such as friday, or a date like 2026-12-01';
const DATE_TIME_EXAMPLES = '"tomorrow 15:00", "friday 09:30", "2026-12-01T15:00" or "2026-12-01T15:00:00+01:00"';

const normalize = (text: string) => text.trim().toLowerCase().replace(/\s+/g, ' ');
const shown = (text: string) => escapeMrkdwn(clip(text.trim(), 60));

/** 1 = Monday … 7 = Sunday, for a full name or its first three letters. */
function weekdayNumber(word: string): number | undefined {
  const i = WEEKDAYS.findIndex((d) => d === word || (word.length === 3 && d.startsWith(word)));
  return i < 0 ? undefined : i + 1;
}

/** today | tomorrow | weekday (the coming one, today included) | YYYY-MM-DD → that local day. */
function dayOf(word: string, clock: Clock): LocalDate | undefined {
  const today = localDate(clock.now, clock.timeZone);
  if (word === 'today') return today;
  if (word === 'tomorrow') return addDays(today, 1);
  const weekday = weekdayNumber(word);
  if (weekday) return addDays(today, (weekday - weekdayOf(today) + 7) % 7);
  return parseIsoDate(word);
}

function wholeDays(first: LocalDate, days: number, timeZone: string): TimeWindow {
  return { start: startOfDay(first, timeZone), end: startOfDay(addDays(first, days), timeZone) };
}

function rangeOf(text: string, clock: Clock): TimeWindow | undefined {
  const word = normalize(text);
  const week = word.replace(/[ -]/g, '_');
  const today = localDate(clock.now, clock.timeZone);
  const nextMonday = addDays(today, 8 - weekdayOf(today));
  if (week === 'this_week') return { start: clock.now, end: startOfDay(nextMonday, clock.timeZone) };
  if (week === 'next_week') return wholeDays(nextMonday, 7, clock.timeZone);
  const day = dayOf(word, clock);
  return day ? wholeDays(day, 1, clock.timeZone) : undefined;
}

/** A range word as a window in the requester's zone; bad_request naming the accepted forms otherwise. */
export function parseRange(text: string, clock: Clock): TimeWindow {
  const range = rangeOf(text, clock);
  if (!range)
    throw new AgentHubError('bad_request', `unreadable range "${text}"`, `I couldn't read "${shown(text)}" as a day or a week. Use ${RANGE_EXAMPLES}.`);
  return range;
}

/** `15:00`, `9:30`, `3pm`, `3:30 pm` → hour and minute. */
function timeOfDay(text: string): { hour: number; minute: number } | undefined {
  const h24 = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (h24) {
    const [hour, minute] = [Number(h24[1]), Number(h24[2])];
    return hour < 24 && minute < 60 ? { hour, minute } : undefined;
  }
  const h12 = /^(\d{1,2})(?::(\d{2}))? ?([ap])\.?m\.?$/.exec(text);
  if (!h12) return undefined;
  const [hour, minute] = [Number(h12[1]), Number(h12[2] ?? 0)];
  if (hour < 1 || hour > 12 || minute >= 60) return undefined;
  return { hour: (hour % 12) + (h12[3] === 'p' ? 12 : 0), minute };
}

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})t(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(z|[+-]\d{2}:?\d{2})?$/;

function isoDateTime(text: string, clock: Clock): Date | null | undefined {
  const m = ISO_DATE_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  if (!isRealDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  const zone = m[7];
  if (!zone) return instantOf({ year, month, day, hour, minute }, clock.timeZone);
  const offset = zone === 'z' ? 0 : offsetOf(zone);
  if (offset === undefined) return null;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second) - offset * MINUTE);
}

function offsetOf(zone: string): number | undefined {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!m) return undefined;
  const [hours, minutes] = [Number(m[2]), Number(m[3])];
  if (hours > 14 || minutes > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

function dateTimeOf(text: string, clock: Clock): Date | undefined {
  const t = normalize(text);
  const iso = isoDateTime(t, clock);
  if (iso !== undefined) return iso ?? undefined;
  // A bare time means today; otherwise "<day> HH:MM" or "<day> at 3pm".
  const bare = timeOfDay(t.replace(/^at /, ''));
  const m = bare ? undefined : /^(\S+) (?:at )?(.+)$/.exec(t);
  const time = bare ?? (m && timeOfDay(m[2]!));
  if (!time) return undefined;
  const dayWord = m?.[1] ?? 'today';
  const day = dayOf(dayWord, clock);
  if (!day) return undefined;
  const instant = instantOf({ ...day, ...time }, clock.timeZone);
  // "friday 09:00" said on a Friday at 10:00 means next Friday: the coming one, not the one just gone.
  if (weekdayNumber(dayWord) && instant.getTime() <= clock.now.getTime()) return instantOf({ ...addDays(day, 7), ...time }, clock.timeZone);
  return instant;
}

/** A date-time in the grammar above as an instant; bad_request with an example of an accepted form otherwise. */
export function parseDateTime(text: string, clock: Clock): Date {
  const instant = dateTimeOf(text, clock);
  if (!instant) {
    throw new AgentHubError(
      'bad_request',
      `unreadable date-time "${text}"`,
      `I couldn't read "${shown(text)}" as a date and time. Use a form like ${DATE_TIME_EXAMPLES}.`,
    );
  }
  return instant;
}

/** Syntax checks for argument schemas: they need no clock, because every well-formed text has a meaning. */
const REFERENCE: Clock = { now: new Date(0), timeZone: 'UTC' };
export const isRangeText = (text: string): boolean => rangeOf(text, REFERENCE) !== undefined;
export const isDateTimeText = (text: string): boolean => dateTimeOf(text, REFERENCE) !== undefined;
/** A window edge may be a date-time or a day ("from tomorrow to friday"). */
export const isWindowEdgeText = (text: string): boolean => isDateTimeText(text) || isRangeText(text);

/**
 * The window a read covers: explicit `start`/`end` (date-times, or days meaning their start/end)
 * take precedence over `when`'s edges; `fallback` is the range used when none is given. Without an
 * end: the end of `when`, else of the start's day. Without a start: the start of `when`, else now.
 * Refuses an empty, inverted or huge window.
 */
export function resolveWindow(args: { when?: string; start?: string; end?: string }, clock: Clock, fallback: string): TimeWindow {
  const base = args.when ? parseRange(args.when, clock) : undefined;
  const edge = (text: string, which: 'start' | 'end') => rangeOf(text, clock)?.[which] ?? parseDateTime(text, clock);
  const defaults = base ?? (args.start || args.end ? undefined : parseRange(fallback, clock));
  const start = args.start ? edge(args.start, 'start') : (defaults?.start ?? clock.now);
  const end = args.end ? edge(args.end, 'end') : (defaults?.end ?? startOfDay(addDays(localDate(start, clock.timeZone), 1), clock.timeZone));
  assertOrdered(start, end, clock);
  const days = (end.getTime() - start.getTime()) / 86_400_000;
  if (days > MAX_WINDOW_DAYS) {
    throw new AgentHubError(
      'bad_request',
      `window of ${days} days`,
      `That covers ${Math.ceil(days)} days; ask for at most ${MAX_WINDOW_DAYS} days at a time, e.g. when: next_week.`,
    );
  }
  return { start, end };
}

/** bad_request unless `end` is after `start`. */
export function assertOrdered(start: Date, end: Date, clock: Clock): void {
  if (end.getTime() > start.getTime()) return;
  const at = (d: Date) => {
    const w = wallClock(d, clock.timeZone);
    return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')} ${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
  };
  throw new AgentHubError(
    'bad_request',
    `end ${end.toISOString()} not after start ${start.toISOString()}`,
    `The end (${at(end)}) isn't after the start (${at(start)}); give an end that comes after the start.`,
  );
}

/** Longest event the write tools book: a multi-day offsite, not a year-long placeholder. */
export const MAX_EVENT_DAYS = 14;

/** bad_request unless the event ends after it starts and lasts at most MAX_EVENT_DAYS. */
export function assertEventSpan(start: Date, end: Date, clock: Clock): void {
  assertOrdered(start, end, clock);
  if (end.getTime() - start.getTime() > MAX_EVENT_DAYS * 86_400_000) {
    throw new AgentHubError('bad_request', 'event too long', `That event would last more than ${MAX_EVENT_DAYS} days; check the end time.`);
  }
}

/** Whole local days the window touches, first to last. */
export function daysIn(window: TimeWindow, timeZone: string): LocalDate[] {
  const first = localDate(window.start, timeZone);
  const last = localDate(new Date(window.end.getTime() - 1), timeZone);
  const days: LocalDate[] = [];
  for (let d = first; compareDates(d, last) <= 0; d = addDays(d, 1)) days.push(d);
  return days;
}
