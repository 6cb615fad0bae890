import { type Redis, type RedisOptions, ReplyError } from 'ioredis';
import type { Logger } from 'pino';

/**
 * Reads of small, hot, rarely written keys (is this person revoked? linked?) answered from memory
 * while Redis has promised to say when they change: Redis server-assisted client-side caching.
 *
 * Redis stays the authority. A key is cached only after it was read on a connection with
 * `CLIENT TRACKING ON`; from then on any write to it, from any process, makes Redis send its name on
 * `__redis__:invalidate` to our subscriber connection, and the entry is dropped. What could leave an
 * entry stale, and how each is closed:
 *
 * - An invalidation overtaking the read's own reply (they travel on two connections): each read in
 *   flight is marked when its key is invalidated, and a marked answer is used once but not kept.
 * - A connection closing (Redis restart, failover, a killed client): the session ends — memory is
 *   emptied, reads go to Redis directly — until a new session is proven. Neither connection
 *   reconnects by itself, because a silently reconnected reader is untracked.
 * - Anything else that breaks the chain without a word: a connection dropped by a middlebox without
 *   a FIN (the reader's tracking gone, or the subscriber deaf), the two connections or the main client
 *   on different servers mid-failover, a redirect to the wrong client. Every `heartbeatMs` the chain
 *   is proven end to end: the reader reads a canary key of this process (so it is tracked), the main
 *   client — the one every write takes — writes it, and its invalidation must reach the subscriber.
 *   Redis sends invalidations in the order writes execute, so hearing it proves every write made
 *   before the proof began has been applied here. Memory answers only while such a proof is younger
 *   than `maxStalenessMs`; otherwise Redis answers. A session starts only after a first proof.
 *
 * Where tracking cannot work — a Redis that refuses `CLIENT TRACKING` (before 6, the demo's stand-in),
 * a client with a `keyPrefix` (invalidations would name other keys), Redis Cluster (the connections
 * could reach different nodes) — every read goes to Redis.
 */
export interface TrackedReads {
  /**
   * `fetch` reads `key` on the connection it is given. One key must always be read with the same
   * `fetch`: the answer is cached by key, and shared (objects are frozen).
   */
  read<T>(key: string, fetch: (redis: Redis) => Promise<T>): Promise<T>;
  /** Drops what this process holds for `key`; call it after this process writes the key, so it reads its own writes. */
  invalidate(key: string): void;
  /** Begins tracking (in the background; reads go to Redis until a session is proven). */
  start(): Promise<void>;
  /** Resolves once every invalidation for writes made before this call has been applied (a fresh proof). */
  sync(): Promise<void>;
  close(): Promise<void>;
  readonly state: TrackingState;
}

export type TrackingState = 'off' | 'starting' | 'tracking' | 'unsupported' | 'closed';

export interface TrackedReadsOptions {
  /** The authority, used directly whenever memory may not answer; its options shape the session's two connections. */
  redis: Redis;
  logger: Logger;
  /** A key for this process alone: each proof reads it through the reader and writes it through `redis`. */
  canaryKey: string;
  /** Memory answers only while the newest proof began this recently. */
  maxStalenessMs?: number;
  heartbeatMs?: number;
  /** A proof (or a start) not finished in this long ends the session. */
  proofTimeoutMs?: number;
  /** Cached keys kept at most (oldest dropped first). */
  maxEntries?: number;
  now?: () => number;
  /** Opens the session's connections (tests wrap it to reach the sockets). */
  duplicate?: (redis: Redis, options: Partial<RedisOptions>) => Redis;
}

const INVALIDATE_CHANNEL = '__redis__:invalidate';
/** The canary outlives its process by this long, then Redis deletes it. */
const CANARY_TTL_MS = 60_000;
/** Errors that say this server will never track for us; any other error is retried. */
const CANNOT_TRACK = /unknown command|unknown subcommand|NOPERM/i;

interface Session {
  reader: Redis;
  subscriber: Redis;
  /** When the newest completed proof began: every write made before it has been applied here. */
  confirmedAt: number;
  /** When the proof in progress began. */
  provingSince?: number;
  /** The proofs, one after another, so a canary invalidation answers the write of the proof waiting for it. */
  proofs: Promise<void>;
  /** Settles the proof waiting for the canary's invalidation. */
  heard?: { resolve(): void; reject(err: Error): void };
  heartbeat?: NodeJS.Timeout;
}

interface InFlight {
  invalidated: boolean;
}

