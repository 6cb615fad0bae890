import { type Redis, type RedisOptions, ReplyError } from 'ioredis';
import type { Logger } from 'pino';

/**
 * Reads of small, hot, rarely written keys (is this person revoked? linked?) answered from memory
 * while Redis has promised to say when they change: Redis server-assisted client-side caching.
 *
 * Redis stays the authority. A key is cached only after it was read on a connection with
 * `CLIENT TRACKING ON`; from then on any write to it, from any process, makes Redis send its name on
 * `__redis__:invalidate` to our subscriber connection, and the entry is dropped. Three things could
 * leave an entry stale, and each is closed:
 *
 * - An invalidation overtaking the read's own reply (they travel on two connections): each read in
 *   flight is marked when its key is invalidated, and a marked answer is used once but not kept.
 * - A lost connection (Redis restart, failover, a killed client): either connection closing ends
 *   the session — memory is emptied, reads go to Redis directly — until a new session is tracking.
 *   Neither connection reconnects on its own, because a silently reconnected reader is untracked.
 * - A connection that dies without closing (a middlebox dropping an idle socket): the subscriber is
 *   PINGed every `heartbeatMs`. Redis queues a PONG behind every invalidation already sent on that
 *   connection, so a PONG proves that every write made before its PING was sent has reached us.
 *   Memory answers only while such a proof is younger than `maxStalenessMs`; otherwise Redis does.
 *
 * Where Redis cannot track (the demo's in-memory stand-in, Redis before 6), every read goes to Redis.
 */
export interface TrackedReads {
  /**
   * `fetch` reads `key` on the connection it is given. One key must always be read with the same
   * `fetch`: the answer is cached by key.
   */
  read<T>(key: string, fetch: (redis: Redis) => Promise<T>): Promise<T>;
  /** Drops what this process holds for `key`; call it after this process writes the key, so it reads its own writes. */
  invalidate(key: string): void;
  /** Begins tracking (in the background; reads go to Redis until a session is up). */
  start(): Promise<void>;
  /** Resolves once every invalidation Redis had sent before this call has been applied. */
  sync(): Promise<void>;
  close(): Promise<void>;
  readonly state: TrackingState;
}

export type TrackingState = 'off' | 'starting' | 'tracking' | 'unsupported' | 'closed';

export interface TrackedReadsOptions {
  /** The authority, used directly whenever memory may not answer; its options shape the session's two connections. */
  redis: Redis;
  logger: Logger;
  /** Memory answers only while the subscriber proved itself current this recently. */
  maxStalenessMs?: number;
  heartbeatMs?: number;
  /** A PING unanswered this long ends the session. */
  pingTimeoutMs?: number;
  /** Cached keys kept at most (oldest dropped first). */
  maxEntries?: number;
  now?: () => number;
  /** Opens the session's connections (tests wrap it to reach the sockets). */
  duplicate?: (redis: Redis, options: Partial<RedisOptions>) => Redis;
}

const INVALIDATE_CHANNEL = '__redis__:invalidate';

interface Session {
  reader: Redis;
  subscriber: Redis;
  /** When the PING behind the newest PONG was sent: every write before it has been applied here. */
  confirmedAt: number;
  pingSentAt: number | undefined;
  heartbeat?: NodeJS.Timeout;
}

interface InFlight {
  invalidated: boolean;
}

