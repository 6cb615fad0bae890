/**
 * Finding common free time: pure, so the rules (working hours, weekdays only, nothing in the past,
 * quarter-hour starts) are tested without a calendar.
 */
import { type Clock, daysIn, type TimeWindow } from './when.js';
import { addDays, compareDates, instantOf, isoDate, type LocalDate, localDate, weekdayOf } from './zone.js';

export interface WorkingHours {
  /** "09:00" (24-hour, the requester's zone) */
  start: string;
  end: string;
}

export const DEFAULT_WORKING_HOURS: WorkingHours = { start: '09:00', end: '18:00' };

/**
 * Slots start on quarter hours. Every zone in use today is offset from UTC by a multiple of 15
 * minutes, so rounding the instant rounds the local time too.
 */
const STEP = 15 * 60_000;
const ceilToStep = (ms: number) => Math.ceil(ms / STEP) * STEP;

function hoursAndMinutes(hhmm: string): { hour: number; minute: number } {
  const [hour, minute] = hhmm.split(':').map(Number) as [number, number];
  return { hour, minute };
}

const isWeekend = (day: LocalDate) => weekdayOf(day) >= 6;

/** The working hours of one local day, or undefined on a Saturday or Sunday. */
export function workingSpan(day: LocalDate, hours: WorkingHours, timeZone: string): TimeWindow | undefined {
  if (isWeekend(day)) return undefined;
  return { start: instantOf({ ...day, ...hoursAndMinutes(hours.start) }, timeZone), end: instantOf({ ...day, ...hoursAndMinutes(hours.end) }, timeZone) };
}

/** Busy periods sorted and merged, so overlapping meetings of different people count once. */
export function mergeBusy(periods: readonly TimeWindow[]): TimeWindow[] {
  const sorted = [...periods].filter((p) => p.end > p.start).sort((a, b) => a.start.getTime() - b.start.getTime());
  const merged: TimeWindow[] = [];
  for (const p of sorted) {
    const last = merged.at(-1);
    if (last && p.start.getTime() <= last.end.getTime()) last.end = new Date(Math.max(last.end.getTime(), p.end.getTime()));
    else merged.push({ start: p.start, end: p.end });
  }
  return merged;
}

export interface SlotSearch {
  window: TimeWindow;
  /** Everyone's busy periods together. */
  busy: readonly TimeWindow[];
  clock: Clock;
  hours: WorkingHours;
  durationMinutes: number;
  count: number;
}

/** The first `count` free slots of the duration, in working hours on weekdays, not in the past, back to back. */
export function findFreeSlots({ window, busy, clock, hours, durationMinutes, count }: SlotSearch): TimeWindow[] {
  const merged = mergeBusy(busy);
  const duration = durationMinutes * 60_000;
  const slots: TimeWindow[] = [];
  for (const day of daysIn(window, clock.timeZone)) {
    const span = workingSpan(day, hours, clock.timeZone);
    if (!span) continue;
    const from = Math.max(span.start.getTime(), window.start.getTime(), clock.now.getTime());
    const until = Math.min(span.end.getTime(), window.end.getTime());
    let at = ceilToStep(from);
    while (slots.length < count && at + duration <= until) {
      const clash = merged.find((b) => b.start.getTime() < at + duration && b.end.getTime() > at);
      if (clash) {
        at = ceilToStep(clash.end.getTime());
        continue;
      }
      slots.push({ start: new Date(at), end: new Date(at + duration) });
      at = ceilToStep(at + duration);
    }
    if (slots.length >= count) break;
  }
  return slots;
}

/**
 * Where to look when the person didn't say: today while a slot of that length still fits in
 * today's working hours, otherwise the next working day (a YYYY-MM-DD range).
 */
export function defaultSlotDay(clock: Clock, hours: WorkingHours, durationMinutes: number): string {
  const today = localDate(clock.now, clock.timeZone);
  const span = workingSpan(today, hours, clock.timeZone);
  if (span && ceilToStep(Math.max(clock.now.getTime(), span.start.getTime())) + durationMinutes * 60_000 <= span.end.getTime()) return 'today';
  const day = nextWeekday(today);
  return compareDates(day, addDays(today, 1)) === 0 ? 'tomorrow' : isoDate(day);
}

function nextWeekday(after: LocalDate): LocalDate {
  let day = addDays(after, 1);
  while (isWeekend(day)) day = addDays(day, 1);
  return day;
}

/** The first working day after the window: where to suggest looking when it had no free time. */
export function nextWorkingDay(window: TimeWindow, clock: Clock): LocalDate {
  return nextWeekday(localDate(new Date(window.end.getTime() - 1), clock.timeZone));
}
