import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Keys } from '../store/keys.js';
import { randomToken } from './pkce.js';

/**
 * Server-side state of browser hops (sign-in, connect, step-up): what the bot needs when Auth0
 * sends the browser back to the callback. The `state` parameter is the only handle the browser
 * carries; everything else (who asked, PKCE verifier, nonce) stays in Redis, so no cookie is needed.
 *
 * A state is single-use: `consume` takes it with GETDEL, so a replayed callback URL (browser
 * history, a second tab, a leaked Referer) finds nothing, and no second code exchange happens.
 * Redis keys hold a SHA-256 of the state, never the state itself, so a key listing gives nothing usable.
 */

export type HopKind = 'step_up' | 'sign_in' | 'connect';

export const HOP_KINDS: readonly HopKind[] = ['step_up', 'sign_in', 'connect'];

export interface BrowserHop<P = unknown> {
  kind: HopKind;
  payload: P;
}

export interface HopStore {
  /** Stores `payload` under a fresh state (32 random bytes, base64url) for `ttlSeconds` and returns the state. */
  create(kind: HopKind, payload: unknown, ttlSeconds?: number): Promise<string>;
  /** Takes the hop out atomically: the first call gets it, every later call (or an unknown state) gets `undefined`. */
  consume(state: string): Promise<BrowserHop | undefined>;
}

export const DEFAULT_HOP_TTL_SECONDS = 600;

/** What `randomToken(32)` produces; anything else cannot be a state of ours and is not looked up. */
const STATE_SHAPE = /^[A-Za-z0-9_-]{43}$/;

interface StoredHop {
  kind: HopKind;
  payload: unknown;
}

/** The Redis id of a bearer value (state, link token): its SHA-256, so keys never hold the value itself. */
export function digestId(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

export function createHopStore({ redis, keys }: { redis: Redis; keys: Keys }): HopStore {
  const keyOf = (state: string) => keys.key('browser-hop', digestId(state));
  return {
    async create(kind, payload, ttlSeconds = DEFAULT_HOP_TTL_SECONDS) {
      if (!HOP_KINDS.includes(kind)) throw new TypeError(`Unknown browser hop kind: ${String(kind)}`);
      if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new RangeError('A browser hop needs a positive whole number of seconds to live');
      const state = randomToken(32);
      const stored: StoredHop = { kind, payload };
      // NX: a collision of 256 random bits will not happen, but if it ever did, it must not overwrite.
      const ok = await redis.set(keyOf(state), JSON.stringify(stored), 'EX', ttlSeconds, 'NX');
      if (ok !== 'OK') throw new Error('Could not store the browser hop');
      return state;
    },
    async consume(state) {
      if (typeof state !== 'string' || !STATE_SHAPE.test(state)) return undefined;
      const raw = await redis.getdel(keyOf(state));
      if (!raw) return undefined;
      try {
        const stored = JSON.parse(raw) as Partial<StoredHop>;
        if (!stored || typeof stored !== 'object' || !HOP_KINDS.includes(stored.kind as HopKind)) return undefined;
        return { kind: stored.kind as HopKind, payload: stored.payload };
      } catch {
        return undefined;
      }
    },
  };
}
