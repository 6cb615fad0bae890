import { type Command, integer, need, Options, syntaxError, wrongArity } from './command-support.js';
import { RedisReplyError, type Reply } from './keyspace.js';
import { formatId, parseRangeBound, parseStreamId, Stream } from './stream.js';

/** XTRIM's and XADD's trim clause: `MAXLEN|MINID [=|~] threshold [LIMIT count]`. */
function readTrim(o: Options): { rule: { maxLen: number } | { minId: ReturnType<typeof parseStreamId> }; limit?: number } {
  const strategy = o.take().toUpperCase();
  if (o.peek() === '=' || o.peek() === '~') o.take();
  const threshold = o.take();
  const rule = strategy === 'MAXLEN' ? { maxLen: integer(threshold) } : { minId: parseStreamId(threshold) };
  if (o.peek() !== 'LIMIT') return { rule };
  o.take();
  return { rule, limit: integer(o.take()) };
}

const range =
  (reverse: boolean): Command =>
  ({ ks }, [key, first, second, ...rest]) => {
    if (key === undefined || first === undefined || second === undefined) throw wrongArity(reverse ? 'xrevrange' : 'xrange');
    let count = Number.POSITIVE_INFINITY;
    if (rest.length) {
      if (rest.length !== 2 || rest[0]!.toUpperCase() !== 'COUNT') throw syntaxError();
      count = integer(rest[1]);
    }
    // XREVRANGE takes the end first.
    const [start, end] = reverse ? [second, first] : [first, second];
    const stream = ks.read(key, 'stream');
    return stream ? stream.range(parseRangeBound(start, 'start'), parseRangeBound(end, 'end'), count, reverse) : [];
  };

export const streamCommands: Record<string, Command> = {
  xadd: ({ ks }, [key, ...rest]) => {
    const o = new Options(rest);
    let create = true;
    let trim: ReturnType<typeof readTrim> | undefined;
    while (o.peek() === 'NOMKSTREAM' || o.peek() === 'MAXLEN' || o.peek() === 'MINID') {
      if (o.peek() === 'NOMKSTREAM') {
        o.take();
        create = false;
      } else trim = readTrim(o);
    }
    const requested = o.take();
    const fields: string[] = [];
    while (!o.done) fields.push(o.take());
    if (key === undefined || fields.length === 0 || fields.length % 2 !== 0) throw wrongArity('xadd');
    const existing = ks.read(key, 'stream');
    if (!existing && !create) return null;
    const stream = existing ?? new Stream();
    // The id is checked before the stream is created, so a refused XADD leaves no empty key behind.
    const id = stream.nextId(requested, Date.now());
    if (!existing) ks.set(key, { type: 'stream', value: stream });
    stream.add(id, fields);
    if (trim) stream.trim(trim.rule, trim.limit);
    return formatId(id);
  },
  xrange: range(false),
  xrevrange: range(true),
  xlen: ({ ks }, [key]) => ks.read(key ?? '', 'stream')?.length ?? 0,
  xdel: ({ ks }, [key, ...ids]) => {
    need('xdel', ids, 1);
    return ks.read(key ?? '', 'stream')?.delete(ids.map(parseStreamId)) ?? 0;
  },
  xtrim: ({ ks }, [key, ...rest]) => {
    const o = new Options(rest);
    const { rule, limit } = readTrim(o);
    if (!o.done) throw syntaxError();
    return ks.read(key ?? '', 'stream')?.trim(rule, limit) ?? 0;
  },
  xinfo: ({ ks }, [sub, key]): Reply => {
    if ((sub ?? '').toUpperCase() !== 'STREAM') throw new RedisReplyError(`ERR unknown subcommand '${sub}'. Only XINFO STREAM is supported here.`);
    const stream = ks.read(key ?? '', 'stream');
    if (!stream) throw new RedisReplyError('ERR no such key');
    return stream.info();
  },
};
