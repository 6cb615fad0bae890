import type { Redis } from 'ioredis';
import { MemoryRedisClient } from './memory-redis/client.js';

/**
 * An in-process engine speaking ioredis's client API, for demo mode on a machine without Redis.
 * Everything lives in this process's memory: nothing persists, and a second process cannot share it.
 * `duplicate()` opens another connection to the same data (the revocation subscriber relies on it).
 *
 * Why our own engine rather than ioredis-mock: the modules demo mode runs depend on Redis
 * semantics the mock lacks or gets wrong — stream ids that only move forward, XINFO STREAM,
 * exclusive `(` range bounds, ZRANGE BYLEX REV LIMIT, SCAN … TYPE, cjson, and replies reaching Lua
 * as Redis converts them — and its Lua bridge calls a command table that cannot be extended.
 */
export function createMemoryRedis(): Redis {
  return new MemoryRedisClient() as unknown as Redis;
}
