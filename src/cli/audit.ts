import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { z } from 'zod';
import { createFileAnchorStore } from '../audit/anchor.js';
import { createAuditLog } from '../audit/audit-log.js';
import { exportAudit, parseSince } from '../audit/export.js';
import { buildReport, formatReport } from '../audit/report.js';
import { deriveAuditKey } from '../audit/signing.js';
import { verifyWorkspace, type WorkspaceVerdict } from '../audit/verify.js';
import { createLogger } from '../logger.js';
import { createKeys } from '../store/keys.js';
import { createRedis } from '../store/redis.js';

/**
 * `npm run audit -- verify | export | report`: the security team's view of the audit trail.
 * Non-interactive, safe to run while the bot runs (it only reads). Exit codes: 0 success (verify:
 * every workspace intact), 1 verify found a broken chain, 2 usage error or Redis unreachable.
 *
 * It reads only the few variables it needs (not src/config.ts, which requires the Slack ones).
 */

const USAGE = `Usage: npm run audit -- <command> [options]

Commands
  verify                 check every workspace's audit chain against its latest checkpoint
  export --format F      print records as jsonl or csv
  report                 counts of actions, approvals, denials, step-ups and revocations
                         per user and per agent

Options
  --team T               only workspace T (default: every workspace)
  --since S              from S: an ISO date (2025-01-31) or a span back from now (30m, 12h, 7d, 2w)
  --until U              up to U (same forms as --since)
  --user U               export: only records of Slack user U
  --format jsonl|csv     export: output format
  -h, --help             this text

Environment
  REDIS_URL                   Redis holding the audit streams (default redis://127.0.0.1:6379)
  AGENTHUB_ENCRYPTION_KEY     optional; with it, checkpoint and retention-marker signatures are checked
  AGENTHUB_AUDIT_ANCHOR_DIR   where checkpoints are kept (default ./audit-anchors)
  AGENTHUB_REDIS_PREFIX       key prefix (default agenthub)

Exit status: 0 ok, 1 a chain is broken (verify), 2 usage error or Redis unreachable.
`;

const blankToUndefined = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const envSchema = z.object({
  REDIS_URL: blankToUndefined.pipe(
    z
      .string()
      .regex(/^rediss?:\/\//, { error: 'must be a redis:// or rediss:// URL' })
      .optional()
      .transform((v) => v ?? 'redis://127.0.0.1:6379'),
  ),
  AGENTHUB_ENCRYPTION_KEY: blankToUndefined.pipe(
    z
      .string()
      .refine((v) => /^[A-Za-z0-9+/]{43}=$/.test(v) && Buffer.from(v, 'base64').length === 32, {
        error: 'must be 32 random bytes, base64 encoded',
      })
      .optional(),
  ),
  AGENTHUB_AUDIT_ANCHOR_DIR: blankToUndefined.transform((v) => v ?? './audit-anchors'),
  AGENTHUB_REDIS_PREFIX: blankToUndefined.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'must be letters, digits, _ . or -' })
      .optional()
      .transform((v) => v ?? 'agenthub'),
  ),
});

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

class UsageError extends Error {}

/** Host and port only: a Redis URL may carry a password. */
function describeRedis(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return 'REDIS_URL';
  }
}

function write(stream: NodeJS.WritableStream, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    stream.once('error', onError);
    const flushed = stream.write(chunk, () => {
      stream.off('error', onError);
    });
    if (flushed) resolve();
    else
      stream.once('drain', () => {
        resolve();
      });
  });
}

