/**
 * Tracked reads against a real Redis: memory answers only while Redis is bound to report changes,
 * and each way an invalidation could go missing (an overtaken reply, a killed connection, a
 * connection that silently stops) ends with the authority answering.
 */
import { randomBytes } from 'node:crypto';
import type { Redis, RedisOptions } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRevocations } from '../../../src/identity/revocations.js';
import { createRedis, waitForRedis } from '../../../src/store/redis.js';
import { createTrackedReads, type TrackedReads } from '../../../src/store/tracked-reads.js';
import { createLinkedAccountStore } from '../../../src/vault/linked-accounts.js';
import { createSecretBox } from '../../../src/vault/secret-box.js';
import { createTestRedis, type TestRedis } from '../../support/redis.js';
import { silentLogger } from '../audit/support.js';

let db: TestRedis;
/** Another process's connection: its writes reach us only through Redis. */
let elsewhere: Redis;
let reads: TrackedReads;
let key: string;
let fetches: number;
/** The session's connections, as opened; [reader, subscriber] per session. */
let opened: Redis[];
let clock: number;

const read = () =>
  reads.read(key, async (r) => {
    fetches++;
    return r.get(key);
  });

async function startTracking(options: { maxStalenessMs?: number; pingTimeoutMs?: number } = {}) {
  reads = createTrackedReads({
    redis: db.redis,
    logger: silentLogger(),
    now: () => clock,
    ...options,
    duplicate: (r, o: Partial<RedisOptions>) => {
      const conn = r.duplicate(o);
      opened.push(conn);
      return conn;
    },
  });
  await reads.start();
  expect(reads.state).toBe('tracking');
}

beforeEach(async () => {
  db = await createTestRedis();
  elsewhere = createRedis(db.url);
  await waitForRedis(elsewhere);
  key = db.keys.key('revoked', 'T1', `U${Math.random().toString(36).slice(2)}`);
  await elsewhere.set(key, 'before');
  fetches = 0;
  opened = [];
  clock = 0;
});

afterEach(async () => {
  await reads?.close();
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
    await reads.sync();
    expect(await read()).toBe('after');
    expect(fetches).toBe(2);
  });

  it("reads this process's own write at once, without waiting for Redis to report it", async () => {
    await startTracking();
    await read();
    await db.redis.set(key, 'after');
    reads.invalidate(key);
    expect(await read()).toBe('after');
  });

  it('uses an answer overtaken by its invalidation once, but does not keep it', async () => {
    await startTracking();
    const overtaken = await reads.read(key, async (r) => {
      const value = await r.get(key);
      // The key changes after Redis answered, and the invalidation arrives before the answer is kept.
      await elsewhere.set(key, 'after');
      await reads.sync();
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
    await vi.waitFor(() => expect(reads.state).not.toBe('tracking'));
    expect(await read()).toBe('after');
    expect(await read()).toBe('after');
    expect(fetches).toBe(3);
    await vi.waitFor(() => expect(reads.state).toBe('tracking'), { timeout: 3000 });
    await read();
    await read();
    expect(fetches).toBe(4);
  });

  it('stops answering from memory when the subscriber goes silent without closing', async () => {
    await startTracking({ maxStalenessMs: 50, pingTimeoutMs: 1000 });
    await read();
    // Invalidations and PONGs stop arriving, as when a middlebox drops an idle socket without a FIN.
    opened[1]!.stream.pause();
    await elsewhere.set(key, 'after');
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The precondition: the write really went unreported, and memory is still within its bound.
    expect(await read()).toBe('before');
    clock = 51;
    expect(await read()).toBe('after');
    expect(reads.state).toBe('tracking');
    // The PING never answered ends the session; a new one starts tracking again.
    clock = 2000;
    await vi.waitFor(() => expect(reads.state).not.toBe('tracking'));
    await vi.waitFor(() => expect(reads.state).toBe('tracking'), { timeout: 3000 });
    expect(await read()).toBe('after');
  });

  it('reads Redis every time when the server cannot track', async () => {
    // A Redis that refuses CLIENT TRACKING (as before Redis 6, or the demo's stand-in) is asked every time.
    reads = createTrackedReads({
      redis: db.redis,
      logger: silentLogger(),
      duplicate: (r, o) => {
        const conn = r.duplicate(o);
        const call = conn.call.bind(conn) as (...args: unknown[]) => Promise<unknown>;
        (conn as { call: unknown }).call = (...args: unknown[]) =>
          call(...(args[0] === 'CLIENT' && args[1] === 'TRACKING' ? ['CLIENT', 'NO-SUCH-SUBCOMMAND'] : args));
        return conn;
      },
    });
    await reads.start();
    expect(reads.state).toBe('unsupported');
    await read();
    await read();
    expect(fetches).toBe(2);
  });
});

describe('stores on tracked reads', () => {
  // Invalidations from Redis are held back, so only the store's own invalidation can make these pass.
  const holdBackInvalidations = () => opened[1]!.stream.pause();
  const who = { teamId: 'T1', userId: 'U0TRACKED' };

  it('a revocation refuses the very next check in the process that made it, and lifting it is seen at once', async () => {
    await startTracking();
    const revocations = createRevocations({ redis: db.redis, keys: db.keys, logger: silentLogger(), reads });
    await revocations.assertActive(who, 'github');
    holdBackInvalidations();
    await revocations.revoke(who, 'github');
    await expect(revocations.assertActive(who, 'github')).rejects.toMatchObject({ code: 'revoked' });
    await revocations.clear(who);
    await expect(revocations.assertActive(who, 'github')).resolves.toBeUndefined();
  });

  it('linking and unlinking are seen at once by the process that made them', async () => {
    await startTracking();
    const accounts = createLinkedAccountStore({ redis: db.redis, keys: db.keys, box: createSecretBox(randomBytes(32)), reads });
    expect(await accounts.has(who)).toBe(false);
    holdBackInvalidations();
    await accounts.link(who, { auth0Sub: 'auth0|tracked', refreshToken: 'rt-tracked' });
    expect(await accounts.has(who)).toBe(true);
    await accounts.unlink(who);
    expect(await accounts.has(who)).toBe(false);
  });
});
