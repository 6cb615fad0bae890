import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Keys } from '../store/keys.js';
import type { SecretBox } from '../vault/secret-box.js';

export interface RefreshTokenRevoker {
  /** Revokes at Auth0 now; when that fails, keeps the token sealed and retries until it works. */
  revoke(refreshToken: string, context: { teamId: string; userId: string }): Promise<{ revoked: true } | { revoked: false; reason: string }>;
  /** Retries queued revocations (background job); returns how many succeeded. */
  retryPending(): Promise<number>;
}

/**
 * Auth0 refresh-token revocation (POST /oauth/revoke, RFC 7009). A failed revocation is never
 * silently dropped: the token waits in Redis, sealed, and is retried until Auth0 accepts it.
 */
export function createRefreshTokenRevoker({
  domain,
  clientId,
  clientSecret,
  redis,
  keys,
  box,
  logger,
  timeoutMs = 10_000,
}: {
  domain: string;
  clientId: string;
  clientSecret: string;
  redis: Redis;
  keys: Keys;
  box: SecretBox;
  logger: Logger;
  timeoutMs?: number;
}): RefreshTokenRevoker {
  const queue = keys.key('revoke-retry');
  const AAD = 'agenthub:revoke-retry';

  async function callAuth0(token: string): Promise<string | undefined> {
    try {
      const res = await fetch(`https://${domain}/oauth/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: clientId, client_secret: clientSecret, token }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.body?.cancel();
      return res.ok ? undefined : `Auth0 answered HTTP ${res.status}`;
    } catch (err) {
      return `Auth0 could not be reached (${(err as Error).name === 'TimeoutError' ? 'timeout' : 'network error'})`;
    }
  }

  return {
    async revoke(refreshToken, context) {
      const failure = await callAuth0(refreshToken);
      if (!failure) return { revoked: true };
      await redis.zadd(queue, Date.now(), box.seal(refreshToken, AAD));
      logger.warn({ ...context, failure }, 'refresh token revocation failed; queued for retry');
      return { revoked: false, reason: failure };
    },
    async retryPending() {
      let done = 0;
      for (const sealed of await redis.zrangebyscore(queue, '-inf', '+inf', 'LIMIT', 0, 20)) {
        const failure = await callAuth0(box.open(sealed, AAD));
        if (failure) continue;
        await redis.zrem(queue, sealed);
        done++;
      }
      return done;
    },
  };
}
