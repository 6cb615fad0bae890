import { createHash, randomBytes } from 'node:crypto';

/**
 * PKCE (RFC 7636, S256 only) and the other unguessable values of a browser hop.
 *
 * Every value is base64url without padding, so it travels in a URL or a form unescaped.
 */

/** `n` random bytes, base64url (32 bytes → 43 characters, 256 bits). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** The S256 code challenge of a verifier: `BASE64URL(SHA256(ASCII(verifier)))` (RFC 7636 §4.2). */
export function codeChallengeS256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export interface Pkce {
  /** Kept server-side; sent only in the code exchange. 43 characters of [A-Za-z0-9_-]. */
  verifier: string;
  /** Sent to /authorize. */
  challenge: string;
  method: 'S256';
}

/** A fresh verifier (32 random bytes, the RFC's recommendation) and its S256 challenge. */
export function createPkce(): Pkce {
  const verifier = randomToken(32);
  return { verifier, challenge: codeChallengeS256(verifier), method: 'S256' };
}

/** An OIDC `nonce`: binds the id_token to the browser hop that asked for it. */
export function createNonce(): string {
  return randomToken(32);
}
