/**
 * Tracked reads against a real Redis: memory answers only while a proof that Redis is reporting
 * changes is fresh, and each way an invalidation could go missing — an overtaken reply, a killed
 * connection, a connection that dies without a word, connections on different servers — ends with
 * the authority answering.
 */
import { randomBytes } from 'node:crypto';
import { type AddressInfo, createServer, type Server, connect as tcpConnect } from 'node:net';
import type { Redis, RedisOptions } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRevocations } from '../../../src/identity/revocations.js';
import { createRedis, waitForRedis } from '../../../src/store/redis.js';
import { createTrackedReads, type TrackedReads, type TrackedReadsOptions } from '../../../src/store/tracked-reads.js';
import { createLinkedAccountStore } from '../../../src/vault/linked-accounts.js';
import { createSecretBox } from '../../../src/vault/secret-box.js';
import { createTestRedis, type TestRedis } from '../../support/redis.js';
import { type DedicatedRedis, startDedicatedRedis } from '../../support/redis-server.js';
import { silentLogger } from '../audit/support.js';

let db: TestRedis;
/** Another process's connection: its writes reach us only through Redis. */
let elsewhere: Redis;
let reads: TrackedReads | undefined;
let key: string;
let fetches: number;
/** The session's connections, as opened: [reader, subscriber] per session. */
let opened: Redis[];
let clock: number;

const read = (k = key) =>
  reads!.read(k, async (r) => {
    fetches++;
    return r.get(k);
  });

type Options = Partial<Omit<TrackedReadsOptions, 'redis' | 'logger'>>;

function tracked(options: Options = {}, redis: Redis = db.redis): TrackedReads {
  reads = createTrackedReads({
    redis,
    logger: silentLogger(),
    canaryKey: db.keys.key('tracking-canary', randomBytes(4).toString('hex')),
    now: () => clock,
    duplicate: (r, o: Partial<RedisOptions>) => {
      const conn = r.duplicate(o);
      opened.push(conn);
      return conn;
    },
    ...options,
  });
  return reads;
}

/** Opens connections whose CLIENT TRACKING call is rewritten by `rewrite` (given the session's number, from 1). */
function rewritingTracking(rewrite: (session: number) => string[] | undefined): NonNullable<TrackedReadsOptions['duplicate']> {
  let sessions = 0;
  return (r, o) => {
    const conn = r.duplicate(o);
    opened.push(conn);
    if (o.protocol !== undefined) return conn; // the subscriber
    const replacement = rewrite(++sessions);
    const call = conn.call.bind(conn) as (...args: unknown[]) => Promise<unknown>;
    (conn as { call: unknown }).call = (...args: unknown[]) => call(...(replacement && args[0] === 'CLIENT' && args[1] === 'TRACKING' ? replacement : args));
    return conn;
  };
}

async function startTracking(options: Options = {}) {
  await tracked(options).start();
  expect(reads!.state).toBe('tracking');
}

beforeEach(async () => {
  db = await createTestRedis();
  elsewhere = createRedis(db.url);
  await waitForRedis(elsewhere);
  key = db.keys.key('revoked', 'T1', `U${randomBytes(4).toString('hex')}`);
  await elsewhere.set(key, 'before');
  fetches = 0;
  opened = [];
  clock = 0;
});

afterEach(async () => {
  await reads?.close();
  reads = undefined;
  elsewhere.disconnect();
  await db.close();
});