export function createTrackedReads({
  redis,
  logger,
  maxStalenessMs = 50,
  heartbeatMs = 20,
  pingTimeoutMs = 1000,
  maxEntries = 100_000,
  now = () => performance.now(),
  duplicate = (r, options) => r.duplicate(options),
}: TrackedReadsOptions): TrackedReads {
  const entries = new Map<string, unknown>();
  const inFlight = new Map<string, Set<InFlight>>();
  let state: TrackingState = 'off';
  let session: Session | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  let restartDelayMs = 0;
  // A function, so TypeScript does not narrow `state` across the awaits below.
  const closed = () => state === 'closed';

  const drop = (key: string) => {
    entries.delete(key);
    for (const read of inFlight.get(key) ?? []) read.invalidated = true;
  };
  const dropAll = () => {
    entries.clear();
    for (const reads of inFlight.values()) for (const read of reads) read.invalidated = true;
  };

  const onInvalidate = (channel: Buffer, payload: unknown) => {
    if (channel.toString() !== INVALIDATE_CHANNEL) return;
    // A list of key names; null when the whole database was flushed.
    if (Array.isArray(payload)) for (const key of payload) drop(String(key));
    else dropAll();
  };

  const end = (s: Session, why: string) => {
    if (session !== s) return;
    session = undefined;
    clearInterval(s.heartbeat);
    dropAll();
    s.reader.disconnect();
    s.subscriber.disconnect();
    if (state === 'closed') return;
    state = 'off';
    restartDelayMs = Math.min(Math.max(restartDelayMs * 2, 100), 5000);
    logger.warn({ why, retryInMs: restartDelayMs }, 'tracked reads paused; every read goes to Redis until tracking is back');
    restartTimer = setTimeout(() => void begin(), restartDelayMs);
    restartTimer.unref();
  };

  const ping = (s: Session): Promise<void> => {
    const sentAt = now();
    s.pingSentAt ??= sentAt;
    return s.subscriber.ping().then(() => {
      if (s.confirmedAt < sentAt) s.confirmedAt = sentAt;
      if (s.pingSentAt !== undefined && s.pingSentAt <= sentAt) s.pingSentAt = undefined;
    });
  };

  const beat = (s: Session) => {
    if (s.pingSentAt !== undefined) {
      if (now() - s.pingSentAt > pingTimeoutMs) end(s, `no PONG within ${pingTimeoutMs} ms`);
      return;
    }
    ping(s).catch((err: Error) => end(s, `PING failed: ${err.message}`));
  };

  const begin = async () => {
    if (state !== 'off' || session) return;
    state = 'starting';
    // Neither connection may come back by itself: a reconnected reader would not be tracked.
    const options: Partial<RedisOptions> = { lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null };
    const s: Session = {
      reader: duplicate(redis, options),
      // RESP2, so invalidations arrive as pub/sub messages (ioredis drops RESP3 "invalidate" pushes).
      subscriber: duplicate(redis, { ...options, protocol: 2 }),
      confirmedAt: Number.NEGATIVE_INFINITY,
      pingSentAt: undefined,
    };
    const failed = (err: Error) => logger.debug({ err: { message: err.message } }, 'tracked reads connection problem');
    s.reader.on('error', failed);
    s.subscriber.on('error', failed);
    try {
      await Promise.all([s.reader.connect(), s.subscriber.connect()]);
      const subscriberId = await s.subscriber.call('CLIENT', 'ID');
      s.subscriber.on('messageBuffer', onInvalidate);
      await s.subscriber.subscribe(INVALIDATE_CHANNEL);
      await s.reader.call('CLIENT', 'TRACKING', 'ON', 'REDIRECT', String(subscriberId));
      if (closed()) throw new Error('closed while starting');
      await ping(s);
      for (const conn of [s.reader, s.subscriber]) conn.once('close', () => end(s, 'a tracking connection closed'));
      if (s.reader.status !== 'ready' || s.subscriber.status !== 'ready') throw new Error('a tracking connection closed while starting');
      s.heartbeat = setInterval(() => beat(s), heartbeatMs);
      s.heartbeat.unref();
      session = s;
      state = 'tracking';
      restartDelayMs = 0;
    } catch (err) {
      s.reader.disconnect();
      s.subscriber.disconnect();
      if (closed()) return;
      if (err instanceof ReplyError) {
        // Redis answered and refused (no CLIENT TRACKING before Redis 6, or the demo's stand-in): don't ask again.
        state = 'unsupported';
        logger.info({ err: { message: (err as Error).message } }, 'this Redis cannot track reads; every read goes to Redis');
        return;
      }
      session = s;
      end(s, `could not start: ${(err as Error).message}`);
    }
  };

  const remember = (key: string, value: unknown) => {
    if (entries.size >= maxEntries) {
      const oldest = entries.keys().next();
      if (!oldest.done) entries.delete(oldest.value);
    }
    entries.set(key, value);
  };

  return {
    async read<T>(key: string, fetch: (r: Redis) => Promise<T>): Promise<T> {
      const s = session;
      if (!s || now() - s.confirmedAt > maxStalenessMs) return fetch(redis);
      if (entries.has(key)) return entries.get(key) as T;
      const read: InFlight = { invalidated: false };
      const reads = inFlight.get(key) ?? new Set<InFlight>();
      inFlight.set(key, reads);
      reads.add(read);
      try {
        const value = await fetch(s.reader);
        if (!read.invalidated && session === s) remember(key, value);
        return value;
      } catch (err) {
        // The reader may be the only thing broken: the authority answers this read.
        end(s, `a tracked read failed: ${(err as Error).message}`);
        return fetch(redis);
      } finally {
        reads.delete(read);
        if (reads.size === 0) inFlight.delete(key);
      }
    },
    invalidate: drop,
    async start() {
      await begin();
    },
    async sync() {
      if (session) await ping(session);
    },
    async close() {
      state = 'closed';
      clearTimeout(restartTimer);
      if (session) end(session, 'closed');
      dropAll();
    },
    get state() {
      return state;
    },
  };
}
