import type { Anchor, AnchorStore, AuditAnchors } from './anchor.js';
import type { AuditLog } from './audit-log.js';
import { type ChainBreak, type ChainVerdict, type ChainVerifyOptions, createChainVerifier } from './chain.js';
import { isAnchorSignatureValid, isRetentionSignatureValid } from './signing.js';

export type VerifyProblem = ChainBreak['problem'] | 'bad_anchor';

export interface WorkspaceVerdict {
  teamId: string;
  ok: boolean;
  /** Entries read. */
  count: number;
  /** The newest record (when intact). */
  head?: { seq: number; hash: string; id: string };
  /** The first record of the stream (after retention trims, not #1). */
  firstSeq?: number;
  firstBad?: { seq: number; id: string; problem: VerifyProblem; detail: string };
  /** The checkpoint the stream was compared with. */
  anchor?: Anchor;
  /** Whether anchor and retention-marker signatures were checked (needs the key). */
  signaturesChecked: boolean;
  elapsedMs: number;
}

/** Where the latest checkpoint comes from: an anchor store, or the anchors service over one. */
export type AnchorSource = Pick<AnchorStore, 'latest'> | Pick<AuditAnchors, 'latestAnchor'>;

/** Streams one workspace's entries (pages of `pageSize`) through a chain verifier. */
export async function verifyStream(
  auditLog: AuditLog,
  teamId: string,
  options: ChainVerifyOptions & { from?: string; to?: string; pageSize?: number; key?: Buffer } = {},
): Promise<ChainVerdict> {
  const { from, to, pageSize = 1000, key, ...chainOptions } = options;
  const verifier = createChainVerifier({
    ...chainOptions,
    isMarkerValid: chainOptions.isMarkerValid ?? (key ? (_record, statement) => isRetentionSignatureValid(key, teamId, statement) : undefined),
  });
  for await (const page of auditLog.entries(teamId, { from, to, pageSize })) for (const entry of page) verifier.push(entry);
  return verifier.finish();
}

/**
 * Verifies a workspace's whole chain against its latest anchor, page by page (XRANGE COUNT 1000),
 * in constant memory. With the key, the anchor's and every retention marker's signature are
 * checked too; without it they are checked for shape only, and the verdict says so.
 */
export async function verifyWorkspace(auditLog: AuditLog, anchors: AnchorSource | undefined, teamId: string, key?: Buffer): Promise<WorkspaceVerdict> {
  const started = performance.now();
  const signaturesChecked = key !== undefined;
  const anchor = anchors === undefined ? undefined : 'latest' in anchors ? await anchors.latest(teamId) : await anchors.latestAnchor(teamId);
  const done = (v: Omit<WorkspaceVerdict, 'teamId' | 'signaturesChecked' | 'elapsedMs' | 'anchor'>): WorkspaceVerdict => ({
    teamId,
    ...v,
    ...(anchor ? { anchor } : {}),
    signaturesChecked,
    elapsedMs: performance.now() - started,
  });
  if (anchor && key && !isAnchorSignatureValid(key, anchor))
    return done({
      ok: false,
      count: 0,
      firstBad: { seq: anchor.count, id: anchor.id, problem: 'bad_anchor', detail: `the latest checkpoint (${anchor.at}) does not carry a valid signature` },
    });
  const verdict = await verifyStream(auditLog, teamId, { key, ...(anchor ? { expectedHead: { count: anchor.count, hash: anchor.head } } : {}) });
  if (!verdict.ok) return done({ ok: false, count: verdict.count, firstBad: verdict.firstBad });
  return done({ ok: true, count: verdict.count, head: { seq: verdict.headSeq, hash: verdict.head, id: verdict.headId }, firstSeq: verdict.firstSeq });
}
