import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointRefusedError, signAnchor } from '../../../src/audit/anchor.js';
import type { AuditRecord } from '../../../src/audit/record.js';
import { verifyWorkspace } from '../../../src/audit/verify.js';
import { AUDIT_KEY, type AuditFixture, appendMany, createAuditFixture, editedRecordJson, rawEntries } from './support.js';

/**
 * Someone with write access to Redis tampers with the real stream; verification names the first
 * bad record and what happened to it.
 */
describe('tampering with the real audit stream', () => {
  let f: AuditFixture;
  let records: AuditRecord[];
  let key: string;
  const verify = () => verifyWorkspace(f.audit, f.store, 'T0001', AUDIT_KEY);

  beforeEach(async () => {
    f = await createAuditFixture();
    records = await appendMany(f.audit, 'T0001', 30);
    key = f.audit.streamKey('T0001');
  });
  afterEach(async () => {
    await f.close();
  });

  it('an intact stream verifies', async () => {
    expect(await verify()).toMatchObject({ ok: true, count: 30, head: { seq: 30, id: records[29]!.id } });
  });

  it('XDEL of one record: reported missing, at its seq', async () => {
    await f.t.redis.xdel(key, records[11]!.id);
    expect(await verify()).toMatchObject({ ok: false, firstBad: { seq: 12, id: records[12]!.id, problem: 'missing' } });
  });

  it('XDEL of the first record: reported missing from the start', async () => {
    await f.t.redis.xdel(key, records[0]!.id);
    expect(await verify()).toMatchObject({ ok: false, firstBad: { seq: 1, problem: 'missing' } });
  });

  it('XADD of a forged entry (a copy of an earlier record): reported inserted', async () => {
    const [copy] = (await rawEntries(f.t.redis, key)).slice(9, 10);
    const forgedId = await f.t.redis.xadd(
      key,
      '*',
      'seq',
      copy!.fields.seq!,
      'hash',
      copy!.fields.hash!,
      'prev',
      copy!.fields.prev!,
      'record',
      copy!.fields.record!,
    );
    expect(await verify()).toMatchObject({ ok: false, firstBad: { id: forgedId, problem: 'inserted' } });
  });

  it('XADD of a forged entry that claims the next seq and chains onto the head, but was not hashed with the record it carries: reported', async () => {
    const raw = await rawEntries(f.t.redis, key);
    const head = raw.at(-1)!;
    const forgedId = await f.t.redis.xadd(
      key,
      '*',
      'seq',
      '31',
      'hash',
      head.fields.hash!,
      'prev',
      head.fields.hash!,
      'record',
      editedRecordJson(head.fields.record!, { seq: 31, action: 'nothing happened' }),
    );
    expect(await verify()).toMatchObject({ ok: false, firstBad: { id: forgedId, seq: 31, problem: 'edited' } });
  });

  it('an edit by XDEL + XADD (the changed record re-added at the end): reported edited, at its seq', async () => {
    const victim = (await rawEntries(f.t.redis, key))[6]!;
    await f.t.redis.xdel(key, victim.id);
    const readdedId = await f.t.redis.xadd(
      key,
      '*',
      'seq',
      victim.fields.seq!,
      'hash',
      victim.fields.hash!,
      'prev',
      victim.fields.prev!,
      'record',
      editedRecordJson(victim.fields.record!, { outcome: 'error' }),
    );
    expect(await verify()).toMatchObject({ ok: false, firstBad: { seq: 7, id: readdedId, problem: 'edited' } });
  });

  it('an edit in place (the stream rebuilt with the same ids): reported edited, at its seq and id', async () => {
    const raw = await rawEntries(f.t.redis, key);
    await f.t.redis.del(key);
    for (const e of raw) {
      const record = e.id === records[19]!.id ? editedRecordJson(e.fields.record!, { userId: 'U-someone-else' }) : e.fields.record!;
      await f.t.redis.xadd(key, e.id, 'seq', e.fields.seq!, 'hash', e.fields.hash!, 'prev', e.fields.prev!, 'record', record);
    }
    expect(await verify()).toMatchObject({ ok: false, firstBad: { seq: 20, id: records[19]!.id, problem: 'edited' } });
  });

  it('two records swapped (stream rebuilt): reported reordered, at the first one out of place', async () => {
    const raw = await rawEntries(f.t.redis, key);
    await f.t.redis.del(key);
    const order = raw.map((e) => e.fields);
    [order[4], order[5]] = [order[5]!, order[4]!];
    for (const [i, fields] of order.entries()) await f.t.redis.xadd(key, raw[i]!.id, ...Object.entries(fields).flat());
    expect(await verify()).toMatchObject({ ok: false, firstBad: { seq: 6, id: records[4]!.id, problem: 'reordered' } });
  });

  it('a record removed and re-added unchanged (XDEL + XADD): reported reordered, not edited', async () => {
    const victim = (await rawEntries(f.t.redis, key))[6]!;
    await f.t.redis.xdel(key, victim.id);
    const readdedId = await f.t.redis.xadd(key, '*', ...Object.entries(victim.fields).flat());
    expect(await verify()).toMatchObject({ ok: false, firstBad: { seq: 7, id: readdedId, problem: 'reordered' } });
  });

  it('truncating the tail (XDEL of the newest records) after a checkpoint: reported truncated', async () => {
    await f.anchors.checkpoint('T0001');
    await f.t.redis.xdel(key, records[29]!.id, records[28]!.id, records[27]!.id);
    expect(await verify()).toMatchObject({ ok: false, firstBad: { seq: 28, id: records[26]!.id, problem: 'truncated' } });
  });

  it('erasing everything with XADD MAXLEN 0 (all an append-only ACL still allows) after a checkpoint: reported truncated', async () => {
    await f.anchors.checkpoint('T0001');
    await f.t.redis.xadd(key, 'MAXLEN', '0', '*', 'a', '1');
    expect(await f.t.redis.xlen(key)).toBe(0);
    expect(await verify()).toMatchObject({ ok: false, firstBad: { seq: 1, problem: 'truncated' } });
  });

  it('deleting the whole stream after a checkpoint is still noticed (the workspace is known from its checkpoints)', async () => {
    await f.anchors.checkpoint('T0001');
    await f.t.redis.del(key);
    expect(await f.store.teams()).toContain('T0001');
    expect(await verify()).toMatchObject({ ok: false, firstBad: { seq: 1, problem: 'truncated' } });
  });

  it('XTRIM of the oldest records with no retention marker: reported missing from the start', async () => {
    await f.t.redis.xtrim(key, 'MAXLEN', 20);
    expect(await verify()).toMatchObject({ ok: false, firstBad: { seq: 1, id: records[10]!.id, problem: 'missing' } });
  });

  it('a checkpoint refuses to vouch for a truncated chain, so the truncation stays visible', async () => {
    await f.anchors.checkpoint('T0001');
    await f.t.redis.xdel(key, records[29]!.id);
    await expect(f.anchors.checkpoint('T0001')).rejects.toBeInstanceOf(CheckpointRefusedError);
    expect(await f.store.latest('T0001')).toMatchObject({ count: 30 });
    expect((await verify()).firstBad?.problem).toBe('truncated');
  });

  it('a checkpoint refuses to vouch for an edited chain', async () => {
    await f.anchors.checkpoint('T0001');
    await appendMany(f.audit, 'T0001', 5);
    await f.t.redis.xdel(key, records[29]!.id);
    await expect(f.anchors.checkpoint('T0001')).rejects.toThrow(/record #30, its last checkpoint, is gone or changed/);
  });

  it('a forged checkpoint (not signed with the audit key) is reported, not trusted', async () => {
    await f.anchors.checkpoint('T0001');
    await f.t.redis.xdel(key, records[29]!.id);
    const forged = signAnchor(Buffer.alloc(32, 9), {
      teamId: 'T0001',
      count: 29,
      head: (await f.audit.head('T0001')).hash,
      id: records[28]!.id,
      at: new Date().toISOString(),
    });
    await f.store.append(forged);
    expect(await verify()).toMatchObject({ ok: false, firstBad: { problem: 'bad_anchor' } });
  });
});
