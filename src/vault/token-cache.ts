import type { Store } from './auth0-ai.js';

/**
 * In-process cache for Token Vault credentials, handed to @auth0/ai as its `Store`.
 *
 * Kept in memory on purpose: federated access tokens never rest in Redis. Each entry expires a
 * safety margin before the provider says it does, so a token is never used at the edge of its life.
 * The SDK namespaces entries by the context we give it, which we build from (team, user,
 * connection, scopes) — see token-vault.ts — so `forget(prefix)` can drop one user's tokens.
 */
export interface TokenCache extends Store {
  /** Drops every entry whose namespace contains this context id (e.g. one user's prefix). */
  forget(contextPrefix: string): number;
  readonly size: number;
}

export function createTokenCache({ expirySkewMs = 60_000, now = Date.now }: { expirySkewMs?: number; now?: () => number } = {}): TokenCache {
  const entries = new Map<string, { value: unknown; expiresAt: number; namespace: string[] }>();
  const keyOf = (ns: string[], key: string) => JSON.stringify([...ns, key]);
  return {
    async get(ns, key) {
      const k = keyOf(ns, key);
      const entry = entries.get(k);
      if (!entry) return undefined;
      if (entry.expiresAt <= now()) {
        entries.delete(k);
        return undefined;
      }
      return entry.value;
    },
    async put(ns, key, value, options) {
      // Without an expiry from the provider we still refuse to keep a token forever.
      const lifetime = options?.expiresIn ?? 5 * 60_000;
      const ttl = lifetime - expirySkewMs;
      if (ttl <= 0) return;
      entries.set(keyOf(ns, key), { value, expiresAt: now() + ttl, namespace: ns });
    },
    async delete(ns, key) {
      entries.delete(keyOf(ns, key));
    },
    forget(contextPrefix) {
      let dropped = 0;
      for (const [k, entry] of entries) {
        if (entry.namespace.some((part) => part.startsWith(contextPrefix))) {
          entries.delete(k);
          dropped++;
        }
      }
      return dropped;
    },
    get size() {
      return entries.size;
    },
  };
}
