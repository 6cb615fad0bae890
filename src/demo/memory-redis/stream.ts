import { RedisReplyError, type Reply } from './keyspace.js';

/**
 * A Redis Stream with the semantics the audit trail depends on: ids `<ms>-<seq>` that only move
 * forward (XADD refuses an id not above the last one generated, even after the newest entries were
 * XDEL'd), `last-generated-id` in XINFO, `(` exclusive range bounds, COUNT, and MINID/MAXLEN trims.
 */

export interface StreamId {
  ms: number;
  seq: number;
}

/** Stands for 2^64-1, the largest sequence number (`<ms>` as a range end means `<ms>-<max>`). */
const MAX_SEQ = Number.MAX_SAFE_INTEGER;
const ZERO: StreamId = { ms: 0, seq: 0 };
const INVALID_ID = 'ERR Invalid stream ID specified as stream command argument';

export function compareIds(a: StreamId, b: StreamId): number {
  return a.ms - b.ms || a.seq - b.seq;
}

export function formatId(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

/** `<ms>-<seq>`, or `<ms>` whose missing sequence is `missingSeq`. */
function parseId(text: string, missingSeq: number): StreamId {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!match) throw new RedisReplyError(INVALID_ID);
  const id = { ms: Number(match[1]), seq: match[2] === undefined ? missingSeq : Number(match[2]) };
  if (!Number.isSafeInteger(id.ms) || !Number.isSafeInteger(id.seq)) throw new RedisReplyError(INVALID_ID);
  return id;
}

function next(id: StreamId): StreamId | undefined {
  if (id.seq < MAX_SEQ) return { ms: id.ms, seq: id.seq + 1 };
  return id.ms < Number.MAX_SAFE_INTEGER ? { ms: id.ms + 1, seq: 0 } : undefined;
}

function previous(id: StreamId): StreamId | undefined {
  if (id.seq > 0) return { ms: id.ms, seq: id.seq - 1 };
  return id.ms > 0 ? { ms: id.ms - 1, seq: MAX_SEQ } : undefined;
}

/** A range bound: `-`, `+`, `<id>`, `<ms>`, or `(` + either for an exclusive one. Undefined: an empty range. */
export function parseRangeBound(text: string, side: 'start' | 'end'): StreamId | undefined {
  if (text === '-') return ZERO;
  if (text === '+') return { ms: Number.MAX_SAFE_INTEGER, seq: MAX_SEQ };
  const exclusive = text.startsWith('(');
  const id = parseId(exclusive ? text.slice(1) : text, side === 'start' ? 0 : MAX_SEQ);
  if (!exclusive) return id;
  return side === 'start' ? next(id) : previous(id);
}

type Entry = [id: StreamId, fields: string[]];

export class Stream {
  /** Oldest first. */
  private entries: Entry[] = [];
  lastId: StreamId = ZERO;
  maxDeletedId: StreamId = ZERO;
  entriesAdded = 0;

  get length(): number {
    return this.entries.length;
  }

  /** The id XADD would use for `requested` (`*`, `<ms>-*`, `<ms>-<seq>`), or the error Redis answers. */
  nextId(requested: string, now: number): StreamId {
    const last = this.lastId;
    if (requested === '*') return now > last.ms ? { ms: now, seq: 0 } : increment(last);
    const auto = /^(\d+)-\*$/.exec(requested);
    const id = auto ? { ms: Number(auto[1]), seq: 0 } : parseId(requested, 0);
    if (auto) {
      if (id.ms === last.ms) return increment(last);
      if (id.ms === 0) id.seq = 1;
    }
    if (compareIds(id, ZERO) === 0) throw new RedisReplyError('ERR The ID specified in XADD must be greater than 0-0');
    if (compareIds(id, last) <= 0) throw new RedisReplyError('ERR The ID specified in XADD is equal or smaller than the target stream top item');
    return id;
  }

  add(id: StreamId, fields: string[]): void {
    this.entries.push([id, fields]);
    this.lastId = id;
    this.entriesAdded++;
  }

  /** Entries with start <= id <= end, oldest first (newest first with `reverse`), at most `count`. */
  range(start: StreamId | undefined, end: StreamId | undefined, count: number, reverse: boolean): Reply[] {
    if (!start || !end || count <= 0) return [];
    const inRange = this.entries.filter(([id]) => compareIds(id, start) >= 0 && compareIds(id, end) <= 0);
    if (reverse) inRange.reverse();
    return inRange.slice(0, count).map(toReply);
  }

  delete(ids: StreamId[]): number {
    const before = this.entries.length;
    for (const id of ids) {
      const at = this.entries.findIndex(([e]) => compareIds(e, id) === 0);
      if (at < 0) continue;
      this.entries.splice(at, 1);
      if (compareIds(id, this.maxDeletedId) > 0) this.maxDeletedId = id;
    }
    return before - this.entries.length;
  }

  /** XTRIM: removes the oldest entries beyond `maxLen`, or those below `minId`; at most `limit`. */
  trim(rule: { maxLen: number } | { minId: StreamId }, limit = Number.POSITIVE_INFINITY): number {
    let remove = 0;
    if ('maxLen' in rule) remove = Math.max(0, this.entries.length - rule.maxLen);
    else while (remove < this.entries.length && compareIds(this.entries[remove]![0], rule.minId) < 0) remove++;
    remove = Math.min(remove, limit);
    const removed = this.entries.splice(0, remove);
    const newest = removed[removed.length - 1];
    if (newest && compareIds(newest[0], this.maxDeletedId) > 0) this.maxDeletedId = newest[0];
    return removed.length;
  }

  /** XINFO STREAM's reply (Redis 7 field order). */
  info(): Reply[] {
    const first = this.entries[0];
    const last = this.entries[this.entries.length - 1];
    return [
      'length',
      this.entries.length,
      'radix-tree-keys',
      1,
      'radix-tree-nodes',
      2,
      'last-generated-id',
      formatId(this.lastId),
      'max-deleted-entry-id',
      formatId(this.maxDeletedId),
      'entries-added',
      this.entriesAdded,
      'recorded-first-entry-id',
      first ? formatId(first[0]) : '0-0',
      'groups',
      0,
      'first-entry',
      first ? toReply(first) : null,
      'last-entry',
      last ? toReply(last) : null,
    ];
  }
}

function increment(last: StreamId): StreamId {
  const id = next(last);
  if (!id) throw new RedisReplyError('ERR The stream has exhausted the last possible ID, unable to add more items');
  return id;
}

function toReply([id, fields]: Entry): Reply[] {
  return [formatId(id), [...fields]];
}

/** Parses an id argument that must be complete or `<ms>` (XDEL, MINID). */
export function parseStreamId(text: string): StreamId {
  return parseId(text, 0);
}
