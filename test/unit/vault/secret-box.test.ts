import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from '../../../src/vault/secret-box.js';
import { expectSecretAbsent } from '../../support/canary.js';

const REFRESH_TOKEN = 'v1.MRrefresh-token-of-alice-0123456789abcdef';
const ALICE = 'T0001:UALICE';
const BOB = 'T0001:UBOB';

/** Flips one bit of one base64url part of a sealed value (0 = version, 1 = iv, 2 = tag, 3 = ciphertext). */
function tamper(sealed: string, partIndex: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[partIndex]!, 'base64url');
  bytes[0] = bytes[0]! ^ 0x01;
  parts[partIndex] = bytes.toString('base64url');
  return parts.join('.');
}

describe('secret box (refresh tokens at rest)', () => {
  const box = createSecretBox(randomBytes(32));

  it('opens what it sealed, for the same record', () => {
    expect(box.open(box.seal(REFRESH_TOKEN, ALICE), ALICE)).toBe(REFRESH_TOKEN);
  });

  it('round-trips non-ASCII and empty values unchanged', () => {
    for (const value of ['', 'ключ-🔑-clé', 'x'.repeat(10_000)]) expect(box.open(box.seal(value, ALICE), ALICE)).toBe(value);
  });

  it('produces a different ciphertext each time the same value is sealed (fresh IV)', () => {
    const first = box.seal(REFRESH_TOKEN, ALICE);
    const second = box.seal(REFRESH_TOKEN, ALICE);
    expect(first).not.toBe(second);
    expect(first.split('.')[1]).not.toBe(second.split('.')[1]);
  });

  it('never stores the plaintext, in clear or in any common encoding', () => {
    const sealed = box.seal(REFRESH_TOKEN, ALICE);
    expect(sealed.startsWith('v1.')).toBe(true);
    expectSecretAbsent(REFRESH_TOKEN, { sealed });
  });

  it("refuses to open Alice's sealed token when it is copied under Bob's record", () => {
    const sealed = box.seal(REFRESH_TOKEN, ALICE);
    expect(() => box.open(sealed, BOB)).toThrow();
  });

  it.each([
    ['the ciphertext', 3],
    ['the authentication tag', 2],
    ['the IV', 1],
  ])('refuses a sealed value whose %s was altered', (_what, part) => {
    const sealed = box.seal(REFRESH_TOKEN, ALICE);
    expect(() => box.open(tamper(sealed, part), ALICE)).toThrow();
  });

  it('refuses a sealed value with ciphertext bytes cut off', () => {
    const sealed = box.seal(REFRESH_TOKEN, ALICE);
    expect(() => box.open(sealed.slice(0, -4), ALICE)).toThrow();
  });

  it('refuses a value sealed with a different key', () => {
    const other = createSecretBox(randomBytes(32));
    expect(() => box.open(other.seal(REFRESH_TOKEN, ALICE), ALICE)).toThrow();
  });

  it.each(['', 'not-sealed', 'v2.a.b.c', REFRESH_TOKEN])('refuses a value that is not in the sealed format: %j', (value) => {
    expect(() => box.open(value, ALICE)).toThrow();
  });

  it('refuses a key that is not 32 bytes rather than silently using a weaker cipher', () => {
    expect(() => createSecretBox(randomBytes(16))).toThrow(/32 bytes/);
    expect(() => createSecretBox(Buffer.alloc(0))).toThrow(/32 bytes/);
  });
});
