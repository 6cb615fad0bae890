import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AnchorStore, createAuditAnchors, createFileAnchorStore } from '../../../src/audit/anchor.js';
import { type AuditLog, createAuditLog } from '../../../src/audit/audit-log.js';
import { createAuditRetention } from '../../../src/audit/retention.js';
import { verifyWorkspace } from '../../../src/audit/verify.js';
import { createMemoryRedis } from '../../../src/demo/memory-redis.js';
import { createKeys } from '../../../src/store/keys.js';
import { AUDIT_KEY, appendMany, rawEntries, sampleInput, silentLogger } from '../audit/support.js';

/** The real audit trail (compare-and-append script, readers, verifier, retention) on demo mode's in-memory engine. */
describe('audit trail on the in-memory engine', () => {
  const TEAM = 'T0001';
  const keys = createKeys('agenthub-demo');
  let redis: Redis;
  let audit: AuditLog;
  let dir: string;
  let store: AnchorStore;
  const newLog = (r: Redis, clock?: () => number) => createAuditLog({ redis: r, keys, logger: silentLogger(), clock });
  const verify = () => verifyWorkspace(audit, store, TEAM, AUDIT_KEY);

  beforeEach(async () => {
    redis = createMemoryRedis();
    audit = newLog(redis);
    dir = await mkdtemp(join(tmpdir(), 'agenthub-anchors-'));
    store = createFileAnchorStore(dir);
  });
  afterEach(async () => {
    redis.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  it('appends a chain that reads back newest first and verifies intact', async () => {
    const records = await appendMany(audit, TEAM, 25);
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(await audit.head(TEAM)).toMatchObject({ seq: 25, id: records[24]!.id });
    const latest = await audit.latest(TEAM, 3);
    expect(latest.map((r) => r.seq)).toEqual([25, 24, 23]);
    // Paging back from a record is exclusive of it.
    expect((await audit.latest(TEAM, 2, { before: records[10]!.id })).map((r) => r.seq)).toEqual([10, 9]);
    expect((await audit.read(TEAM, { from: `(${records[22]!.id}` })).map((r) => r.seq)).toEqual([24, 25]);
    expect(await verify()).toMatchObject({ ok: true, count: 25, head: { seq: 25 } });
    expect(await audit.workspaces()).toEqual([TEAM]);
  });

  it('detects a record removed (XDEL)', async () => {
    const records = await appendMany(audit, TEAM, 12);
    await redis.xdel(audit.streamKey(TEAM), records[4]!.id);
    expect(await verify()).toMatchObject({ ok: false, firstBad: { seq: 5, id: records[5]!.id, problem: 'missing' } });
  });

  it('detects a forged entry (a copy of an earlier record) added with XADD', async () => {
    await appendMany(audit, TEAM, 12);
    const key = audit.streamKey(TEAM);
    const [copy] = (await rawEntries(redis, key)).slice(2, 3);
    const forgedId = await redis.xadd(
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

  it('two processes appending at once on one engine do not fork the chain', async () => {
    const second = newLog(redis.duplicate());
    await Promise.all([
      Promise.all(Array.from({ length: 40 }, () => audit.append(sampleInput(TEAM)))),
      Promise.all(Array.from({ length: 40 }, () => second.append(sampleInput(TEAM)))),
    ]);
    expect(await verify()).toMatchObject({ ok: true, count: 80, head: { seq: 80 } });
    expect(audit.stats().appends + second.stats().appends).toBe(80);
  });

  it('refuses an id at or below the last generated one, even after the newest entry was deleted', async () => {
    // A stopped clock: every id is derived from the previous one, so a deleted head would be reused.
    const log = newLog(redis, () => 1000);
    const records = await appendMany(log, TEAM, 4);
    expect(records.map((r) => r.id)).toEqual(['1000-0', '1000-1', '1000-2', '1000-3']);
    await redis.xdel(log.streamKey(TEAM), '1000-3');
    await expect(redis.xadd(log.streamKey(TEAM), '1000-3', 'seq', '4')).rejects.toThrow(/equal or smaller than the target stream top item/);

    const next = await newLog(redis, () => 1000).append(sampleInput(TEAM));
    expect(next).toMatchObject({ id: '1000-4', seq: 4 });
    const info = (await redis.xinfo('STREAM', log.streamKey(TEAM))) as unknown[];
    expect(info[info.indexOf('last-generated-id') + 1]).toBe('1000-4');
  });

  it('retention removes the oldest records behind a signed marker, and the trail still verifies', async () => {
    await appendMany(audit, TEAM, 10);
    const anchors = createAuditAnchors({ auditLog: audit, store, key: AUDIT_KEY, logger: silentLogger() });
    const retention = createAuditRetention({ redis, auditLog: audit, anchors, anchorStore: store, key: AUDIT_KEY, logger: silentLogger() });
    const result = await retention.trim(TEAM, { beforeSeq: 6 });
    expect(result.removed).toEqual({ firstSeq: 1, lastSeq: 5, count: 5 });
    expect(await redis.xlen(audit.streamKey(TEAM))).toBe(6); // #6–#10 and the marker
    expect(await verify()).toMatchObject({ ok: true, firstSeq: 6, head: { seq: 11 } });
  });
});
