import { describe, expect, it } from 'vitest';
import { AgentHubError } from '../../../src/errors.js';
import {
  type Clock,
  isDateTimeText,
  isRangeText,
  isWindowEdgeText,
  MAX_WINDOW_DAYS,
  parseDateTime,
  parseRange,
  resolveWindow,
} from '../../../src/integrations/calendar/when.js';
import { instantOf, isoWithOffset, offsetMinutes } from '../../../src/integrations/calendar/zone.js';

/** Monday 30 November 2026, 09:00 UTC: 10:00 in Paris, 01:00 in Los Angeles. */
const NOW = new Date('2026-11-30T09:00:00Z');
const paris: Clock = { now: NOW, timeZone: 'Europe/Paris' };
const la: Clock = { now: NOW, timeZone: 'America/Los_Angeles' };

const local = (d: Date, clock: Clock) => isoWithOffset(d, clock.timeZone);
const range = (text: string, clock: Clock) => {
  const r = parseRange(text, clock);
  return [local(r.start, clock), local(r.end, clock)];
};
const at = (text: string, clock: Clock) => local(parseDateTime(text, clock), clock);

function refusal(fn: () => unknown): AgentHubError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AgentHubError);
    return err as AgentHubError;
  }
  throw new Error('expected a refusal');
}

describe('ranges, in the requester’s own zone', () => {
  it('today and tomorrow are whole local days, wherever the requester lives', () => {
    expect(range('today', paris)).toEqual(['2026-11-30T00:00:00+01:00', '2026-12-01T00:00:00+01:00']);
    expect(range('tomorrow', paris)).toEqual(['2026-12-01T00:00:00+01:00', '2026-12-02T00:00:00+01:00']);
    expect(range('today', la)).toEqual(['2026-11-30T00:00:00-08:00', '2026-12-01T00:00:00-08:00']);
    // The same instant is still Sunday evening in Los Angeles when it is already Monday in Tokyo.
    const tokyo: Clock = { now: new Date('2026-11-29T20:00:00Z'), timeZone: 'Asia/Tokyo' };
    expect(range('today', tokyo)).toEqual(['2026-11-30T00:00:00+09:00', '2026-12-01T00:00:00+09:00']);
    expect(range('today', { ...tokyo, timeZone: 'America/Los_Angeles' })).toEqual(['2026-11-29T00:00:00-08:00', '2026-11-30T00:00:00-08:00']);
  });

  it('this_week runs from now to the end of Sunday; next_week is Monday to Sunday', () => {
    expect(range('this_week', paris)).toEqual(['2026-11-30T10:00:00+01:00', '2026-12-07T00:00:00+01:00']);
    expect(range('next_week', paris)).toEqual(['2026-12-07T00:00:00+01:00', '2026-12-14T00:00:00+01:00']);
    // On a Sunday, this week is what is left of today and next week starts tomorrow.
    const sunday: Clock = { now: new Date('2026-12-06T15:00:00Z'), timeZone: 'Europe/Paris' };
    expect(range('this_week', sunday)).toEqual(['2026-12-06T16:00:00+01:00', '2026-12-07T00:00:00+01:00']);
    expect(range('next week', sunday)).toEqual(['2026-12-07T00:00:00+01:00', '2026-12-14T00:00:00+01:00']);
  });

  it('a weekday is the coming one, today included; a date is that day', () => {
    expect(range('friday', paris)).toEqual(['2026-12-04T00:00:00+01:00', '2026-12-05T00:00:00+01:00']);
    expect(range('Monday', paris)[0]).toBe('2026-11-30T00:00:00+01:00');
    expect(range('sun', paris)[0]).toBe('2026-12-06T00:00:00+01:00');
    expect(range('2027-01-04', la)).toEqual(['2027-01-04T00:00:00-08:00', '2027-01-05T00:00:00-08:00']);
  });

  it('next_week across the end of daylight saving time is still seven local days', () => {
    // Friday 30 October 2026 in Los Angeles (PDT, -07:00); clocks go back on Sunday 1 November.
    const friday: Clock = { now: new Date('2026-10-30T17:00:00Z'), timeZone: 'America/Los_Angeles' };
    expect(range('this_week', friday)).toEqual(['2026-10-30T10:00:00-07:00', '2026-11-02T00:00:00-08:00']);
    expect(range('sunday', friday)).toEqual(['2026-11-01T00:00:00-07:00', '2026-11-02T00:00:00-08:00']);
    const sunday = parseRange('sunday', friday);
    expect((sunday.end.getTime() - sunday.start.getTime()) / 3_600_000).toBe(25);
  });

  it('refuses anything else with a sentence listing what works', () => {
    const err = refusal(() => parseRange('the week after next', paris));
    expect(err.code).toBe('bad_request');
    expect(err.userMessage).toBe(
      'I couldn\'t read "the week after next" as a day or a week. Use today, tomorrow, this_week, next_week, a weekday such as friday, or a date like 2026-12-01.',
    );
    expect(refusal(() => parseRange('2026-02-30', paris)).code).toBe('bad_request');
    expect(refusal(() => parseRange('<!channel>', paris)).userMessage).toContain('"&lt;!channel&gt;"');
  });
});

