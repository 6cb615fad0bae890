import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHopStore, type HopStore } from '../../../src/auth/browser-hops.js';
import { createTestRedis, type TestRedis } from '../../support/redis.js';

describe('browser hop state in Redis', () => {
  let t: TestRedis;
  let hops: HopStore;
  beforeAll(async () => {
    t = await createTestRedis();
    hops = createHopStore({ redis: t.redis, keys: t.keys });
  });
  afterAll(async () => t?.close());

  it('hands the payload back once, then never again', async () => {
    const state = await hops.create('step_up', { approvalId: 'a1', n: 1 });
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await hops.consume(state)).toEqual({ kind: 'step_up', payload: { approvalId: 'a1', n: 1 } });
    expect(await hops.consume(state)).toBeUndefined();
  });

  it('lets exactly one of many concurrent callbacks have it', async () => {
    const state = await hops.create('sign_in', { who: 'x' });
    const results = await Promise.all(Array.from({ length: 20 }, () => hops.consume(state)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('expires after its TTL and sets one on the key', async () => {
    const state = await hops.create('connect', {}, 1);
    const [key] = await t.redis.keys(`${t.keys.prefix}:browser-hop:*`);
    expect(await t.redis.ttl(key!)).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await hops.consume(state)).toBeUndefined();
  });

  it('keeps the state itself out of Redis keys', async () => {
    const state = await hops.create('step_up', {});
    const keys = await t.redis.keys(`${t.keys.prefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(k).not.toContain(state);
    await hops.consume(state);
  });

  it('answers undefined for unknown or malformed states without error', async () => {
    for (const s of ['', 'short', 'x'.repeat(43), `${'a'.repeat(42)}!`, 'a'.repeat(500)]) expect(await hops.consume(s)).toBeUndefined();
  });

  it('refuses unknown kinds and bad lifetimes', async () => {
    await expect(hops.create('other' as never, {})).rejects.toThrow(TypeError);
    await expect(hops.create('step_up', {}, 0)).rejects.toThrow(RangeError);
  });
});
