import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Keys } from '../store/keys.js';
import type { SecretBox } from '../vault/secret-box.js';

export type UpstreamResult = { revoked: true } | { revoked: false; reason: string };

/** Deletes a person's connected account for one connection at Auth0 (My Account API). */
export type ConnectionRemover = (refreshToken: string, connection: string) => Promise<{ ok: true } | { ok: false; reason: string }>;

export interface RefreshTokenRevoker {
  /** Revokes the refresh token at Auth0 now; when that fails, keeps it sealed and retries until it works. */
  revoke(refreshToken: string, context: { teamId: string; userId: string }): Promise<UpstreamResult>;
  /** Deletes the connected account for one connection; when that fails, retries until it works. */
  removeConnection(refreshToken: string, connection: string, context: { teamId: string; userId: string }): Promise<UpstreamResult>;
  /** Retries queued upstream revocations (background job); returns how many succeeded. */
  retryPending(): Promise<number>;
}

type Job = { kind: 'refresh_token'; token: string } | { kind: 'connection'; token: string; connection: string };

/**
 * Upstream revocation at Auth0: the refresh token (POST /oauth/revoke, RFC 7009) or one connected
 * account. A failure is never silently dropped: the job waits in Redis, sealed, and is retried
 * until Auth0 accepts it.
 */
export function createRefreshTokenRevoker({
  domain,
  clientId,
  clientSecret,
  redis,
  keys,
  box,
  logger,
  removeConnection,
  timeoutMs = 10_000,
}: {
  domain: string;
  clientId: string;
  clientSecret: string;
  redis: Redis;
  keys: Keys;
  box: SecretBox;
  logger: Logger;
  /** Set once the Connected Accounts client exists. */
  removeConnection?: () => ConnectionRemover;
  timeoutMs?: number;
}): RefreshTokenRevoker {
  const queue = keys.key('revoke-retry');
  const AAD = 'agenthub:revoke-retry';

  async function revokeToken(token: string): Promise<string | undefined> {
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

  async function run(job: Job): Promise<string | undefined> {
    if (job.kind === 'refresh_token') return revokeToken(job.token);
    const remover = removeConnection?.();
    if (!remover) return 'connected accounts are not configured';
    const result = await remover(job.token, job.connection);
    return result.ok ? undefined : result.reason;
  }

  async function attempt(job: Job, context: { teamId: string; userId: string }): Promise<UpstreamResult> {
    const failure = await run(job);
    if (!failure) return { revoked: true };
    await redis.zadd(queue, Date.now(), box.seal(JSON.stringify(job), AAD));
    logger.warn({ ...context, kind: job.kind, failure }, 'upstream revocation failed; queued for retry');
    return { revoked: false, reason: failure };
  }

  return {
    revoke: (token, context) => attempt({ kind: 'refresh_token', token }, context),
    removeConnection: (token, connection, context) => attempt({ kind: 'connection', token, connection }, context),
    async retryPending() {
      let done = 0;
      for (const sealed of await redis.zrangebyscore(queue, '-inf', '+inf', 'LIMIT', 0, 20)) {
        const opened = box.open(sealed, AAD);
        // Entries written before jobs carried a kind hold the bare refresh token.
        const job: Job = opened.startsWith('{') ? (JSON.parse(opened) as Job) : { kind: 'refresh_token', token: opened };
        if (await run(job)) continue;
        await redis.zrem(queue, sealed);
        done++;
      }
      return done;
    },
  };
}
