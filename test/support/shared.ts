import type { Redis } from 'ioredis';

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