function verdictLine(v: WorkspaceVerdict): string {
  if (v.ok && v.head) {
    const range = (v.firstSeq ?? 1) > 1 ? ` (#${v.firstSeq}–#${v.head.seq}; earlier ones removed under retention)` : '';
    const head = v.head.seq > 0 ? `, head ${v.head.hash.slice(0, 12)}…` : '';
    const checkpoint = v.anchor ? `, checkpoint #${v.anchor.count} of ${v.anchor.at}` : ', no checkpoint yet';
    return `${v.teamId}: intact, ${v.count} records${range}${head}${checkpoint}`;
  }
  const bad = v.firstBad!;
  const id = bad.id ? ` (id ${bad.id})` : '';
  return `${v.teamId}: BROKEN at record #${bad.seq}${id}: ${bad.problem} — ${bad.detail}`;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, io: CliIo = process): Promise<number> {
  const say = (text: string) => write(io.stdout, text);
  const fail = (text: string) => write(io.stderr, `${text}\n`);

  let parsed: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        team: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        user: { type: 'string' },
        format: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  }
  try {
    parsed = parse();
  } catch (err) {
    await fail(`audit: ${(err as Error).message}. Try --help.`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    await say(USAGE);
    return 0;
  }
  const [command, ...extra] = positionals;
  if (!command || !['verify', 'export', 'report'].includes(command) || extra.length > 0) {
    await fail(
      command ? `audit: unknown command "${[command, ...extra].join(' ')}". Try --help.` : `audit: which command? verify, export or report. Try --help.`,
    );
    return 2;
  }

  const envResult = envSchema.safeParse(env);
  if (!envResult.success) {
    // By variable name only: a value may be a secret.
    const names = [...new Set(envResult.error.issues.map((i) => `${String(i.path[0])} ${i.message}`))];
    await fail(`audit: ${names.join('; ')}.`);
    return 2;
  }
  const config = envResult.data;

  let since: Date | undefined;
  let until: Date | undefined;
  try {
    const now = Date.now();
    if (values.since !== undefined) since = parseSince(values.since, now);
    if (values.until !== undefined) until = parseSince(values.until, now);
    if (command === 'export' && values.format !== 'jsonl' && values.format !== 'csv') throw new UsageError('export needs --format jsonl or --format csv');
    if (command !== 'export' && (values.format !== undefined || values.user !== undefined)) throw new UsageError('--format and --user belong to export');
  } catch (err) {
    await fail(`audit: ${(err as Error).message}. Try --help.`);
    return 2;
  }

  const logger = createLogger({ level: 'warn', destination: pino.destination({ dest: 2, sync: true }), name: 'agenthub-audit' });
  const redis: Redis = createRedis(config.REDIS_URL, { lazyConnect: true, retryStrategy: () => null, commandTimeout: 10_000, connectTimeout: 3000 });
  redis.on('error', () => {}); // reported once, below, as a sentence
  try {
    try {
      await redis.connect();
      await redis.ping();
    } catch (err) {
      await fail(`audit: cannot reach Redis at ${describeRedis(config.REDIS_URL)} (${(err as Error).message}). Start it or set REDIS_URL.`);
      return 2;
    }
    const keys = createKeys(config.AGENTHUB_REDIS_PREFIX);
    const auditLog = createAuditLog({ redis, keys, logger });
    const anchors = createFileAnchorStore(config.AGENTHUB_AUDIT_ANCHOR_DIR);
    const key = config.AGENTHUB_ENCRYPTION_KEY ? deriveAuditKey(Buffer.from(config.AGENTHUB_ENCRYPTION_KEY, 'base64')) : undefined;
    const teams =
      values.team !== undefined
        ? [values.team]
        : [...new Set([...(await auditLog.workspaces()), ...(command === 'verify' ? await anchors.teams() : [])])].sort();

    if (command === 'verify') {
      if (teams.length === 0) {
        await say(`No audit streams under ${keys.prefix}: at ${describeRedis(config.REDIS_URL)}; nothing to verify.\n`);
        return 0;
      }
      let allOk = true;
      for (const teamId of teams) {
        const verdict = await verifyWorkspace(auditLog, anchors, teamId, key);
        allOk &&= verdict.ok;
        await say(`${verdictLine(verdict)}\n`);
      }
      if (!key) await fail('note: AGENTHUB_ENCRYPTION_KEY is not set, so checkpoint and retention-marker signatures were not checked.');
      return allOk ? 0 : 1;
    }
    if (command === 'export') {
      await exportAudit(auditLog, {
        teamIds: teams,
        format: values.format as 'jsonl' | 'csv',
        since,
        until,
        userId: values.user,
        write: say,
      });
      return 0;
    }
    await say(formatReport(await buildReport(auditLog, { teamIds: teams, since, until })));
    return 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') return 0; // the reader went away (`| head`)
    await fail(`audit: ${(err as Error).message}`);
    return 2;
  } finally {
    redis.disconnect();
  }
}

function isEntryPoint(): boolean {
  try {
    return process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

/** Exits once stdout and stderr have flushed: a client's pending connect timer must not hold the process open. */
function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

if (isEntryPoint()) {
  // `… | head` closes the pipe early: that is the reader's choice, not a failure.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  main(process.argv.slice(2)).then(exitWhenFlushed, (err) => {
    process.stderr.write(`audit: ${(err as Error)?.message ?? String(err)}\n`);
    exitWhenFlushed(2);
  });
}
