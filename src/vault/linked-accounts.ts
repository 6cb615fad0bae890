import type { Redis } from 'ioredis';
import type { SlackIdentity } from '../identity.js';
import { identityKey } from '../identity.js';
import type { Keys } from '../store/keys.js';
import type { TrackedReads } from '../store/tracked-reads.js';
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
export function createLinkedAccountStore({ redis, keys, box, reads }: { redis: Redis; keys: Keys; box: SecretBox; reads: TrackedReads }): LinkedAccountStore {
  const keyOf = (who: SlackIdentity) => keys.key('refresh-token', who.teamId, who.userId);
  return {
    async get(who) {
      const raw = await redis.get(keyOf(who));
      if (!raw) return undefined;
      const stored = JSON.parse(raw) as StoredLink;
      return { auth0Sub: stored.auth0Sub, linkedAt: stored.linkedAt, refreshToken: box.open(stored.refreshToken, identityKey(who)) };
    },
    async has(who) {
      // A tracked read (store/tracked-reads.ts): memory answers only while Redis would report a change.
      const key = keyOf(who);
      return (await reads.read(key, (r) => r.exists(key))) === 1;
    },
    async link(who, account) {
      const stored: StoredLink = {
        auth0Sub: account.auth0Sub,
        linkedAt: new Date().toISOString(),
        refreshToken: box.seal(account.refreshToken, identityKey(who)),
      };
      await redis.set(keyOf(who), JSON.stringify(stored));
      reads.invalidate(keyOf(who));
    },
    async unlink(who) {
      const removed = (await redis.del(keyOf(who))) > 0;
      reads.invalidate(keyOf(who));
      return removed;
    },
  };
}
