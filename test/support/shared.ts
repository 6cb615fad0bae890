import { Redis } from 'ioredis';

/*
 * Pieces the tests and the benchmarks (bench/, which runs outside vitest) both use; nothing here may
 * import vitest.
 */

/** A policy that pre-authorises reading the demo repositories, for tests about something other than private first reads. */
export const READS_ALLOWED_POLICY = `
version: 1
rules:
  - id: demo-reads
    tools: ["github_list_*", "github_get_*"]
    repos: ["acme/*"]
    outcome: allow
    reason: "Reading the demo repositories is pre-authorised"
`;

/** Deletes every key matching `pattern` (a run's own prefix). */
export async function deleteByPattern(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    if (found.length) await redis.del(...found);
  } while (cursor !== '0');
}

/** Whether a Redis answers PING at `url` within `connectTimeoutMs` (no retries, nothing queued). */
export async function answersPing(url: string, connectTimeoutMs = 1000): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: connectTimeoutMs,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
