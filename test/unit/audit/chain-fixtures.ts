import { computeHash, GENESIS_HASH } from '../../../src/audit/chain.js';
import { AUDIT_AGENTS, AUDIT_KINDS, AUDIT_OUTCOMES, type AuditRecord, type ChainedRecord } from '../../../src/audit/record.js';

/** A small seeded PRNG (mulberry32), so a failing trial can be replayed from its seed. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** An integer in [min, max]. */
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    hex: (len = 64) => Array.from({ length: len }, () => Math.floor(next() * 16).toString(16)).join(''),
  };
}
export type Rng = ReturnType<typeof rng>;

const BASE_MS = 1_750_000_000_000;
export const idFor = (seq: number) => `${BASE_MS + seq * 10}-0`;

export function randomContent(r: Rng, seq: number): Omit<AuditRecord, 'id' | 'seq' | 'at'> {
  return {
    teamId: 'T0001',
    userId: r.pick(['U01', 'U02', 'U03']),
    agent: r.pick(AUDIT_AGENTS),
    kind: r.pick(AUDIT_KINDS.filter((k) => k !== 'retention_marker')),
    action: `action ${seq} ${r.hex(6)}`,
    outcome: r.pick(AUDIT_OUTCOMES),
    target: r.next() < 0.5 ? `acme/api#${r.int(1, 999)}` : undefined,
  };
}

/** A chained record with the given place in the chain; its hash is right for its content. */
export function chained(content: Omit<AuditRecord, 'id' | 'seq' | 'at'>, seq: number, prev: string, id = idFor(seq)): ChainedRecord {
  const record = { ...content, id, seq, at: new Date(Number(id.split('-')[0])).toISOString() } as AuditRecord;
  return { ...record, prev, hash: computeHash(prev, record) };
}

/** A valid chain of n records from the genesis. */
export function buildChain(r: Rng, n: number): ChainedRecord[] {
  const out: ChainedRecord[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const rec = chained(randomContent(r, seq), seq, prev);
    out.push(rec);
    prev = rec.hash;
  }
  return out;
}

export const anchorOf = (records: ChainedRecord[]) => ({ count: records.at(-1)!.seq, hash: records.at(-1)!.hash });
