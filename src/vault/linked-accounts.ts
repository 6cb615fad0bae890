import type { Redis } from 'ioredis';
import type { SlackIdentity } from '../identity.js';
import { identityKey } from '../identity.js';
import type { Keys } from '../store/keys.js';
import type { SecretBox } from './secret-box.js';

/** A Slack user's link to their Auth0 account, with the refresh token Token Vault exchanges. */
export interface LinkedAccount {
  auth0Sub: string;
  refreshToken: string;
  linkedAt: string;
}

export interface LinkedAccountStore {
  get(who: SlackIdentity): Promise<LinkedAccount | undefined>;
  /** Whether the person is linked, without opening the sealed refresh token (checked before every token use). */
  has(who: SlackIdentity): Promise<boolean>;
  link(who: SlackIdentity, account: Omit<LinkedAccount, 'linkedAt'>): Promise<void>;
  unlink(who: SlackIdentity): Promise<boolean>;
}

interface StoredLink {
  auth0Sub: string;
  linkedAt: string;
  refreshToken: string; // sealed
}

/**
 * Refresh tokens live only sealed (AES-256-GCM) in Redis; the associated data is the Slack
 * identity, so a record moved to another user's key cannot be opened.
 */
export function createLinkedAccountStore({ redis, keys, box }: { redis: Redis; keys: Keys; box: SecretBox }): LinkedAccountStore {
  const keyOf = (who: SlackIdentity) => keys.key('refresh-token', who.teamId, who.userId);
  return {
    async get(who) {
      const raw = await redis.get(keyOf(who));
      if (!raw) return undefined;
      const stored = JSON.parse(raw) as StoredLink;
      return { auth0Sub: stored.auth0Sub, linkedAt: stored.linkedAt, refreshToken: box.open(stored.refreshToken, identityKey(who)) };
    },
    async has(who) {
      return (await redis.exists(keyOf(who))) === 1;
    },
    async link(who, account) {
      const stored: StoredLink = {
        auth0Sub: account.auth0Sub,
        linkedAt: new Date().toISOString(),
        refreshToken: box.seal(account.refreshToken, identityKey(who)),
      };
      await redis.set(keyOf(who), JSON.stringify(stored));
    },
    async unlink(who) {
      return (await redis.del(keyOf(who))) > 0;
    },
  };
}
