import { type Command, float, formatFloat, integer, need, Options, syntaxError } from './command-support.js';
import { type Keyspace, RedisReplyError, type Reply } from './keyspace.js';

/** Sorted sets: members ordered by score, then by member (byte order; JavaScript order for non-ASCII). */

type Member = [member: string, score: number];

function sorted(zset: Map<string, number> | undefined): Member[] {
  return [...(zset ?? [])].sort(([am, as], [bm, bs]) => as - bs || (am < bm ? -1 : am > bm ? 1 : 0));
}

/** A score bound: `1.5`, `(1.5` (exclusive), `-inf`, `+inf`. */
function scoreTest(text: string, side: 'min' | 'max'): (score: number) => boolean {
  const exclusive = text.startsWith('(');
  const limit = float(exclusive ? text.slice(1) : text);
  if (side === 'min') return exclusive ? (s) => s > limit : (s) => s >= limit;
  return exclusive ? (s) => s < limit : (s) => s <= limit;
}

/** A lex bound: `[a` (inclusive), `(a` (exclusive), `-`, `+`. */
function lexTest(text: string, side: 'min' | 'max'): (member: string) => boolean {
  if (text === '-') return side === 'min' ? () => true : () => false;
  if (text === '+') return side === 'max' ? () => true : () => false;
  const limit = text.slice(1);
  if (text.startsWith('[')) return side === 'min' ? (m) => m >= limit : (m) => m <= limit;
  if (text.startsWith('(')) return side === 'min' ? (m) => m > limit : (m) => m < limit;
  throw new RedisReplyError('ERR min or max not valid string range item');
}

function withScores(members: Member[], scores: boolean): Reply[] {
  return scores ? members.flatMap(([m, s]) => [m, formatFloat(s)]) : members.map(([m]) => m);
}

function byIndex(members: Member[], start: number, stop: number): Member[] {
  const n = members.length;
  const from = Math.max(0, start < 0 ? n + start : start);
  const to = Math.min(n - 1, stop < 0 ? n + stop : stop);
  return from > to ? [] : members.slice(from, to + 1);
}

/** ZRANGE in its Redis 6.2 form: `key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]`. */
function zrange(ks: Keyspace, key: string, start: string, stop: string, rest: string[], defaults: { by?: 'score' | 'lex'; rev?: boolean } = {}): Reply[] {
  const o = new Options(rest);
  let by = defaults.by;
  let rev = defaults.rev ?? false;
  let scores = false;
  let offset = 0;
  let count = -1;
  while (!o.done) {
    const opt = o.take().toUpperCase();
    if (opt === 'BYSCORE') by = 'score';
    else if (opt === 'BYLEX') by = 'lex';
    else if (opt === 'REV') rev = true;
    else if (opt === 'WITHSCORES') scores = true;
    else if (opt === 'LIMIT') {
      offset = integer(o.take());
      count = integer(o.take());
    } else throw syntaxError();
  }
  const all = sorted(ks.read(key, 'zset'));
  if (by === undefined) return withScores(byIndex(rev ? all.reverse() : all, integer(start), integer(stop)), scores);
  // With REV the bounds come as max then min.
  const [min, max] = rev ? [stop, start] : [start, stop];
  const inRange =
    by === 'score'
      ? (() => {
          const lo = scoreTest(min, 'min');
          const hi = scoreTest(max, 'max');
          return all.filter(([, s]) => lo(s) && hi(s));
        })()
      : (() => {
          const lo = lexTest(min, 'min');
          const hi = lexTest(max, 'max');
          return all.filter(([m]) => lo(m) && hi(m));
        })();
  if (rev) inRange.reverse();
  if (offset < 0) return [];
  return withScores(inRange.slice(offset, count < 0 ? undefined : offset + count), scores);
}

const rangeAlias =
  (defaults: { by?: 'score' | 'lex'; rev?: boolean }): Command =>
  ({ ks }, [key, a, b, ...rest]) => {
    if (key === undefined || a === undefined || b === undefined) throw new RedisReplyError('ERR wrong number of arguments');
    return zrange(ks, key, a, b, rest, defaults);
  };

