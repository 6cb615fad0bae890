import { describe, expect, it } from 'vitest';
import { type ChainBreak, canonicalJson, computeHash, GENESIS_HASH, hashLink, verifyChain } from '../../../src/audit/chain.js';
import type { ChainedRecord } from '../../../src/audit/record.js';
import { isRetentionSignatureValid, signRetention } from '../../../src/audit/signing.js';
import { anchorOf, buildChain, chained, idFor, randomContent, rng } from './chain-fixtures.js';

const TRIALS = 150;

/** Runs `trial` for seeds 1..TRIALS; a failure names its seed, so it can be replayed. */
function trials(trial: (seed: number) => void) {
  for (let seed = 1; seed <= TRIALS; seed++) {
    try {
      trial(seed);
    } catch (err) {
      (err as Error).message = `seed ${seed}: ${(err as Error).message}`;
      throw err;
    }
  }
}

const expectBreak = (verdict: ReturnType<typeof verifyChain>, expected: Partial<ChainBreak>) => {
  expect(verdict.ok, 'the tampering went unnoticed').toBe(false);
  if (!verdict.ok) expect(verdict.firstBad).toMatchObject(expected);
};

describe('canonical JSON', () => {
  it('sorts keys at every depth and leaves out undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: undefined, x: 'é' }], c: null }, u: undefined })).toBe(
      '{"a":{"c":null,"d":[3,{"x":"é","z":1}]},"b":1}',
    );
  });

  it('gives the same text, and so the same hash, whatever order the keys were written in', () => {
    const a = { teamId: 'T1', seq: 3, action: 'merge PR #4', scopes: ['repo', 'read:org'] };
    const b = { scopes: ['repo', 'read:org'], action: 'merge PR #4', seq: 3, teamId: 'T1' };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(computeHash(GENESIS_HASH, a)).toBe(computeHash(GENESIS_HASH, b));
  });

  it('keeps array order, escapes strings as JSON does, and refuses numbers JSON cannot carry', () => {
    expect(canonicalJson(['b', 'a'])).not.toBe(canonicalJson(['a', 'b']));
    expect(canonicalJson('line\n"quoted"\u2028')).toBe(JSON.stringify('line\n"quoted"\u2028'));
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ n: Number.POSITIVE_INFINITY })).toThrow(TypeError);
  });

  it('hashes sha256(prev + "\\n" + canonical record without hash and prev), hex', () => {
    const record = { id: '1-0', seq: 1, teamId: 'T1' };
    const expected = hashLink(GENESIS_HASH, '{"id":"1-0","seq":1,"teamId":"T1"}');
    expect(computeHash(GENESIS_HASH, record)).toBe(expected);
    expect(computeHash(GENESIS_HASH, { ...record, hash: 'x', prev: 'y' })).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });
});

describe('an untouched chain', () => {
  it('verifies, with its count and head, in every trial (no false alarms)', () => {
    trials((seed) => {
      const r = rng(seed);
      const records = buildChain(r, r.int(1, 60));
      const verdict = verifyChain(records, { expectedHead: anchorOf(records) });
      expect(verdict).toMatchObject({ ok: true, count: records.length, head: records.at(-1)!.hash, headSeq: records.length, firstSeq: 1 });
    });
  });

  it('verifies when empty, and an empty stream against a checkpoint is truncated', () => {
    expect(verifyChain([])).toMatchObject({ ok: true, count: 0, head: GENESIS_HASH, headSeq: 0 });
    expectBreak(verifyChain([], { expectedHead: { count: 3, hash: 'a'.repeat(64) } }), { problem: 'truncated', seq: 1, id: '' });
  });
});