describe('date-times', () => {
  it('reads every form the planner writes', () => {
    expect(at('2026-12-01T15:00:00+01:00', la)).toBe('2026-12-01T06:00:00-08:00');
    expect(at('2026-12-01T14:00:00Z', paris)).toBe('2026-12-01T15:00:00+01:00');
    expect(at('2026-12-01T15:00', paris)).toBe('2026-12-01T15:00:00+01:00');
    expect(at('2026-12-01T15:00', la)).toBe('2026-12-01T15:00:00-08:00');
    expect(at('today 16:30', paris)).toBe('2026-11-30T16:30:00+01:00');
    expect(at('tomorrow 15:00', paris)).toBe('2026-12-01T15:00:00+01:00');
    expect(at('friday 09:30', la)).toBe('2026-12-04T09:30:00-08:00');
    expect(at('2026-12-03 08:00', paris)).toBe('2026-12-03T08:00:00+01:00');
  });

  it('also reads what people type: "at", am/pm, a bare time', () => {
    expect(at('tomorrow at 3pm', paris)).toBe('2026-12-01T15:00:00+01:00');
    expect(at('Friday 9:30 AM', paris)).toBe('2026-12-04T09:30:00+01:00');
    expect(at('12am', paris)).toBe('2026-11-30T00:00:00+01:00');
    expect(at('at 17:45', paris)).toBe('2026-11-30T17:45:00+01:00');
  });

  it('a weekday time already past today means next week’s', () => {
    // 10:00 on Monday in Paris: "monday 09:00" has gone, "monday 11:00" is still ahead.
    expect(at('monday 09:00', paris)).toBe('2026-12-07T09:00:00+01:00');
    expect(at('monday 11:00', paris)).toBe('2026-11-30T11:00:00+01:00');
    // "today 09:00" says which day it means, so it stays today.
    expect(at('today 09:00', paris)).toBe('2026-11-30T09:00:00+01:00');
  });

  it('uses the offset in force on that day, across daylight-saving changes', () => {
    // Saturday 24 October 2026 in Paris (CEST, +02:00); Sunday is CET (+01:00).
    const saturday: Clock = { now: new Date('2026-10-24T08:00:00Z'), timeZone: 'Europe/Paris' };
    expect(parseDateTime('today 09:00', saturday).toISOString()).toBe('2026-10-24T07:00:00.000Z');
    expect(parseDateTime('tomorrow 09:00', saturday).toISOString()).toBe('2026-10-25T08:00:00.000Z');
    // Los Angeles changes a week later: the same UTC instant is a different wall time there.
    expect(parseDateTime('2026-11-02T09:00', { ...saturday, timeZone: 'America/Los_Angeles' }).toISOString()).toBe('2026-11-02T17:00:00.000Z');
    expect(parseDateTime('2026-10-30T09:00', { ...saturday, timeZone: 'America/Los_Angeles' }).toISOString()).toBe('2026-10-30T16:00:00.000Z');
  });

  it('moves a time skipped by spring-forward past the gap, and takes the first of a repeated hour', () => {
    expect(isoWithOffset(instantOf({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Paris'), 'Europe/Paris')).toBe('2026-03-29T03:30:00+02:00');
    expect(instantOf({ year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, 'America/Los_Angeles').toISOString()).toBe('2026-11-01T08:30:00.000Z');
    expect(offsetMinutes(new Date('2026-07-01T12:00:00Z'), 'America/Los_Angeles')).toBe(-420);
    expect(offsetMinutes(new Date('2026-07-01T12:00:00Z'), 'Asia/Kathmandu')).toBe(345);
  });

  it('refuses malformed or impossible times with an example of an accepted form', () => {
    for (const bad of ['next tuesday', 'tomorrow', '25:00', 'tomorrow 24:00', '2026-02-30T10:00', '2026-12-01T10:00+15:00', 'tomorrow 13pm', '', '15h']) {
      const err = refusal(() => parseDateTime(bad, paris));
      expect(err.code, bad).toBe('bad_request');
      expect(err.userMessage, bad).toMatch(/Use a form like "tomorrow 15:00", "friday 09:30", "2026-12-01T15:00"/);
    }
  });

  it('checks syntax without a clock, for argument schemas', () => {
    expect(['today', 'this_week', 'next week', 'friday', '2026-12-01'].every(isRangeText)).toBe(true);
    expect(['yesterday', '2026-13-01', 'friday 10:00'].some(isRangeText)).toBe(false);
    expect(['tomorrow 15:00', '2026-12-01T15:00:00Z', 'friday at 9am'].every(isDateTimeText)).toBe(true);
    expect(['tomorrow', 'soon', '2026-12-01T25:00'].some(isDateTimeText)).toBe(false);
    expect(isWindowEdgeText('tomorrow') && isWindowEdgeText('tomorrow 10:00') && !isWindowEdgeText('later')).toBe(true);
  });
});

describe('resolveWindow', () => {
  const win = (args: Parameters<typeof resolveWindow>[0], fallback = 'today') => {
    const w = resolveWindow(args, paris, fallback);
    return [local(w.start, paris), local(w.end, paris)];
  };

  it('uses when, or the fallback when nothing is said', () => {
    expect(win({})).toEqual(['2026-11-30T00:00:00+01:00', '2026-12-01T00:00:00+01:00']);
    expect(win({ when: 'friday' })).toEqual(['2026-12-04T00:00:00+01:00', '2026-12-05T00:00:00+01:00']);
  });

  it('lets explicit start and end win, with days meaning their whole day', () => {
    expect(win({ start: 'tomorrow 14:00', end: 'tomorrow 17:00' })).toEqual(['2026-12-01T14:00:00+01:00', '2026-12-01T17:00:00+01:00']);
    expect(win({ start: 'tomorrow', end: 'friday' })).toEqual(['2026-12-01T00:00:00+01:00', '2026-12-05T00:00:00+01:00']);
    expect(win({ start: 'tomorrow 14:00' })).toEqual(['2026-12-01T14:00:00+01:00', '2026-12-02T00:00:00+01:00']);
    expect(win({ end: 'today 18:00' })).toEqual(['2026-11-30T10:00:00+01:00', '2026-11-30T18:00:00+01:00']);
    expect(win({ when: 'next_week', start: '2026-12-09' })).toEqual(['2026-12-09T00:00:00+01:00', '2026-12-14T00:00:00+01:00']);
  });

  it('refuses an end before the start, and windows longer than two months', () => {
    const err = refusal(() => resolveWindow({ start: 'tomorrow 10:00', end: 'tomorrow 09:00' }, paris, 'today'));
    expect(err.userMessage).toBe("The end (2026-12-01 09:00) isn't after the start (2026-12-01 10:00); give an end that comes after the start.");
    const long = refusal(() => resolveWindow({ start: '2026-12-01', end: '2027-06-01' }, paris, 'today'));
    expect(long.userMessage).toBe(`That covers 183 days; ask for at most ${MAX_WINDOW_DAYS} days at a time, e.g. when: next_week.`);
  });
});
