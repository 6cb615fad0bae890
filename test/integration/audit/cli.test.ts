import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyChain } from '../../../src/audit/chain.js';
import type { ChainedRecord } from '../../../src/audit/record.js';
import { freePort, runEntryPoint } from '../../support/processes.js';
import { type AuditFixture, appendMany, createAuditFixture, ENCRYPTION_KEY } from './support.js';

const runCli = (args: string[], env: Record<string, string>) => runEntryPoint('src/cli/audit.ts', args, env);

const DAY = 86_400_000;

describe('npm run audit -- verify | export | report', () => {
  let f: AuditFixture;
  let now: number;
  let env: Record<string, string>;

  beforeEach(async () => {
    now = Date.now() - 10 * DAY;
    f = await createAuditFixture({ clock: () => now });
    env = {
      REDIS_URL: f.t.url,
      AGENTHUB_REDIS_PREFIX: f.t.keys.prefix,
      AGENTHUB_AUDIT_ANCHOR_DIR: f.dir,
      AGENTHUB_ENCRYPTION_KEY: ENCRYPTION_KEY.toString('base64'),
    };
    await appendMany(f.audit, 'T0001', 12, { userId: 'U01' });
    now = Date.now();
    await appendMany(f.audit, 'T0001', 8, { userId: 'U02' });
    await appendMany(f.audit, 'T0002', 5, { userId: 'U03' });
    await f.anchors.checkpoint('T0001');
  });
  afterEach(async () => {
    await f.close();
  });

  it('verify: exits 0 and prints one "intact" line per workspace', async () => {
    const { code, stdout, stderr } = await runCli(['verify'], env);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^T0001: intact, 20 records, head [0-9a-f]{12}…, checkpoint #20 of /);
    expect(lines[1]).toMatch(/^T0002: intact, 5 records, head [0-9a-f]{12}…, no checkpoint yet$/);
  });

  it('verify: exits 1 and names the first bad record when a record was deleted', async () => {
    const records = await f.audit.read('T0001');
    await f.t.redis.xdel(f.audit.streamKey('T0001'), records[6]!.id);
    const { code, stdout } = await runCli(['verify'], env);
    expect(code).toBe(1);
    expect(stdout).toContain(`T0001: BROKEN at record #7 (id ${records[7]!.id}): missing`);
    expect(stdout).toMatch(/^T0002: intact/m);
  });

  it('verify: exits 1 when the newest records were cut off after the checkpoint', async () => {
    const records = await f.audit.read('T0001');
    await f.t.redis.xdel(f.audit.streamKey('T0001'), records[19]!.id);
    const { code, stdout } = await runCli(['verify', '--team', 'T0001'], env);
    expect(code).toBe(1);
    expect(stdout.trim()).toBe(`T0001: BROKEN at record #20 (id ${records[18]!.id}): truncated — record #20 is gone: the checkpoint counted 20 records`);
  });

  it('verify without the key still checks the chain, and says signatures were not checked', async () => {
    const { AGENTHUB_ENCRYPTION_KEY: _k, ...withoutKey } = env;
    const { code, stderr } = await runCli(['verify'], withoutKey);
    expect(code).toBe(0);
    expect(stderr).toMatch(/signatures were not checked/);
  });

  it('exits 2 with one line when Redis is unreachable', async () => {
    const port = await freePort();
    const { code, stdout, stderr } = await runCli(['verify'], { ...env, REDIS_URL: `redis://:s3cret-pass@127.0.0.1:${port}` });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(`cannot reach Redis at redis://127.0.0.1:${port}`);
    expect(stderr).not.toContain('s3cret-pass');
  });

  it('exits 2 naming a malformed variable, never its value', async () => {
    const { code, stderr } = await runCli(['verify'], { ...env, AGENTHUB_ENCRYPTION_KEY: 'not-a-key-but-maybe-a-secret' });
    expect(code).toBe(2);
    expect(stderr).toContain('AGENTHUB_ENCRYPTION_KEY must be 32 random bytes');
    expect(stderr).not.toContain('not-a-key-but-maybe-a-secret');
  });

  it.each([
    [[], /which command/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['verify', '--bogus'], /Unknown option '--bogus'/],
    [['export'], /--format jsonl or --format csv/],
    [['export', '--format', 'jsonl', '--since', 'last tuesday'], /not a time/],
  ])('exits 2 on usage errors: %j', async (args, message) => {
    const { code, stderr } = await runCli(args, env);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('--help prints the usage and exits 0', async () => {
    const { code, stdout } = await runCli(['--help'], env);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: npm run audit -- <command>');
  });

  it('export --format jsonl prints every record, verifiable offline', async () => {
    const { code, stdout } = await runCli(['export', '--format', 'jsonl', '--team', 'T0001'], env);
    expect(code).toBe(0);
    const records = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ChainedRecord);
    expect(records).toHaveLength(20);
    expect(verifyChain(records)).toMatchObject({ ok: true, count: 20 });
  });

  it('export --format csv --since 7d --user U02 keeps only that user’s recent records', async () => {
    const { code, stdout } = await runCli(['export', '--format', 'csv', '--since', '7d', '--user', 'U02'], env);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^teamId,seq,id,at,userId,/);
    expect(lines).toHaveLength(1 + 8);
    expect(lines.slice(1).every((l) => l.startsWith('T0001,') && l.includes(',U02,'))).toBe(true);
  });

  it('report prints per-user and per-agent tables for the period', async () => {
    const { code, stdout } = await runCli(['report', '--team', 'T0001', '--since', '30d'], env);
    expect(code).toBe(0);
    expect(stdout).toContain('Audit report for workspace T0001');
    expect(stdout).toMatch(/T0001\s+U01\s+12\s+0\s+0\s+0\s+0/);
    expect(stdout).toMatch(/T0001\s+U02\s+8\s+0\s+0\s+0\s+0/);
    expect(stdout).toMatch(/T0001\s+github\s+20\s+0\s+0\s+0\s+0/);
    const recent = await runCli(['report', '--team', 'T0001', '--since', '2d'], env);
    expect(recent.stdout).not.toMatch(/U01/);
  });
});