describe('tampering is detected and named', () => {
  it('an edited record (content changed, hash left as it was) is reported as edited, at its seq', () => {
    trials((seed) => {
      const r = rng(seed);
      const records = buildChain(r, r.int(2, 40));
      const k = r.int(1, records.length);
      const victim = records[k - 1]!;
      const edit = r.pick(['action', 'userId', 'outcome', 'at', 'drop-target', 'seq', 'prev', 'hash', 'kind'] as const);
      const edited: Record<string, unknown> = { ...victim };
      if (edit === 'action') edited.action = `${victim.action} (changed)`;
      else if (edit === 'userId') edited.userId = 'U99';
      else if (edit === 'outcome') edited.outcome = victim.outcome === 'ok' ? 'error' : 'ok';
      else if (edit === 'at') edited.at = new Date(0).toISOString();
      else if (edit === 'drop-target') edited.target = victim.target ? undefined : 'acme/other';
      else if (edit === 'seq') edited.seq = victim.seq + r.int(1, 5);
      else if (edit === 'prev') edited.prev = r.hex();
      else if (edit === 'hash') edited.hash = r.hex();
      else edited.kind = victim.kind === 'revocation' ? 'sign_in' : 'revocation';
      records[k - 1] = edited as ChainedRecord;
      expectBreak(verifyChain(records), { problem: 'edited', seq: k, id: victim.id });
    });
  });

  it('an edited record whose own hash was recomputed is caught by the record after it (or by the checkpoint)', () => {
    trials((seed) => {
      const r = rng(seed);
      const records = buildChain(r, r.int(2, 40));
      const anchor = anchorOf(records);
      const k = r.int(1, records.length);
      const victim = records[k - 1]!;
      records[k - 1] = chained({ ...randomContent(r, k), action: 'something else entirely' }, k, victim.prev, victim.id);
      expectBreak(verifyChain(records, { expectedHead: anchor }), { problem: 'edited', seq: k, id: victim.id });
    });
  });

  it('deleted records are reported as missing, from the first one gone', () => {
    trials((seed) => {
      const r = rng(seed);
      const records = buildChain(r, r.int(3, 40));
      const k = r.int(1, records.length - 1);
      const m = r.int(1, Math.min(3, records.length - k));
      const anchor = anchorOf(records);
      const after = records[k - 1 + m]!;
      records.splice(k - 1, m);
      expectBreak(verifyChain(records, { expectedHead: anchor }), { problem: 'missing', seq: k, id: after.id });
    });
  });

  it('an inserted entry is reported as inserted, whether junk, a replayed copy, or a well-formed forgery', () => {
    const seen = new Set<string>();
    trials((seed) => {
      const r = rng(seed);
      const records = buildChain(r, r.int(3, 40));
      const anchor = anchorOf(records);
      const n = records.length;
      const p = r.int(0, n); // inserted after record #p
      const kind = r.pick(['junk', 'replay', 'replay-new-id', 'chained', 'wrong-prev'] as const);
      const h = p === 0 ? GENESIS_HASH : records[p - 1]!.hash;
      let forged: ChainedRecord;
      if (kind === 'junk') {
        const seq = r.int(1, n);
        forged = { ...chained(randomContent(r, seq), seq, r.hex()), hash: r.hex(), id: `${9e12 + seed}-0` };
      } else if (kind === 'replay') forged = { ...records[r.int(0, n - 1)]! };
      else if (kind === 'replay-new-id') forged = { ...records[r.int(0, n - 1)]!, id: `${9e12 + seed}-0` };
      else if (kind === 'chained') {
        // Chained properly onto the record before it: only a fork with the genuine #p+1 gives it away.
        if (p === n) return; // one properly chained onto the head is an ordinary append (see below)
        forged = chained(randomContent(r, p + 1), p + 1, h, `${9e12 + seed}-0`);
      } else forged = chained(randomContent(r, p + 1), p + 1, r.hex(), `${9e12 + seed}-0`);
      records.splice(p, 0, forged);
      seen.add(kind);
      expectBreak(verifyChain(records, { expectedHead: anchor }), { problem: 'inserted', id: forged.id });
    });
    expect(seen.size).toBe(5);
  });

  it('reordered records are reported as reordered, at the first entry out of place', () => {
    const seen = new Set<string>();
    trials((seed) => {
      const r = rng(seed);
      const original = buildChain(r, r.int(3, 40));
      const records = [...original];
      const n = records.length;
      const how = r.pick(['swap-adjacent', 'swap', 'move-later', 'move-earlier'] as const);
      const i = r.int(0, n - 2);
      if (how === 'swap-adjacent') [records[i], records[i + 1]] = [records[i + 1]!, records[i]!];
      else if (how === 'swap') {
        const j = r.int(i + 1, n - 1);
        [records[i], records[j]] = [records[j]!, records[i]!];
      } else if (how === 'move-later') {
        const [moved] = records.splice(i, 1);
        records.splice(r.int(i + 1, n - 1), 0, moved!);
      } else {
        const j = r.int(i + 1, n - 1);
        const [moved] = records.splice(j, 1);
        records.splice(i, 0, moved!);
      }
      seen.add(how);
      const firstMoved = records.findIndex((rec, idx) => rec.id !== original[idx]!.id);
      expectBreak(verifyChain(records, { expectedHead: anchorOf(original) }), { problem: 'reordered', id: records[firstMoved]!.id });
    });
    expect(seen.size).toBe(4);
  });

  it('a truncated tail is reported as truncated against the checkpoint', () => {
    trials((seed) => {
      const r = rng(seed);
      const records = buildChain(r, r.int(2, 40));
      const anchor = anchorOf(records);
      const m = r.int(1, records.length - 1);
      records.splice(records.length - m, m);
      expectBreak(verifyChain(records, { expectedHead: anchor }), { problem: 'truncated', seq: anchor.count - m + 1, id: records.at(-1)!.id });
    });
  });
});

