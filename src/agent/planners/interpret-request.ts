/**
 * Plain-English reading of a request for the built-in planner: deterministic, no model. Returns the
 * tool to call with its arguments (and, for "find a free hour … and book …", what to do with its
 * result), a question back when something is missing, a short answer, or nothing.
 */
import { calendarReadReaders, calendarWriteReaders, eventDetails, eventTitle, slotSearch, wantsBooking } from './builtin/calendar-readers.js';
import { capabilitiesText } from './builtin/examples.js';
import { githubReadReaders } from './builtin/github-read-readers.js';
import { githubWriteReaders } from './builtin/github-write-readers.js';
import { ask, callTool, firstReading, type Interpretation, makeRequest, type Reader, type Request, withText } from './builtin/interpretation.js';
import { findPeople } from './builtin/references.js';
import { normalizeText } from './builtin/request-text.js';
import { slackPostReaders, slackReadReaders } from './builtin/slack-readers.js';
import { emptyMemory, type ThreadMemory } from './builtin/thread-memory.js';
import type { PlannerContext } from './planner.js';

export type { FollowUp, Interpretation } from './builtin/interpretation.js';
export { findRepo, type RepoRef } from './builtin/references.js';
export { emptyMemory, rememberThread, type ThreadMemory } from './builtin/thread-memory.js';

/** Most specific first: a channel named outright, then writes (they carry a verb), then reads. */
const READERS: Reader[] = [
  ...slackPostReaders,
  ...githubWriteReaders,
  ...calendarWriteReaders,
  ...calendarReadReaders,
  ...slackReadReaders,
  ...githubReadReaders,
];

/**
 * @param text the person's request, the bot's mention already stripped
 * @param memory what the thread was last about (repository, pull request, issue, event, slots, channel)
 * @param context where and when the request was made ("this channel", "today")
 */
export function interpretRequest(text: string, memory: ThreadMemory = emptyMemory(), context?: PlannerContext): Interpretation {
  const req = makeRequest(text, memory, context);
  if (!req.text) return smallTalk(normalizeText(text));
  return read(req);
}

function read(req: Request): Interpretation {
  return declined(req) ?? bookAfterFindingSlot(req) ?? firstReading(req, READERS) ?? { kind: 'unknown' };
}

/** A message with nothing to do in it: thanks, a greeting, an "ok". */
function smallTalk(text: string): Interpretation {
  if (!text) return { kind: 'unknown' };
  if (/\b(thanks|thank you|thx|ty|cheers)\b/i.test(text)) return { kind: 'answer', text: "You're welcome!" };
  if (/\b(hi|hello|hey|yo)\b/i.test(text)) return { kind: 'answer', text: `Hi! ${capabilitiesText()}` };
  return { kind: 'answer', text: 'OK. Tell me when there is something to do.' };
}

const NEGATED =
  /\b(?:don'?t|do\s+not|dont|never|no\s+need\s+to|stop)\s+(?:you\s+)?(merge|delete|remove|close|deploy|release|ship|post|send|cancel|book|schedule|comment|label|run|trigger|dispatch|create|open|invite|move|reschedule)\b(?!\s+(?:any\s+|the\s+)?(?:notifications?|invit\w*|e-?mails?|updates?)\b)/i;

/** "don't merge PR 12": nothing is done; "merge PR 12 but don't delete the branch": only the rest is read. */
function declined(req: Request): Interpretation | undefined {
  if (/^help\b|^what can you do\b/i.test(req.text)) return { kind: 'answer', text: capabilitiesText() };
  const negated = NEGATED.exec(req.text);
  if (!negated) return undefined;
  const rest = req.text
    .split(/[,;]|\bbut\b|\binstead\b/i)
    .filter((part) => !NEGATED.test(part))
    .join(' ')
    .replace(/^\s*(?:and|then|just|so)\b/i, '')
    .trim();
  if (rest && /[a-z]{3}/i.test(rest)) return read(withText(req, rest));
  return { kind: 'answer', text: `OK, I won't ${negated[1]?.toLowerCase()} anything. Nothing was done.` };
}

const THEN_BOOK = /\s*,?\s*\b(?:and\s+then|and|then)\s+(?=(?:book|schedule|put|add|create|set\s+up|arrange)\b)/i;
const FIRST_FREE = /\b(?:first|next|earliest)\s+(?:available|free|open|possible)\b/i;
const ISO_START = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/**
 * "find a free hour with @bob tomorrow and book a review of PR #42 in acme/api": first the free-slot
 * search, then, from its result, the booking of the first slot. Nothing is booked when no slot is found.
 */
function bookAfterFindingSlot(req: Request): Interpretation | undefined {
  const split = THEN_BOOK.exec(req.text);
  const single = !split && wantsBooking(req.text) && FIRST_FREE.test(req.text);
  if (!split && !single) return undefined;
  const finding = split ? withText(req, req.text.slice(0, split.index)) : req;
  const booking = split ? withText(req, req.text.slice(split.index + split[0].length)) : req;
  if (split && !/\b(find|look\s+for|search|free|available|slot|time)\b/i.test(finding.text)) return undefined;
  const search = slotSearch(finding);
  if (search.kind !== 'tool') return search;
  const title = eventTitle(booking);
  if (!title) return ask(`What should I call the meeting? For example: "find a free hour with @alice tomorrow and book it as 'Sync'".`);
  const people = findPeople(req.text);
  const args: Record<string, unknown> = { ...search.args, people };
  const details = eventDetails(booking);
  return callTool('calendar_find_free_slot', args, (data) => {
    const result = (data && typeof data === 'object' ? data : {}) as { slots?: unknown; duration_minutes?: unknown };
    const first = Array.isArray(result.slots) ? (result.slots[0] as { start?: unknown } | undefined) : undefined;
    if (typeof first?.start !== 'string' || !ISO_START.test(first.start)) return undefined;
    const duration =
      typeof result.duration_minutes === 'number' ? result.duration_minutes : typeof args.duration_minutes === 'number' ? args.duration_minutes : 30;
    return callTool('calendar_create_event', {
      summary: title,
      start: first.start,
      duration_minutes: duration,
      ...(people.length ? { attendees: people } : {}),
      ...details,
    });
  });
}
