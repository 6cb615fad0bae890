import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { AnchorStore, AuditAnchors } from './anchor.js';
import { type AuditLog, nextStreamId } from './audit-log.js';
import type { ChainEntry } from './chain.js';
import type { AuditRecord } from './record.js';
import { signRetention } from './signing.js';
import { verifyWorkspace } from './verify.js';

/**
 * Retention: the only code that removes audit records, and it never does so silently.
 *
 * `trim` (1) verifies the whole chain and refuses if it is broken (it would destroy the evidence),
 * (2) writes a checkpoint, (3) appends a `retention_marker` record stating the removed range and the
 * hash of the last removed record, signed with the audit key, then (4) removes the range with
 * `XTRIM MINID`. Verification then accepts a stream that starts at #k only if a validly signed
 * marker says records up to #k-1 were removed and names the hash #k points back to.
 *
 * Export the range first if it must be kept (`npm run audit -- export`). The newest record before
 * the marker is always kept: it is what the checkpoint taken in step 2 points at.
 */

export type TrimRequest = { keepDays: number } | { beforeSeq: number };

export interface TrimResult {
  removed?: { firstSeq: number; lastSeq: number; count: number };
  marker?: AuditRecord;
}

export interface AuditRetention {
  trim(teamId: string, request: TrimRequest): Promise<TrimResult>;
}

export class RetentionRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetentionRefusedError';
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function createAuditRetention({
  redis,
  auditLog,
  anchors,
  anchorStore,
  key,
  logger,
  clock = Date.now,
}: {
  redis: Redis;
  auditLog: AuditLog;
  anchors: AuditAnchors;
  anchorStore: AnchorStore;
  key: Buffer;
  logger: Logger;
  clock?: () => number;
}): AuditRetention {
  const log = logger.child({ component: 'audit-retention' });

  /** The newest entry whose seq is at most `maxSeq` and whose id is below `beforeId`. */
  async function lastEntryUpTo(teamId: string, maxSeq: number, beforeId: string): Promise<ChainEntry | undefined> {
    let found: ChainEntry | undefined;
    for await (const page of auditLog.entries(teamId, { to: `(${beforeId}` })) {
      for (const entry of page) {
        if (entry.seq > maxSeq) return found;
        found = entry;
      }
    }
    return found;
  }

  return {
    async trim(teamId, request) {
      const verdict = await verifyWorkspace(auditLog, anchorStore, teamId, key);
      if (!verdict.ok)
        throw new RetentionRefusedError(
          `Refusing to trim ${teamId}: its chain is broken at record #${verdict.firstBad?.seq} (${verdict.firstBad?.problem}); investigate before removing anything`,
        );
      const anchor = await anchors.checkpoint(teamId);
      if (!anchor) return {};
      const [first] = await auditLog.read(teamId, { count: 1 });
      if (!first) return {};
      // Keep the checkpointed record (the newest one before the marker).
      let maxSeq = anchor.count - 1;
      let beforeId = anchor.id;
      if ('beforeSeq' in request) maxSeq = Math.min(maxSeq, request.beforeSeq - 1);
      else {
        const cutoff = Math.floor(clock() - request.keepDays * DAY_MS);
        // Stream ids are never earlier than a record's time, so ids below the cutoff are records older than it.
        if (cutoff < Number(anchor.id.split('-')[0])) beforeId = `${cutoff}-0`;
      }
      const last = await lastEntryUpTo(teamId, maxSeq, beforeId);
      if (!last || last.seq < first.seq) return {};

      const statement = { firstSeq: first.seq, lastSeq: last.seq, lastHash: last.hash, lastId: last.id };
      const why = 'beforeSeq' in request ? `before #${request.beforeSeq}` : `older than ${request.keepDays} days`;
      const marker = await auditLog.appendRetentionMarker(
        teamId,
        { ...statement, signature: signRetention(key, teamId, statement) },
        `removed audit records #${first.seq}–#${last.seq} (${why})`,
      );
      // MINID removes every entry whose id is below the threshold: exactly the entries up to `last`.
      const removed = Number(await redis.xtrim(auditLog.streamKey(teamId), 'MINID', nextStreamId(last.id, 0)));
      const expected = last.seq - first.seq + 1;
      if (removed !== expected) log.warn({ teamId, removed, expected }, 'audit trim removed a different number of entries than the marker states');
      log.info({ teamId, firstSeq: first.seq, lastSeq: last.seq, removed }, 'audit records removed under retention');
      await anchors.checkpoint(teamId);
      return { removed: { firstSeq: first.seq, lastSeq: last.seq, count: removed }, marker };
    },
  };
}
