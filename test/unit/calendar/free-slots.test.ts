import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKING_HOURS, defaultSlotDay, findFreeSlots, mergeBusy } from '../../../src/integrations/calendar/free-slots.js';
import { type Clock, parseRange } from '../../../src/integrations/calendar/when.js';
import { isoWithOffset } from '../../../src/integrations/calendar/zone.js';

const paris = (now: string): Clock => ({ now: new Date(now), timeZone: 'Europe/Paris' });
const span = (start: string, end: string) => ({ start: new Date(start), end: new Date(end) });

function slots(clock: Clock, when: string, busy: Array<[string, string]>, durationMinutes = 30, count = 3, hours = DEFAULT_WORKING_HOURS) {
  return findFreeSlots({ window: parseRange(when, clock), busy: busy.map(([s, e]) => span(s, e)), clock, hours, durationMinutes, count }).map(
    (s) => `${isoWithOffset(s.start, clock.timeZone).slice(5, 16)}–${isoWithOffset(s.end, clock.timeZone).slice(11, 16)}`,
  );
}

describe('finding common free time', () => {
  // Monday 30 November 2026, 07:00 in Paris: the working day has not started.
  const early = paris('2026-11-30T06:00:00Z');

  it('starts at the beginning of working hours and steps around everyone’s meetings', () => {
    const busy: Array<[string, string]> = [
      ['2026-11-30T08:00:00Z', '2026-11-30T08:45:00Z'], // 09:00–09:45 Paris (one person)
      ['2026-11-30T08:30:00Z', '2026-11-30T09:10:00Z'], // 09:30–10:10 (another, overlapping)
    ];
    expect(slots(early, 'today', busy)).toEqual(['11-30T10:15–10:45', '11-30T10:45–11:15', '11-30T11:15–11:45']);
  });

  it('only offers slots that fit whole inside a gap and inside working hours', () => {
    const busy: Array<[string, string]> = [
      ['2026-11-30T08:00:00Z', '2026-11-30T15:20:00Z'], // 09:00–16:20
      ['2026-11-30T16:00:00Z', '2026-11-30T16:40:00Z'], // 17:00–17:40: only 16:30–17:00 is free before it
    ];
    expect(slots(early, 'today', busy, 60)).toEqual([]);
    expect(slots(early, 'today', busy, 30)).toEqual(['11-30T16:30–17:00']);
    expect(slots(early, 'today', [], 30, 2, { start: '17:00', end: '18:00' })).toEqual(['11-30T17:00–17:30', '11-30T17:30–18:00']);
  });

  it('never offers time already past, and starts on the next quarter hour', () => {
    const midMorning = paris('2026-11-30T09:07:00Z'); // 10:07 in Paris
    expect(slots(midMorning, 'today', [], 30, 1)).toEqual(['11-30T10:15–10:45']);
    expect(slots(paris('2026-11-30T17:40:00Z'), 'today', [])).toEqual([]); // 18:40: the day is over
  });

  it('skips the weekend and moves on to the next days of the window', () => {
    const friday = paris('2026-12-04T16:10:00Z'); // Friday 17:10 in Paris
    const clock = friday;
    const window = { start: friday.now, end: new Date('2026-12-08T23:00:00Z') };
    const found = findFreeSlots({ window, busy: [], clock, hours: DEFAULT_WORKING_HOURS, durationMinutes: 60, count: 2 });
    expect(found.map((s) => isoWithOffset(s.start, clock.timeZone))).toEqual(['2026-12-07T09:00:00+01:00', '2026-12-07T10:00:00+01:00']);
    expect(slots(paris('2026-12-05T08:00:00Z'), 'today', [])).toEqual([]); // a Saturday
  });

  it('keeps local working hours on the day clocks change', () => {
    // Monday 26 October 2026 is the first day of winter time in Paris (+01:00), the day after the change.
    const monday = paris('2026-10-26T05:00:00Z');
    const found = findFreeSlots({ window: parseRange('today', monday), busy: [], clock: monday, hours: DEFAULT_WORKING_HOURS, durationMinutes: 30, count: 1 });
    expect(found[0]!.start.toISOString()).toBe('2026-10-26T08:00:00.000Z');
    // Los Angeles is still on summer time that day (-07:00).
    const la: Clock = { now: new Date('2026-10-26T12:00:00Z'), timeZone: 'America/Los_Angeles' };
    const there = findFreeSlots({ window: parseRange('today', la), busy: [], clock: la, hours: DEFAULT_WORKING_HOURS, durationMinutes: 30, count: 1 });
    expect(there[0]!.start.toISOString()).toBe('2026-10-26T16:00:00.000Z');
  });

  it('merges overlapping busy periods', () => {
    const merged = mergeBusy([
      span('2026-11-30T10:00:00Z', '2026-11-30T11:00:00Z'),
      span('2026-11-30T09:00:00Z', '2026-11-30T10:30:00Z'),
      span('2026-11-30T12:00:00Z', '2026-11-30T12:00:00Z'),
    ]);
    expect(merged.map((m) => [m.start.toISOString(), m.end.toISOString()])).toEqual([['2026-11-30T09:00:00.000Z', '2026-11-30T11:00:00.000Z']]);
  });
});

describe('where to look when the person did not say', () => {
  it('today while a slot still fits, else the next working day', () => {
    expect(defaultSlotDay(paris('2026-11-30T09:00:00Z'), DEFAULT_WORKING_HOURS, 30)).toBe('today');
    expect(defaultSlotDay(paris('2026-11-30T16:20:00Z'), DEFAULT_WORKING_HOURS, 30)).toBe('today'); // 17:20 → 17:30–18:00 fits
    expect(defaultSlotDay(paris('2026-11-30T16:20:00Z'), DEFAULT_WORKING_HOURS, 60)).toBe('tomorrow');
    expect(defaultSlotDay(paris('2026-12-04T17:30:00Z'), DEFAULT_WORKING_HOURS, 30)).toBe('2026-12-07'); // Friday evening → Monday
    expect(defaultSlotDay(paris('2026-12-05T09:00:00Z'), DEFAULT_WORKING_HOURS, 30)).toBe('2026-12-07'); // Saturday → Monday
  });
});
