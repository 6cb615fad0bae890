import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { Keys } from '../store/keys.js';
import { luaScript } from '../store/lua-script.js';
import { type AuditFailure, AuditUnavailableError } from './audit-unavailable-error.js';
import { type ChainEntry, canonicalJson, GENESIS_HASH, hashLink } from './chain.js';
import {
  type AuditAgent,
  type AuditInput,
  type AuditOutcome,
  type AuditRecord,
  type ChainedRecord,
  isHighRisk,
  parseAuditInput,
  type RetentionStatement,
  retentionStatementSchema,
} from './record.js';

/**
 * The audit trail on Redis: one Stream per workspace (`<prefix>:audit:<teamId>`), each entry
 * `seq`, `hash`, `prev` and `record` (the canonical JSON that was hashed).
 *
 * Appending is a compare-and-append. Lua has no SHA-256, so Node computes the next record and its
 * hash against the head it believes current, and one Lua script adds the entry only if the head is
 * still that one; otherwise it answers CONFLICT with the actual head and Node tries again (bounded).
 * Several bot processes can therefore append to one workspace without forking the chain.
 *
 * This module never trims: no MAXLEN, MINID or XTRIM here (whoever can append with MAXLEN can erase
 * the stream, reliability.md §4.4). Removing old records is retention.ts's job, behind a signed marker.
 */

export interface AuditHead {
  /** Sequence number of the newest record (0 when the workspace has none). */
  seq: number;
  /** Its hash (the genesis hash when none). */
  hash: string;
  /** Its stream id ('0-0' when none). */
  id: string;
}

export interface ReadOptions {
  /** Stream ids (inclusive); `-` and `+` by default. Prefix with `(` for exclusive. */
  from?: string;
  to?: string;
  count?: number;
  /** Newest first. */
  reverse?: boolean;
}

export interface LatestFilter {
  userId?: string;
  agent?: AuditAgent;
  outcome?: AuditOutcome;
  /** Only step-up or CIBA decisions and records of high or critical risk. */
  highRiskOnly?: boolean;
  /** Only records older than this stream id (paging newest-first lists). */
  before?: string;
}

export interface AuditLog {
  /**
   * Writes one record and returns it with its id, seq and time. Throws `AuditUnavailableError` on
   * any failure (Redis down or slow, a credential-shaped value, contention that would not settle):
   * the caller must then not perform the action.
   */
  append(input: AuditInput): Promise<AuditRecord>;
  /** Appends a retention marker; used by retention.ts, which signs the statement. */
  appendRetentionMarker(teamId: string, statement: RetentionStatement, action: string): Promise<AuditRecord>;
  head(teamId: string): Promise<AuditHead>;
  /** Records in stream order (or newest first); entries whose JSON cannot be read are skipped. */
  read(teamId: string, options?: ReadOptions): Promise<ChainedRecord[]>;
  /** Every entry as stored, page by page (for verification and export of long streams). */
  entries(teamId: string, options?: { from?: string; to?: string; pageSize?: number }): AsyncGenerator<ChainEntry[]>;
  /** The newest `n` records matching the filter, newest first (looks at most `maxScan` entries back). */
  latest(teamId: string, n: number, filter?: LatestFilter, maxScan?: number): Promise<ChainedRecord[]>;
  /** Team ids of every workspace with an audit stream. */
  workspaces(): Promise<string[]>;
  streamKey(teamId: string): string;
  stats(): { appends: number; conflicts: number };
}

export interface AuditLogOptions {
  redis: Redis;
  keys: Keys;
  logger: Logger;
  /** Milliseconds since the epoch; tests pass their own. */
  clock?: () => number;
  /** A whole append, retries and queueing included, fails after this long (default 2000 ms). */
  timeoutMs?: number;
  /** Compare-and-append attempts before giving up (default 1000; the timeout is usually what bounds an append). */
  maxAttempts?: number;
}

/**
 * KEYS[1] stream; ARGV expected head hash, expected head seq, new id, new seq, new hash, record.
 * Returns {'OK', id} | {'CONFLICT', headId, headSeq, headHash} | {'IDLOW', lastGeneratedId}.
 */
