import type { Stream } from './stream.js';

/** An error reply, as Redis sends it: the message starts with its code (`ERR`, `WRONGTYPE`, `NOSCRIPT`). */
export class RedisReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplyError';
  }
}

/** A status reply (`OK`, `PONG`): a string to the client, `{ok = …}` to Lua. */
export class StatusReply {
  constructor(readonly text: string) {}
}

export type Reply = string | number | null | StatusReply | RedisReplyError | Reply[];

export type Value =
  | { type: 'string'; value: string }
  | { type: 'hash'; value: Map<string, string> }
  | { type: 'set'; value: Set<string> }
  | { type: 'zset'; value: Map<string, number> }
  | { type: 'stream'; value: Stream };

export type ValueType = Value['type'];
type ValueOf<T extends ValueType> = Extract<Value, { type: T }>['value'];

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

/** Every key of one engine, with Redis's expiry rule: a key past its time is gone for every reader. */
export class Keyspace {
  private readonly entries = new Map<string, { item: Value; expiresAt?: number }>();

  private live(key: string) {
    const entry = this.entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  get(key: string): Value | undefined {
    return this.live(key)?.item;
  }

  /** The key's value if it holds `type`; undefined when absent; a WRONGTYPE error otherwise. */
  read<T extends ValueType>(key: string, type: T): ValueOf<T> | undefined {
    const item = this.get(key);
    if (!item) return undefined;
    if (item.type !== type) throw new RedisReplyError(WRONGTYPE);
    return item.value as ValueOf<T> | undefined;
  }

  /** Like `read`, creating an empty value when the key is absent (the write commands' rule). */
  write<T extends ValueType>(key: string, type: T, empty: () => ValueOf<T>): ValueOf<T> {
    const existing = this.read(key, type);
    if (existing !== undefined) return existing;
    const value = empty();
    this.entries.set(key, { item: { type, value } as Value });
    return value;
  }

  /** Replaces the value; the expiry is dropped unless `keepTtl` (SET's rule). */
  set(key: string, item: Value, keepTtl = false): void {
    const expiresAt = keepTtl ? this.live(key)?.expiresAt : undefined;
    this.entries.set(key, expiresAt === undefined ? { item } : { item, expiresAt });
  }

  delete(key: string): boolean {
    return this.live(key) !== undefined && this.entries.delete(key);
  }

  /** Redis deletes a hash, set, sorted set left empty by a removal; streams stay. */
  dropIfEmpty(key: string): void {
    const item = this.get(key);
    if (item && item.type !== 'string' && item.type !== 'stream' && item.value.size === 0) this.entries.delete(key);
  }

  has(key: string): boolean {
    return this.live(key) !== undefined;
  }

  /** Sets (ms since the epoch) or clears the expiry; false when the key does not exist. */
  expireAt(key: string, at: number | undefined): boolean {
    const entry = this.live(key);
    if (!entry) return false;
    if (at === undefined) delete entry.expiresAt;
    else if (at <= Date.now()) this.entries.delete(key);
    else entry.expiresAt = at;
    return true;
  }

  expiresAt(key: string): number | undefined {
    return this.live(key)?.expiresAt;
  }

  keys(): string[] {
    return [...this.entries.keys()].filter((key) => this.live(key) !== undefined);
  }

  clear(): void {
    this.entries.clear();
  }
}

/** Redis glob patterns (KEYS, SCAN MATCH, PSUBSCRIBE): `*`, `?`, `[abc]`, `[^a-z]`, `\x`. */
export function globMatcher(pattern: string): (text: string) => boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') source += '[\\s\\S]*';
    else if (c === '?') source += '[\\s\\S]';
    else if (c === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]!);
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) {
        source += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('^');
      if (negate) body = body.slice(1);
      source += `[${negate ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`;
      i = end;
    } else source += escapeRegExp(c);
  }
  const re = new RegExp(`^${source}$`);
  return (text) => re.test(text);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
