import { isDeepStrictEqual } from 'node:util';
import type { RunnableConfig } from '@langchain/core/runnables';
import {
  BaseCheckpointSaver,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointPendingWrite,
  type CheckpointTuple,
  compareWritesSortKeys,
  getCheckpointId,
  maxChannelVersion,
  type PendingWrite,
  type SerializerProtocol,
  TASKS,
  WRITES_IDX_MAP,
  writesSortKey,
} from '@langchain/langgraph-checkpoint';
import type { ChainableCommander, Redis } from 'ioredis';
import type { Keys } from './keys.js';
import { luaScript } from './lua-script.js';

/**
 * LangGraph checkpointer on plain Redis 7 (no modules), safe for several processes sharing one
 * Redis: every read goes to Redis and nothing is cached in process, so a graph interrupted in one
 * process can be resumed in another.
 *
 * Storage: exactly three keys per thread, so `deleteThread` is one DEL and a TTL can be refreshed
 * on every key of the thread with each write (a per-checkpoint key layout would leave old keys
 * expiring at different times than the history that references them):
 *
 * - `checkpoint:<thread>` hash
 *     - `c\0<ns>\0<id>` → checkpoint record: serialized checkpoint *without* `channel_values`,
 *       serialized metadata, parent checkpoint id.
 *     - `b\0<ns>\0<channel>\0<version>` → serialized channel value. Written only for channels in
 *       `newVersions`, so an unchanged large value (e.g. the message list) is stored once, not in
 *       every checkpoint; reads rebuild `channel_values` from `channel_versions`. This is also
 *       what the validation suite requires ("only store channel_values that have changed").
 *     - `thread` → the thread id, so `list` without a thread id can find threads by SCAN without
 *       reverse-parsing key names.
 * - `checkpoint-index:<thread>` sorted set, every score 0, members `<ns>\0<id>`: ordered
 *   lexicographically, and checkpoint ids (uuid6) sort by time, so ZRANGE BYLEX REV over the
 *   `<ns>\0` prefix gives one namespace newest first, and `before` is just a range bound.
 * - `checkpoint-writes:<thread>` sorted set, every score 0, members
 *   `<ns>\0<id>\0<task_id>\0<idx>\0<json [channel, value, task_path]>`: one BYLEX range per
 *   checkpoint returns its pending writes with no second lookup.
 *
 * Serialized bytes are kept as base64 inside JSON, so records and members are plain text.
 * Not for Redis Cluster as written: a thread's keys carry no hash tag.
 */

export interface RedisCheckpointSaverOptions {
  /** Shared client; owned (connected and closed) by the caller. */
  redis: Redis;
  keys: Keys;
  /** When set, each write (put/putWrites) sets this expiry on every key of the thread. */
  ttlSeconds?: number;
  serde?: SerializerProtocol;
}

/** `[serde type, base64 bytes]`: JSON-safe, so it can sit in a record or a sorted-set member. */
type StoredBytes = [type: string, base64: string];

type ChannelVersion = ChannelVersions[string];

interface CheckpointRecord {
  checkpoint: StoredBytes;
  metadata: StoredBytes;
  parent: string | null;
}

type WriteRecord = [channel: string, value: StoredBytes, taskPath: string];

interface StoredWrite {
  taskId: string;
  idx: number;
  channel: string;
  value: StoredBytes;
  taskPath: string;
}

/** Part separator inside hash fields and sorted-set members; rejected in ids, so parts stay unambiguous. */
const SEP = '\u0000';
/** Sorts right after SEP: `(<prefix>\u0001` is the exclusive upper bound of everything under `<prefix>\0`. */
const AFTER_SEP = '\u0001';
const THREAD_FIELD = 'thread';
/** Index members fetched per round trip by `list`. */
const LIST_PAGE = 100;