describe('tracked reads', () => {
  it('answers a repeated read from memory once Redis tracks the key', async () => {
    await startTracking();
    expect(await read()).toBe('before');
    expect(await read()).toBe('before');
    expect(fetches).toBe(1);
  });

  it('sees a write made by another process as soon as Redis has delivered the invalidation', async () => {
    await startTracking();
    await read();
    await elsewhere.set(key, 'after');
    await reads!.sync();
    expect(await read()).toBe('after');
    expect(fetches).toBe(2);
  });

  it('drops every key a multi-key write touched', async () => {
    await startTracking();
    const second = `${key}:second`;
    await elsewhere.set(second, 'before');
    await read();
    await read(second);
    await elsewhere.multi().set(key, 'after').set(second, 'after').exec();
    await reads!.sync();
    expect([await read(), await read(second)]).toEqual(['after', 'after']);
    await elsewhere.del(second);
  });

  it("reads this process's own write at once, without waiting for Redis to report it", async () => {
    await startTracking();
    await read();
    await db.redis.set(key, 'after');
    reads!.invalidate(key);
    expect(await read()).toBe('after');
  });

  it('uses an answer overtaken by its invalidation once, but does not keep it', async () => {
    await startTracking();
    const overtaken = await reads!.read(key, async (r) => {
      const value = await r.get(key);
      // The key changes after Redis answered, and the invalidation arrives before the answer is kept.
      await elsewhere.set(key, 'after');
      await reads!.sync();
      return value;
    });
    expect(overtaken).toBe('before');
    expect(await read()).toBe('after');
  });

  it.each([
    ['reader', 0],
    ['subscriber', 1],
  ])('forgets everything when its %s connection is killed, reads Redis meanwhile, and tracks again', async (_name, which) => {
    await startTracking();
    await read();
    const socket = opened[which]!.stream;
    await elsewhere.client('KILL', 'ADDR', `${socket.localAddress}:${socket.localPort}`);
    await elsewhere.set(key, 'after');
    await vi.waitFor(() => expect(reads!.state).not.toBe('tracking'));
    expect(await read()).toBe('after');
    expect(await read()).toBe('after');
    expect(fetches).toBe(3);
    await vi.waitFor(() => expect(reads!.state).toBe('tracking'), { timeout: 3000 });
    await read();
    await read();
    expect(fetches).toBe(4);
  });

  it('stops answering from memory when the subscriber goes silent without closing, and starts over', async () => {
    await startTracking({ maxStalenessMs: 50, proofTimeoutMs: 1000 });
    await read();
    // Invalidations stop arriving, as when a middlebox drops an idle socket without a FIN.
    opened[1]!.stream.pause();
    await elsewhere.set(key, 'after');
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The precondition: the write really went unreported, and memory is still within its bound.
    expect(await read()).toBe('before');
    clock = 51;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await read()).toBe('after');
    // The proof that never finished ends the session; a new one is proven and tracks again.
    clock = 2000;
    await vi.waitFor(() => expect(opened).toHaveLength(4), { timeout: 3000 });
    await vi.waitFor(() => expect(reads!.state).toBe('tracking'), { timeout: 3000 });
    expect(await read()).toBe('after');
  });

  describe('a reader whose server-side client is gone while its socket looks alive', () => {
    let proxy: Server;
    afterEach(() => proxy?.close());

    it('stops answering from memory within the bound, though the subscriber is fine', async () => {
      // A middlebox that forwards bytes but swallows the FIN: the reader never learns Redis dropped it.
      proxy = createServer((down) => {
        const up = tcpConnect(Number(new URL(db.url).port), '127.0.0.1');
        down.pipe(up, { end: false });
        up.pipe(down, { end: false });
        up.on('error', () => undefined);
        down.on('error', () => undefined);
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      const port = (proxy.address() as AddressInfo).port;
      await startTracking({
        maxStalenessMs: 50,
        duplicate: (r, o) => {
          const conn = r.duplicate(opened.length % 2 === 0 ? { ...o, port } : o);
          opened.push(conn);
          return conn;
        },
      });
      await read();
      const readerId = await opened[0]!.call('CLIENT', 'ID');
      await elsewhere.client('KILL', 'ID', String(readerId));
      await elsewhere.set(key, 'after');
      // Redis sends nothing for the write (it forgot the reader's tracking) and the subscriber still answers.
      expect(await read()).toBe('before');
      expect(reads!.state).toBe('tracking');
      // Time passes with heartbeats running: none can prove the chain, so memory stops answering.
      clock = 51;
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(reads!.state).toBe('tracking');
      expect(await read()).toBe('after');
    });
  });

  it('counts a proof from when it began, not from when it finished', async () => {
    // No heartbeat in this test: only the proof it starts.
    await startTracking({ maxStalenessMs: 50, heartbeatMs: 60_000 });
    await read();
    opened[1]!.stream.pause();
    const proof = reads!.sync();
    await new Promise((resolve) => setImmediate(resolve)); // the proof has begun (at 0) and waits for its invalidation
    clock = 40;
    opened[1]!.stream.resume();
    await proof;
    // The proof began at 0 and finished at 40: at 60 it no longer covers memory.
    clock = 60;
    await read();
    expect(fetches).toBe(2);
  });

  it.each([
    ['its subscriber reaches another server than its reader', (n: number) => n % 2 === 1],
    ['both reach another server than the one writes go to', () => true],
  ])('never tracks when %s', async (_case, elsewhereServer) => {
    const other: DedicatedRedis = await startDedicatedRedis();
    try {
      await tracked({
        proofTimeoutMs: 300,
        duplicate: (r, o) => {
          // As when connections ask Sentinel for the primary in the middle of a failover.
          const conn = r.duplicate(elsewhereServer(opened.length) ? { ...o, port: other.port } : o);
          opened.push(conn);
          return conn;
        },
      }).start();
      expect(reads!.state).not.toBe('tracking');
      await read();
      await read();
      expect(fetches).toBe(2);
    } finally {
      await reads?.close();
      await other.stop();
    }
  });

  it('forgets everything when the database is flushed', async () => {
    const own: DedicatedRedis = await startDedicatedRedis();
    const client = createRedis(own.url);
    try {
      await waitForRedis(client);
      await client.set(key, 'before');
      await tracked({}, client).start();
      expect(reads!.state).toBe('tracking');
      expect(await read()).toBe('before');
      await client.flushdb();
      await vi.waitFor(async () => expect(await read()).toBeNull());
    } finally {
      await reads?.close();
      client.disconnect();
      await own.stop();
    }
  });

  it('does not open or keep a session when closed while starting', async () => {
    const starting = tracked().start();
    await reads!.close();
    await starting;
    expect(reads!.state).toBe('closed');
    await vi.waitFor(() => expect(opened.map((c) => c.status)).toEqual(['end', 'end']));
    await read();
    await read();
    expect(fetches).toBe(2);
  });

  it('tries again after an error that does not mean the server cannot track', async () => {
    // The first session's redirect names a client that does not exist (it went away meanwhile).
    await tracked({ duplicate: rewritingTracking((session) => (session === 1 ? ['CLIENT', 'TRACKING', 'ON', 'REDIRECT', '999999999'] : undefined)) }).start();
    expect(reads!.state).toBe('off');
    await vi.waitFor(() => expect(reads!.state).toBe('tracking'), { timeout: 3000 });
  });

  it('reads Redis every time when the server cannot track', async () => {
    // A Redis that refuses CLIENT TRACKING (as before Redis 6, or the demo's stand-in) is asked every time.
    await tracked({ duplicate: rewritingTracking(() => ['CLIENT', 'NO-SUCH-SUBCOMMAND']) }).start();
    expect(reads!.state).toBe('unsupported');
    await read();
    await read();
    expect(fetches).toBe(2);
  });

  it('refuses to track through a client with a key prefix, whose invalidations would name other keys', async () => {
    const prefixed = createRedis(db.url, { keyPrefix: `${db.keys.prefix}:p:` });
    try {
      await waitForRedis(prefixed);
      await tracked({}, prefixed).start();
      expect(reads!.state).toBe('unsupported');
      expect(opened).toHaveLength(0);
    } finally {
      await reads?.close();
      prefixed.disconnect();
    }
  });
});

describe('stores on tracked reads', () => {
  const who = { teamId: 'T1', userId: `U0TRACKED${randomBytes(2).toString('hex')}` };

  it("another process's revocation refuses this process's next check once Redis has reported it", async () => {
    await startTracking();
    const here = createRevocations({ redis: db.redis, keys: db.keys, logger: silentLogger(), reads: reads! });
    const there = createRevocations({
      redis: elsewhere,
      keys: db.keys,
      logger: silentLogger(),
      reads: createTrackedReads({ redis: elsewhere, logger: silentLogger(), canaryKey: db.keys.key('tracking-canary', 'there') }),
    });
    await here.assertActive(who, 'github');
    await here.assertActive(who, 'github');
    await there.revoke(who, 'all');
    await reads!.sync();
    await expect(here.assertActive(who, 'github')).rejects.toMatchObject({ code: 'revoked' });
    await there.clear(who);
  });

  // Invalidations from Redis are held back, so only the store's own invalidation can make these pass.
  const holdBackInvalidations = () => opened[1]!.stream.pause();

  it('a revocation refuses the very next check in the process that made it, and lifting it is seen at once', async () => {
    await startTracking();
    const revocations = createRevocations({ redis: db.redis, keys: db.keys, logger: silentLogger(), reads: reads! });
    await revocations.assertActive(who, 'github');
    holdBackInvalidations();
    await revocations.revoke(who, 'github');
    await expect(revocations.assertActive(who, 'github')).rejects.toMatchObject({ code: 'revoked' });
    await revocations.clear(who);
    await expect(revocations.assertActive(who, 'github')).resolves.toBeUndefined();
  });

  it('linking and unlinking are seen at once by the process that made them', async () => {
    await startTracking();
    const accounts = createLinkedAccountStore({ redis: db.redis, keys: db.keys, box: createSecretBox(randomBytes(32)), reads: reads! });
    expect(await accounts.has(who)).toBe(false);
    holdBackInvalidations();
    await accounts.link(who, { auth0Sub: 'auth0|tracked', refreshToken: 'rt-tracked' });
    expect(await accounts.has(who)).toBe(true);
    await accounts.unlink(who);
    expect(await accounts.has(who)).toBe(false);
  });
});
