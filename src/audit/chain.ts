import { createHash } from 'node:crypto';
import { type ChainedRecord, HEX64, type RetentionStatement, retentionStatementSchema } from './record.js';

/**
 * The hash chain that makes the audit trail tamper-evident.
 *
 *   hash_i = sha256(hash_{i-1} + "\n" + canonicalJson(record_i))      (hex; hash_0 = 64 zeros)
 *
 * `record_i` is the record without its `hash` and `prev`, and includes its stream id and `seq`, so
 * an entry moved, re-added or renumbered no longer matches its own hash. The chain proves order
 * and integrity of what is there; it cannot see the newest records cut off (nothing follows them),
 * which is what anchors (checkpoints kept outside Redis) are for (reliability.md §4.3).
 *
 * Everything here is pure and frozen: changing how a record is serialised would break every chain
 * already written, so this module depends on nothing that might change under it.
 */

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted (by UTF-16 code units) and `undefined` members left out. */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonicalJson: numbers must be finite');
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
      const obj = value as Record<string, unknown>;
      const parts: string[] = [];
      for (const key of Object.keys(obj).sort()) {
        const v = obj[key];
        if (v !== undefined) parts.push(`${JSON.stringify(key)}:${canonicalJson(v)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: cannot serialise a ${typeof value}`);
  }
}

/** The record as hashed and stored: canonical JSON without the chain fields `hash` and `prev`. */
export function canonicalRecord(record: object): string {
  const { hash: _hash, prev: _prev, ...rest } = record as Record<string, unknown>;
  return canonicalJson(rest);
}

export function hashLink(prev: string, canonical: string): string {
  return createHash('sha256').update(`${prev}\n${canonical}`).digest('hex');
}

/** `sha256(prev + "\n" + canonical(record without hash/prev))`, hex. */
export function computeHash(prev: string, record: object): string {
  return hashLink(prev, canonicalRecord(record));
}

/**
 * One stored entry as the verifier sees it. `id` and `seq` come from where the entry sits (its
 * stream id and `seq` field), `record` is what its JSON says; they must agree for the hash to.
 * `record` is undefined when the stored JSON could not be read.
 */
export interface ChainEntry {
  id: string;
  seq: number;
  prev: string;
  hash: string;
  record: Record<string, unknown> | undefined;
  /**
   * The stored record text, when read from Redis. It is the canonical JSON that was hashed, so it
   * is hashed as stored (no need to re-serialise); text that is not canonical then fails, as any
   * change to what was stored should.
   */
  canonical?: string;
}

export type ChainProblem = 'edited' | 'missing' | 'inserted' | 'reordered' | 'truncated' | 'bad_marker';

export interface ChainBreak {
  /** The sequence number concerned (for `missing` and `truncated`: the first record that is gone). */
  seq: number;
  /** The stream id of the bad entry; for `missing`: the entry found after the gap; for `truncated`: the last entry left ('' if none). */
  id: string;
  problem: ChainProblem;
  /** One sentence for people. */
  detail: string;
}

export type ChainVerdict =
  | { ok: true; count: number; head: string; headSeq: number; headId: string; firstSeq: number }
  | { ok: false; count: number; firstBad: ChainBreak };

export interface ChainVerifyOptions {
  /** The latest anchor: `count` records had been appended and the last one hashed to `hash`. */
  expectedHead?: { count: number; hash: string };
  /** Checks a retention marker's signature; without it markers are only checked for shape. */
  isMarkerValid?: (record: Record<string, unknown>, statement: RetentionStatement) => boolean;
  /** Verify a segment: the first entry must follow this (seq, hash) rather than the genesis. */
  start?: { seq: number; hash: string };
}

export interface ChainVerifier {
  push(entry: ChainEntry): void;
  finish(): ChainVerdict;
}