/**
 * Adds writes for one checkpoint with MemorySaver's semantics in one atomic step: a regular write
 * (idx >= 0) keeps the first value stored for its (task, idx), so a retried task cannot replace
 * what an earlier attempt recorded; special writes (error/interrupt/resume, negative idx) replace
 * the previous one. Check-and-add must be one step or two processes could both add.
 *
 * KEYS: writes zset, then the other thread keys (for TTL). ARGV: ttl (0 = none), then per write:
 * lex lower bound, lex upper bound of its (task, idx) identity, member, overwrite flag.
 */
const PUT_WRITES_SCRIPT = `
local ttl = tonumber(ARGV[1])
for i = 2, #ARGV, 4 do
  local existing = redis.call('ZRANGE', KEYS[1], ARGV[i], ARGV[i + 1], 'BYLEX')
  if #existing == 0 then
    redis.call('ZADD', KEYS[1], 0, ARGV[i + 2])
  elseif ARGV[i + 3] == '1' then
    redis.call('ZREM', KEYS[1], unpack(existing))
    redis.call('ZADD', KEYS[1], 0, ARGV[i + 2])
  end
end
if ttl > 0 then
  for k = 1, #KEYS do redis.call('EXPIRE', KEYS[k], ttl) end
end
return 1
`;
const putWrites = luaScript(PUT_WRITES_SCRIPT);

export class RedisCheckpointSaver extends BaseCheckpointSaver {
  private readonly redis: Redis;
  private readonly keys: Keys;
  private readonly ttlSeconds: number | undefined;