const APPEND_LUA = `
local head = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local headId, headSeq, headHash = '0-0', '0', '${GENESIS_HASH}'
if #head > 0 then
  headId = head[1][1]
  headSeq, headHash = '', ''
  local f = head[1][2]
  for i = 1, #f, 2 do
    if f[i] == 'seq' then headSeq = f[i + 1] elseif f[i] == 'hash' then headHash = f[i + 1] end
  end
end
if headHash ~= ARGV[1] or headSeq ~= ARGV[2] then
  return {'CONFLICT', headId, headSeq, headHash}
end
local added = redis.pcall('XADD', KEYS[1], ARGV[3], 'seq', ARGV[4], 'hash', ARGV[5], 'prev', ARGV[1], 'record', ARGV[6])
if type(added) == 'table' and added.err then
  local info = redis.call('XINFO', 'STREAM', KEYS[1])
  for i = 1, #info, 2 do
    if info[i] == 'last-generated-id' then return {'IDLOW', info[i + 1]} end
  end
  return redis.error_reply(added.err)
end
return {'OK', added}
`;
const appendScript = luaScript(APPEND_LUA);

const SEQ = /^[1-9]\d{0,15}$/;

interface Head {
  id: string;
  seqText: string;
  seq: number;
  hash: string;
}

const EMPTY_HEAD: Head = { id: '0-0', seqText: '0', seq: 0, hash: GENESIS_HASH };

function parseId(id: string): [number, number] {
  const [ms, n] = id.split('-');
  return [Number(ms), Number(n)];
}

function laterId(a: string, b: string): string {
  const [am, an] = parseId(a);
  const [bm, bn] = parseId(b);
  return am > bm || (am === bm && an >= bn) ? a : b;
}

/** The next stream id: the current time if it is later than everything in the stream, else the next number after it. */
export function nextStreamId(after: string, now: number): string {
  const [ms, n] = parseId(after);
  return now > ms ? `${now}-0` : `${ms}-${n + 1}`;
}

function toHead(id: string, seqText: string, hash: string): Head {
  if (id === '0-0' && seqText === '0' && hash === GENESIS_HASH) return EMPTY_HEAD;
  if (!SEQ.test(seqText) || !/^[0-9a-f]{64}$/.test(hash))
    throw new AuditUnavailableError('corrupt', `The newest audit entry (${id}) is malformed; refusing to chain onto it. Run \`npm run audit -- verify\`.`);
  return { id, seqText, seq: Number(seqText), hash };
}

function fieldsOf(raw: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) out[raw[i]!] = raw[i + 1]!;
  return out;
}

/** A stream entry as the verifier sees it; `record` is undefined when its JSON cannot be read. */
export function chainEntryFromStream(id: string, raw: string[]): ChainEntry {
  const f = fieldsOf(raw);
  let record: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(f.record ?? '');
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed) && !('hash' in parsed) && !('prev' in parsed))
      record = parsed as Record<string, unknown>;
  } catch {
    record = undefined;
  }
  return {
    id,
    seq: f.seq !== undefined && SEQ.test(f.seq) ? Number(f.seq) : Number.NaN,
    prev: f.prev ?? '',
    hash: f.hash ?? '',
    record,
    ...(record ? { canonical: f.record } : {}),
  };
}

/** The record of an entry, if it has the fields every record has (for reading, not verifying). */
export function chainedRecordOf(entry: ChainEntry): ChainedRecord | undefined {
  const r = entry.record;
  if (!r || typeof r.teamId !== 'string' || typeof r.kind !== 'string' || typeof r.agent !== 'string' || typeof r.at !== 'string') return undefined;
  // Records written by a newer version may carry kinds this one does not list; they are still shown.
  return { ...(r as unknown as AuditRecord), id: entry.id, seq: entry.seq, prev: entry.prev, hash: entry.hash };
}