interface Seen {
  id: string;
  seq: number;
  prev: string;
  hash: string;
  /** Self-consistent: readable, its id/seq agree with its place, and its hash matches its content. */
  sc: boolean;
  /** Intact but out of its place: the content matches the hash, but names another stream id or seq (re-added or moved). */
  moved: boolean;
  record: Record<string, unknown> | undefined;
}

/** Whether an entry is readable, its id and seq agree with its record, and its hash matches its content. */
export function isSelfConsistent(entry: ChainEntry): boolean {
  const r = entry.record;
  return (
    r !== undefined &&
    r.id === entry.id &&
    r.seq === entry.seq &&
    HEX64.test(entry.prev) &&
    HEX64.test(entry.hash) &&
    (() => {
      try {
        return (entry.canonical !== undefined ? hashLink(entry.prev, entry.canonical) : computeHash(entry.prev, r)) === entry.hash;
      } catch {
        return false;
      }
    })()
  );
}

function evaluate(entry: ChainEntry): Seen {
  const sc = isSelfConsistent(entry);
  const r = entry.record;
  const moved =
    !sc &&
    r !== undefined &&
    (r.id !== entry.id || r.seq !== entry.seq) &&
    typeof r.id === 'string' &&
    Number.isSafeInteger(r.seq) &&
    isSelfConsistent({ ...entry, id: r.id, seq: r.seq as number });
  // A moved record is placed by what it says it is: the seq it was written with.
  return { id: entry.id, seq: moved ? (r!.seq as number) : entry.seq, prev: entry.prev, hash: entry.hash, sc, moved, record: r };
}

const n = (seq: number) => (Number.isSafeInteger(seq) ? `#${seq}` : 'an entry');

/**
 * A streaming verifier: push entries in stream order, then `finish()`. Memory stays constant, so a
 * stream of any length can be checked page by page.
 *
 * Up to the first anomaly it simply follows the chain. At the first anomaly it keeps reading the
 * rest of the stream for a few facts (does that sequence number come again later? does the gap get
 * filled further on? does the entry's true predecessor appear later?) and uses them to say what
 * happened: an edited record, a missing one, an insertion, a reordering, or a truncated tail.
 * Where the evidence cannot tell two stories apart (a broken entry at the very end, a fork of two
 * well-formed records with nothing after them) the anchor decides if it covers that record;
 * otherwise the verdict names the later entry in stream order.
 */