describe('what the chain alone cannot see (why anchors and the HMAC key are mandatory)', () => {
  it('a truncated tail passes without a checkpoint', () => {
    const records = buildChain(rng(7), 10);
    expect(verifyChain(records.slice(0, 7)).ok).toBe(true);
  });

  it('an entry chained properly onto the head is indistinguishable from an append: the chain proves order, not authorship', () => {
    const records = buildChain(rng(8), 10);
    const anchor = anchorOf(records);
    records.push(chained(randomContent(rng(9), 11), 11, records.at(-1)!.hash));
    expect(verifyChain(records, { expectedHead: anchor }).ok).toBe(true);
  });

  it('a whole chain recomputed after an edit is caught only by a checkpoint taken before the edit', () => {
    const original = buildChain(rng(10), 12);
    const anchor = anchorOf(original);
    const rewritten: ChainedRecord[] = [];
    let prev = GENESIS_HASH;
    for (const rec of original) {
      const { prev: _p, hash: _h, ...content } = rec;
      const again = chained(rec.seq === 4 ? { ...content, action: 'rewritten' } : content, rec.seq, prev, rec.id);
      rewritten.push(again);
      prev = again.hash;
    }
    expect(verifyChain(rewritten).ok).toBe(true);
    expectBreak(verifyChain(rewritten, { expectedHead: anchor }), { problem: 'edited', seq: 12 });
  });
});

describe('retention markers', () => {
  const key = Buffer.alloc(32, 7);
  const isMarkerValid = (k: Buffer) => (_record: Record<string, unknown>, st: Parameters<typeof isRetentionSignatureValid>[2]) =>
    isRetentionSignatureValid(k, 'T0001', st);

  /** A chain of n records, a marker stating #1..#r were removed, then the removal. */
  function trimmed(n: number, r: number, signingKey = key) {
    const records = buildChain(rng(n * 31 + r), n);
    const last = records[r - 1]!;
    const statement = { firstSeq: 1, lastSeq: r, lastHash: last.hash, lastId: last.id };
    const marker = chained(
      {
        teamId: 'T0001',
        agent: 'agenthub',
        kind: 'retention_marker',
        action: `removed #1–#${r}`,
        retention: { ...statement, signature: signRetention(signingKey, 'T0001', statement) },
      },
      n + 1,
      records.at(-1)!.hash,
      idFor(n + 1),
    );
    return { before: [...records, marker], after: [...records.slice(r), marker] };
  }

  it('a stream that starts after a validly signed marker verifies', () => {
    const { before, after } = trimmed(20, 12);
    expect(verifyChain(before, { isMarkerValid: isMarkerValid(key) }).ok).toBe(true);
    expect(verifyChain(after, { isMarkerValid: isMarkerValid(key), expectedHead: anchorOf(after) })).toMatchObject({
      ok: true,
      count: 9,
      firstSeq: 13,
      headSeq: 21,
    });
  });

  it('a marker signed with another key is a bad marker', () => {
    const { after } = trimmed(20, 12, Buffer.alloc(32, 8));
    expectBreak(verifyChain(after, { isMarkerValid: isMarkerValid(key) }), { problem: 'bad_marker', seq: 21 });
  });

  it('records deleted beyond what the marker states are missing, from the first one it does not cover', () => {
    const { after } = trimmed(20, 12);
    expectBreak(verifyChain(after.slice(3), { isMarkerValid: isMarkerValid(key) }), { problem: 'missing', seq: 13, id: after[3]!.id });
  });

  it('a stream that starts after #1 with no marker is missing its start', () => {
    const records = buildChain(rng(3), 15);
    expectBreak(verifyChain(records.slice(5)), { problem: 'missing', seq: 1, id: records[5]!.id });
  });
});
