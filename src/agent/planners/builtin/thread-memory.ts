/**
 * What a Slack thread was last about, for follow-ups ("merge it", "book the first one"): taken from
 * earlier requests, the tool calls planned for them and those calls' results. Only references are
 * kept (numbers, ids, times); nothing here is ever read as an instruction.
 */
import { AIMessage, type BaseMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import type { ToolArtifact } from '../planner.js';
import { findRepo, type ItemKind, type RepoRef } from './references.js';
import { readRequestText } from './request-text.js';

export interface ItemMemory {
  kind: ItemKind;
  repo: RepoRef;
  number: number;
}

export interface EventMemory {
  id: string;
  summary?: string;
  /** ISO 8601 with the asker's offset, or YYYY-MM-DD for an all-day event. */
  start?: string;
  end?: string;
}

export interface SlotOffer {
  slots: Array<{ start: string; end?: string }>;
  /** Whom the slots were found for, as the request named them. */
  people: string[];
  durationMinutes?: number;
}

/** The last list shown, for "the second one". */
export type Listing =
  | { kind: 'items'; items: ItemMemory[] }
  | { kind: 'events'; events: EventMemory[] }
  | { kind: 'slots' }
  | { kind: 'repos'; repos: RepoRef[] };

/** What "it" means: the last single thing the conversation was about. */
export type Focus = { kind: 'item'; item: ItemMemory } | { kind: 'event'; event: EventMemory };

export interface ThreadMemory {
  repo?: RepoRef;
  pull?: ItemMemory;
  issue?: ItemMemory;
  focus?: Focus;
  list?: Listing;
  /** Every event seen in the thread, latest first, for "the design review". */
  events: EventMemory[];
  slots?: SlotOffer;
  channel?: { id: string; threadTs?: string };
}

export const emptyMemory = (): ThreadMemory => ({ events: [] });

/** The text of a message, whether its content is a string or a list of parts. */
export function messageText(message: BaseMessage): string {
  if (typeof message.content === 'string') return message.content;
  return message.content.map((part) => (part.type === 'text' && 'text' in part ? String(part.text) : '')).join(' ');
}

type Call = { name: string; args: Record<string, unknown> };

/** Reads the thread from the oldest message on; later mentions win. */
export function rememberThread(messages: readonly BaseMessage[]): ThreadMemory {
  const memory = emptyMemory();
  const calls = new Map<string, Call>();
  for (const m of messages) {
    if (HumanMessage.isInstance(m)) {
      // Quoted passages (a comment, a message to post) are not what the request is about.
      const ref = findRepo(readRequestText(messageText(m)).text);
      if (ref) memory.repo = { owner: ref.owner, repo: ref.repo };
    } else if (AIMessage.isInstance(m)) {
      for (const call of m.tool_calls ?? []) {
        const args = (call.args ?? {}) as Record<string, unknown>;
        if (call.id) calls.set(call.id, { name: call.name, args });
        rememberCall(memory, { name: call.name, args });
      }
    } else if (ToolMessage.isInstance(m) && m.status !== 'error') {
      const call = calls.get(m.tool_call_id);
      if (call) rememberResult(memory, call, (m.artifact as ToolArtifact | undefined)?.data);
    }
  }
  return memory;
}

function rememberCall(memory: ThreadMemory, { name, args }: Call): void {
  const owner = str(args.owner);
  const repoName = str(args.repo);
  const repo = owner && repoName ? { owner, repo: repoName } : undefined;
  if (repo) memory.repo = repo;
  const pull = num(args.pull_number);
  const issue = num(args.issue_number);
  if (repo && pull !== undefined) setItem(memory, { kind: 'pull', repo, number: pull });
  if (repo && issue !== undefined) {
    // Comments, labels and closing take a pull request's number as issue_number too.
    const known = memory.pull && sameRepo(memory.pull.repo, repo) && memory.pull.number === issue;
    setItem(memory, { kind: known ? 'pull' : 'issue', repo, number: issue });
  }
  const eventId = str(args.event_id);
  if (eventId) memory.focus = { kind: 'event', event: memory.events.find((e) => e.id === eventId) ?? { id: eventId } };
  const channel = name.startsWith('slack_') ? str(args.channel) : undefined;
  if (channel) memory.channel = { id: channel, ...(str(args.thread_ts) ? { threadTs: str(args.thread_ts) } : {}) };
}

function rememberResult(memory: ThreadMemory, call: Call, data: unknown): void {
  const repo = memory.repo;
  switch (call.name) {
    case 'github_list_pull_requests':
    case 'github_list_review_requests':
    case 'github_list_issues':
    case 'github_search_issues': {
      const kind: ItemKind = call.name.includes('pull') || call.name.includes('review') ? 'pull' : 'issue';
      const items = listOf(data, ['pull_requests', 'pulls', 'issues', 'items', 'results']).flatMap((x) => itemOf(x, kind, repo));
      memory.list = { kind: 'items', items };
      return;
    }
    case 'github_get_issue':
    case 'github_create_issue': {
      const [item] = itemOf(data, 'issue', repo);
      if (item) setItem(memory, item);
      return;
    }
    case 'github_list_my_repositories': {
      const repos = listOf(data, ['repositories', 'repos', 'items']).flatMap((r) => {
        const [owner, name] = (str(record(r).full_name) ?? '').split('/');
        return owner && name ? [{ owner, repo: name }] : [];
      });
      memory.list = { kind: 'repos', repos };
      return;
    }
    case 'calendar_list_events': {
      const events = listOf(data, ['events', 'items']).flatMap(eventOf);
      memory.events = [...events, ...memory.events.filter((e) => !events.some((n) => n.id === e.id))];
      memory.list = { kind: 'events', events };
      return;
    }
    case 'calendar_get_event':
    case 'calendar_create_event':
    case 'calendar_update_event': {
      const [event] = eventOf(record(data).event ?? data);
      if (!event) return;
      memory.events = [event, ...memory.events.filter((e) => e.id !== event.id)];
      memory.focus = { kind: 'event', event };
      return;
    }
    case 'calendar_delete_event': {
      const id = str(call.args.event_id);
      memory.events = memory.events.filter((e) => e.id !== id);
      if (memory.focus?.kind === 'event' && memory.focus.event.id === id) memory.focus = undefined;
      return;
    }
    case 'calendar_find_free_slot': {
      const d = record(data);
      const slots = listOf(d.slots, []).flatMap((s) => {
        const start = str(record(s).start);
        return start ? [{ start, ...(str(record(s).end) ? { end: str(record(s).end) } : {}) }] : [];
      });
      const people = Array.isArray(call.args.people) ? call.args.people.filter((p): p is string => typeof p === 'string') : [];
      memory.slots = { slots, people, durationMinutes: num(d.duration_minutes) ?? num(call.args.duration_minutes) };
      memory.list = { kind: 'slots' };
      return;
    }
  }
}

function setItem(memory: ThreadMemory, item: ItemMemory): void {
  if (item.kind === 'pull') memory.pull = item;
  else memory.issue = item;
  memory.focus = { kind: 'item', item };
}

/** A pull request or issue from a result row: its number, and its repository from its URL when it has one. */
function itemOf(value: unknown, kind: ItemKind, fallbackRepo: RepoRef | undefined): ItemMemory[] {
  const x = record(value);
  const number = num(x.number);
  if (number === undefined) return [];
  const url = str(x.url) ?? str(x.html_url) ?? '';
  const fromUrl = /github\.com\/([^/\s]+)\/([^/\s]+)\/(pull|issues)\//.exec(url);
  const named = str(x.repository) ?? str(record(x.repository).full_name);
  const [owner, name] = named?.split('/') ?? [];
  const repo = fromUrl?.[1] && fromUrl[2] ? { owner: fromUrl[1], repo: fromUrl[2] } : owner && name ? { owner, repo: name } : fallbackRepo;
  if (!repo) return [];
  const isPull = fromUrl?.[3] === 'pull' || x.is_pull_request === true;
  return [{ kind: isPull ? 'pull' : kind, repo, number }];
}

function eventOf(value: unknown): EventMemory[] {
  const x = record(value);
  const id = str(x.id);
  if (!id) return [];
  const start = str(x.start) ?? str(record(x.start).dateTime) ?? str(record(x.start).date);
  const end = str(x.end) ?? str(record(x.end).dateTime) ?? str(record(x.end).date);
  return [{ id, ...(str(x.summary) ? { summary: str(x.summary) } : {}), ...(start ? { start } : {}), ...(end ? { end } : {}) }];
}

/** The rows of a list result: the data itself when it is an array, else the first array under a known key. */
function listOf(data: unknown, keys: readonly string[]): unknown[] {
  if (Array.isArray(data)) return data;
  const x = record(data);
  for (const key of keys) if (Array.isArray(x[key])) return x[key] as unknown[];
  return [];
}

const record = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 && v.length <= 2_000 ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);
const sameRepo = (a: RepoRef, b: RepoRef) => a.owner.toLowerCase() === b.owner.toLowerCase() && a.repo.toLowerCase() === b.repo.toLowerCase();
