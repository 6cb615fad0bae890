import { type Command, float, formatFloat, integer, need, Options, syntaxError, wrongArity } from './command-support.js';
import { globMatcher, RedisReplyError, type Reply, StatusReply } from './keyspace.js';

/** Keys, strings, hashes, sets, scripting and server commands. */

const OK = new StatusReply('OK');

const expireCommand =
  (name: string, toMs: (value: number, now: number) => number): Command =>
  ({ ks }, args) => {
    need(name, args, 2);
    const at = toMs(integer(args[1]), Date.now());
    return ks.expireAt(args[0]!, at) ? 1 : 0;
  };

const ttlCommand =
  (unit: number): Command =>
  ({ ks }, [key]) => {
    if (key === undefined) throw wrongArity('ttl');
    if (!ks.has(key)) return -2;
    const at = ks.expiresAt(key);
    return at === undefined ? -1 : Math.max(0, Math.round((at - Date.now()) / unit));
  };

const incrBy =
  (sign: 1 | -1, fixed?: number): Command =>
  ({ ks }, [key, by]) => {
    if (key === undefined) throw wrongArity('incr');
    const current = integer(ks.read(key, 'string') ?? '0');
    const next = current + sign * (fixed ?? integer(by));
    ks.set(key, { type: 'string', value: String(next) }, true);
    return next;
  };

/** SCAN/HSCAN-style `MATCH`, `COUNT`, `TYPE` options. Every match is returned at once (cursor 0): a valid SCAN answer. */
function scanOptions(args: string[]): { match: (key: string) => boolean; type?: string } {
  const o = new Options(args);
  let match = (_: string) => true;
  let type: string | undefined;
  while (!o.done) {
    const opt = o.take().toUpperCase();
    if (opt === 'MATCH') match = globMatcher(o.take());
    else if (opt === 'COUNT') integer(o.take());
    else if (opt === 'TYPE') type = o.take().toLowerCase();
    else throw syntaxError();
  }
  return { match, type };
}

