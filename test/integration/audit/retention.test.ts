import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditRetention, RetentionRefusedError } from '../../../src/audit/retention.js';
import { deriveAuditKey } from '../../../src/audit/signing.js';
import { verifyWorkspace } from '../../../src/audit/verify.js';
import { AUDIT_KEY, type AuditFixture, appendMany, createAuditFixture, rawEntries, silentLogger } from './support.js';

const DAY = 86_400_000;

describe('retention', () => {
  let f: AuditFixture;
  let now: number;
  const verify = (key = AUDIT_KEY) => verifyWorkspace(f.audit, f.store, 'T0001', key);
  const retention = () =>
    createAuditRetention({
      redis: f.t.redis,
      auditLog: f.audit,
      anchors: f.anchors,
      anchorStore: f.store,
      key: AUDIT_KEY,
      logger: silentLogger(),
      clock: () => now,
    });

  beforeEach(async () => {
    now = Date.parse('2025-03-01T00:00:00Z');
    f = await createAuditFixture({ clock: () => now });
    // 20 records 30 days old, then 10 from today.
    await appendMany(f.audit, 'T0001', 20);
    now += 30 * DAY;
    await appendMany(f.audit, 'T0001', 10);
  });
  afterEach(async () => {
    await f.close();
  });

  it('trims by age: a checkpoint, then a signed marker stating the range, then the removal; the rest verifies', async () => {
    const result = await retention().trim('T0001', { keepDays: 7 });
    expect(result.removed).toEqual({ firstSeq: 1, lastSeq: 20, count: 20 });
    expect(result.marker).toMatchObject({ kind: 'retention_marker', seq: 31, retention: { firstSeq: 1, lastSeq: 20 } });
    const raw = await rawEntries(f.t.redis, f.audit.streamKey('T0001'));
    expect(raw.map((e) => Number(e.fields.seq))).toEqual([21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]);
    expect(raw[0]!.fields.prev).toBe(result.marker!.retention!.lastHash);
    expect(await verify()).toMatchObject({ ok: true, count: 11, firstSeq: 21, head: { seq: 31 }, anchor: { count: 31 } });
  });

  it('trims before a seq, and appends carry on after it', async () => {
    await retention().trim('T0001', { beforeSeq: 11 });
    await appendMany(f.audit, 'T0001', 3);
    expect(await verify()).toMatchObject({ ok: true, firstSeq: 11, head: { seq: 34 } });
  });

  it('never removes the checkpointed record, even when asked to remove everything', async () => {
    const result = await retention().trim('T0001', { beforeSeq: 1000 });
    expect(result.removed).toMatchObject({ firstSeq: 1, lastSeq: 29 });
    expect(await verify()).toMatchObject({ ok: true, count: 2, firstSeq: 30 });
  });

  it('trimming twice leaves a stream explained by the newer marker', async () => {
    await retention().trim('T0001', { beforeSeq: 6 });
    await retention().trim('T0001', { beforeSeq: 16 });
    expect(await verify()).toMatchObject({ ok: true, firstSeq: 16 });
  });

  it('does nothing when nothing is old enough', async () => {
    expect((await retention().trim('T0001', { keepDays: 60 })).removed).toBeUndefined();
    expect(await verify()).toMatchObject({ ok: true, count: 30 });
  });

  it('records deleted beyond the marker’s range after a trim are reported missing', async () => {
    await retention().trim('T0001', { beforeSeq: 11 });
    const [first] = await f.audit.read('T0001', { count: 1 });
    await f.t.redis.xdel(f.audit.streamKey('T0001'), first!.id);
    expect(await verify()).toMatchObject({ ok: false, firstBad: { seq: 11, problem: 'missing' } });
  });

  it('a marker is checked against the key: with another key it is a bad marker', async () => {
    await retention().trim('T0001', { beforeSeq: 11 });
    const verdict = await verifyWorkspace(f.audit, undefined, 'T0001', deriveAuditKey(Buffer.alloc(32, 3)));
    expect(verdict).toMatchObject({ ok: false, firstBad: { problem: 'bad_marker', seq: 31 } });
  });

  it('refuses to trim a broken chain (it would destroy the evidence), and removes nothing', async () => {
    const records = await f.audit.read('T0001');
    await f.t.redis.xdel(f.audit.streamKey('T0001'), records[4]!.id);
    await expect(retention().trim('T0001', { beforeSeq: 11 })).rejects.toBeInstanceOf(RetentionRefusedError);
    expect(await f.t.redis.xlen(f.audit.streamKey('T0001'))).toBe(29);
  });
});
