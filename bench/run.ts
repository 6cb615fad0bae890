/**
 * `npm run bench`: every benchmark of issue 8 §1, each beside a baseline measured in the same run.
 * Prints a table and writes bench/results/latest.json. Needs Redis (REDIS_URL, default
 * redis://127.0.0.1:6379) and the stand-in certificate trusted (the npm script sets NODE_EXTRA_CA_CERTS).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRedis, waitForRedis } from '../src/store/redis.js';
import { type AckRow, ackBench, ackTargets } from './sections/ack.js';
import { auditBench, type Row } from './sections/audit.js';
import { e2eBench } from './sections/e2e.js';
import { homeBench } from './sections/home.js';
import { memoryBench } from './sections/memory.js';
import { overheadBench } from './sections/overhead.js';
import type { LatencySummary } from './support/stats.js';
import { REDIS_URL } from './support/world.js';

const log = (line: string) => process.stderr.write(`${line}\n`);
const ms = (x: number) => (x < 1 ? x.toFixed(3) : x < 10 ? x.toFixed(1) : x.toFixed(0));
const lat = (l: LatencySummary) => `p50 ${ms(l.p50)} / p99 ${ms(l.p99)} / max ${ms(l.max)} ms`;
const rps = (x: number) => `${Math.round(x).toLocaleString('en-US')}/s`;
const pass = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

async function redisAvailable(): Promise<boolean> {
  const redis = createRedis(REDIS_URL);
  redis.on('error', () => {});
  try {
    await waitForRedis(redis, 3000);
    return true;
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

function ackRows(rows: AckRow[]): Row[] {
  return rows.map((r) => {
    const label = `${r.kind === 'command' ? '/agenthub help' : 'app_mention'} ${r.rate === 'max' ? 'max, 32 conns' : `${r.rate} req/s`}`;
    const errs = (x: AckRow['full']) => (x.non2xx + x.errors ? `, ${x.non2xx + x.errors} failed` : '');
    // Each mention is an agent run, done after its ack: when was the last one answered?
    const answered =
      r.kind === 'mention'
        ? `; all ${r.full.latencyMs.count.toLocaleString('en-US')} answered after ${(r.full.workDoneAfterMs / 1000).toFixed(1)} s (${rps((r.full.latencyMs.count / r.full.workDoneAfterMs) * 1000)})`
        : '';
    if (r.rate === 'max')
      return [
        label,
        `full ${rps(r.full.achievedPerSecond)} vs bare ${rps(r.bare.achievedPerSecond)}`,
        `ratio ${(r.full.achievedPerSecond / r.bare.achievedPerSecond).toFixed(2)}; full ${lat(r.full.latencyMs)}${errs(r.full)}${answered}`,
      ];
    return [
      label,
      `full ${lat(r.full.latencyMs)}${errs(r.full)}; loop stall ≤ ${ms(r.full.loopDelayMaxMs)} ms${answered}`,
      `bare ${lat(r.bare.latencyMs)}${errs(r.bare)}; p99 ×${(r.full.latencyMs.p99 / r.bare.latencyMs.p99).toFixed(1)}`,
    ];
  });
}

function table(title: string, rows: Row[]): string {
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i as 0 | 1].length)));
  return `${title}\n${rows.map((r) => `  ${r[0].padEnd(widths[0]!)}  ${r[1].padEnd(widths[1]!)}  ${r[2]}`.trimEnd()).join('\n')}\n`;
}

async function main() {
  if (!(await redisAvailable())) {
    log(`npm run bench needs a Redis: none answered at ${REDIS_URL}. Start one (redis-server) or set REDIS_URL.`);
    process.exitCode = 1;
    return;
  }
  const started = Date.now();
  const ack = await ackBench(log);
  log('gate + vault overhead…');
  const overhead = await overheadBench();
  log('end to end…');
  const e2e = await e2eBench();
  const audit = await auditBench(log);
  log('App Home over 10,000 records…');
  const home = await homeBench();
  const memory = await memoryBench(log);

  const targets = {
    ...ackTargets(ack.rows),
    gateVaultP99Under1ms: overhead.guardedP99Under1ms,
    oneExchangePer1000Calls: overhead.exchangesPer1000Calls === 1,
  };
  const out = [
    table('1. Ack latency (open loop; latency from scheduled send to response) and throughput: full app vs bare Bolt', ackRows(ack.rows)),
    table('2. Gate + vault per tool call (warm token cache, no-op client)', [
      ['executor.target + gate.check + executor.run', lat(overhead.guarded), `direct client call ${lat(overhead.direct)}`],
      ['  of which executor.target (vault.withToken)', lat(overhead.parts.target), ''],
      ['  of which gate.check', lat(overhead.parts.gate), ''],
      ['  of which executor.run (vault.withToken)', lat(overhead.parts.run), ''],
      [
        'one Redis round trip (baseline)',
        lat(overhead.redisRoundTrip),
        'what each vault.withToken would cost if its revocation and link checks were not tracked reads',
      ],
      ['Token Vault exchanges per 1,000 calls, 1 user', String(overhead.exchangesPer1000Calls), 'counted at the Auth0 stand-in'],
    ]),
    table('3. End to end (scripted model, stand-ins)', [
      ['mention → final reply (1 tool call)', lat(e2e.mentionToReply), `${e2e.mentionToReply.count} runs`],
      ['merge: mention → card → Approve with MFA → "Merged"', lat(e2e.approvalRoundTrip), `${e2e.approvalRoundTrip.count} runs`],
    ]),
    table('4. Audit trail and App Home', [
      ...audit.rows,
      [`App Home, ${home.records.toLocaleString('en-US')} records, owns 1/7`, lat(home.ownsSeventh), `empty workspace ${lat(home.emptyWorkspace)}`],
      [`App Home, ${home.records.toLocaleString('en-US')} records, owns none`, lat(home.ownsNone), 'the filter reads up to its 5,000-record scan cap'],
    ]),
    table('5. Memory of the full app process (after GC, work settled)', [
      ['idle RSS', `${memory.idleRssMb} MB`, ''],
      ...memory.samples.map((s): Row => [`after ${s.requests.toLocaleString('en-US')} requests`, `RSS ${s.rssMb} MB`, `heap ${s.heapUsedMb} MB`]),
      ['slope after warm-up (per 1,000 requests)', `RSS ${memory.rssSlopeMbPer1000} MB`, `heap ${memory.heapSlopeMbPer1000} MB`],
    ]),
    table('Targets', [
      ['ack p99 < 25 ms at 300 req/s, 0 failed (full app)', pass(targets.p99At300Under25ms), ''],
      ['throughput ≥ half of bare Bolt', pass(targets.throughputAtLeastHalfOfBare), JSON.stringify(targets.throughputRatio)],
      [
        'gate + vault p99 < 1 ms',
        pass(targets.gateVaultP99Under1ms),
        `p99 ${ms(overhead.guarded.p99)} ms = ×${(overhead.guarded.p99 / overhead.redisRoundTrip.p99).toFixed(1)} one Redis round trip's p99`,
      ],
      ['1 Token Vault exchange per 1,000 calls', pass(targets.oneExchangePer1000Calls), ''],
    ]),
  ].join('\n');
  process.stdout.write(
    `\nAgentHub benchmarks, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Redis ${audit.results.redis.version} (appendonly ${audit.results.redis.appendonly})\n\n${out}\ntook ${Math.round((Date.now() - started) / 1000)} s\n`,
  );

  const results = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    redis: audit.results.redis,
    targets,
    ack: ack.rows,
    overhead,
    e2e,
    audit: { ...audit.results, redis: undefined },
    home,
    memory,
  };
  const file = join(dirname(fileURLToPath(import.meta.url)), 'results', 'latest.json');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(results, (_k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toFixed(3)) : v), 2)}\n`);
  process.stdout.write(`wrote ${file}\n`);
}

main().catch((err) => {
  log(`bench failed: ${(err as Error).stack}`);
  process.exitCode = 1;
});
