import { AgentHubError } from '../../errors.js';
import { clip, escapeMrkdwn } from '../../slack/mrkdwn.js';
import type { Person, ToolContext } from '../../tools/tool-context.js';
import type { Clock } from './when.js';
import { isTimeZone } from './zone.js';

/** Someone named in a request: a Slack user (`<@U…>` or `U…`) or an e-mail address. */
export type PersonRef = { kind: 'slack'; userId: string } | { kind: 'email'; email: string };

/** A person the calendar knows by e-mail, with the name to show when Slack gave one. */
export interface CalendarPerson {
  email: string;
  name?: string;
}

const SLACK_MENTION = /^<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>$/;
const SLACK_ID = /^[UW][A-Z0-9]{2,}$/;
const SLACK_MAILTO = /^<mailto:([^|>]+)(?:\|[^>]*)?>$/i;
/** Deliberately plain: one @, no spaces or angle brackets, a dot in the domain. */
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

export function parsePersonRef(text: string): PersonRef | undefined {
  const t = text.trim();
  const id = SLACK_MENTION.exec(t)?.[1] ?? (SLACK_ID.test(t) ? t : undefined);
  if (id) return { kind: 'slack', userId: id };
  // Slack delivers a typed address as <mailto:a@b.c|a@b.c>.
  const email = SLACK_MAILTO.exec(t)?.[1] ?? t;
  if (email.length <= 254 && EMAIL.test(email)) return { kind: 'email', email };
  return undefined;
}

export const isPersonRef = (text: string): boolean => parsePersonRef(text) !== undefined;

/** A stable key per person as written, so "<@U1>" and "U1" (or two casings of an address) count once. */
export function refKey(text: string): string {
  const ref = parsePersonRef(text);
  if (!ref) return text.trim().toLowerCase();
  return ref.kind === 'slack' ? `slack:${ref.userId}` : `email:${ref.email.toLowerCase()}`;
}

/** How many different people a list names. */
export function countPeople(refs: readonly string[] | undefined): number {
  return new Set((refs ?? []).map(refKey)).size;
}

/** The requester's Slack profile and their clock (a zone Intl doesn't know falls back to UTC). */
export async function requesterOf(ctx: ToolContext): Promise<{ person: Person; clock: Clock }> {
  const person = await ctx.people.get(ctx.who);
  const timeZone = person.timeZone && isTimeZone(person.timeZone) ? person.timeZone : 'UTC';
  return { person, clock: { now: ctx.now(), timeZone } };
}

/**
 * E-mail addresses for the people named (deduplicated, in order). Slack users are looked up in the
 * workspace; anyone whose address Slack doesn't show (or a bot) is named in one sentence, so the
 * person can give an address instead.
 */
export async function resolvePeople(refs: readonly string[], ctx: ToolContext): Promise<CalendarPerson[]> {
  const out = new Map<string, CalendarPerson>();
  const missing: string[] = [];
  const bots: string[] = [];
  for (const text of refs) {
    const ref = parsePersonRef(text);
    if (!ref) {
      throw new AgentHubError(
        'bad_request',
        `unreadable person "${text}"`,
        `I can't tell who "${escapeMrkdwn(clip(text, 60))}" is; name people with a Slack mention like @alice or an e-mail address.`,
      );
    }
    if (ref.kind === 'email') {
      if (!out.has(ref.email.toLowerCase())) out.set(ref.email.toLowerCase(), { email: ref.email });
      continue;
    }
    const person = await ctx.people.get({ teamId: ctx.who.teamId, userId: ref.userId });
    if (person.isBot) bots.push(person.name);
    else if (!person.email) missing.push(person.name);
    else if (!out.has(person.email.toLowerCase())) out.set(person.email.toLowerCase(), { email: person.email, name: person.name });
  }
  if (bots.length) {
    throw new AgentHubError(
      'bad_request',
      `bots named: ${bots.join(', ')}`,
      `${names(bots)} ${bots.length === 1 ? 'is a bot, not a person' : 'are bots, not people'} with a calendar.`,
    );
  }
  if (missing.length) {
    throw new AgentHubError(
      'bad_request',
      `no visible e-mail for ${missing.join(', ')}`,
      `Slack doesn't show me an e-mail address for ${names(missing)}, so I can't reach their calendar; give their e-mail address instead.`,
    );
  }
  return [...out.values()];
}

/** "Alice", "Alice and Bob", "Alice, Bob and Carol" (escaped: Slack display names are user-chosen). */
function names(list: string[]): string {
  const shown = list.map((n) => escapeMrkdwn(clip(n, 60)));
  return shown.length === 1 ? shown[0]! : `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
}

/** "Alice Lee" when Slack gave a name, the address otherwise. */
export function personLabel(p: CalendarPerson): string {
  return p.name ?? p.email;
}