  constructor({ redis, keys, ttlSeconds, serde }: RedisCheckpointSaverOptions) {
    super(serde);
    if (ttlSeconds !== undefined && !(Number.isInteger(ttlSeconds) && ttlSeconds > 0)) {
      throw new Error(`ttlSeconds must be a positive integer (got ${ttlSeconds})`);
    }
    this.redis = redis;
    this.keys = keys;
    this.ttlSeconds = ttlSeconds;
  }

  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const threadId = threadIdOf(config);
    if (threadId === undefined) return undefined;
    const ns = namespaceOf(config);
    const keys = this.threadKeys(threadId);
    let checkpointId = getCheckpointId(config);
    if (checkpointId) {
      assertPart('checkpoint_id', checkpointId);
    } else {
      const [latest] = await this.redis.zrange(keys.index, `(${ns}${AFTER_SEP}`, `(${ns}${SEP}`, 'BYLEX', 'REV', 'LIMIT', 0, 1);
      if (latest === undefined) return undefined;
      checkpointId = parseIndexMember(latest).id;
    }
    const raw = await this.redis.hget(keys.data, checkpointField(ns, checkpointId));
    if (raw === null) return undefined;
    const record = JSON.parse(raw) as CheckpointRecord;
    return this.loadTuple(threadId, ns, checkpointId, record, await this.load(record.metadata));
  }

  /**
   * Newest first within a namespace. Without `checkpoint_ns`, every namespace of the thread in
   * descending lexical order; without `thread_id`, every thread found by SCAN (an admin path:
   * LangGraph itself always lists one thread).
   */
  async *list(config: RunnableConfig, options: CheckpointListOptions = {}): AsyncGenerator<CheckpointTuple> {
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    if (remaining <= 0) return;
    const threadId = threadIdOf(config);
    const nsValue: unknown = config.configurable?.checkpoint_ns;
    const ns = nsValue === undefined ? undefined : namespaceOf(config);
    const onlyId = stringOrUndefined(config.configurable?.checkpoint_id);
    const beforeId = stringOrUndefined(options.before?.configurable?.checkpoint_id);
    if (onlyId !== undefined) assertPart('checkpoint_id', onlyId);
    if (beforeId !== undefined) assertPart('before.checkpoint_id', beforeId);

    const threads = threadId === undefined ? this.scanThreads() : [threadId];
    for await (const thread of threads) {
      for await (const tuple of this.listThread(thread, ns, onlyId, beforeId, options.filter)) {
        yield tuple;
        remaining -= 1;
        if (remaining <= 0) return;
      }
    }
  }

  async put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata, newVersions: ChannelVersions): Promise<RunnableConfig> {
    const threadId = threadIdOf(config);
    if (threadId === undefined) throw new Error('Cannot put a checkpoint: config.configurable.thread_id is missing');
    const ns = namespaceOf(config);
    assertPart('checkpoint.id', checkpoint.id);
    const parent = stringOrUndefined(config.configurable?.checkpoint_id);

    const { channel_values: values, ...withoutValues } = checkpoint;
    const blobArgs: string[] = [];
    for (const [channel, version] of Object.entries(newVersions)) {
      // A channel with a new version but no value (emptied, or a delta channel without a
      // snapshot) stores nothing: a missing blob reads back as "no value", as it should.
      if (!Object.hasOwn(values, channel) || values[channel] === undefined) continue;
      assertPart('channel', channel);
      blobArgs.push(blobField(ns, channel, version), JSON.stringify(await this.dump(values[channel])));
    }
    const record: CheckpointRecord = {
      checkpoint: await this.dump(withoutValues),
      metadata: await this.dump(metadata),
      parent: parent ?? null,
    };

    const keys = this.threadKeys(threadId);
    // One transaction so no reader sees the index entry without its record (or blobs).
    const tx = this.redis
      .multi()
      .hset(keys.data, THREAD_FIELD, threadId, checkpointField(ns, checkpoint.id), JSON.stringify(record), ...blobArgs)
      .zadd(keys.index, 0, `${ns}${SEP}${checkpoint.id}`);
    if (this.ttlSeconds !== undefined) for (const key of Object.values(keys)) tx.expire(key, this.ttlSeconds);
    await execAll(tx);
    return { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: checkpoint.id } };
  }

  async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath = ''): Promise<void> {
    const threadId = threadIdOf(config);
    if (threadId === undefined) throw new Error('Cannot put writes: config.configurable.thread_id is missing');
    const checkpointId = stringOrUndefined(config.configurable?.checkpoint_id);
    if (checkpointId === undefined) throw new Error('Cannot put writes: config.configurable.checkpoint_id is missing');
    const ns = namespaceOf(config);
    assertPart('checkpoint_id', checkpointId);
    assertPart('task_id', taskId);
    if (writes.length === 0) return;

    const args: (string | number)[] = [this.ttlSeconds ?? 0];
    for (const [i, [channel, value]] of writes.entries()) {
      // Special channels get fixed negative slots so they never collide with regular writes.
      const idx = WRITES_IDX_MAP[channel] ?? i;
      const identity = `${ns}${SEP}${checkpointId}${SEP}${taskId}${SEP}${idx}`;
      const record: WriteRecord = [channel, await this.dump(value), taskPath];
      args.push(`[${identity}${SEP}`, `(${identity}${AFTER_SEP}`, `${identity}${SEP}${JSON.stringify(record)}`, idx < 0 ? '1' : '0');
    }
    const keys = this.threadKeys(threadId);
    const scriptKeys = [keys.writes, keys.data, keys.index];
    await putWrites(this.redis, scriptKeys, args);
  }

  async deleteThread(threadId: string): Promise<void> {
    const keys = this.threadKeys(String(threadId));
    await this.redis.del(keys.data, keys.index, keys.writes);
  }

  private threadKeys(threadId: string) {
    return {
      data: this.keys.key('checkpoint', threadId),
      index: this.keys.key('checkpoint-index', threadId),
      writes: this.keys.key('checkpoint-writes', threadId),
    };
  }

  private async *listThread(
    threadId: string,
    ns: string | undefined,
    onlyId: string | undefined,
    beforeId: string | undefined,
    filter: Record<string, unknown> | undefined,
  ): AsyncGenerator<CheckpointTuple> {
    const keys = this.threadKeys(threadId);
    let max: string;
    let min: string;
    if (ns === undefined) {
      max = '+';
      min = '-';
    } else if (onlyId !== undefined) {
      max = `[${ns}${SEP}${onlyId}`;
      min = max;
    } else {
      max = beforeId === undefined ? `(${ns}${AFTER_SEP}` : `(${ns}${SEP}${beforeId}`;
      min = `(${ns}${SEP}`;
    }
    for (;;) {
      // Page by member, not offset, so checkpoints added meanwhile cannot shift the pages.
      const members = await this.redis.zrange(keys.index, max, min, 'BYLEX', 'REV', 'LIMIT', 0, LIST_PAGE);
      const entries = members.map(parseIndexMember).filter((e) => (onlyId === undefined || e.id === onlyId) && (beforeId === undefined || e.id < beforeId));
      const raws = entries.length ? await this.redis.hmget(keys.data, ...entries.map((e) => checkpointField(e.ns, e.id))) : [];
      for (const [i, entry] of entries.entries()) {
        const raw = raws[i];
        if (raw === null || raw === undefined) continue; // deleted meanwhile
        const record = JSON.parse(raw) as CheckpointRecord;
        const metadata = (await this.load(record.metadata)) as CheckpointMetadata;
        if (filter && !matchesFilter(metadata, filter)) continue;
        yield await this.loadTuple(threadId, entry.ns, entry.id, record, metadata);
      }
      const last = members[members.length - 1];
      if (last === undefined || members.length < LIST_PAGE) return;
      max = `(${last}`;
    }
  }

  /** Thread ids with checkpoints under this prefix. SCAN may repeat keys, hence the set. */
  private async *scanThreads(): AsyncGenerator<string> {
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', this.keys.pattern('checkpoint'), 'COUNT', 500);
      cursor = next;
      for (const key of found) {
        const threadId = await this.redis.hget(key, THREAD_FIELD);
        // The key check guards against a glob character in the prefix matching foreign keys.
        if (threadId === null || seen.has(threadId) || this.keys.key('checkpoint', threadId) !== key) continue;
        seen.add(threadId);
        yield threadId;
      }
    } while (cursor !== '0');
  }

  private async loadTuple(
    threadId: string,
    ns: string,
    checkpointId: string,
    record: CheckpointRecord,
    metadata: CheckpointMetadata,
  ): Promise<CheckpointTuple> {
    const keys = this.threadKeys(threadId);
    const stored = (await this.load(record.checkpoint)) as Omit<Checkpoint, 'channel_values'>;
    const versions = Object.entries(stored.channel_versions ?? {});
    // Checkpoints older than format v4 kept pending sends as TASKS writes on the parent.
    const migrateSends = stored.v < 4 && record.parent !== null;

    const batch = this.redis.pipeline();
    batch.zrange(keys.writes, ...writesRange(ns, checkpointId), 'BYLEX');
    if (versions.length) batch.hmget(keys.data, ...versions.map(([channel, version]) => blobField(ns, channel, version)));
    if (migrateSends && record.parent !== null) batch.zrange(keys.writes, ...writesRange(ns, record.parent), 'BYLEX');
    const results = await execAll(batch);
    const writeMembers = results[0] as string[];
    const blobs = (versions.length ? results[1] : []) as (string | null)[];
    const parentWriteMembers = (migrateSends ? results[results.length - 1] : []) as string[];

    const channelValues: Record<string, unknown> = {};
    await Promise.all(
      versions.map(async ([channel], i) => {
        const blob = blobs[i];
        if (blob !== null && blob !== undefined) channelValues[channel] = await this.load(JSON.parse(blob) as StoredBytes);
      }),
    );
    const checkpoint: Checkpoint = { ...stored, channel_values: channelValues };

    if (migrateSends) {
      const sends = sortWrites(parentWriteMembers.map(parseWriteMember)).filter((w) => w.channel === TASKS);
      checkpoint.channel_values[TASKS] = await Promise.all(sends.map((w) => this.load(w.value)));
      const existing = Object.values(checkpoint.channel_versions) as ChannelVersion[];
      checkpoint.channel_versions = {
        ...checkpoint.channel_versions,
        [TASKS]: existing.length > 0 ? maxChannelVersion(...existing) : this.getNextVersion(undefined),
      };
    }

    const pendingWrites: CheckpointPendingWrite[] = await Promise.all(
      sortWrites(writeMembers.map(parseWriteMember)).map(async (w): Promise<CheckpointPendingWrite> => [w.taskId, w.channel, await this.load(w.value)]),
    );

    const tuple: CheckpointTuple = {
      config: { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: checkpointId } },
      checkpoint,
      metadata,
      pendingWrites,
    };
    if (record.parent !== null) {
      tuple.parentConfig = { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: record.parent } };
    }
    return tuple;
  }

  private async dump(value: unknown): Promise<StoredBytes> {
    const [type, bytes] = await this.serde.dumpsTyped(value);
    return [type, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')];
  }

  private load([type, base64]: StoredBytes): Promise<any> {
    // A plain Uint8Array copy: 'bytes' values are returned as given, and should not be Buffer
    // views into Node's shared pool.
    return this.serde.loadsTyped(type, Uint8Array.from(Buffer.from(base64, 'base64')));
  }
}

