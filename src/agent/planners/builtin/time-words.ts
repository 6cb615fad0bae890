/**
 * Days, times of day and durations as people type them, turned into the words the calendar tools
 * take: days as today | tomorrow | a weekday | YYYY-MM-DD, weeks as this_week | next_week, times as
 * 24-hour HH:MM. Ambiguous forms (12/3, "at 3", "next friday") are not guessed: the caller asks.
 */

export interface LocalClock {
  now: Date;
  timeZone: string;
}

export type DayReading = { day: string } | { range: 'this_week' | 'next_week' } | { ask: string } | undefined;

export interface TimeOfDay {
  hour: number;
  minute: number;
}

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const WEEKDAY_ABBREVIATIONS: Record<string, string> = {
  mon: 'monday',
  tue: 'tuesday',
  tues: 'tuesday',
  wed: 'wednesday',
  thu: 'thursday',
  thur: 'thursday',
  thurs: 'thursday',
  fri: 'friday',
  sat: 'saturday',
  sun: 'sunday',
};
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';
const MONTH_DAY = new RegExp(`\\b${MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s+(\\d{4}))?\\b`, 'i');
const DAY_MONTH = new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH}(?:,?\\s+(\\d{4}))?\\b`, 'i');

const pad = (n: number) => String(n).padStart(2, '0');
const isoDay = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;

/** Today's date in the asker's zone, as year/month/day numbers. */
function localToday(clock: LocalClock): { year: number; month: number; day: number } {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: clock.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(clock.now);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

function addDays(iso: string, days: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d + days));
  return isoDay(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

function isRealDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** "March 12" without a year: this year's, or next year's once this year's has passed. */
function monthDay(monthWord: string, dayText: string, yearText: string | undefined, clock: LocalClock): DayReading {
  const month = MONTHS.indexOf(monthWord.slice(0, 3).toLowerCase()) + 1;
  const day = Number(dayText);
  const today = localToday(clock);
  let year = yearText ? Number(yearText) : today.year;
  if (!yearText && isoDay(year, month, day) < isoDay(today.year, today.month, today.day)) year += 1;
  if (!isRealDate(year, month, day)) return { ask: `There is no ${monthWord} ${day}; which date do you mean? For example: 2026-03-12.` };
  return { day: isoDay(year, month, day) };
}

/** The day or week a request is about; undefined when it names none. */
export function readDay(text: string, clock: LocalClock): DayReading {
  const t = text.toLowerCase();
  const iso = /\b(\d{4})-(\d{2})-(\d{2})\b/.exec(t);
  if (iso) {
    const [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    return isRealDate(y, m, d) ? { day: isoDay(y, m, d) } : { ask: `There is no date ${iso[0]}; which day do you mean? For example: 2026-03-12.` };
  }
  const yearFirst = /\b(\d{4})\/(\d{1,2})\/(\d{1,2})\b/.exec(t);
  if (yearFirst) {
    const [y, m, d] = [Number(yearFirst[1]), Number(yearFirst[2]), Number(yearFirst[3])];
    if (isRealDate(y, m, d)) return { day: isoDay(y, m, d) };
  }
  const slashed = /(?:^|[\s(])(\d{1,2})\/(\d{1,2})(?:\/(\d{2,4}))?\b/.exec(t);
  if (slashed) {
    return { ask: `Is ${slashed[0].trim()} day/month or month/day? Please write the date as YYYY-MM-DD, for example 2026-03-12.` };
  }
  const named = MONTH_DAY.exec(t);
  if (named?.[1] && named[2]) return monthDay(named[1], named[2], named[3], clock);
  const dayFirst = DAY_MONTH.exec(t);
  if (dayFirst?.[1] && dayFirst[2]) return monthDay(dayFirst[2], dayFirst[1], dayFirst[3], clock);
  if (/\bday after tomorrow\b/.test(t)) {
    const today = localToday(clock);
    return { day: addDays(isoDay(today.year, today.month, today.day), 2) };
  }
  if (/\btomorrow\b/.test(t)) return { day: 'tomorrow' };
  if (/\b(today|tonight|this (?:morning|afternoon|evening))\b/.test(t)) return { day: 'today' };
  if (/\bnext week\b/.test(t)) return { range: 'next_week' };
  if (/\b(this week|(?:the )?rest of the week)\b/.test(t)) return { range: 'this_week' };
  const nextWeekday = new RegExp(`\\bnext (${WEEKDAYS.join('|')})\\b`).exec(t);
  if (nextWeekday) {
    return {
      ask: `Do you mean the coming ${nextWeekday[1]} or the one after? Say "${nextWeekday[1]}" for the coming one, or give the date, for example 2026-03-12.`,
    };
  }
  const weekday = new RegExp(`\\b(${WEEKDAYS.join('|')})s?\\b`).exec(t);
  if (weekday?.[1]) return { day: weekday[1] };
  const short = /\bon (mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\b/.exec(t);
  if (short?.[1]) return { day: WEEKDAY_ABBREVIATIONS[short[1]] ?? short[1] };
  return undefined;
}

interface TimeToken extends TimeOfDay {
  index: number;
  end: number;
  /** Written with am/pm or as HH:MM, so it is unambiguous. */
  clear: boolean;
}

const to24 = (hour: number, meridiem: string) => (hour % 12) + (meridiem.startsWith('p') ? 12 : 0);

/** Every time of day in the text, in order. */
function timeTokens(text: string): TimeToken[] {
  const t = text.toLowerCase();
  const tokens: TimeToken[] = [];
  const add = (index: number, length: number, hour: number, minute: number, clear: boolean) => {
    if (hour > 23 || minute > 59) return;
    if (tokens.some((k) => index < k.end && k.index < index + length)) return;
    tokens.push({ hour, minute, index, end: index + length, clear });
  };
  for (const m of t.matchAll(/\b(noon|midday|midnight)\b/g)) add(m.index, m[0].length, m[1] === 'midnight' ? 0 : 12, 0, true);
  // "2-3pm": the second time's am/pm applies to the first.
  for (const m of t.matchAll(/\b(\d{1,2})(?::(\d{2}))?(\s*(?:-|to|until|till)\s*)(\d{1,2})(?::(\d{2}))?\s*([ap])\.?\s?m\b\.?/g)) {
    const [h1, m1, h2, m2, ap] = [Number(m[1]), Number(m[2] ?? 0), Number(m[4]), Number(m[5] ?? 0), m[6] ?? 'a'];
    if (h1 < 1 || h1 > 12 || h2 < 1 || h2 > 12) continue;
    const second = to24(h2, ap);
    let first = to24(h1, ap);
    if (first > second) first = to24(h1, ap === 'p' ? 'a' : 'p');
    const firstLength = m[1]!.length + (m[2] ? m[2].length + 1 : 0);
    const secondAt = firstLength + (m[3]?.length ?? 0);
    add(m.index, firstLength, first, m1, true);
    add(m.index + secondAt, m[0].length - secondAt, second, m2, true);
  }
  for (const m of t.matchAll(/\b(\d{1,2})(?::(\d{2}))?\s*([ap])\.?\s?m\b\.?/g)) {
    const hour = Number(m[1]);
    if (hour >= 1 && hour <= 12) add(m.index, m[0].length, to24(hour, m[3] ?? 'a'), Number(m[2] ?? 0), true);
  }
  for (const m of t.matchAll(/\b([01]?\d|2[0-3]):([0-5]\d)\b/g)) add(m.index, m[0].length, Number(m[1]), Number(m[2]), true);
  // A bare hour after "at"/"to"…: clear only on a 24-hour clock (13-23, 0).
  const bare =
    /\b(?:at|@|from|to|until|till|around)\s+(\d{1,2})(?:\s*o'?clock)?\b(?![:/.%\d]|\s*(?:hours?|hrs?|h|minutes?|mins?|m|days?|messages?|slots?|people|am|pm|a\.m|p\.m)\b)/g;
  for (const m of t.matchAll(bare)) {
    const hour = Number(m[1]);
    const at = m[0].lastIndexOf(m[1]!);
    add(m.index + at, m[0].length - at, hour, 0, hour === 0 || hour > 12);
  }
  return tokens.sort((a, b) => a.index - b.index);
}

export type TimeReading = { start: TimeOfDay; end?: TimeOfDay } | { ask: string } | undefined;

const hhmmOf = (t: TimeOfDay) => `${pad(t.hour)}:${pad(t.minute)}`;

export { hhmmOf };

/** The time (or "from … to …" range) a request names; asks when "at 3" could be morning or afternoon. */
export function readTime(text: string): TimeReading {
  const tokens = timeTokens(text);
  const first = tokens[0];
  if (!first) return undefined;
  if (!first.clear) {
    const h = first.hour;
    return { ask: `Do you mean ${pad(h)}:00 or ${pad(h + 12)}:00? Write the time with am/pm or as 24-hour, for example "tomorrow at ${h}pm".` };
  }
  const second = tokens[1];
  const joined = second && /^\s*(?:-|to|until|till|and)\s*$/i.test(text.slice(first.end, second.index).replace(/^\s*(?:am|pm)\b/i, ''));
  if (second && joined && second.clear) return { start: first, end: second };
  return { start: first };
}

const NUMBER_WORDS: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8 };

/** A meeting length in minutes: "30 minutes", "half an hour", "an hour", "1h30", "1.5 hours", "90-minute". */
export function readDuration(text: string): number | undefined {
  const t = text.toLowerCase();
  if (/\b(?:an?|one)\s+hour\s+and\s+a\s+half\b|\b1\.5\s*(?:hours?|hrs?|h)\b/.test(t)) return 90;
  if (/\bhalf\s+(?:an\s+)?hour\b|\bhalf-hour\b/.test(t)) return 30;
  if (/\bquarter\s+(?:of\s+)?(?:an\s+)?hour\b/.test(t)) return 15;
  const hours = /\b(\d{1,2}(?:\.\d{1,2})?)\s*-?\s*(?:hours?|hrs?|h)(?![a-z])(?:\s*(?:and\s*)?(\d{1,2})\s*(?:minutes?|mins?|m)?(?![a-z\d]))?/.exec(t);
  if (hours?.[1]) return Math.round(Number(hours[1]) * 60) + Number(hours[2] ?? 0);
  const minutes = /\b(\d{1,3})\s*-?\s*(?:minutes?|mins?|m)(?![a-z])/.exec(t);
  if (minutes?.[1]) return Number(minutes[1]);
  const worded = /\b(an?|one|two|three|four|five|six|seven|eight)\s+(?:(?:free|full|whole|open)\s+)?hours?\b|\bhour-long\b|\b(?:free|full|whole)\s+hour\b/.exec(
    t,
  );
  if (worded) return (NUMBER_WORDS[worded[1] ?? 'one'] ?? 1) * 60;
  return undefined;
}

/** A wall-clock moment in the asker's zone, read from an ISO 8601 string with offset ("2026-03-12T10:00:00+01:00"). */
export interface WallTime {
  date: string;
  time: TimeOfDay;
}

export function wallTimeOf(iso: string): WallTime | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})/.exec(iso);
  return m?.[1] ? { date: m[1], time: { hour: Number(m[2]), minute: Number(m[3]) } } : undefined;
}

/** A wall time moved by some minutes (wall-clock arithmetic, as a person counts). */
export function addMinutes(at: WallTime, minutes: number): WallTime {
  const [y, mo, d] = at.date.split('-').map(Number) as [number, number, number];
  const moved = new Date(Date.UTC(y, mo - 1, d, at.time.hour, at.time.minute + minutes));
  return {
    date: isoDay(moved.getUTCFullYear(), moved.getUTCMonth() + 1, moved.getUTCDate()),
    time: { hour: moved.getUTCHours(), minute: moved.getUTCMinutes() },
  };
}

export const minutesBetween = (a: WallTime, b: WallTime) => {
  const ms = (w: WallTime) => Date.parse(`${w.date}T${hhmmOf(w.time)}:00Z`);
  return Math.round((ms(b) - ms(a)) / 60_000);
};

/** Hours since the asker's local midnight, rounded up (for "today" in a channel summary). */
export function hoursSinceMidnight(clock: LocalClock): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: clock.timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(clock.now);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Math.max(1, Math.ceil(get('hour') + get('minute') / 60));
}
