import { EventEmitter } from 'node:events';
import { ReplyError } from 'ioredis';
import { Engine, type Subscriber } from './engine.js';
import { RedisReplyError, type Reply, StatusReply } from './keyspace.js';

type Callback = (err: Error | null, result?: unknown) => void;
type Queued = [name: string, args: string[]];

/** Commands that take `{field: value}` or a Map for their pairs, as ioredis allows. */
const TAKES_OBJECT = new Set(['hset', 'hmset', 'mset', 'msetnx']);
/** What ioredis lets through on a connection in subscriber mode. */
const SUBSCRIBER_COMMANDS = new Set(['subscribe', 'unsubscribe', 'psubscribe', 'punsubscribe', 'ping', 'quit']);

/** ioredis's argument rules: arrays are spread, numbers and Buffers become strings, an object becomes its pairs. */
function flattenArgs(name: string, args: unknown[]): string[] {
  const out: string[] = [];
  const add = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(add);
    else if (value === null || value === undefined) out.push('');
    else if (Buffer.isBuffer(value)) out.push(value.toString('utf8'));
    else if (TAKES_OBJECT.has(name) && value instanceof Map) for (const [k, v] of value) out.push(String(k), String(v));
    else if (TAKES_OBJECT.has(name) && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(k, String(v));
    else out.push(String(value));
  };
  args.forEach(add);
  return out;
}

/** A reply as ioredis hands it over: status replies as strings, HGETALL as an object. */
function toClientReply(name: string, reply: Reply): unknown {
  if (reply instanceof StatusReply) return reply.text;
  if (name === 'hgetall' && Array.isArray(reply)) {
    const object: Record<string, unknown> = {};
    for (let i = 0; i + 1 < reply.length; i += 2) object[String(reply[i])] = toClientReply('', reply[i + 1]!);
    return object;
  }
  return Array.isArray(reply) ? reply.map((item) => toClientReply('', item)) : reply;
}

function settle<T>(promise: Promise<T>, callback: Callback | undefined): Promise<T> {
  if (callback)
    promise.then(
      (value) => callback(null, value),
      (err: Error) => callback(err),
    );
  return promise;
}

function splitCallback(args: unknown[]): [unknown[], Callback | undefined] {
  const last = args[args.length - 1];
  return typeof last === 'function' ? [args.slice(0, -1), last as Callback] : [args, undefined];
}

/**
 * One connection to an `Engine`, with ioredis's client API: a promise-returning method per command
 * (and `call`), `multi()`/`pipeline()` chains whose `exec()` answers `[err, reply][]`, pub/sub with
 * 'message' events, `duplicate()` (another connection to the same data), `status`, and
 * connection events. Error replies reject with ioredis's `ReplyError` and Redis's message.
 */
export class MemoryRedisClient extends EventEmitter {
  status = 'ready';
  readonly options: Record<string, unknown>;
  private readonly subscriber: Subscriber = {
    channels: new Set(),
    patterns: new Set(),
    deliver: (channel, message, pattern) => {
      if (pattern === undefined) this.emit('message', channel, message);
      else this.emit('pmessage', pattern, channel, message);
    },
  };
  [command: string]: unknown;

  constructor(
    private readonly engine: Engine = new Engine(),
    options: Record<string, unknown> = {},
  ) {
    super();
    this.options = { ...options };
    for (const name of Engine.commandNames()) {
      this[name] = (...args: unknown[]) => {
        const [rest, callback] = splitCallback(args);
        return settle(this.send(name, flattenArgs(name, rest)), callback);
      };
    }
    // ioredis announces the connection asynchronously; code that waits for 'ready' checks `status` first.
    process.nextTick(() => {
      this.emit('connect');
      this.emit('ready');
    });
  }

  call(name: string, ...args: unknown[]): Promise<unknown> {
    const [rest, callback] = splitCallback(args);
    const command = name.toLowerCase();
    return settle(this.send(command, flattenArgs(command, rest)), callback);
  }

