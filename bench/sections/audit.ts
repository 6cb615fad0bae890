/**
 * §4 Audit trail (was bench/audit.bench.ts):
 *   1. single-appender append throughput (compare-and-append through the Lua script), 5,000 appends
 *      after 2,000 unmeasured warm-up appends;
 *   2. four appenders on one workspace (separate clients, as separate processes would be), 4 × 1,250;
 *   3. fills a scratch workspace to 100,000 records (pipelined XADD, chain computed here: set-up only);
 *   4. times `verifyWorkspace` over those 100,000 records, and a first checkpoint (full verify + sign).
 * Deletes everything it created.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuditAnchors, createFileAnchorStore } from '../../src/audit/anchor.js';
import { type AuditLog, createAuditLog } from '../../src/audit/audit-log.js';
import { canonicalJson, hashLink } from '../../src/audit/chain.js';
import type { AuditInput, AuditRecord } from '../../src/audit/record.js';
import { deriveAuditKey } from '../../src/audit/signing.js';
import { verifyWorkspace } from '../../src/audit/verify.js';
import { createLogger } from '../../src/logger.js';
import { createKeys } from '../../src/store/keys.js';
import { createRedis, waitForRedis } from '../../src/store/redis.js';
import { median, percentile } from '../support/stats.js';
import { REDIS_URL } from '../support/world.js';

const TOTAL = 100_000;
const SINGLE = 5_000;
const WRITERS = 4;
const PER_WRITER = 1_250;
const VERIFY_RUNS = 3;
const WARMUP = 2_000;

const logger = createLogger({ level: 'silent' });
const keys = createKeys(`agenthub-bench-${randomBytes(4).toString('hex')}`);

let n = 0;
export function auditInput(teamId: string): AuditInput {
  n++;
  return {
    teamId,
    userId: `U0${n % 7}`,
    agent: 'github',
    tool: 'github_merge_pull_request',
    kind: n % 2 ? 'tool_call_started' : 'tool_call_finished',
    action: `merge PR #${n} in acme/api`,
    target: `acme/api#${n}`,
    decision: 'approved',
    outcome: n % 2 ? 'pending' : 'ok',
    risk: 'high',
    summary: `Merged pull request #${n} "Bump dependencies and fix the flaky test" into main`,
    argsHash: 'ab'.repeat(32),
    runId: `T1:U0${n % 7}:1700000000.${n}`,
    scopes: ['repo'],
  };
}

async function singleAppender(audit: AuditLog, teamId: string) {
  const latencies: number[] = [];
  const started = performance.now();
  for (let i = 0; i < SINGLE; i++) {
    const t = performance.now();
    await audit.append(auditInput(teamId));
    latencies.push(performance.now() - t);
  }
  const ms = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return { appends: SINGLE, ms, perSecond: (SINGLE / ms) * 1000, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

async function concurrentAppenders(teamId: string) {
  const clients = await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      const redis = createRedis(REDIS_URL, { commandTimeout: 10_000 });
      await waitForRedis(redis);
      return { redis, audit: createAuditLog({ redis, keys, logger, timeoutMs: 30_000 }) };
    }),
  );
  let maxMs = 0;
  const started = performance.now();
  await Promise.all(
    clients.map(async ({ audit }) => {
      for (let i = 0; i < PER_WRITER; i++) {
        const t = performance.now();
        await audit.append(auditInput(teamId));
        maxMs = Math.max(maxMs, performance.now() - t);
      }
    }),
  );
  const ms = performance.now() - started;
  const conflicts = clients.reduce((sum, c) => sum + c.audit.stats().conflicts, 0);
  for (const c of clients) c.redis.disconnect();
  const appends = WRITERS * PER_WRITER;
  return { writers: WRITERS, appends, ms, perSecond: (appends / ms) * 1000, conflicts, conflictsPerAppend: conflicts / appends, maxMs };
}

/** Set-up only: extends the chain from its head with pipelined XADDs (no compare-and-append). */
export async function fill(redis: ReturnType<typeof createRedis>, audit: AuditLog, teamId: string, upTo: number) {
  const key = audit.streamKey(teamId);
  let { seq, hash } = await audit.head(teamId);
  let ms = Date.now();
  const started = performance.now();
  while (seq < upTo) {
    const pipeline = redis.pipeline();
    for (let i = 0; i < 1000 && seq < upTo; i++) {
      seq++;
      const id = `${ms}-${seq}`;
      const { teamId: _t, ...rest } = auditInput(teamId);
      const record = { ...rest, teamId, id, seq, at: new Date(ms).toISOString() } as AuditRecord;
      const canonical = canonicalJson(record);
      const next = hashLink(hash, canonical);
      pipeline.xadd(key, id, 'seq', String(seq), 'hash', next, 'prev', hash, 'record', canonical);
      hash = next;
    }
    await pipeline.exec();
    ms++;
  }
  return { records: upTo, ms: performance.now() - started };
}