export const basicCommands: Record<string, Command> = {
  ping: (_, [message]) => (message === undefined ? new StatusReply('PONG') : message),
  echo: (_, [message]) => message ?? null,
  time: () => {
    const now = Date.now();
    return [String(Math.floor(now / 1000)), String((now % 1000) * 1000)];
  },
  select: () => OK,
  dbsize: ({ ks }) => ks.keys().length,
  flushall: ({ ks }) => {
    ks.clear();
    return OK;
  },
  flushdb: ({ ks }) => {
    ks.clear();
    return OK;
  },

  // Keys
  del: ({ ks }, keys) => keys.filter((key) => ks.delete(key)).length,
  unlink: ({ ks }, keys) => keys.filter((key) => ks.delete(key)).length,
  exists: ({ ks }, keys) => keys.filter((key) => ks.has(key)).length,
  type: ({ ks }, [key]) => new StatusReply(ks.get(key ?? '')?.type ?? 'none'),
  expire: expireCommand('expire', (s, now) => now + s * 1000),
  pexpire: expireCommand('pexpire', (ms, now) => now + ms),
  expireat: expireCommand('expireat', (s) => s * 1000),
  pexpireat: expireCommand('pexpireat', (ms) => ms),
  persist: ({ ks }, [key]) => (ks.expiresAt(key ?? '') !== undefined && ks.expireAt(key!, undefined) ? 1 : 0),
  ttl: ttlCommand(1000),
  pttl: ttlCommand(1),
  keys: ({ ks }, [pattern]) => {
    const match = globMatcher(pattern ?? '*');
    return ks.keys().filter(match);
  },
  scan: ({ ks }, [cursor, ...rest]) => {
    integer(cursor);
    const { match, type } = scanOptions(rest);
    return ['0', ks.keys().filter((key) => match(key) && (type === undefined || ks.get(key)?.type === type))];
  },
  rename: ({ ks }, [from, to]) => {
    const item = ks.get(from ?? '');
    if (!item || to === undefined) throw new RedisReplyError('ERR no such key');
    const expiresAt = ks.expiresAt(from!);
    ks.delete(from!);
    ks.set(to, item);
    if (expiresAt !== undefined) ks.expireAt(to, expiresAt);
    return OK;
  },

  // Strings
  get: ({ ks }, [key]) => ks.read(key ?? '', 'string') ?? null,
  getdel: ({ ks }, [key]) => {
    const value = ks.read(key ?? '', 'string') ?? null;
    if (value !== null) ks.delete(key!);
    return value;
  },
  mget: ({ ks }, keys) => keys.map((key) => (ks.get(key)?.type === 'string' ? ks.read(key, 'string')! : null)),
  set: ({ ks }, [key, value, ...rest]) => {
    if (key === undefined || value === undefined) throw wrongArity('set');
    const o = new Options(rest);
    let condition: 'NX' | 'XX' | undefined;
    let expiresAt: number | undefined;
    let keepTtl = false;
    let get = false;
    while (!o.done) {
      const opt = o.take().toUpperCase();
      if (opt === 'NX' || opt === 'XX') condition = opt;
      else if (opt === 'KEEPTTL') keepTtl = true;
      else if (opt === 'GET') get = true;
      else if (opt === 'EX' || opt === 'PX' || opt === 'EXAT' || opt === 'PXAT') {
        const n = integer(o.take());
        if (n <= 0) throw new RedisReplyError("ERR invalid expire time in 'set' command");
        expiresAt = { EX: Date.now() + n * 1000, PX: Date.now() + n, EXAT: n * 1000, PXAT: n }[opt];
      } else throw syntaxError();
    }
    const previous = get ? (ks.read(key, 'string') ?? null) : null;
    const exists = ks.has(key);
    if ((condition === 'NX' && exists) || (condition === 'XX' && !exists)) return get ? previous : null;
    ks.set(key, { type: 'string', value }, keepTtl);
    if (expiresAt !== undefined) ks.expireAt(key, expiresAt);
    return get ? previous : OK;
  },
  setnx: ({ ks }, [key, value]) => {
    if (key === undefined || value === undefined) throw wrongArity('setnx');
    if (ks.has(key)) return 0;
    ks.set(key, { type: 'string', value });
    return 1;
  },
  incr: incrBy(1, 1),
  decr: incrBy(-1, 1),
  incrby: incrBy(1),
  decrby: incrBy(-1),
  incrbyfloat: ({ ks }, [key, by]) => {
    const next = float(ks.read(key ?? '', 'string') ?? '0') + float(by);
    ks.set(key!, { type: 'string', value: formatFloat(next) }, true);
    return formatFloat(next);
  },

  // Hashes
  hset: ({ ks }, [key, ...pairs]) => {
    need('hset', pairs, 2, 0);
    const hash = ks.write(key!, 'hash', () => new Map());
    let added = 0;
    for (let i = 0; i < pairs.length; i += 2) {
      if (!hash.has(pairs[i]!)) added++;
      hash.set(pairs[i]!, pairs[i + 1]!);
    }
    return added;
  },
  hmset: (ctx, args) => {
    basicCommands.hset!(ctx, args);
    return OK;
  },
  hsetnx: ({ ks }, [key, field, value]) => {
    if (value === undefined) throw wrongArity('hsetnx');
    const hash = ks.write(key!, 'hash', () => new Map());
    if (hash.has(field!)) return 0;
    hash.set(field!, value);
    return 1;
  },
  hget: ({ ks }, [key, field]) => ks.read(key ?? '', 'hash')?.get(field ?? '') ?? null,
  hmget: ({ ks }, [key, ...fields]) => {
    const hash = ks.read(key ?? '', 'hash');
    return fields.map((f) => hash?.get(f) ?? null);
  },
  hgetall: ({ ks }, [key]) => [...(ks.read(key ?? '', 'hash') ?? new Map<string, string>())].flat(),
  hkeys: ({ ks }, [key]) => [...(ks.read(key ?? '', 'hash')?.keys() ?? [])],
  hvals: ({ ks }, [key]) => [...(ks.read(key ?? '', 'hash')?.values() ?? [])],
  hlen: ({ ks }, [key]) => ks.read(key ?? '', 'hash')?.size ?? 0,
  hexists: ({ ks }, [key, field]) => (ks.read(key ?? '', 'hash')?.has(field ?? '') ? 1 : 0),
  hdel: ({ ks }, [key, ...fields]) => {
    const hash = ks.read(key ?? '', 'hash');
    const removed = fields.filter((f) => hash?.delete(f)).length;
    ks.dropIfEmpty(key!);
    return removed;
  },
  hincrby: ({ ks }, [key, field, by]) => {
    const hash = ks.write(key!, 'hash', () => new Map());
    const next = integer(hash.get(field!) ?? '0') + integer(by);
    hash.set(field!, String(next));
    return next;
  },

  // Sets
  sadd: ({ ks }, [key, ...members]) => {
    if (members.length === 0) throw wrongArity('sadd');
    const set = ks.write(key!, 'set', () => new Set());
    const before = set.size;
    for (const m of members) set.add(m);
    return set.size - before;
  },
  srem: ({ ks }, [key, ...members]) => {
    const set = ks.read(key ?? '', 'set');
    const removed = members.filter((m) => set?.delete(m)).length;
    ks.dropIfEmpty(key!);
    return removed;
  },
  sismember: ({ ks }, [key, member]) => (ks.read(key ?? '', 'set')?.has(member ?? '') ? 1 : 0),
  smembers: ({ ks }, [key]) => [...(ks.read(key ?? '', 'set') ?? [])],
  scard: ({ ks }, [key]) => ks.read(key ?? '', 'set')?.size ?? 0,

  // Pub/sub (publishing; subscribing is the client's business)
  publish: (ctx, [channel, message]) => {
    if (message === undefined) throw wrongArity('publish');
    return ctx.publish(channel!, message);
  },

  // Scripting
  eval: (ctx, [script, numKeys, ...rest]) => runScript(ctx, ctx.scripts.load(script ?? ''), numKeys, rest),
  evalsha: (ctx, [sha, numKeys, ...rest]) => {
    if (!ctx.scripts.exists((sha ?? '').toLowerCase())) throw new RedisReplyError('NOSCRIPT No matching script. Please use EVAL.');
    return runScript(ctx, sha!.toLowerCase(), numKeys, rest);
  },
  script: (ctx, [sub, ...rest]) => {
    switch ((sub ?? '').toUpperCase()) {
      case 'LOAD':
        return ctx.scripts.load(rest[0] ?? '');
      case 'EXISTS':
        return rest.map((sha) => (ctx.scripts.exists(sha.toLowerCase()) ? 1 : 0));
      case 'FLUSH':
        ctx.scripts.flush();
        return OK;
      default:
        throw syntaxError();
    }
  },
};

function runScript(ctx: Parameters<Command>[0], sha: string, numKeys: string | undefined, rest: string[]): Reply {
  if (ctx.inScript) throw new RedisReplyError('ERR This Redis command is not allowed from script');
  const n = integer(numKeys);
  if (n < 0 || n > rest.length) throw new RedisReplyError("ERR Number of keys can't be greater than number of args");
  return ctx.scripts.run(sha, rest.slice(0, n), rest.slice(n));
}
