import type { PlannerContext } from '../planner.js';
import { findItemNumber, findOrdinal, findRepo, type ItemNumber, type RepoRef } from './references.js';
import { readRequestText } from './request-text.js';
import type { ThreadMemory } from './thread-memory.js';
import type { LocalClock } from './time-words.js';

/**
 * How the built-in planner reads a request: a tool to call (and, for a multi-step request, what to
 * do with its result), a question back when something is missing, a plain answer, or nothing.
 */
export type Interpretation =
  | { kind: 'tool'; name: string; args: Record<string, unknown>; followUp?: FollowUp }
  | { kind: 'ask'; text: string }
  | { kind: 'answer'; text: string }
  | { kind: 'unknown' };

/** The next step of a multi-step request, from the previous step's result data; undefined ends the request. */
export type FollowUp = (data: unknown) => Interpretation | undefined;

export const callTool = (name: string, args: Record<string, unknown>, followUp?: FollowUp): Interpretation => ({
  kind: 'tool',
  name,
  args,
  ...(followUp ? { followUp } : {}),
});
export const ask = (text: string): Interpretation => ({ kind: 'ask', text });

/** One request, read once, as every reader sees it. */
export interface Request {
  /** Working text: quotes replaced by ⟦n⟧ markers, courtesy words gone. */
  text: string;
  quotes: string[];
  memory: ThreadMemory;
  context?: PlannerContext;
  clock: LocalClock;
  /** The repository the request names itself. */
  repo?: RepoRef;
  /** The pull request or issue number it names itself. */
  item?: ItemNumber;
  /** "the second one". */
  ordinal?: number;
}

/** Questions ("is PR 12 ready to merge?") and searches ("find issues about merge") are read, never acted on. */
export const isQuestion = (req: Request) =>
  /^(is|are|was|were|does|do|did|has|have|had|should|shall|why|how|what|which|who|where|can i|could i|may i|might|search|find|look\s+(?:for|up)|list|show|display)\b/i.test(
    req.text,
  );

/** A reader recognises one kind of request; undefined means "not mine". */
export type Reader = (req: Request) => Interpretation | undefined;

export function makeRequest(raw: string, memory: ThreadMemory, context?: PlannerContext): Request {
  const { text, quotes } = readRequestText(raw);
  return withText({ text, quotes, memory, context, clock: { now: context?.now ?? new Date(), timeZone: context?.timeZone ?? 'UTC' } }, text);
}

/** The same request narrowed to one of its clauses (quotes keep their numbering). */
export function withText(req: Omit<Request, 'repo' | 'item' | 'ordinal'>, text: string): Request {
  const repo = findRepo(text);
  const item = findItemNumber(text);
  const ordinal = findOrdinal(text);
  return {
    text,
    quotes: req.quotes,
    memory: req.memory,
    context: req.context,
    clock: req.clock,
    ...(repo ? { repo: { owner: repo.owner, repo: repo.repo } } : {}),
    ...(item ? { item } : {}),
    ...(ordinal !== undefined ? { ordinal } : {}),
  };
}

/** The first reading any reader gives. */
export function firstReading(req: Request, readers: readonly Reader[]): Interpretation | undefined {
  for (const read of readers) {
    const reading = read(req);
    if (reading) return reading;
  }
  return undefined;
}
