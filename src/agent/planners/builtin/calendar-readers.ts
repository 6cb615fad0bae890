/**
 * Plain-English calendar requests → calendar tool calls. Times are written the way the calendar
 * tools read them ('tomorrow 15:00', 'friday 09:30', 'YYYY-MM-DD HH:MM', or an ISO start copied
 * from an earlier result); events are found only among those the thread has already seen.
 */
import { itemLink } from './github-items.js';
import { ask, callTool, type Interpretation, isQuestion, type Reader, type Request } from './interpretation.js';
import { findPeople, mentionsPronoun, pick, withoutPeople } from './references.js';
import { capitalize, decodeSlackEntities, leadingQuote, restoreQuotes } from './request-text.js';
import type { EventMemory, SlotOffer } from './thread-memory.js';
import { addMinutes, hhmmOf, minutesBetween, readDay, readDuration, readTime, type TimeOfDay, type WallTime, wallTimeOf } from './time-words.js';

const GITHUB_WORDS = /\b(issues?|prs?|pull[\s-]?requests?|repos?|repository|commits?|branch(?:es)?|workflows?|labels?)\b/i;

// --- people ---------------------------------------------------------------------------------------

const UNNAMED_GROUP =
  /\bwith\s+(?:(?:my|our|the)\s+(?:whole\s+)?(?:team|group|squad|folks|colleagues|people|teammates|managers?|boss|lead)|everyone|everybody|them|the\s+others)\b/i;
const NOT_A_NAME = new Set(
  'a an the me us you my our and on at in for from to your google meet video zoom link description agenda notes location title label labels body comment no duration each both all today tomorrow tonight this next monday tuesday wednesday thursday friday saturday sunday'.split(
    ' ',
  ),
);

