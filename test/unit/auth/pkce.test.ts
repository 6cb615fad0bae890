import { describe, expect, it } from 'vitest';
import { codeChallengeS256, createNonce, createPkce, randomToken } from '../../../src/auth/pkce.js';

describe('PKCE (RFC 7636)', () => {
  it('computes the S256 challenge of the RFC 7636 appendix B example', () => {
    expect(codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes a 43-character verifier in the unreserved alphabet, with its own challenge', () => {
    const pkce = createPkce();
    expect(pkce.method).toBe('S256');
    expect(pkce.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(pkce.challenge).toBe(codeChallengeS256(pkce.verifier));
    expect(createPkce().verifier).not.toBe(pkce.verifier);
  });

  it('makes unguessable nonces and tokens (32 random bytes, base64url)', () => {
    const seen = new Set(Array.from({ length: 100 }, () => createNonce()));
    expect(seen.size).toBe(100);
    for (const v of seen) expect(v).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken(16)).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
