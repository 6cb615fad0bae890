import { describe, expect, it } from 'vitest';
import { createTokenCache } from '../../../src/vault/token-cache.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A namespace shaped like the one @auth0/ai builds: [authorizer id, 'Credentials', 'Threads', <our context id>]. */
const ns = (context: string) => ['5f1c0ffee', 'Credentials', 'Threads', context];
const ALICE_GITHUB = ns('T1:UALICE|github|repo');
const ALICE_GOOGLE = ns('T1:UALICE|google-oauth2|calendar.events');
const BOB_GITHUB = ns('T1:UBOB|github|repo');
const ALICE2_GITHUB = ns('T1:UALICE2|github|repo'); // a user id that starts with Alice's

function clock(start = 1_700_000_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('token cache', () => {
  it('serves a token until the skew margin before the provider says it expires, then not at all', async () => {
    const c = clock();
    const cache = createTokenCache({ expirySkewMs: MINUTE, now: c.now });
    await cache.put(ALICE_GITHUB, 'credentials', { accessToken: 'gho_alice' }, { expiresIn: HOUR });

    c.advance(HOUR - MINUTE - 1);
    expect(await cache.get(ALICE_GITHUB, 'credentials')).toEqual({ accessToken: 'gho_alice' });
    c.advance(1);
    expect(await cache.get(ALICE_GITHUB, 'credentials')).toBeUndefined();
  });

  it('drops an expired entry instead of keeping it around', async () => {
    const c = clock();
    const cache = createTokenCache({ expirySkewMs: MINUTE, now: c.now });
    await cache.put(ALICE_GITHUB, 'credentials', 'gho_alice', { expiresIn: 2 * MINUTE });
    c.advance(MINUTE);
    await cache.get(ALICE_GITHUB, 'credentials');
    expect(cache.size).toBe(0);
  });

  it.each([
    ['shorter than', 30_000],
    ['equal to', MINUTE],
  ])('does not cache a token whose lifetime is %s the skew margin', async (_what, expiresIn) => {
    const c = clock();
    const cache = createTokenCache({ expirySkewMs: MINUTE, now: c.now });
    await cache.put(ALICE_GITHUB, 'credentials', 'gho_short_lived', { expiresIn });
    expect(cache.size).toBe(0);
    expect(await cache.get(ALICE_GITHUB, 'credentials')).toBeUndefined();
  });

  it('keeps a token the provider gave no expiry for at most five minutes, never forever', async () => {
    const c = clock();
    const cache = createTokenCache({ expirySkewMs: MINUTE, now: c.now });
    await cache.put(ALICE_GITHUB, 'credentials', 'gho_no_expiry');
    c.advance(MINUTE);
    expect(await cache.get(ALICE_GITHUB, 'credentials')).toBe('gho_no_expiry');
    c.advance(4 * MINUTE);
    expect(await cache.get(ALICE_GITHUB, 'credentials')).toBeUndefined();
  });

  it("never returns one user's token under another user's namespace", async () => {
    const cache = createTokenCache({ expirySkewMs: MINUTE, now: clock().now });
    await cache.put(ALICE_GITHUB, 'credentials', 'gho_alice', { expiresIn: HOUR });
    expect(await cache.get(BOB_GITHUB, 'credentials')).toBeUndefined();
    expect(await cache.get(ALICE_GITHUB, 'credentials')).toBe('gho_alice');
  });

  it("forget(prefix) drops every token of that user and none of anyone else's", async () => {
    const cache = createTokenCache({ expirySkewMs: MINUTE, now: clock().now });
    await cache.put(ALICE_GITHUB, 'credentials', 'gho_alice', { expiresIn: HOUR });
    await cache.put(ALICE_GOOGLE, 'credentials', 'ya29.alice', { expiresIn: HOUR });
    await cache.put(BOB_GITHUB, 'credentials', 'gho_bob', { expiresIn: HOUR });
    await cache.put(ALICE2_GITHUB, 'credentials', 'gho_alice2', { expiresIn: HOUR });

    expect(cache.forget('T1:UALICE|')).toBe(2);

    expect(await cache.get(ALICE_GITHUB, 'credentials')).toBeUndefined();
    expect(await cache.get(ALICE_GOOGLE, 'credentials')).toBeUndefined();
    expect(await cache.get(BOB_GITHUB, 'credentials')).toBe('gho_bob');
    expect(await cache.get(ALICE2_GITHUB, 'credentials')).toBe('gho_alice2');
    expect(cache.size).toBe(2);
  });

  it('delete removes exactly one entry', async () => {
    const cache = createTokenCache({ expirySkewMs: MINUTE, now: clock().now });
    await cache.put(ALICE_GITHUB, 'credentials', 'gho_alice', { expiresIn: HOUR });
    await cache.put(ALICE_GITHUB, 'other', 'kept', { expiresIn: HOUR });
    await cache.delete(ALICE_GITHUB, 'credentials');
    expect(await cache.get(ALICE_GITHUB, 'credentials')).toBeUndefined();
    expect(await cache.get(ALICE_GITHUB, 'other')).toBe('kept');
  });

  it('uses a one-minute skew by default', async () => {
    const c = clock();
    const cache = createTokenCache({ now: c.now });
    await cache.put(ALICE_GITHUB, 'credentials', 'gho_alice', { expiresIn: 2 * MINUTE });
    c.advance(MINUTE - 1);
    expect(await cache.get(ALICE_GITHUB, 'credentials')).toBe('gho_alice');
    c.advance(1);
    expect(await cache.get(ALICE_GITHUB, 'credentials')).toBeUndefined();
  });
});
