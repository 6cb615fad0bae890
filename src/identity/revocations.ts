import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AgentHubError } from '../errors.js';
import type { SlackIdentity } from '../identity.js';
import type { Keys } from '../store/keys.js';
import type { TrackedReads } from '../store/tracked-reads.js';

/** What a person can cut off: one service's agent, or everything. */
export type RevocableService = 'github' | 'google';
export type RevocationScope = RevocableService | 'all';

export interface Revocations {
  /** Records the revocation (the authority every tool call checks) and tells every process at once. */
  revoke(who: SlackIdentity, scope: RevocationScope): Promise<void>;
  /** Throws a `revoked` error when this person's access to the service is revoked. Checked before every tool call. */
  assertActive(who: SlackIdentity, service: RevocationScope): Promise<void>;
  isRevoked(who: SlackIdentity, service: RevocationScope): Promise<boolean>;
  /** Lifts revocations after the person signs in (all) or reconnects (one service). */
  clear(who: SlackIdentity, scope?: RevocationScope): Promise<void>;
  /** Listens for revocations from other processes; `onRevoked` drops local caches. */
  subscribe(onRevoked: (who: SlackIdentity, scope: RevocationScope) => void): Promise<{ close(): Promise<void> }>;
}

const NAMES: Record<RevocationScope, string> = { github: 'GitHub', google: 'Google Calendar', all: 'your accounts' };

/**
 * Revocation lives in Redis and is read before every tool call — that read is the authority. It is
 * a tracked read: answered from memory only while Redis has promised to report any change to the
 * key (store/tracked-reads.ts), so a revocation from any process stops the next call everywhere.
 * The pub/sub broadcast only makes other processes drop cached tokens sooner; a missed message
 * cannot leave a gap, because no tool call starts without the read.
 */
export function createRevocations({ redis, keys, logger, reads }: { redis: Redis; keys: Keys; logger: Logger; reads: TrackedReads }): Revocations {
  const keyOf = (who: SlackIdentity) => keys.key('revoked', who.teamId, who.userId);
  const channel = keys.key('channel', 'revocations');
  const isRevoked = async (who: SlackIdentity, service: RevocationScope) => {
    const key = keyOf(who);
    const revoked = await reads.read(key, (r) => r.hgetall(key));
    return Boolean(revoked[service] || revoked.all);
  };
  return {
    async revoke(who, scope) {
      await redis.hset(keyOf(who), scope, new Date().toISOString());
      reads.invalidate(keyOf(who));
      await redis.publish(channel, JSON.stringify({ teamId: who.teamId, userId: who.userId, scope })).catch((err) => {
        logger.warn({ err }, 'revocation broadcast failed; other processes still refuse at their next check');
      });
    },
    isRevoked,
    async assertActive(who, service) {
      if (await isRevoked(who, service)) {
        throw new AgentHubError(
          'revoked',
          `Access to ${service} is revoked for this user`,
          `You revoked AgentHub's access to ${NAMES[service]}, so I did nothing. Run \`/agenthub connect\` to sign in again if you want agents back.`,
        );
      }
    },
    async clear(who, scope) {
      if (!scope || scope === 'all') await redis.del(keyOf(who));
      else await redis.hdel(keyOf(who), scope);
      reads.invalidate(keyOf(who));
    },
    async subscribe(onRevoked) {
      const sub = redis.duplicate({ enableOfflineQueue: true });
      sub.on('error', (err) => logger.warn({ err: { message: err.message } }, 'revocation subscriber connection problem'));
      sub.on('message', (_channel, message) => {
        try {
          const m = JSON.parse(message) as { teamId: string; userId: string; scope: RevocationScope };
          onRevoked({ teamId: m.teamId, userId: m.userId }, m.scope);
        } catch (err) {
          logger.warn({ err }, 'unreadable revocation broadcast');
        }
      });
      await sub.subscribe(channel);
      return { close: async () => void sub.disconnect() };
    },
  };
}