export function createChainVerifier(options: ChainVerifyOptions = {}): ChainVerifier {
  const anchor = options.expectedHead;
  let count = 0;
  let s = options.start?.seq ?? 0;
  let h = options.start?.hash ?? GENESIS_HASH;
  let started = options.start !== undefined;
  let buffered: Seen | undefined;
  let last: Seen | undefined;
  let firstSeq = s + 1;
  let anchorSeen: Seen | undefined;
  // A stream that does not begin at #1 must be explained by a signed retention marker.
  let pendingStart: { seq: number; prev: string; id: string } | undefined;
  let highestMarkerBelowStart = 0;
  let badMarker: ChainBreak | undefined;

  let anomaly: { e: Seen; s: number; h: string; g: Seen | undefined } | undefined;
  const diag: { n?: Seen; dupLater: boolean; gapEntry?: Seen; predOfE: boolean } = { dupLater: false, predOfE: false };

  /** Returns false when a well-formed chain entry is a marker whose statement or signature fails. */
  function considerMarker(e: Seen): boolean {
    if (!e.sc || e.record?.kind !== 'retention_marker') return true;
    const parsed = retentionStatementSchema.safeParse(e.record.retention);
    const valid =
      parsed.success &&
      parsed.data.firstSeq <= parsed.data.lastSeq &&
      parsed.data.lastSeq < e.seq &&
      (options.isMarkerValid ? options.isMarkerValid(e.record, parsed.data) : true);
    if (!valid || !parsed.success) return false;
    const st = parsed.data;
    if (pendingStart) {
      if (st.lastSeq === pendingStart.seq - 1 && st.lastHash === pendingStart.prev) pendingStart = undefined;
      else if (st.lastSeq < pendingStart.seq) highestMarkerBelowStart = Math.max(highestMarkerBelowStart, st.lastSeq);
    }
    return true;
  }

  function accept(e: Seen) {
    s = e.seq;
    h = e.hash;
    last = e;
    if (anchor && e.seq === anchor.count) anchorSeen = e;
  }

  function process(e: Seen) {
    if (anomaly || badMarker) {
      if (anomaly) {
        const a = anomaly.e;
        diag.n ??= e;
        if (e.seq === a.seq) diag.dupLater = true;
        if (!diag.gapEntry && e.seq >= anomaly.s + 1 && e.seq <= a.seq - 1) diag.gapEntry = e;
        if (e.sc && e.seq === a.seq - 1 && e.hash === a.prev) diag.predOfE = true;
      }
      if (pendingStart) considerMarker(e);
      return;
    }
    if (e.sc && e.seq === s + 1 && e.prev === h) {
      if (!considerMarker(e)) {
        badMarker = {
          seq: e.seq,
          id: e.id,
          problem: 'bad_marker',
          detail: `retention marker ${n(e.seq)} has a bad statement or signature, so the records it claims to have removed are unaccounted for`,
        };
        return;
      }
      accept(e);
      return;
    }
    anomaly = { e, s, h, g: last };
  }

  /** The first entry waits for the second: it decides whether the stream starts after a retention trim. */
  function start(first: Seen, second: Seen | undefined) {
    started = true;
    // A well-formed second entry with a lower seq means the first is out of place, not the start of a trimmed stream.
    const firstOutOfPlace = second?.sc === true && second.seq < first.seq;
    if (first.sc && first.seq > 1 && !firstOutOfPlace) {
      s = first.seq - 1;
      h = first.prev;
      firstSeq = first.seq;
      pendingStart = { seq: first.seq, prev: first.prev, id: first.id };
    }
    process(first);
  }

  function classify(): ChainBreak {
    const { e, s: s0, h: h0, g } = anomaly!;
    const next = diag.n;
    const nextLinksGood = next?.sc === true && next.seq === s0 + 1 && next.prev === h0;
    const at = (x: Seen, problem: ChainProblem, detail: string, seq = x.seq): ChainBreak => ({ seq, id: x.id, problem, detail });
    const inserted = (x: Seen) => at(x, 'inserted', `an entry claiming to be ${n(x.seq)} was inserted; it is not part of the chain`);
    const edited = (x: Seen, seq: number) => at(x, 'edited', `record ${n(seq)} was changed after it was written`, seq);

    const reordered = (x: Seen, detail = `${n(x.seq)} appears before ${n(s0 + 1)}: records are out of order`) => at(x, 'reordered', detail);
    if (e.moved) {
      if (e.seq <= s0 || diag.dupLater) return inserted(e);
      return reordered(e, `record ${n(e.seq)} is intact but out of its place (re-added under another entry id)`);
    }
    if (!e.sc) {
      if (nextLinksGood) return inserted(e);
      if (!next && e.prev !== h0 && e.seq !== s0 + 1) return inserted(e);
      const seq = next && next.prev === e.hash && Number.isSafeInteger(next.seq) ? next.seq - 1 : s0 + 1;
      return edited(e, seq);
    }
    if (e.seq === s0 + 1) {
      if (nextLinksGood || diag.dupLater) return inserted(e);
      if (!g) return edited(e, e.seq);
      if (!next && anchor?.count === g.seq && anchor.hash === g.hash) return inserted(e);
      return edited(g, g.seq);
    }
    if (e.seq > s0 + 1) {
      if (diag.dupLater) return inserted(e);
      if (nextLinksGood) {
        if ((e.prev === next.hash && e.seq === next.seq + 1) || diag.predOfE) return reordered(e);
        return inserted(e);
      }
      if (diag.gapEntry) {
        if (diag.gapEntry.sc) return reordered(e);
        if (diag.gapEntry.moved) return reordered(diag.gapEntry, `record ${n(diag.gapEntry.seq)} was removed from its place and re-added later, unchanged`);
        return at(diag.gapEntry, 'edited', `record ${n(diag.gapEntry.seq)} was removed from its place and a changed copy added later`, diag.gapEntry.seq);
      }
      const range = e.seq - 1 > s0 + 1 ? `records #${s0 + 1}–#${e.seq - 1} are` : `record #${s0 + 1} is`;
      return { seq: s0 + 1, id: e.id, problem: 'missing', detail: `${range} missing (deleted) before ${e.id}` };
    }
    // A sequence number already seen: a duplicate or a fork.
    if (g && e.seq === g.seq && e.hash !== g.hash && e.prev === g.prev) {
      if (next && next.prev === e.hash) return inserted(g);
      if (next && next.prev === g.hash) return inserted(e);
      if (anchor?.count === e.seq) return anchor.hash === e.hash ? inserted(g) : inserted(e);
    }
    return inserted(e);
  }

  return {
    push(entry) {
      count++;
      const e = evaluate(entry);
      if (!started) {
        if (!buffered) {
          buffered = e;
          return;
        }
        const first = buffered;
        buffered = undefined;
        start(first, e);
      }
      process(e);
    },
    finish() {
      if (!started && buffered) start(buffered, undefined);
      buffered = undefined;
      if (badMarker) return { ok: false, count, firstBad: badMarker };
      if (pendingStart) {
        // The record the stream should start after turned up later: moved, not deleted.
        const e = anomaly?.e;
        if (e?.sc && e.seq === pendingStart.seq - 1 && e.hash === pendingStart.prev)
          return {
            ok: false,
            count,
            firstBad: {
              seq: pendingStart.seq,
              id: pendingStart.id,
              problem: 'reordered',
              detail: `#${pendingStart.seq} appears before #${e.seq}: records are out of order`,
            },
          };
        const from = highestMarkerBelowStart + 1;
        const range = pendingStart.seq - 1 > from ? `records #${from}–#${pendingStart.seq - 1} are` : `record #${from} is`;
        return {
          ok: false,
          count,
          firstBad: {
            seq: from,
            id: pendingStart.id,
            problem: 'missing',
            detail: `${range} missing from the start, and no valid retention marker accounts for them`,
          },
        };
      }
      if (anomaly) return { ok: false, count, firstBad: classify() };
      if (anchor) {
        if (s < anchor.count) {
          const range = anchor.count > s + 1 ? `records #${s + 1}–#${anchor.count} are` : `record #${s + 1} is`;
          return {
            ok: false,
            count,
            firstBad: { seq: s + 1, id: last?.id ?? '', problem: 'truncated', detail: `${range} gone: the checkpoint counted ${anchor.count} records` },
          };
        }
        if (anchorSeen && anchorSeen.hash !== anchor.hash)
          return {
            ok: false,
            count,
            firstBad: {
              seq: anchor.count,
              id: anchorSeen.id,
              problem: 'edited',
              detail: `record #${anchor.count} differs from the checkpoint: the chain up to it was rewritten`,
            },
          };
      }
      return { ok: true, count, head: h, headSeq: s, headId: last?.id ?? '', firstSeq };
    },
  };
}

export function chainEntryOf(r: ChainedRecord): ChainEntry {
  const { prev, hash, ...record } = r;
  return { id: r.id, seq: r.seq, prev, hash, record };
}

/** Verifies records in stream order (see `createChainVerifier`). */
export function verifyChain(records: Iterable<ChainedRecord>, options: ChainVerifyOptions = {}): ChainVerdict {
  const verifier = createChainVerifier(options);
  for (const r of records) verifier.push(chainEntryOf(r));
  return verifier.finish();
}