function decodeTeam(part: string): string {
  return part.replaceAll('%3A', ':').replaceAll('%25', '%');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createAuditLog({ redis, keys, logger, clock = Date.now, timeoutMs = 2000, maxAttempts = 1000 }: AuditLogOptions): AuditLog {
  const log = logger.child({ component: 'audit' });
  const heads = new Map<string, Head>();
  const idFloors = new Map<string, string>();
  const lastConflict = new Map<string, number>();
  // Appends from this process to one workspace run one at a time: they would only conflict with each other.
  const queues = new Map<string, Promise<unknown>>();
  const counters = { appends: 0, conflicts: 0 };
  const streamKey = (teamId: string) => keys.key('audit', teamId);
  const streamPrefix = keys.key('audit', '');

  const runScript = async (key: string, args: string[]) => (await appendScript(redis, [key], args)) as string[];

  async function readHead(teamId: string): Promise<Head> {
    const [top] = await redis.xrevrange(streamKey(teamId), '+', '-', 'COUNT', 1);
    if (!top) return EMPTY_HEAD;
    const f = fieldsOf(top[1]);
    return toHead(top[0], f.seq ?? '', f.hash ?? '');
  }

  async function appendNow(base: Omit<AuditRecord, 'id' | 'seq' | 'at'>, deadline: number): Promise<AuditRecord> {
    const teamId = base.teamId;
    const key = streamKey(teamId);
    if (performance.now() > deadline) throw new AuditUnavailableError('timeout', `Audit append for ${teamId} timed out while queued`);
    // Fairness under contention: a process that just won a race lets the others in (random 0–2 ms)
    // before its next append. Without it, with several processes appending flat out, the same one
    // kept winning and another lost hundreds of times in a row; with it, the worst append measured
    // took a handful of retries. With no contention there is no wait.
    if ((lastConflict.get(teamId) ?? 0) > performance.now() - 50) await sleep(Math.random() * 2);
    let head = heads.get(teamId) ?? (await readHead(teamId));
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (performance.now() > deadline) throw new AuditUnavailableError('timeout', `Audit append for ${teamId} timed out after ${attempt - 1} attempt(s)`);
      const now = clock();
      const id = nextStreamId(laterId(head.id, idFloors.get(teamId) ?? '0-0'), now);
      const record = { ...base, id, seq: head.seq + 1, at: new Date(now).toISOString() } as AuditRecord;
      const canonical = canonicalJson(record);
      const hash = hashLink(head.hash, canonical);
      const reply = await runScript(key, [head.hash, head.seqText, id, String(record.seq), hash, canonical]);
      if (reply[0] === 'OK') {
        heads.set(teamId, { id, seqText: String(record.seq), seq: record.seq, hash });
        counters.appends++;
        return record;
      }
      if (reply[0] === 'IDLOW') {
        // The newest entries were deleted (XDEL) after being written; ids must still move forward.
        idFloors.set(teamId, reply[1] ?? '0-0');
        log.warn({ teamId }, 'audit stream has deleted entries at its end; verify it');
        continue;
      }
      counters.conflicts++;
      lastConflict.set(teamId, performance.now());
      head = toHead(reply[1] ?? '0-0', reply[2] ?? '', reply[3] ?? '');
      heads.set(teamId, head);
      // Another process appended in between: retry at once against the head the script reported.
    }
    throw new AuditUnavailableError('conflict', `Audit append for ${teamId} did not settle after ${maxAttempts} attempts`);
  }

  async function appendRecord(base: Omit<AuditRecord, 'id' | 'seq' | 'at'>): Promise<AuditRecord> {
    const teamId = base.teamId;
    const deadline = performance.now() + timeoutMs;
    const previous = queues.get(teamId) ?? Promise.resolve();
    const run = previous.then(
      () => appendNow(base, deadline),
      () => appendNow(base, deadline),
    );
    const tail = run.catch(() => {});
    queues.set(teamId, tail);
    void tail.then(() => {
      if (queues.get(teamId) === tail) queues.delete(teamId);
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      // The append may still land after this fires; the record then describes an attempt that was
      // refused. The trail errs toward saying too much, never too little.
      timer = setTimeout(() => reject(new AuditUnavailableError('timeout', `Audit append for ${teamId} timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([run, timeout]);
    } catch (err) {
      heads.delete(teamId);
      if (err instanceof AuditUnavailableError) {
        log.error({ teamId, failure: err.failure, refId: err.refId, err }, 'audit append failed; the action will not be performed');
        throw err;
      }
      const failure: AuditFailure = /timed out/i.test(String((err as Error)?.message)) ? 'timeout' : 'unreachable';
      const wrapped = new AuditUnavailableError(failure, `Audit append for ${teamId} failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
      log.error({ teamId, failure, refId: wrapped.refId, err }, 'audit append failed; the action will not be performed');
      throw wrapped;
    } finally {
      clearTimeout(timer);
    }
  }

  async function* entries(teamId: string, { from = '-', to = '+', pageSize = 1000 }: { from?: string; to?: string; pageSize?: number } = {}) {
    const key = streamKey(teamId);
    const fetch = (start: string) => {
      const pending = redis.xrange(key, start, to, 'COUNT', pageSize);
      pending.catch(() => {}); // awaited below; this only keeps an abandoned prefetch from being "unhandled"
      return pending;
    };
    // The next page is requested before this one is handed out, so Redis works while we verify.
    let pending = fetch(from);
    for (;;) {
      const page = await pending;
      if (page.length === 0) return;
      const more = page.length === pageSize;
      if (more) pending = fetch(`(${page[page.length - 1]![0]}`);
      yield page.map(([id, raw]) => chainEntryFromStream(id, raw));
      if (!more) return;
    }
  }

  return {
    async append(input) {
      let base: ReturnType<typeof parseAuditInput>;
      try {
        base = parseAuditInput(input);
      } catch (err) {
        if (err instanceof AuditUnavailableError) log.error({ failure: err.failure, refId: err.refId, reason: err.message }, 'audit record refused');
        throw err;
      }
      return appendRecord(base);
    },

    async appendRetentionMarker(teamId, statement, action) {
      const retention = retentionStatementSchema.parse(statement);
      return appendRecord({ teamId, agent: 'agenthub', kind: 'retention_marker', action, outcome: 'ok', retention });
    },

    async head(teamId) {
      const { id, seq, hash } = await readHead(teamId);
      return { id, seq, hash };
    },

    async read(teamId, { from, to, count, reverse = false } = {}) {
      const key = streamKey(teamId);
      const page = reverse
        ? count === undefined
          ? await redis.xrevrange(key, to ?? '+', from ?? '-')
          : await redis.xrevrange(key, to ?? '+', from ?? '-', 'COUNT', count)
        : count === undefined
          ? await redis.xrange(key, from ?? '-', to ?? '+')
          : await redis.xrange(key, from ?? '-', to ?? '+', 'COUNT', count);
      return page.map(([id, raw]) => chainedRecordOf(chainEntryFromStream(id, raw))).filter((r): r is ChainedRecord => r !== undefined);
    },

    entries,

    async latest(teamId, n, filter = {}, maxScan = 5000) {
      const key = streamKey(teamId);
      const out: ChainedRecord[] = [];
      let end = filter.before ? `(${filter.before}` : '+';
      let scanned = 0;
      while (out.length < n && scanned < maxScan) {
        const pageSize = Math.min(500, maxScan - scanned);
        const page = await redis.xrevrange(key, end, '-', 'COUNT', pageSize);
        for (const [id, raw] of page) {
          const r = chainedRecordOf(chainEntryFromStream(id, raw));
          if (!r) continue;
          if (filter.userId !== undefined && r.userId !== filter.userId) continue;
          if (filter.agent !== undefined && r.agent !== filter.agent) continue;
          if (filter.outcome !== undefined && r.outcome !== filter.outcome) continue;
          if (filter.highRiskOnly && !isHighRisk(r)) continue;
          out.push(r);
          if (out.length >= n) break;
        }
        scanned += page.length;
        if (page.length < pageSize) break;
        end = `(${page[page.length - 1]![0]}`;
      }
      return out;
    },

    async workspaces() {
      const teams = new Set<string>();
      let cursor = '0';
      do {
        const [next, found] = (await redis.call('SCAN', cursor, 'MATCH', keys.pattern('audit'), 'COUNT', 1000, 'TYPE', 'stream')) as [string, string[]];
        cursor = next;
        for (const key of found) if (key.startsWith(streamPrefix)) teams.add(decodeTeam(key.slice(streamPrefix.length)));
      } while (cursor !== '0');
      return [...teams].sort();
    },

    streamKey,

    stats: () => ({ ...counters }),
  };
}