export const zsetCommands: Record<string, Command> = {
  zadd: ({ ks }, [key, ...rest]) => {
    const o = new Options(rest);
    const flags = new Set<string>();
    while (['NX', 'XX', 'GT', 'LT', 'CH', 'INCR'].includes(o.peek())) flags.add(o.take().toUpperCase());
    const pairs: Member[] = [];
    while (!o.done) {
      const score = float(o.take());
      pairs.push([o.take(), score]);
    }
    need('zadd', pairs, 1);
    if (flags.has('NX') && (flags.has('XX') || flags.has('GT') || flags.has('LT')))
      throw new RedisReplyError('ERR XX and NX options at the same time are not compatible');
    const zset = ks.write(key!, 'zset', () => new Map());
    let added = 0;
    let changed = 0;
    let last: number | null = null;
    for (const [member, given] of pairs) {
      const current = zset.get(member);
      const score = flags.has('INCR') ? (current ?? 0) + given : given;
      const exists = current !== undefined;
      if ((flags.has('NX') && exists) || (flags.has('XX') && !exists)) continue;
      if (exists && ((flags.has('GT') && score <= current) || (flags.has('LT') && score >= current))) continue;
      if (!exists) added++;
      else if (current !== score) changed++;
      zset.set(member, score);
      last = score;
    }
    ks.dropIfEmpty(key!);
    if (flags.has('INCR')) return last === null ? null : formatFloat(last);
    return flags.has('CH') ? added + changed : added;
  },
  zrem: ({ ks }, [key, ...members]) => {
    const zset = ks.read(key ?? '', 'zset');
    const removed = members.filter((m) => zset?.delete(m)).length;
    ks.dropIfEmpty(key!);
    return removed;
  },
  zscore: ({ ks }, [key, member]) => {
    const score = ks.read(key ?? '', 'zset')?.get(member ?? '');
    return score === undefined ? null : formatFloat(score);
  },
  zmscore: ({ ks }, [key, ...members]) => {
    const zset = ks.read(key ?? '', 'zset');
    return members.map((m) => {
      const score = zset?.get(m);
      return score === undefined ? null : formatFloat(score);
    });
  },
  zcard: ({ ks }, [key]) => ks.read(key ?? '', 'zset')?.size ?? 0,
  zcount: ({ ks }, [key, min, max]) => {
    const lo = scoreTest(min ?? '', 'min');
    const hi = scoreTest(max ?? '', 'max');
    return [...(ks.read(key ?? '', 'zset')?.values() ?? [])].filter((s) => lo(s) && hi(s)).length;
  },
  zrank: ({ ks }, [key, member]) => {
    const at = sorted(ks.read(key ?? '', 'zset')).findIndex(([m]) => m === member);
    return at < 0 ? null : at;
  },
  zrange: rangeAlias({}),
  zrevrange: rangeAlias({ rev: true }),
  zrangebyscore: rangeAlias({ by: 'score' }),
  zrevrangebyscore: rangeAlias({ by: 'score', rev: true }),
  zrangebylex: rangeAlias({ by: 'lex' }),
  zrevrangebylex: rangeAlias({ by: 'lex', rev: true }),
  zremrangebyscore: ({ ks }, [key, min, max]) => {
    const zset = ks.read(key ?? '', 'zset');
    const lo = scoreTest(min ?? '', 'min');
    const hi = scoreTest(max ?? '', 'max');
    let removed = 0;
    for (const [m, s] of zset ?? []) if (lo(s) && hi(s) && zset?.delete(m)) removed++;
    ks.dropIfEmpty(key!);
    return removed;
  },
  zremrangebyrank: ({ ks }, [key, start, stop]) => {
    const zset = ks.read(key ?? '', 'zset');
    const doomed = byIndex(sorted(zset), integer(start), integer(stop));
    for (const [m] of doomed) zset?.delete(m);
    ks.dropIfEmpty(key!);
    return doomed.length;
  },
};
