import { describe, expect, it } from 'vitest';
import { describeEventTime, describeWindow, timeWithinDay } from '../../../src/integrations/calendar/plain-words.js';
import { type Clock, parseRange } from '../../../src/integrations/calendar/when.js';

const NOW = new Date('2026-11-30T09:00:00Z'); // Monday
const paris: Clock = { now: NOW, timeZone: 'Europe/Paris' };
const la: Clock = { now: NOW, timeZone: 'America/Los_Angeles' };
const timed = (start: string, end: string) => ({ allDay: false as const, start: new Date(start), end: new Date(end) });

describe('event times in plain words', () => {
  it('says today / tomorrow (with the date) / the weekday and date, with a local time span', () => {
    expect(describeEventTime(timed('2026-11-30T14:00:00Z', '2026-11-30T14:30:00Z'), paris)).toBe('today 15:00–15:30');
    expect(describeEventTime(timed('2026-12-01T08:00:00Z', '2026-12-01T09:00:00Z'), paris)).toBe('tomorrow (Tue 1 Dec) 09:00–10:00');
    expect(describeEventTime(timed('2026-12-04T08:00:00Z', '2026-12-04T09:00:00Z'), paris)).toBe('Fri 4 Dec 09:00–10:00');
    expect(describeEventTime(timed('2026-11-29T08:00:00Z', '2026-11-29T09:00:00Z'), paris)).toBe('yesterday (Sun 29 Nov) 09:00–10:00');
    expect(describeEventTime(timed('2027-01-04T08:00:00Z', '2027-01-04T09:00:00Z'), paris)).toBe('Mon 4 Jan 2027 09:00–10:00');
  });

  it('shows one instant as each requester’s own day and time', () => {
    const call = timed('2026-12-01T07:30:00Z', '2026-12-01T08:00:00Z');
    expect(describeEventTime(call, paris)).toBe('tomorrow (Tue 1 Dec) 08:30–09:00');
    // In Los Angeles that is still Monday evening: today.
    expect(describeEventTime(call, la)).toBe('today 23:30–00:00');
  });

  it('describes all-day and multi-day events', () => {
    expect(describeEventTime({ allDay: true, first: { year: 2026, month: 12, day: 4 }, last: { year: 2026, month: 12, day: 4 } }, paris)).toBe(
      'Fri 4 Dec, all day',
    );
    expect(describeEventTime({ allDay: true, first: { year: 2026, month: 11, day: 30 }, last: { year: 2026, month: 11, day: 30 } }, paris)).toBe(
      'today, all day',
    );
    expect(describeEventTime({ allDay: true, first: { year: 2026, month: 12, day: 7 }, last: { year: 2026, month: 12, day: 9 } }, paris)).toBe(
      'Mon 7 Dec – Wed 9 Dec, all day',
    );
    expect(describeEventTime(timed('2026-12-04T22:00:00Z', '2026-12-05T00:30:00Z'), paris)).toBe('Fri 4 Dec 23:00 – Sat 5 Dec 01:30');
  });

  it('lists an event within one day of an agenda by its time alone', () => {
    const day = { year: 2026, month: 12, day: 4 };
    expect(timeWithinDay(timed('2026-12-04T08:00:00Z', '2026-12-04T08:30:00Z'), day, paris)).toBe('09:00–09:30');
    expect(timeWithinDay(timed('2026-12-04T22:00:00Z', '2026-12-05T00:30:00Z'), day, paris)).toBe('23:00 – Sat 5 Dec 01:30');
    expect(timeWithinDay({ allDay: true, first: day, last: day }, day, paris)).toBe('all day');
  });

  it('describes the periods people ask about', () => {
    expect(describeWindow(parseRange('today', paris), paris)).toBe('today');
    expect(describeWindow(parseRange('tomorrow', paris), paris)).toBe('tomorrow (Tue 1 Dec)');
    expect(describeWindow(parseRange('this_week', paris), paris)).toBe('today 10:00 – Sun 6 Dec');
    expect(describeWindow(parseRange('next_week', la), la)).toBe('Mon 7 Dec – Sun 13 Dec');
    expect(describeWindow({ start: new Date('2026-12-01T13:00:00Z'), end: new Date('2026-12-01T17:00:00Z') }, paris)).toBe('tomorrow (Tue 1 Dec) 14:00–18:00');
  });
});