function threadIdOf(config: RunnableConfig): string | undefined {
  const id: unknown = config.configurable?.thread_id;
  if (id === undefined || id === null || id === '') return undefined;
  if (typeof id !== 'string' && typeof id !== 'number') throw new TypeError('config.configurable.thread_id must be a string');
  return String(id);
}

function namespaceOf(config: RunnableConfig): string {
  const ns: unknown = config.configurable?.checkpoint_ns ?? '';
  if (typeof ns !== 'string') throw new TypeError('config.configurable.checkpoint_ns must be a string');
  assertPart('checkpoint_ns', ns);
  return ns;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Ids end up inside SEP-joined fields and members; a SEP inside one would make them ambiguous. */
function assertPart(name: string, value: string): void {
  if (value.includes(SEP)) throw new Error(`${name} must not contain a NUL character`);
}

function checkpointField(ns: string, checkpointId: string): string {
  return `c${SEP}${ns}${SEP}${checkpointId}`;
}

function blobField(ns: string, channel: string, version: ChannelVersion): string {
  return `b${SEP}${ns}${SEP}${channel}${SEP}${String(version)}`;
}

function parseIndexMember(member: string): { ns: string; id: string } {
  const at = member.lastIndexOf(SEP);
  return { ns: member.slice(0, at), id: member.slice(at + 1) };
}

/** Lex bounds covering every write member of one checkpoint. */
function writesRange(ns: string, checkpointId: string): [string, string] {
  return [`[${ns}${SEP}${checkpointId}${SEP}`, `(${ns}${SEP}${checkpointId}${AFTER_SEP}`];
}

function parseWriteMember(member: string): StoredWrite {
  // JSON.stringify escapes control characters, so the record part holds no SEP.
  const [, , taskId = '', idx = '0', json = '[]'] = member.split(SEP);
  const [channel, value, taskPath] = JSON.parse(json) as WriteRecord;
  return { taskId, idx: Number(idx), channel, value, taskPath };
}

/** The order live execution applies writes in; replay must match it (see `writesSortKey`). */
function sortWrites(writes: StoredWrite[]): StoredWrite[] {
  return writes.sort((a, b) => compareWritesSortKeys(writesSortKey(a.taskPath, a.taskId, a.idx), writesSortKey(b.taskPath, b.taskId, b.idx)));
}

/** Every filter key must equal the metadata value (deep equality, so object values can match too). */
function matchesFilter(metadata: CheckpointMetadata, filter: Record<string, unknown>): boolean {
  const record = metadata as Record<string, unknown>;
  return Object.entries(filter).every(([key, value]) => isDeepStrictEqual(record[key], value));
}

async function execAll(batch: ChainableCommander): Promise<unknown[]> {
  const results = await batch.exec();
  if (results === null) throw new Error('Redis transaction was aborted');
  return results.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}
