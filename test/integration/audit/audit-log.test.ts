import { createServer, type Server } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../../src/audit/audit-log.js';
import { AUDIT_UNAVAILABLE_MESSAGE, AuditUnavailableError } from '../../../src/audit/audit-unavailable-error.js';
import { GENESIS_HASH } from '../../../src/audit/chain.js';
import { verifyWorkspace } from '../../../src/audit/verify.js';
import { createKeys } from '../../../src/store/keys.js';
import { createRedis, waitForRedis } from '../../../src/store/redis.js';
import { dumpRedis, expectSecretAbsent } from '../../support/canary.js';
import { createCapturedLogger } from '../../support/log-capture.js';
import { AUDIT_KEY, type AuditFixture, appendMany, createAuditFixture, rawEntries, sampleInput, silentLogger } from './support.js';

const fake = (prefix: string, body: string) => `${prefix}${body}`;
const LONG_GHS = fake('ghs_', 'A1b2C3d4_'.repeat(30));

describe('the audit log on real Redis', () => {
  let f: AuditFixture;
  beforeEach(async () => {
    f = await createAuditFixture();
  });
  afterEach(async () => {
    await f.close();
  });

  it('appends records with consecutive seqs, each chained to the one before, in one stream per workspace', async () => {
    const records = await appendMany(f.audit, 'T0001', 5);
    await appendMany(f.audit, 'T0002', 2);
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    const raw = await rawEntries(f.t.redis, f.audit.streamKey('T0001'));
    expect(raw.map((e) => e.id)).toEqual(records.map((r) => r.id));
    expect(raw[0]!.fields.prev).toBe(GENESIS_HASH);
    for (let i = 1; i < raw.length; i++) expect(raw[i]!.fields.prev).toBe(raw[i - 1]!.fields.hash);
    expect(Object.keys(raw[0]!.fields).sort()).toEqual(['hash', 'prev', 'record', 'seq']);
    expect(f.audit.streamKey('T0001')).toContain(':audit:');
    expect(await f.audit.head('T0001')).toEqual({ seq: 5, hash: raw[4]!.fields.hash, id: records[4]!.id });
    expect(await f.audit.head('T-none')).toEqual({ seq: 0, hash: GENESIS_HASH, id: '0-0' });
  });

  it('4 appenders (separate clients, like separate processes) × 500 on one workspace make one unforked chain of 2000', async () => {
    const clients = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const redis = createRedis(f.t.url);
        await waitForRedis(redis);
        return { redis, audit: createAuditLog({ redis, keys: f.t.keys, logger: silentLogger(), timeoutMs: 10_000 }) };
      }),
    );
    try {
      const written = (await Promise.all(clients.map(({ audit }) => appendMany(audit, 'T0001', 500)))).flat();
      expect(written).toHaveLength(2000);
      expect(new Set(written.map((r) => r.seq)).size).toBe(2000);
      const raw = await rawEntries(f.t.redis, f.audit.streamKey('T0001'));
      expect(raw.map((e) => Number(e.fields.seq))).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
      const verdict = await verifyWorkspace(f.audit, undefined, 'T0001');
      expect(verdict).toMatchObject({ ok: true, count: 2000, head: { seq: 2000 } });
      expect(clients.reduce((sum, c) => sum + c.audit.stats().conflicts, 0)).toBeGreaterThan(0);
    } finally {
      for (const c of clients) c.redis.disconnect();
    }
  });

  it('a burst of 200 concurrent appends in one process queues instead of conflicting', async () => {
    const written = await Promise.all(Array.from({ length: 200 }, () => f.audit.append(sampleInput('T0001'))));
    expect(written.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(f.audit.stats()).toEqual({ appends: 200, conflicts: 0 });
    expect((await verifyWorkspace(f.audit, undefined, 'T0001')).ok).toBe(true);
  });

  it('keeps appending, forward, after its newest entries were deleted behind its back', async () => {
    const records = await appendMany(f.audit, 'T0001', 5);
    await f.t.redis.xdel(f.audit.streamKey('T0001'), records[4]!.id, records[3]!.id);
    const next = await f.audit.append(sampleInput('T0001'));
    expect(next.seq).toBe(4);
    expect(next.id > records[4]!.id).toBe(true);
  });

  it('refuses a token-shaped value: nothing reaches Redis or the log, and the caller gets AuditUnavailableError', async () => {
    const captured = createCapturedLogger();
    const audit = createAuditLog({ redis: f.t.redis, keys: f.t.keys, logger: captured.logger });
    const attempts = [
      sampleInput('T0001', { summary: `GitHub said ${LONG_GHS}` }),
      sampleInput('T0001', { scopes: ['repo', LONG_GHS] }),
      { ...sampleInput('T0001'), [LONG_GHS]: 'field name' },
    ];
    for (const input of attempts) {
      const err = await audit.append(input).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AuditUnavailableError);
      expect(err).toMatchObject({ code: 'state_unavailable', failure: 'rejected', userMessage: AUDIT_UNAVAILABLE_MESSAGE });
      expect((err as Error).message).not.toContain(LONG_GHS);
    }
    expect(await f.t.redis.exists(f.audit.streamKey('T0001'))).toBe(0);
    expectSecretAbsent(LONG_GHS, { redis: await dumpRedis(f.t.redis, f.t.keys.prefix), log: captured.text() });
    expect(captured.text()).toContain('audit record refused');
  });

  it('latest() returns the newest records first, filtered by user, agent, outcome or high risk', async () => {
    await f.audit.append(sampleInput('T0001', { userId: 'U01', agent: 'github', outcome: 'ok' }));
    await f.audit.append(sampleInput('T0001', { userId: 'U02', agent: 'calendar', outcome: 'error' }));
    await f.audit.append(sampleInput('T0001', { userId: 'U01', kind: 'policy_decision', decision: 'step_up', risk: 'high', outcome: 'pending' }));
    await f.audit.append(sampleInput('T0001', { userId: 'U03', agent: 'slack', outcome: 'ok' }));
    expect((await f.audit.latest('T0001', 2)).map((r) => r.seq)).toEqual([4, 3]);
    expect((await f.audit.latest('T0001', 10, { userId: 'U01' })).map((r) => r.seq)).toEqual([3, 1]);
    expect((await f.audit.latest('T0001', 10, { agent: 'calendar' })).map((r) => r.seq)).toEqual([2]);
    expect((await f.audit.latest('T0001', 10, { outcome: 'ok' })).map((r) => r.seq)).toEqual([4, 1]);
    expect((await f.audit.latest('T0001', 10, { highRiskOnly: true })).map((r) => r.seq)).toEqual([3]);
    expect(await f.audit.latest('T-none', 5)).toEqual([]);
  });

  it('workspaces() finds every audit stream and nothing else, team ids intact', async () => {
    await appendMany(f.audit, 'T0002', 1);
    await appendMany(f.audit, 'T0001', 1);
    await appendMany(f.audit, 'E1:T3', 1);
    await f.t.redis.set(f.t.keys.key('lock', 'x'), '1');
    await f.t.redis.set(f.t.keys.key('audit', 'not-a-stream'), '1');
    expect(await f.audit.workspaces()).toEqual(['E1:T3', 'T0001', 'T0002']);
  });

  it('read() pages in either direction', async () => {
    const records = await appendMany(f.audit, 'T0001', 6);
    expect((await f.audit.read('T0001', { count: 2 })).map((r) => r.seq)).toEqual([1, 2]);
    expect((await f.audit.read('T0001', { count: 2, reverse: true })).map((r) => r.seq)).toEqual([6, 5]);
    expect((await f.audit.read('T0001', { from: records[2]!.id, to: records[3]!.id })).map((r) => r.seq)).toEqual([3, 4]);
    const pages = [];
    for await (const page of f.audit.entries('T0001', { pageSize: 4 })) pages.push(page.length);
    expect(pages).toEqual([4, 2]);
  });

  it('checkpoints sign the current head and verification compares against them', async () => {
    await appendMany(f.audit, 'T0001', 10);
    const anchor = await f.anchors.checkpoint('T0001');
    expect(anchor).toMatchObject({ teamId: 'T0001', count: 10, head: (await f.audit.head('T0001')).hash });
    await appendMany(f.audit, 'T0001', 3);
    const verdict = await verifyWorkspace(f.audit, f.store, 'T0001', AUDIT_KEY);
    expect(verdict).toMatchObject({ ok: true, count: 13, anchor: { count: 10 }, signaturesChecked: true });
    expect(await verifyWorkspace(f.audit, f.anchors, 'T0001', AUDIT_KEY)).toMatchObject({ ok: true, anchor: { count: 10 } });
  });

  it('periodic checkpointing anchors every workspace', async () => {
    await appendMany(f.audit, 'T0001', 3);
    await appendMany(f.audit, 'T0002', 2);
    const running = f.anchors.startCheckpointing(30);
    try {
      await expect.poll(async () => (await f.store.latest('T0002'))?.count, { timeout: 3000 }).toBe(2);
      await expect.poll(async () => (await f.store.latest('T0001'))?.count, { timeout: 3000 }).toBe(3);
      await appendMany(f.audit, 'T0001', 1);
      await expect.poll(async () => (await f.store.latest('T0001'))?.count, { timeout: 3000 }).toBe(4);
    } finally {
      await running.stop();
    }
  });
});

describe('when Redis cannot take the record', () => {
  let closedPort: number;
  let silent: Server;
  let silentPort: number;
  beforeEach(async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    closedPort = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    // A server that accepts connections and never answers: Redis hung, or a black-holed network.
    silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterEach(async () => {
    await new Promise<void>((r) => silent.close(() => r()));
  });

  it.each([
    ['unreachable (a closed port)', () => closedPort],
    ['not answering', () => silentPort],
  ])('append throws AuditUnavailableError within its timeout when Redis is %s', async (_what, port) => {
    const redis = createRedis(`redis://127.0.0.1:${port()}`, { commandTimeout: 300 });
    redis.on('error', () => {});
    try {
      const audit = createAuditLog({ redis, keys: createKeys('agenthub-test-down'), logger: silentLogger(), timeoutMs: 1000 });
      const started = performance.now();
      const err = await audit.append(sampleInput('T0001')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AuditUnavailableError);
      expect(err).toMatchObject({ code: 'state_unavailable', userMessage: "I couldn't write the audit record, so I did nothing." });
      expect(performance.now() - started).toBeLessThan(1500);
    } finally {
      redis.disconnect();
    }
  });
});
