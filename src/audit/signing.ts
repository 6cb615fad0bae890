import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Anchor } from './anchor.js';
import { canonicalJson } from './chain.js';

/**
 * HMAC signatures for what vouches for the chain from outside it: anchors (checkpoints) and
 * retention markers. The key is derived from AGENTHUB_ENCRYPTION_KEY, which Redis never sees, so
 * whoever can write to Redis can delete records but cannot sign a checkpoint or a marker that
 * would explain the deletion away.
 */

export const AUDIT_KEY_INFO = 'agenthub-audit-anchor';

/** HKDF-SHA256 (no salt, info "agenthub-audit-anchor") of the 32-byte encryption key. */
export function deriveAuditKey(encryptionKey: Buffer): Buffer {
  if (encryptionKey.length < 32) throw new Error('The audit key must be derived from a 32-byte key');
  return Buffer.from(hkdfSync('sha256', encryptionKey, Buffer.alloc(0), AUDIT_KEY_INFO, 32));
}

/** What is signed; the purpose is part of the signed text so an anchor signature never passes as a marker's. */
export type SignedPurpose = 'anchor' | 'retention';

export function sign(key: Buffer, purpose: SignedPurpose, payload: Record<string, unknown>): string {
  return createHmac('sha256', key)
    .update(canonicalJson({ ...payload, purpose }))
    .digest('hex');
}

export function isSignatureValid(key: Buffer, purpose: SignedPurpose, payload: Record<string, unknown>, signature: unknown): boolean {
  if (typeof signature !== 'string' || !/^[0-9a-f]{64}$/.test(signature)) return false;
  return timingSafeEqual(Buffer.from(sign(key, purpose, payload), 'hex'), Buffer.from(signature, 'hex'));
}

/** The fields of a retention statement that are signed, bound to the workspace. */
function retentionPayload(teamId: string, st: { firstSeq: number; lastSeq: number; lastHash: string; lastId: string }) {
  return { teamId, firstSeq: st.firstSeq, lastSeq: st.lastSeq, lastHash: st.lastHash, lastId: st.lastId };
}

export function signRetention(key: Buffer, teamId: string, st: { firstSeq: number; lastSeq: number; lastHash: string; lastId: string }): string {
  return sign(key, 'retention', retentionPayload(teamId, st));
}

export function isRetentionSignatureValid(
  key: Buffer,
  teamId: string,
  st: { firstSeq: number; lastSeq: number; lastHash: string; lastId: string; signature: string },
): boolean {
  return isSignatureValid(key, 'retention', retentionPayload(teamId, st), st.signature);
}

const anchorFields = (a: Omit<Anchor, 'signature'>) => ({ teamId: a.teamId, count: a.count, head: a.head, id: a.id, at: a.at });

export function signAnchor(key: Buffer, anchor: Omit<Anchor, 'signature'>): Anchor {
  const fields = anchorFields(anchor);
  return { ...fields, signature: sign(key, 'anchor', fields) };
}

export function isAnchorSignatureValid(key: Buffer, anchor: Anchor): boolean {
  return isSignatureValid(key, 'anchor', anchorFields(anchor), anchor.signature);
}
