import { mkdir, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { AuditLog } from './audit-log.js';
import { type ChainEntry, isSelfConsistent } from './chain.js';
import { HEX64, STREAM_ID } from './record.js';
import { isAnchorSignatureValid, signAnchor } from './signing.js';
import { verifyStream } from './verify.js';

export { isAnchorSignatureValid, signAnchor };

/**
 * Anchors: signed checkpoints of a workspace's chain, kept outside Redis.
 *
 * A hash chain cannot notice its newest records being cut off: nothing follows them. A checkpoint
 * `(count, head)` written where Redis cannot rewrite it can (Certificate Transparency's signed tree
 * head, without the proofs; reliability.md §4.1). Each checkpoint also vouches for the chain since
 * the one before: it is refused if that segment does not verify, so a checkpoint never launders a
 * truncated or edited chain.
 *
 * Where anchors live is the operator's choice through `AnchorStore`. The file store below is the
 * default; for real protection put the directory where a Redis compromise does not reach (another
 * host, a WORM bucket mount), or implement the interface over a second store or an audit channel.
 */

export interface Anchor {
  teamId: string;
  /** Records ever appended to the workspace's chain: the seq of `head`'s record. */
  count: number;
  /** The hash of record #count. */
  head: string;
  /** The stream id of record #count. */
  id: string;
  at: string;
  /** HMAC-SHA256 (hex) of the other fields, with the audit key. */
  signature: string;
}

/**
 * Where checkpoints are kept. Implementations must only ever add: `append` never rewrites or removes
 * an earlier checkpoint, and `latest` returns the newest one written, unverified (the caller checks
 * the signature, so a store needs no key).
 */
export interface AnchorStore {
  append(anchor: Anchor): Promise<void>;
  latest(teamId: string): Promise<Anchor | undefined>;
  /** Every workspace with a checkpoint: a workspace whose stream vanished entirely is still verified. */
  teams(): Promise<string[]>;
}

export const anchorSchema = z.strictObject({
  teamId: z.string().min(1),
  count: z.number().int().min(1),
  head: z.string().regex(HEX64),
  id: z.string().regex(STREAM_ID),
  at: z.string(),
  signature: z.string(),
});

const SUFFIX = '.anchors.jsonl';
// Team ids become file names: escape everything that could leave the directory or confuse a file system.
const fileName = (teamId: string) => `${encodeURIComponent(teamId).replaceAll('.', '%2E').replaceAll('*', '%2A')}${SUFFIX}`;

/**
 * One append-only JSON-lines file per workspace: `<dir>/<teamId>.anchors.jsonl`. Each checkpoint is
 * one `write` on a file opened with O_APPEND, then fsync'd. `latest` reads the file from its end, so
 * a years-long file costs the same as a new one; a torn last line (a crash mid-write) is skipped.
 */
export function createFileAnchorStore(dir: string): AnchorStore {
  return {
    async append(anchor) {
      const parsed = anchorSchema.parse(anchor);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const file = await open(join(dir, fileName(parsed.teamId)), 'a', 0o600);
      try {
        await file.write(`${JSON.stringify(parsed)}\n`);
        await file.datasync();
      } finally {
        await file.close();
      }
    },

    async latest(teamId) {
      let file: Awaited<ReturnType<typeof open>>;
      try {
        file = await open(join(dir, fileName(teamId)), 'r');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
      try {
        const { size } = await file.stat();
        const chunk = 64 * 1024;
        let end = size;
        let carry = '';
        while (end > 0) {
          const start = Math.max(0, end - chunk);
          const buf = Buffer.alloc(end - start);
          await file.read(buf, 0, buf.length, start);
          const lines = (buf.toString('utf8') + carry).split('\n');
          // The first piece may be the tail of a line that starts in the previous chunk.
          carry = start > 0 ? (lines.shift() ?? '') : '';
          for (let i = lines.length - 1; i >= 0; i--) {
            const line = lines[i]!.trim();
            if (!line) continue;
            try {
              const result = anchorSchema.safeParse(JSON.parse(line));
              if (result.success && result.data.teamId === teamId) return result.data;
            } catch {
              // a torn or foreign line: keep looking further back
            }
          }
          end = start;
        }
        return undefined;
      } finally {
        await file.close();
      }
    },

    async teams() {
      try {
        return (await readdir(dir))
          .filter((f) => f.endsWith(SUFFIX))
          .map((f) => decodeURIComponent(f.slice(0, -SUFFIX.length)))
          .sort();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
    },
  };
}

export interface AuditAnchors {
  /**
   * Verifies the chain since the latest checkpoint (the whole chain if there is none) and writes a
   * signed checkpoint of the current head. Returns undefined for a workspace with no records, the
   * latest checkpoint when nothing was appended since; throws if the chain does not verify.
   */
  checkpoint(teamId: string): Promise<Anchor | undefined>;
  /** Checkpoints every workspace; a failure in one is logged and does not stop the others. */
  checkpointAll(): Promise<{ written: string[]; failed: string[] }>;
  latestAnchor(teamId: string): Promise<Anchor | undefined>;
  /** Checkpoints every `intervalMs` (runs never overlap); `stop()` waits for a run in progress. */
  startCheckpointing(intervalMs: number): { stop(): Promise<void> };
}

export class CheckpointRefusedError extends Error {
  constructor(
    readonly teamId: string,
    message: string,
  ) {
    super(message);
    this.name = 'CheckpointRefusedError';
  }
}

export function createAuditAnchors({
  auditLog,
  store,
  key,
  logger,
  clock = Date.now,
}: {
  auditLog: AuditLog;
  store: AnchorStore;
  /** From `deriveAuditKey(AGENTHUB_ENCRYPTION_KEY)`. */
  key: Buffer;
  logger: Logger;
  clock?: () => number;
}): AuditAnchors {
  const log = logger.child({ component: 'audit-anchor' });

  async function checkpoint(teamId: string): Promise<Anchor | undefined> {
    const head = await auditLog.head(teamId);
    const previous = await store.latest(teamId);
    if (previous && !isAnchorSignatureValid(key, previous))
      throw new CheckpointRefusedError(teamId, `Refusing to checkpoint ${teamId}: its latest checkpoint does not carry a valid signature`);
    if (head.seq === 0 && !previous) return undefined;
    if (previous && previous.count === head.seq && previous.head === head.hash) return previous;
    if (previous && head.seq < previous.count)
      throw new CheckpointRefusedError(
        teamId,
        `Refusing to checkpoint ${teamId}: the stream has fewer records (${head.seq}) than its last checkpoint (${previous.count})`,
      );
    if (previous) {
      // The segment since the last checkpoint must start at the checkpointed record itself, unchanged.
      let anchored: ChainEntry | undefined;
      for await (const page of auditLog.entries(teamId, { from: previous.id, to: previous.id })) anchored = page[0];
      if (!anchored || anchored.seq !== previous.count || anchored.hash !== previous.head || !isSelfConsistent(anchored))
        throw new CheckpointRefusedError(teamId, `Refusing to checkpoint ${teamId}: record #${previous.count}, its last checkpoint, is gone or changed`);
    }
    const verdict = previous
      ? await verifyStream(auditLog, teamId, { from: `(${previous.id}`, to: head.id, key, start: { seq: previous.count, hash: previous.head } })
      : await verifyStream(auditLog, teamId, { to: head.id, key });
    if (!verdict.ok)
      throw new CheckpointRefusedError(
        teamId,
        `Refusing to checkpoint ${teamId}: the chain is broken at record #${verdict.firstBad.seq} (${verdict.firstBad.problem}): ${verdict.firstBad.detail}`,
      );
    const anchor = signAnchor(key, { teamId, count: head.seq, head: head.hash, id: head.id, at: new Date(clock()).toISOString() });
    await store.append(anchor);
    return anchor;
  }

  async function checkpointAll() {
    const written: string[] = [];
    const failed: string[] = [];
    const teams = new Set([...(await auditLog.workspaces()), ...(await store.teams())]);
    for (const teamId of teams) {
      try {
        if (await checkpoint(teamId)) written.push(teamId);
      } catch (err) {
        failed.push(teamId);
        log.error({ teamId, err }, 'audit checkpoint refused or failed');
      }
    }
    return { written, failed };
  }

  return {
    checkpoint,
    checkpointAll,
    latestAnchor: (teamId) => store.latest(teamId),
    startCheckpointing(intervalMs) {
      let running: Promise<unknown> | undefined;
      const timer = setInterval(() => {
        if (running) return;
        running = checkpointAll()
          .catch((err) => log.error({ err }, 'audit checkpointing failed'))
          .finally(() => {
            running = undefined;
          });
      }, intervalMs);
      timer.unref();
      return {
        async stop() {
          clearInterval(timer);
          await running;
        },
      };
    },
  };
}