/** People named in words Slack did not link ("with my team", "with alice"): the request is not guessed at. */
function unlinkedPeople(req: Request, example: string): Interpretation | undefined {
  if (UNNAMED_GROUP.test(req.text) && !findPeople(req.text).length) {
    return ask(`Who should I include? Mention them so Slack links them, for example: "${example}".`);
  }
  // Only when nobody is linked: "with <@U0B> on friday" leaves "with on" once the mention is gone.
  const name = findPeople(req.text).length ? undefined : /\bwith\s+@?([a-z][a-z'.-]{1,30})\b/i.exec(req.text.replace(/⟦\d+⟧/g, ' '))?.[1];
  if (name && !NOT_A_NAME.has(name.toLowerCase())) {
    return ask(`Who is ${name}? Mention them (@${name}) so Slack links them, or give their e-mail address.`);
  }
  return undefined;
}

// --- days and times -------------------------------------------------------------------------------

/** The day or week to look at; undefined when the request names none, a question when it is ambiguous. */
function whenOf(req: Request): { when?: string } | { ask: string } {
  const day = readDay(req.text, req.clock);
  if (!day) return {};
  if ('ask' in day) return day;
  return { when: 'day' in day ? day.day : day.range };
}

type Start = { start: string; end?: string } | { ask: string } | undefined;

/** '<day> HH:MM' from the request's own words (today when only a time is given). */
function startOf(req: Request, text = req.text): Start {
  const day = readDay(text, req.clock);
  if (day && 'ask' in day) return day;
  if (day && 'range' in day) return { ask: 'Which day should it be on? For example: "tomorrow at 15:00" or "friday 09:30".' };
  const time = readTime(text);
  if (!time) return undefined;
  if ('ask' in time) return time;
  const dayWord = day?.day ?? 'today';
  return { start: `${dayWord} ${hhmmOf(time.start)}`, ...(time.end ? { end: `${dayWord} ${hhmmOf(time.end)}` } : {}) };
}

// --- events the thread has seen -----------------------------------------------------------------

function byTitle(events: readonly EventMemory[], title: string): EventMemory | undefined {
  const t = title.trim().toLowerCase();
  const exact = events.filter((e) => e.summary?.trim().toLowerCase() === t);
  if (exact.length) return exact[0];
  const partial = events.filter((e) => e.summary?.toLowerCase().includes(t));
  return partial.length === 1 ? partial[0] : undefined;
}

/** An event the request points at: by quoted title, "the second one", "it", or a title it mentions. */
type EventTarget = { event: EventMemory } | { unknownTitle: string } | undefined;

function targetEvent(req: Request): EventTarget {
  const { memory } = req;
  const events = memory.events;
  for (const quote of req.quotes) {
    const found = byTitle(events, quote);
    if (found) return { event: found };
  }
  if (req.ordinal !== undefined && memory.list?.kind === 'events') {
    const chosen = pick(memory.list.events, req.ordinal);
    if (chosen) return { event: chosen };
  }
  const focus = memory.focus?.kind === 'event' ? memory.focus.event : undefined;
  if (focus && (mentionsPronoun(req.text) || /\b(?:the|my|this|that)\s+(?:meeting|event|call|appointment|invite)\b/i.test(req.text))) return { event: focus };
  // A title written without quotes: the longest one the text contains as whole words.
  const lower = req.text.toLowerCase();
  const mentioned = events
    .filter((e) => e.summary && e.summary.trim().length >= 4)
    .filter((e) => new RegExp(`(^|\\W)${escapeRegExp(e.summary!.trim().toLowerCase())}(\\W|$)`).test(lower))
    .sort((a, b) => b.summary!.length - a.summary!.length);
  if (mentioned[0]) return { event: mentioned[0] };
  return req.quotes[0] ? { unknownTitle: req.quotes[0] } : undefined;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const notSeen = (title: string) =>
  ask(`I don't know an event called "${title}" in this thread yet. List your calendar first (for example "what's on my calendar tomorrow"), then ask again.`);

// --- titles and details ---------------------------------------------------------------------------

const TITLE_STOP =
  '(?=\\s+(?:with|at|on|for|from|to|until|till|between|around|by|and|then|called|titled|named|as|tomorrow|today|tonight|next|this|monday|tuesday|wednesday|thursday|friday|saturday|sunday|in(?!\\s+[\\w-]+\\/))\\b|\\s+\\d|\\s*⟦|\\s*[,.;!?]|$)';
const GENERIC_TITLE =
  /^(?:it|this|that|one|them|me|us|something|time|slot|a slot|(?:calendar\s+)?event|(?:first|second|third|last|next|\d+(?:st|nd|rd|th))(?:\s+(?:one|slot|free\s+\w+|available\s+\w+))?)$/i;
const DURATION_WORDS = /^(?:(?:\d+(?:\.\d+)?\s*-?\s*(?:minutes?|mins?|m|hours?|hrs?|h)|half[\s-]hour|hour[\s-]long|quick|short|new|free)\b[\s-]*)+/i;

/** What to call an event: a quoted title, "called X"/"as X", or the thing booked ("book a design review"). */
export function eventTitle(req: Request): string | undefined {
  const description = descriptionQuote(req);
  const quoted = req.quotes.find((q, n) => q !== description && !new RegExp(`\\blocation\\s*:?\\s*⟦${n}⟧`, 'i').test(req.text));
  const text = withoutPeople(req.text);
  const named = new RegExp(`\\b(?:called|titled|named|as|title)\\s*:?\\s+(?!⟦)(.+?)${TITLE_STOP}`, 'i').exec(text)?.[1];
  const booked = new RegExp(
    `\\b(?:book|schedule|set\\s+up|arrange|organi[sz]e|plan|create|add|put)\\s+(?:me\\s+)?(?:(?:a|an|the|our|my)\\s+)?(?!⟦)(.+?)${TITLE_STOP}`,
    'i',
  ).exec(text)?.[1];
  const title = (quoted ?? named ?? booked)?.replace(DURATION_WORDS, '').trim();
  if (!title || GENERIC_TITLE.test(title)) return undefined;
  return decodeSlackEntities(quoted ? title : capitalize(restoreQuotes(title, req.quotes)));
}

function descriptionQuote(req: Request): string | undefined {
  const m = /\b(?:description|agenda|notes|details|saying)\s*:?\s*(⟦\d+⟧)/i.exec(req.text);
  return m?.[1] ? leadingQuote(m[1], req.quotes) : undefined;
}

/** Description, location, Meet and notification choices of an event to create. */
export function eventDetails(req: Request): Record<string, unknown> {
  const link = itemLink(req);
  const quoted = descriptionQuote(req);
  const description = [quoted && decodeSlackEntities(quoted), link].filter(Boolean).join('\n\n');
  const locationQuote = /\blocation\s*:?\s*(⟦\d+⟧)/i.exec(req.text)?.[1];
  const location = (locationQuote && leadingQuote(locationQuote, req.quotes)) ?? /\bin\s+(room\s+[\w-]+)/i.exec(req.text)?.[1];
  const withMeet = /\b(google\s+meet|meet\s+link|video\s+(?:call|link)|with\s+(?:a\s+)?meet|hangouts?)\b/i.test(req.text);
  const silent =
    /\b(?:don'?t|do\s+not|without)\s+(?:notify(?:ing)?|e-?mail(?:ing)?|send(?:ing)?\s+(?:any\s+|the\s+)?(?:invit\w*|e-?mails?|notifications?))\b|\bsilently\b|\bno\s+(?:e-?mails?|notifications?|invit\w*)\b/i.test(
      req.text,
    );
  return {
    ...(description ? { description } : {}),
    ...(location ? { location: decodeSlackEntities(location) } : {}),
    ...(withMeet ? { with_meet: true } : {}),
    ...(silent ? { notify: false } : {}),
  };
}

// --- free time ------------------------------------------------------------------------------------

const FIND_SLOT =
  /\b(find|look\s+for|search\s+for|suggest|propose|get|pick|give\s+me|show\s+me|any|need)\b.*\b(slots?|time|free|available|availability|openings?|gaps?|windows?|hours?|minutes?|mins?)\b|\bwhen\s+(?:can|could|shall|should)\s+(?:i|we)\s+meet\b|\bfree\s+(?:slots?|time)\b/i;

/** calendar_find_free_slot arguments from the request's words (no check that it asks for free time). */
export function slotSearch(req: Request): Interpretation {
  const people = findPeople(req.text);
  const unlinked = unlinkedPeople(req, 'find 30 minutes with @alice @bob tomorrow');
  if (unlinked) return unlinked;
  const when = whenOf(req);
  if ('ask' in when) return ask(when.ask);
  const duration = readDuration(req.text);
  const count = /\b(\d{1,2}|one|two|three|four|five)\s+(?:(?:free|possible|open|available)\s+)?(?:slots|options|times|choices|suggestions)\b/i.exec(
    req.text,
  )?.[1];
  const countNumber = count ? Number(count) || ['one', 'two', 'three', 'four', 'five'].indexOf(count.toLowerCase()) + 1 : undefined;
  return callTool('calendar_find_free_slot', {
    people,
    ...(duration ? { duration_minutes: duration } : {}),
    ...(when.when ? { when: when.when } : {}),
    ...(countNumber ? { count: countNumber } : {}),
  });
}

const findFreeSlot: Reader = (req) => (FIND_SLOT.test(req.text) && !GITHUB_WORDS.test(req.text) ? slotSearch(req) : undefined);

const freeBusy: Reader = (req) => {
  if (!/\b(busy|free\/busy|freebusy|availability|available|free)\b/i.test(req.text) || GITHUB_WORDS.test(req.text)) return undefined;
  const unlinked = unlinkedPeople(req, 'is @alice free tomorrow?');
  if (unlinked) return unlinked;
  const when = whenOf(req);
  if ('ask' in when) return ask(when.ask);
  return callTool('calendar_get_free_busy', { people: findPeople(req.text), ...(when.when ? { when: when.when } : {}) });
};

// --- events ---------------------------------------------------------------------------------------

const listEvents: Reader = (req) => {
  const t = req.text;
  const about =
    /\b(calendar|agenda|schedule|meetings|events|appointments|diary)\b/i.test(t) ||
    /\bwhat(?:'s|s|\s+is)\s+(?:on|up|happening|planned)\b/i.test(t) ||
    /\bwhat\s+(?:do|have)\s+i\s+(?:got|have)\b/i.test(t) ||
    /\bmy\s+(?:day|week|morning|afternoon)\b/i.test(t) ||
    /\b(?:do|have)\s+i\s+(?:have|got)\s+(?:any(?:thing)?|meetings|plans)\b/i.test(t);
  if (!about || req.repo || req.item || GITHUB_WORDS.test(t)) return undefined;
  const when = whenOf(req);
  if ('ask' in when) return ask(when.ask);
  return callTool('calendar_list_events', when.when ? { when: when.when } : {});
};

const getEvent: Reader = (req) => {
  if (!/\b(show|display|open|view|details?|describe|tell\s+me|what(?:'s|\s+is)|who(?:'s|\s+is)|where|when\s+is|more|again|about)\b/i.test(req.text))
    return undefined;
  const target = targetEvent(req);
  if (!target) return undefined;
  if ('unknownTitle' in target) return /\b(event|meeting|call|appointment)\b/i.test(req.text) ? notSeen(target.unknownTitle) : undefined;
  return callTool('calendar_get_event', { event_id: target.event.id });
};

const CANCEL = /\b(cancel|delete|remove|drop|clear|call\s+off|scrap)\b/i;

const deleteEvent: Reader = (req) => {
  if (!CANCEL.test(req.text) || findPeople(req.text).length || isQuestion(req)) return undefined;
  const target = targetEvent(req);
  if (!target) return /\b(meeting|event|appointment|call)\b/i.test(req.text) && !GITHUB_WORDS.test(req.text) ? notSeen('that') : undefined;
  if ('unknownTitle' in target) return notSeen(target.unknownTitle);
  return callTool('calendar_delete_event', { event_id: target.event.id });
};

const MOVE = /\b(move|reschedule|push|shift|postpone|delay|bring\s+(?:it\s+)?forward|make\s+it)\b/i;
const UPDATE = /\b(move|reschedule|push|shift|postpone|delay|bring|rename|retitle|change|update|invite|add|include|remove|uninvite|drop|exclude)\b/i;

/** The event's new start (and end, keeping its length) for "move it to 16:00", "to friday", "push it by 30 minutes". */
function movedTimes(req: Request, event: EventMemory): { start?: string; end?: string } | { ask: string } {
  const from = event.start ? wallTimeOf(event.start) : undefined;
  const until = event.end ? wallTimeOf(event.end) : undefined;
  const length = from && until ? minutesBetween(from, until) : undefined;
  const shift = /\bby\s+(.+)$/i.exec(req.text)?.[1];
  const shiftMinutes = shift ? readDuration(shift) : undefined;
  if (shiftMinutes) {
    if (!from) return { ask: 'I don\'t know when that event is; give the new time, for example "move it to tomorrow 16:00".' };
    const earlier = /\b(bring|earlier|forward|sooner)\b/i.test(req.text);
    const start = addMinutes(from, earlier ? -shiftMinutes : shiftMinutes);
    return { start: wallText(start), ...(length !== undefined ? { end: wallText(addMinutes(start, length)) } : {}) };
  }
  const target = /\b(?:to|for|until|till)\b(?!.*\b(?:to|for)\b)\s*(.+)$/i.exec(req.text)?.[1] ?? req.text;
  const day = readDay(target, req.clock);
  if (day && 'ask' in day) return day;
  if (day && 'range' in day) return { ask: 'Which day should it move to? For example: "move it to friday 10:00".' };
  const time = readTime(target);
  if (time && 'ask' in time) return time;
  if (!day && !time) return {};
  const newTime: TimeOfDay | undefined = time?.start ?? from?.time;
  if (!newTime) return { ask: `At what time? For example: "move it to ${day?.day ?? 'tomorrow'} 10:00".` };
  const dayWord = day?.day ?? from?.date ?? 'today';
  const start = `${dayWord} ${hhmmOf(newTime)}`;
  if (time?.end) return { start, end: `${dayWord} ${hhmmOf(time.end)}` };
  if (length === undefined) return { start };
  // The end keeps the event's length; a day word can only carry it within the same day.
  const isDate = /^\d{4}-\d{2}-\d{2}$/.test(dayWord);
  const end = addMinutes({ date: isDate ? dayWord : '2000-01-01', time: newTime }, length);
  if (!isDate && end.date !== '2000-01-01') return { start };
  return { start, end: isDate ? wallText(end) : `${dayWord} ${hhmmOf(end.time)}` };
}

const wallText = (w: WallTime) => `${w.date} ${hhmmOf(w.time)}`;

const updateEvent: Reader = (req) => {
  if (!UPDATE.test(req.text) || isQuestion(req)) return undefined;
  const target = targetEvent(req);
  if (!target) return undefined;
  if ('unknownTitle' in target) return /\b(move|reschedule|postpone|rename)\b/i.test(req.text) ? notSeen(target.unknownTitle) : undefined;
  const { event } = target;
  const people = findPeople(req.text);
  const changes: Record<string, unknown> = {};
  if (people.length && /\b(invite|add|include|bring\s+in)\b/i.test(req.text)) changes.add_attendees = people;
  if (people.length && /\b(remove|uninvite|drop|exclude|take\s+off)\b/i.test(req.text)) changes.remove_attendees = people;
  const rename = /\b(?:rename|retitle|(?:change|set)\s+(?:the\s+)?(?:title|name))\b.*?\bto\s+(⟦\d+⟧|.+)$/i.exec(req.text)?.[1];
  if (rename) changes.summary = decodeSlackEntities(restoreQuotes(rename, req.quotes));
  const location = /\b(?:change|set|move)\s+(?:the\s+)?location\s+to\s+(⟦\d+⟧|.+)$/i.exec(req.text)?.[1];
  if (location) changes.location = decodeSlackEntities(restoreQuotes(location, req.quotes));
  if (MOVE.test(req.text) && !location) {
    const moved = movedTimes(req, event);
    if ('ask' in moved) return ask(moved.ask);
    Object.assign(changes, moved);
  }
  const title = event.summary ? `“${event.summary}”` : 'the event';
  if (!Object.keys(changes).length)
    return ask(`What should I change about ${title}? For example: "move it to 16:00", "rename it to 'Sync'" or "invite @alice to it".`);
  return callTool('calendar_update_event', { event_id: event.id, ...changes });
};

// --- booking --------------------------------------------------------------------------------------

const BOOK = /(?:^|\b(?:to|and|then|let'?s|also|now|just)\s+)(book|schedule|set\s+up|arrange|organi[sz]e|plan)\b/i;
const PUT_ON_CALENDAR =
  /\b(?:add|put|create|make)\b.*\b(?:to|on|in)\s+(?:my\s+)?calendar\b|\b(?:create|make|add)\s+(?:an?\s+|new\s+)*(?:calendar\s+)?(?:event|meeting|appointment)\b/i;
/** Bookings that are not calendar events (travel, tables): not something these tools do. */
const NOT_AN_EVENT =
  /\bbook\s+(?:me\s+)?(?:(?:a|an|the|some)\s+)?(?:flights?|hotels?|trains?|taxis?|cabs?|tables?|tickets?|cars?|ubers?|rooms?\s+at|seats?)\b/i;
export const wantsBooking = (text: string) => (BOOK.test(text) || PUT_ON_CALENDAR.test(text)) && !NOT_AN_EVENT.test(text);

/** A slot offered earlier in the thread that the request picks: "the first one", "the 14:00 one", "it". */
function chosenSlot(req: Request): { start: string; offer: SlotOffer } | { ask: string } | undefined {
  const offer = req.memory.slots;
  if (!offer?.slots.length) return undefined;
  const listed = req.memory.list?.kind === 'slots';
  if (req.ordinal !== undefined && listed) {
    const slot = pick(offer.slots, req.ordinal);
    return slot
      ? { start: slot.start, offer }
      : { ask: `I offered ${offer.slots.length} slot${offer.slots.length === 1 ? '' : 's'}; which one? For example: "book the first one as 'Sync'".` };
  }
  const time = readTime(req.text);
  if (time && !('ask' in time) && !readDay(req.text, req.clock)) {
    const same = offer.slots.filter((s) => {
      const at = wallTimeOf(s.start)?.time;
      return at?.hour === time.start.hour && at.minute === time.start.minute;
    });
    if (same.length === 1 && same[0]) return { start: same[0].start, offer };
  }
  if (listed && mentionsPronoun(req.text) && !time) {
    if (offer.slots.length === 1 && offer.slots[0]) return { start: offer.slots[0].start, offer };
    return { ask: 'Which of the slots should I book? For example: "book the first one as \'Sync\'".' };
  }
  return undefined;
}

const createEvent: Reader = (req) => {
  if (!wantsBooking(req.text) || isQuestion(req)) return undefined;
  const title = eventTitle(req);
  const slot = chosenSlot(req);
  if (slot && 'ask' in slot) return ask(slot.ask);
  const unlinked = unlinkedPeople(req, "book 'Sync' with @alice tomorrow at 15:00");
  if (unlinked) return unlinked;
  const named = title ? `'${title}'` : "'Sync'";
  const start = slot ? { start: slot.start } : startOf(req);
  if (start && 'ask' in start) return ask(start.ask);
  if (!start) return ask(`When should it start? For example: "book ${named} tomorrow at 15:00 for 30 minutes".`);
  if (!title) return ask(`What should I call it? For example: "${slot ? "book the first one as 'Sync'" : `book 'Sync' ${start.start}`}".`);
  const people = [...new Set([...(slot?.offer.people ?? []), ...findPeople(req.text)])];
  const duration = readDuration(req.text) ?? slot?.offer.durationMinutes;
  return callTool('calendar_create_event', {
    summary: title,
    start: start.start,
    ...(start.end ? { end: start.end } : duration ? { duration_minutes: duration } : {}),
    ...(people.length ? { attendees: people } : {}),
    ...eventDetails(req),
  });
};

/** Calendar writes (they name an event or a booking) come before the reads. */
export const calendarWriteReaders: Reader[] = [deleteEvent, updateEvent, createEvent];
export const calendarReadReaders: Reader[] = [findFreeSlot, freeBusy, getEvent, listEvents];
