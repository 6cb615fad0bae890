import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Harness, startHarness } from '../../support/harness.js';
import { type DedicatedRedis, startDedicatedRedis } from '../../support/redis-server.js';
import { type BotOnRedis, startBotOnRedis } from './bot-on-redis.js';

/**
 * ioredis defaults queue commands while Redis is away and replay them later, which turned a 6 s
 * outage into missed Slack acks and audit writes landing after the action (reliability.md §5).
 * This guards the options on every client the composition root builds, including the pub/sub
 * connection the revocation feed duplicates from the main one and the tracked reads' connections.
 */
describe('the Redis clients createDeps builds fail fast', () => {
  let h: Harness;
  let server: DedicatedRedis;
  let bot: BotOnRedis;
  const duplicates: Redis[] = [];
  beforeAll(async () => {
    h = await startHarness();
    server = await startDedicatedRedis();
    // Call-through spy: the real duplicate runs; the test only keeps a handle on what it returned.
    const real = Redis.prototype.duplicate;
    vi.spyOn(Redis.prototype, 'duplicate').mockImplementation(function (this: Redis, ...args: Parameters<Redis['duplicate']>) {
      const copy = real.apply(this, args);
      duplicates.push(copy);
      return copy;
    });
    bot = await startBotOnRedis(h, server.url);
  }, 30_000);
  afterAll(async () => {
    vi.restoreAllMocks();
    await bot?.close();
    await server?.stop();
    await h?.close();
  });

  const expectTimeouts = (client: Redis, name: string) => {
    const o = client.options;
    expect(o.commandTimeout, `${name}: commandTimeout`).toBeGreaterThan(0);
    expect(o.commandTimeout!, `${name}: commandTimeout`).toBeLessThanOrEqual(1000);
    expect(o.maxRetriesPerRequest, `${name}: maxRetriesPerRequest`).toBe(1);
    expect(o.connectTimeout!, `${name}: connectTimeout`).toBeLessThanOrEqual(2000);
  };
  const expectFailFast = (client: Redis, name: string) => {
    expectTimeouts(client, name);
    // Reconnect backoff stays bounded however long the outage: Redis back ⇒ connected within 0.5 s.
    const delays = [1, 2, 10, 100, 10_000].map((n) => client.options.retryStrategy?.(n));
    for (const d of delays) expect(typeof d === 'number' && d <= 500, `${name}: reconnect delay ${d}`).toBe(true);
  };
  /** The tracked reads' connections (store/tracked-reads.ts) are opened lazily and never reconnect by themselves. */
  const isTrackingConnection = (client: Redis) => client.options.lazyConnect === true && client.options.retryStrategy?.(1) === null;

  it('the main client: no offline queue, 1 s command timeout, one retry, bounded reconnects', () => {
    expectFailFast(bot.deps.redis, 'main client');
    expect(bot.deps.redis.options.enableOfflineQueue).toBe(false);
  });

  it('the subscribers (duplicates: revocations, the request queue) keep the timeouts and bounded reconnects', async () => {
    const subscribers = () => duplicates.filter((d) => !isTrackingConnection(d));
    await vi.waitFor(() => expect(subscribers().length).toBeGreaterThan(0), { timeout: 3000 });
    for (const [i, d] of subscribers().entries()) {
      expectFailFast(d, `subscriber #${i + 1}`);
      // Only SUBSCRIBE goes through it, once, at start; the queue lets it wait for the first connect
      // and ioredis re-subscribes by itself after a reconnect.
      expect(d.options.autoResubscribe).toBe(true);
    }
  });

  it("the tracked reads' two connections keep the timeouts, queue nothing and never come back untracked", async () => {
    await vi.waitFor(() => expect(duplicates.filter(isTrackingConnection)).toHaveLength(2), { timeout: 3000 });
    for (const [i, d] of duplicates.filter(isTrackingConnection).entries()) {
      expectTimeouts(d, `tracking connection #${i + 1}`);
      expect(d.options.enableOfflineQueue).toBe(false);
    }
  });

  it('a command during an outage fails within the timeout instead of waiting for Redis', async () => {
    await server.kill();
    try {
      const started = Date.now();
      await expect(bot.deps.redis.get('anything')).rejects.toThrow();
      const took = Date.now() - started;
      console.info(`[redis options] a GET while Redis was down failed after ${took} ms`);
      expect(took, `GET during the outage took ${took} ms`).toBeLessThan(1500);
    } finally {
      await server.restart();
    }
  });
});
