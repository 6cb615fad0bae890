import type { Redis } from 'ioredis';
import { expect } from 'vitest';

/** The forms a leaked secret could take on its way into a sink. */
export function secretForms(secret: string): string[] {
  return [
    secret,
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64url'),
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
  ];
}

/** Asserts that none of the named haystacks contains the secret in any of its forms. */
export function expectSecretAbsent(secret: string, haystacks: Record<string, string>): void {
  const found: string[] = [];
  for (const [name, text] of Object.entries(haystacks)) {
    for (const form of secretForms(secret))
      if (text.includes(form)) found.push(`${name} contains ${form === secret ? 'the secret' : `an encoded form (${form.slice(0, 12)}…)`}`);
  }
  expect(found, `secret leaked: ${found.join('; ')}`).toEqual([]);
}

/** Everything stored under a key prefix, as text (values of every type, base64-decoded where it looks like base64). */
export async function dumpRedis(redis: Redis, prefix: string): Promise<string> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    for (const key of found) {
      const type = await redis.type(key);
      let values: string[] = [];
      if (type === 'string') values = [(await redis.get(key)) ?? ''];
      else if (type === 'hash') values = Object.entries(await redis.hgetall(key)).flat();
      else if (type === 'zset') values = (await redis.zrange(key, '0', '-1')).map(String);
      else if (type === 'list') values = await redis.lrange(key, 0, -1);
      else if (type === 'set') values = await redis.smembers(key);
      else if (type === 'stream') values = (await redis.xrange(key, '-', '+')).flatMap((entry) => [String(entry[0]), ...(entry[1] as unknown as string[])]);
      for (const v of [key, ...values]) {
        out.push(v);
        // Checkpoint bytes are stored base64-encoded; search their decoded form too.
        for (const m of v.match(/[A-Za-z0-9+/=_-]{16,}/g) ?? []) out.push(Buffer.from(m, 'base64').toString('utf8'));
      }
    }
  } while (cursor !== '0');
  return out.join('\n');
}