export type Row = [string, string, string];

export async function auditBench(log: (line: string) => void) {
  const redis = createRedis(REDIS_URL, { commandTimeout: 30_000 });
  redis.on('error', () => {});
  const anchorDir = await mkdtemp(join(tmpdir(), 'agenthub-bench-anchors-'));
  try {
    await waitForRedis(redis);
    const info = await redis.info('server');
    const redisVersion = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    const aof = /aof_enabled:(\d)/.exec(await redis.info('persistence'))?.[1] === '1' ? 'yes' : 'no';
    const audit = createAuditLog({ redis, keys, logger, timeoutMs: 10_000 });

    // Warm-up (JIT, script cache, connection) on a workspace of its own, not measured.
    for (let i = 0; i < WARMUP; i++) await audit.append(auditInput('TBENCH-WARMUP'));
    log(`single appender, ${SINGLE} appends…`);
    const single = await singleAppender(audit, 'TBENCH');
    log(`${WRITERS} appenders × ${PER_WRITER}…`);
    const concurrent = await concurrentAppenders('TBENCH-CONCURRENT');
    log(`filling to ${TOTAL}…`);
    const filled = await fill(redis, audit, 'TBENCH', TOTAL);

    log(`verifying ${TOTAL} records × ${VERIFY_RUNS}…`);
    const verifyMs: number[] = [];
    for (let i = 0; i < VERIFY_RUNS; i++) {
      const verdict = await verifyWorkspace(audit, undefined, 'TBENCH');
      if (!verdict.ok || verdict.count !== TOTAL) throw new Error(`the benchmark chain did not verify: ${JSON.stringify(verdict.firstBad)}`);
      verifyMs.push(verdict.elapsedMs);
    }
    const key = deriveAuditKey(randomBytes(32));
    const store = createFileAnchorStore(anchorDir);
    const anchors = createAuditAnchors({ auditLog: audit, store, key, logger });
    let t = performance.now();
    await anchors.checkpoint('TBENCH');
    const firstCheckpointMs = performance.now() - t;
    await audit.append(auditInput('TBENCH'));
    t = performance.now();
    await anchors.checkpoint('TBENCH');
    const incrementalCheckpointMs = performance.now() - t;
    const anchored = await verifyWorkspace(audit, store, 'TBENCH', key);
    if (!anchored.ok) throw new Error('the anchored benchmark chain did not verify');

    const verify = { records: TOTAL, runs: VERIFY_RUNS, medianMs: median(verifyMs), recordsPerSecond: (TOTAL / median(verifyMs)) * 1000 };
    const rows: Row[] = [
      [
        `append, 1 appender (${SINGLE})`,
        `${Math.round(single.perSecond).toLocaleString('en-US')} appends/s`,
        `p50 ${single.p50Ms.toFixed(2)} ms, p99 ${single.p99Ms.toFixed(2)} ms`,
      ],
      [
        `append, ${WRITERS} appenders (${WRITERS} × ${PER_WRITER})`,
        `${Math.round(concurrent.perSecond).toLocaleString('en-US')} appends/s`,
        `${concurrent.conflictsPerAppend.toFixed(2)} conflicts/append, worst ${concurrent.maxMs.toFixed(0)} ms`,
      ],
      [
        `verify ${TOTAL.toLocaleString('en-US')} records`,
        `${Math.round(verify.recordsPerSecond).toLocaleString('en-US')} records/s`,
        `median ${verify.medianMs.toFixed(0)} ms of ${VERIFY_RUNS}`,
      ],
      ['first checkpoint (full verify + sign)', `${firstCheckpointMs.toFixed(0)} ms`, `${TOTAL.toLocaleString('en-US')} records`],
      ['next checkpoint (1 new record)', `${incrementalCheckpointMs.toFixed(1)} ms`, ''],
      [`set-up fill (pipelined, no CAS)`, `${Math.round(((filled.records - SINGLE) / filled.ms) * 1000).toLocaleString('en-US')} records/s`, ''],
    ];
    const results = {
      redis: { version: redisVersion, appendonly: aof },
      append: { single, concurrent },
      verify,
      checkpoint: { firstMs: firstCheckpointMs, incrementalMs: incrementalCheckpointMs },
      fill: filled,
    };
    return { results, rows };
  } finally {
    for (const teamId of ['TBENCH', 'TBENCH-CONCURRENT', 'TBENCH-WARMUP']) await redis.del(keys.key('audit', teamId)).catch(() => {});
    await rm(anchorDir, { recursive: true, force: true });
    redis.disconnect();
  }
}