export function createTrackedReads({
  redis,
  logger,
  canaryKey,
  maxStalenessMs = 50,
  heartbeatMs = 20,
  proofTimeoutMs = 1000,
  maxEntries = 100_000,
  now = () => performance.now(),
  duplicate = (r, options) => r.duplicate(options),
}: TrackedReadsOptions): TrackedReads {
  const entries = new Map<string, unknown>();
  const inFlight = new Map<string, Set<InFlight>>();
  let state: TrackingState = 'off';
  let session: Session | undefined;
  /** A session being opened, so close() can cut it short. */
  let opening: Session | undefined;
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

  const onInvalidate = (s: Session, channel: Buffer, payload: unknown) => {
    if (channel.toString() !== INVALIDATE_CHANNEL) return;
    // A list of key names; null when the database was flushed (the canary's proof then times out and restarts).
    if (!Array.isArray(payload)) {
      if (session === s) dropAll();
      return;
    }
    for (const name of payload) {
      const key = String(name);
      if (key === canaryKey) s.heard?.resolve();
      else if (session === s) drop(key);
    }
  };

  const disconnect = (s: Session) => {
    clearInterval(s.heartbeat);
    s.heard?.reject(new Error('the tracking session ended'));
    s.reader.disconnect();
    s.subscriber.disconnect();
  };

  const scheduleRestart = (why: string) => {
    state = 'off';
    restartDelayMs = Math.min(Math.max(restartDelayMs * 2, 100), 5000);
    logger.warn({ why, retryInMs: restartDelayMs }, 'tracked reads paused; every read goes to Redis until tracking is back');
    restartTimer = setTimeout(() => void begin(), restartDelayMs);
    restartTimer.unref();
  };

  const end = (s: Session, why: string) => {
    if (session !== s) return;
    session = undefined;
    dropAll();
    disconnect(s);
    if (!closed()) scheduleRestart(why);
  };

  /** Reads the canary on the reader, writes it through the main client, and waits to hear of it. */
  const prove = async (s: Session) => {
    const startedAt = now();
    s.provingSince = startedAt;
    try {
      await s.reader.get(canaryKey);
      const heard = new Promise<void>((resolve, reject) => {
        s.heard = { resolve, reject };
      });
      // The session may end while the write below is in flight; the rejection is awaited after it.
      heard.catch(() => undefined);
      await redis.set(canaryKey, String(Date.now()), 'PX', CANARY_TTL_MS);
      await heard;
      if (s.confirmedAt < startedAt) s.confirmedAt = startedAt;
    } finally {
      s.heard = undefined;
      s.provingSince = undefined;
    }
  };
  const confirm = (s: Session): Promise<void> => {
    const next = s.proofs.catch(() => undefined).then(() => prove(s));
    s.proofs = next;
    return next;
  };

  const beat = (s: Session) => {
    if (s.provingSince !== undefined) {
      if (now() - s.provingSince > proofTimeoutMs) end(s, `a proof did not finish within ${proofTimeoutMs} ms`);
      return;
    }
    confirm(s).catch((err: Error) => end(s, `a proof failed: ${err.message}`));
  };

  const begin = async () => {
    if (state !== 'off' || session) return;
    if (redis.options?.keyPrefix || (redis as { isCluster?: boolean }).isCluster) {
      state = 'unsupported';
      logger.info('tracked reads need a plain client without keyPrefix; every read goes to Redis');
      return;
    }
    state = 'starting';
    // Neither connection may come back by itself: a reconnected reader would not be tracked.
    const options: Partial<RedisOptions> = { lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null };
    const s: Session = {
      reader: duplicate(redis, options),
      // RESP2, so invalidations arrive as pub/sub messages (ioredis drops RESP3 "invalidate" pushes).
      subscriber: duplicate(redis, { ...options, protocol: 2 }),
      confirmedAt: Number.NEGATIVE_INFINITY,
      proofs: Promise.resolve(),
    };
    opening = s;
    const failed = (err: Error) => logger.debug({ err: { message: err.message } }, 'tracked reads connection problem');
    s.reader.on('error', failed);
    s.subscriber.on('error', failed);
    let timeout: NodeJS.Timeout | undefined;
    try {
      await Promise.all([s.reader.connect(), s.subscriber.connect()]);
      const subscriberId = await s.subscriber.call('CLIENT', 'ID');
      s.subscriber.on('messageBuffer', (channel: Buffer, payload: unknown) => onInvalidate(s, channel, payload));
      await s.subscriber.subscribe(INVALIDATE_CHANNEL);
      await s.reader.call('CLIENT', 'TRACKING', 'ON', 'REDIRECT', String(subscriberId));
      // The first proof shows the whole chain works (same server, right redirect) before memory answers anything.
      await Promise.race([
        confirm(s),
        new Promise((_, reject) => {
          timeout = setTimeout(() => reject(new Error(`no first proof within ${proofTimeoutMs} ms`)), proofTimeoutMs);
        }),
      ]);
      if (closed()) throw new Error('closed while starting');
      if (s.reader.status !== 'ready' || s.subscriber.status !== 'ready') throw new Error('a tracking connection closed while starting');
      for (const conn of [s.reader, s.subscriber]) conn.once('close', () => end(s, 'a tracking connection closed'));
      s.heartbeat = setInterval(() => beat(s), heartbeatMs);
      s.heartbeat.unref();
      session = s;
      state = 'tracking';
      restartDelayMs = 0;
    } catch (err) {
      disconnect(s);
      if (closed()) return;
      const message = (err as Error).message;
      if (err instanceof ReplyError && CANNOT_TRACK.test(message)) {
        // Redis answered that it cannot (no CLIENT TRACKING before Redis 6, the demo's stand-in, ACLs): don't ask again.
        state = 'unsupported';
        logger.info({ err: { message } }, 'this Redis cannot track reads; every read goes to Redis');
        return;
      }
      scheduleRestart(`could not start: ${message}`);
    } finally {
      clearTimeout(timeout);
      opening = undefined;
    }
  };

  const remember = (key: string, value: unknown) => {
    if (entries.size >= maxEntries) {
      const oldest = entries.keys().next();
      if (!oldest.done) entries.delete(oldest.value);
    }
    entries.set(key, typeof value === 'object' && value !== null ? Object.freeze(value) : value);
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
      if (session) await confirm(session);
    },
    async close() {
      state = 'closed';
      clearTimeout(restartTimer);
      if (opening) disconnect(opening);
      if (session) end(session, 'closed');
      dropAll();
    },
    get state() {
      return state;
    },
  };
}
