import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface Lock {
  release(): Promise<void>;
}

/** Releases only if we still own it, so an expired lock re-taken by another process is left alone. */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** A Redis lock across processes (SET NX PX); `undefined` when someone else holds it. */
export async function acquireLock(redis: Redis, key: string, ttlMs: number): Promise<Lock | undefined> {
  const owner = randomUUID();
  const ok = await redis.set(key, owner, 'PX', ttlMs, 'NX');
  if (ok !== 'OK') return undefined;
  return {
    async release() {
      await redis.eval(RELEASE, 1, key, owner);
    },
  };
}
