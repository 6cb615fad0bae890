/**
 * Times as the requester reads them, in their own zone: "today 15:00–15:30",
 * "tomorrow (Tue 1 Dec) 09:00–10:00", "Fri 4 Dec, all day". Messages name the zone once
 * ("times in Europe/Paris") rather than on every line.
 */
import type { Clock, TimeWindow } from './when.js';
import { addDays, compareDates, daysBetween, type LocalDate, localDate, startOfDay, wallClock, weekdayOf } from './zone.js';

const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** When an event happens: a span of time, or whole days (inclusive) that mean the same date everywhere. */
export type EventTime = { allDay: false; start: Date; end: Date } | { allDay: true; first: LocalDate; last: LocalDate };

/** "Tue 1 Dec", with the year when it isn't the requester's current year. */
export function shortDate(date: LocalDate, clock: Clock): string {
  const year = date.year === localDate(clock.now, clock.timeZone).year ? '' : ` ${date.year}`;
  return `${DAY_NAMES[weekdayOf(date) - 1]} ${date.day} ${MONTH_NAMES[date.month - 1]}${year}`;
}

/** "today", "tomorrow (Tue 1 Dec)", "yesterday (Sun 29 Nov)" or "Fri 4 Dec". */
export function dayLabel(date: LocalDate, clock: Clock): string {
  const offset = daysBetween(localDate(clock.now, clock.timeZone), date);
  if (offset === 0) return 'today';
  if (offset === 1) return `tomorrow (${shortDate(date, clock)})`;
  if (offset === -1) return `yesterday (${shortDate(date, clock)})`;
  return shortDate(date, clock);
}

/** "09:05" on the requester's wall clock. */
export function clockTime(instant: Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  return `${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
}

/** "tomorrow (Tue 1 Dec) 09:00" */
export function describeInstant(instant: Date, clock: Clock): string {
  return `${dayLabel(localDate(instant, clock.timeZone), clock)} ${clockTime(instant, clock.timeZone)}`;
}

/** Whether `instant` falls on `day` locally, counting the midnight that closes it (an event ending at 00:00). */
function endsOn(instant: Date, day: LocalDate, timeZone: string): boolean {
  return compareDates(localDate(instant, timeZone), day) === 0 || instant.getTime() === startOfDay(addDays(day, 1), timeZone).getTime();
}

/** "today 15:00–15:30", "Fri 4 Dec 23:00 – Sat 5 Dec 01:30", "Fri 4 Dec, all day", "Mon 7 Dec – Wed 9 Dec, all day". */
export function describeEventTime(time: EventTime, clock: Clock): string {
  if (time.allDay) {
    const first = dayLabel(time.first, clock);
    return compareDates(time.first, time.last) === 0 ? `${first}, all day` : `${first} – ${dayLabel(time.last, clock)}, all day`;
  }
  const zone = clock.timeZone;
  const startDay = localDate(time.start, zone);
  if (time.end.getTime() <= time.start.getTime()) return describeInstant(time.start, clock);
  if (endsOn(time.end, startDay, zone)) return `${describeInstant(time.start, clock)}–${clockTime(time.end, zone)}`;
  return `${describeInstant(time.start, clock)} – ${describeInstant(time.end, clock)}`;
}

/** The time of an event on one day of an agenda: "09:00–09:30", "all day", "22:00 – Tue 1 Dec 01:00". */
export function timeWithinDay(time: EventTime, day: LocalDate, clock: Clock): string {
  if (time.allDay) return 'all day';
  const zone = clock.timeZone;
  const onDay = compareDates(localDate(time.start, zone), day) === 0;
  const from = onDay ? clockTime(time.start, zone) : `${shortDate(localDate(time.start, zone), clock)} ${clockTime(time.start, zone)}`;
  if (time.end.getTime() <= time.start.getTime()) return from;
  const endsToday = endsOn(time.end, day, zone);
  const to = endsToday ? clockTime(time.end, zone) : `${shortDate(localDate(time.end, zone), clock)} ${clockTime(time.end, zone)}`;
  return onDay && endsToday ? `${from}–${to}` : `${from} – ${to}`;
}

/** "today", "today 14:00 – Sun 6 Dec", "Mon 7 Dec – Sun 13 Dec", "tomorrow (Tue 1 Dec) 09:00–12:00". */
export function describeWindow(window: TimeWindow, clock: Clock): string {
  const zone = clock.timeZone;
  const firstDay = localDate(window.start, zone);
  const startsAtMidnight = window.start.getTime() === startOfDay(firstDay, zone).getTime();
  const lastDay = localDate(new Date(window.end.getTime() - 1), zone);
  const endsAtMidnight = window.end.getTime() === startOfDay(addDays(lastDay, 1), zone).getTime();
  const from = startsAtMidnight ? dayLabel(firstDay, clock) : describeInstant(window.start, clock);
  if (compareDates(firstDay, lastDay) === 0) {
    if (startsAtMidnight && endsAtMidnight) return from;
    if (endsOn(window.end, firstDay, zone)) return `${from}${startsAtMidnight ? ' until ' : '–'}${clockTime(window.end, zone)}`;
  }
  return `${from} – ${endsAtMidnight ? dayLabel(lastDay, clock) : describeInstant(window.end, clock)}`;
}

/** A range word as it reads in a sentence, without a clock: "today", "this week", "on friday", "on 2026-12-04". */
export function rangeWords(when: string): string {
  const w = when.trim().toLowerCase().replace(/[_-]/g, ' ');
  return /^(today|tomorrow|this week|next week)$/.test(w) ? w : `on ${w}`;
}

/** The zone note a message carries once: "times in Europe/Paris". */
export function timesIn(timeZone: string): string {
  return `times in ${timeZone}`;
}

/** "1 guest", "3 guests" */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

const STAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A time argument in words for describe(), which sees only the arguments: a pinned ISO time keeps
 * its own offset ("Wed 2 Dec 14:00 (UTC+01:00)"); anything else ("tomorrow 15:00") is already words.
 */
export function stampInWords(value: string): string {
  const m = STAMP.exec(value);
  if (!m) return value;
  const [, y, mo, d, hh, mm, offset] = m;
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d))).toLocaleDateString('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
  return `${day} ${hh}:${mm} (UTC${offset === 'Z' ? '' : offset})`;
}