  multi(commands?: unknown): unknown {
    return this.batch(Array.isArray(commands) ? (commands as unknown[][]) : []);
  }

  pipeline(commands?: unknown[][]): unknown {
    return this.batch(commands ?? []);
  }

  duplicate(override: Record<string, unknown> = {}): MemoryRedisClient {
    return new MemoryRedisClient(this.engine, { ...this.options, ...override });
  }

  async connect(): Promise<void> {
    if (this.status === 'ready') return;
    this.status = 'ready';
    this.emit('connect');
    this.emit('ready');
  }

  disconnect(): void {
    if (this.status === 'end') return;
    this.status = 'end';
    this.engine.subscribers.delete(this.subscriber);
    process.nextTick(() => {
      this.emit('close');
      this.emit('end');
    });
  }

  async quit(): Promise<'OK'> {
    this.disconnect();
    return 'OK';
  }

  subscribe(...args: unknown[]): Promise<number> {
    return this.listen(args, this.subscriber.channels, true);
  }

  unsubscribe(...args: unknown[]): Promise<number> {
    return this.listen(args, this.subscriber.channels, false);
  }

  psubscribe(...args: unknown[]): Promise<number> {
    return this.listen(args, this.subscriber.patterns, true);
  }

  punsubscribe(...args: unknown[]): Promise<number> {
    return this.listen(args, this.subscriber.patterns, false);
  }

  private listen(args: unknown[], targets: Set<string>, add: boolean): Promise<number> {
    const [rest, callback] = splitCallback(args);
    const names = flattenArgs('subscribe', rest);
    const run = async () => {
      this.assertOpen();
      if (!add && names.length === 0) targets.clear();
      for (const n of names) {
        if (add) targets.add(n);
        else targets.delete(n);
      }
      const total = this.subscriber.channels.size + this.subscriber.patterns.size;
      if (total > 0) this.engine.subscribers.add(this.subscriber);
      else this.engine.subscribers.delete(this.subscriber);
      return total;
    };
    return settle(run(), callback);
  }

  private assertOpen(): void {
    if (this.status === 'end') throw new Error('Connection is closed.');
  }

  /** Runs on a later tick, as a network round trip would, but in one synchronous step on the engine. */
  private async send(name: string, args: string[]): Promise<unknown> {
    await Promise.resolve();
    this.assertOpen();
    if (this.engine.subscribers.has(this.subscriber) && !SUBSCRIBER_COMMANDS.has(name))
      throw new Error('Connection in subscriber mode, only subscriber commands may be used');
    return toClientReply(name, this.run(name, args));
  }

  private run(name: string, args: string[]): Reply {
    try {
      return this.engine.execute(name, args);
    } catch (err) {
      if (err instanceof RedisReplyError) throw new ReplyError(err.message);
      throw err;
    }
  }

  /** MULTI and pipelines: queued here, then run back to back in `exec()`, which makes them atomic. */
  private batch(initial: unknown[][]): unknown {
    const queued: Queued[] = [];
    const chain: Record<string | symbol, unknown> = new Proxy(
      {},
      {
        get: (_, prop) => {
          if (prop === 'exec') return (callback?: Callback) => settle(this.execBatch(queued), callback);
          if (prop === 'length') return queued.length;
          if (typeof prop !== 'string' || !(prop === 'call' || Engine.supports(prop))) return undefined;
          return (...args: unknown[]) => {
            const name = prop === 'call' ? String(args.shift()).toLowerCase() : prop;
            queued.push([name, flattenArgs(name, args)]);
            return chain;
          };
        },
      },
    );
    for (const [name, ...args] of initial) queued.push([String(name).toLowerCase(), flattenArgs(String(name), args)]);
    return chain;
  }

  private async execBatch(queued: Queued[]): Promise<[Error | null, unknown][]> {
    await Promise.resolve();
    this.assertOpen();
    return queued.map(([name, args]) => {
      try {
        return [null, toClientReply(name, this.run(name, args))];
      } catch (err) {
        return [err as Error, null];
      }
    });
  }
}
