import { Redis, type RedisOptions } from 'ioredis';

/**
 * Builds an ioredis client configured to fail fast rather than queue.
 *
 * ioredis defaults queue commands while disconnected and replay them after reconnecting, which
 * turned a Redis outage into missed 3-second Slack acks and audit writes that landed after the
 * action (reference/reliability.md §5). Here a command fails within `commandTimeout` instead, so
 * callers can refuse the action and tell the user.
 */
export function createRedis(url: string, overrides: RedisOptions = {}): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 1000,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 50, 500),
    lazyConnect: false,
    ...overrides,
  });
}

/** Resolves once the client is ready; rejects with a plain message if Redis cannot be reached. */
export async function waitForRedis(redis: Redis, timeoutMs = 3000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis did not become ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}
