import { appendFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileAnchorStore, isAnchorSignatureValid, signAnchor } from '../../../src/audit/anchor.js';
import { deriveAuditKey, isRetentionSignatureValid, signRetention } from '../../../src/audit/signing.js';

const key = deriveAuditKey(Buffer.alloc(32, 1));
const unsigned = { teamId: 'T0001', count: 12, head: 'a'.repeat(64), id: '1700000000000-0', at: '2025-01-01T00:00:00.000Z' };

describe('anchor and marker signatures', () => {
  it('derive a key of their own from the encryption key (HKDF), different per encryption key', () => {
    expect(key).toHaveLength(32);
    expect(key.equals(Buffer.alloc(32, 1))).toBe(false);
    expect(deriveAuditKey(Buffer.alloc(32, 2)).equals(key)).toBe(false);
  });

  it('verify as signed, and fail when any field or the key changes', () => {
    const anchor = signAnchor(key, unsigned);
    expect(isAnchorSignatureValid(key, anchor)).toBe(true);
    expect(isAnchorSignatureValid(key, { ...anchor, count: 11 })).toBe(false);
    expect(isAnchorSignatureValid(key, { ...anchor, head: 'b'.repeat(64) })).toBe(false);
    expect(isAnchorSignatureValid(key, { ...anchor, teamId: 'T0002' })).toBe(false);
    expect(isAnchorSignatureValid(deriveAuditKey(Buffer.alloc(32, 2)), anchor)).toBe(false);
    expect(isAnchorSignatureValid(key, { ...anchor, signature: 'nope' })).toBe(false);
  });

  it('cannot pass an anchor signature off as a marker signature, or move a marker to another workspace', () => {
    const st = { firstSeq: 1, lastSeq: 12, lastHash: 'a'.repeat(64), lastId: '1700000000000-0' };
    const signature = signRetention(key, 'T0001', st);
    expect(isRetentionSignatureValid(key, 'T0001', { ...st, signature })).toBe(true);
    expect(isRetentionSignatureValid(key, 'T0002', { ...st, signature })).toBe(false);
    expect(isRetentionSignatureValid(key, 'T0001', { ...st, lastSeq: 13, signature })).toBe(false);
  });
});

describe('the file anchor store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'anchors-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends one JSON line per checkpoint and returns the newest', async () => {
    const store = createFileAnchorStore(dir);
    await store.append(signAnchor(key, unsigned));
    await store.append(signAnchor(key, { ...unsigned, count: 13, id: '1700000000001-0' }));
    await store.append(signAnchor(key, { ...unsigned, teamId: 'T0002' }));
    const lines = (await readFile(join(dir, 'T0001.anchors.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toMatchObject({ teamId: 'T0001', count: 12 });
    expect(await store.latest('T0001')).toMatchObject({ count: 13 });
    expect(await store.latest('T0003')).toBeUndefined();
    expect(await store.teams()).toEqual(['T0001', 'T0002']);
  });

  it('skips a torn last line (a crash mid-write) and finds the newest whole one, even far back', async () => {
    const store = createFileAnchorStore(dir);
    await store.append(signAnchor(key, unsigned));
    for (let i = 0; i < 2000; i++) await appendFile(join(dir, 'T0001.anchors.jsonl'), `${'x'.repeat(60)}\n`);
    await appendFile(join(dir, 'T0001.anchors.jsonl'), '{"teamId":"T0001","count":');
    expect(await store.latest('T0001')).toMatchObject({ count: 12 });
  });

  it('keeps a team id that spells a path inside its directory', async () => {
    const store = createFileAnchorStore(dir);
    await store.append(signAnchor(key, { ...unsigned, teamId: '../../etc/x' }));
    expect(await readdir(dir)).toHaveLength(1);
    expect(await store.latest('../../etc/x')).toMatchObject({ teamId: '../../etc/x' });
    expect(await store.teams()).toEqual(['../../etc/x']);
  });
});
