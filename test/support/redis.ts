import { deleteByPattern } from './shared.js';

export { deleteByPattern };

import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { inject } from 'vitest';
import { createKeys, type Keys } from '../../src/store/keys.js';
import { createRedis, waitForRedis } from '../../src/store/redis.js';

export interface TestRedis {
  redis: Redis;
  keys: Keys;
  url: string;
  /** Deletes every key under this test's prefix and closes the client. */
  close(): Promise<void>;
}

/** A real Redis client with a fresh key prefix, so test files never see each other's data. */
export async function createTestRedis(): Promise<TestRedis> {
  const url = inject('redisUrl');
  const redis = createRedis(url);
  await waitForRedis(redis);
  const keys = createKeys(`agenthub-test-${randomBytes(4).toString('hex')}`);
  return {
    redis,
    keys,
    url,
    async close() {
      await deleteByPattern(redis, `${keys.prefix}:*`);
      redis.disconnect();
    },
  };
}
