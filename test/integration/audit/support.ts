import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { type AnchorStore, type AuditAnchors, createAuditAnchors, createFileAnchorStore } from '../../../src/audit/anchor.js';
import { type AuditLog, createAuditLog } from '../../../src/audit/audit-log.js';
import { canonicalJson } from '../../../src/audit/chain.js';
import type { AuditInput } from '../../../src/audit/record.js';
import { deriveAuditKey } from '../../../src/audit/signing.js';
import { createLogger, type Logger } from '../../../src/logger.js';
import { createTestRedis, type TestRedis } from '../../support/redis.js';

export const ENCRYPTION_KEY = Buffer.alloc(32, 42);
export const AUDIT_KEY = deriveAuditKey(ENCRYPTION_KEY);

export const silentLogger = (): Logger => createLogger({ level: 'silent' });

export interface AuditFixture {
  t: TestRedis;
  audit: AuditLog;
  dir: string;
  store: AnchorStore;
  anchors: AuditAnchors;
  close(): Promise<void>;
}

/** Real Redis under a fresh prefix, an audit log on it, and a file anchor store in a temporary directory. */
export async function createAuditFixture(options: { clock?: () => number; logger?: Logger } = {}): Promise<AuditFixture> {
  const t = await createTestRedis();
  const logger = options.logger ?? silentLogger();
  const audit = createAuditLog({ redis: t.redis, keys: t.keys, logger, clock: options.clock });
  const dir = await mkdtemp(join(tmpdir(), 'agenthub-anchors-'));
  const store = createFileAnchorStore(dir);
  const anchors = createAuditAnchors({ auditLog: audit, store, key: AUDIT_KEY, logger, clock: options.clock });
  return {
    t,
    audit,
    dir,
    store,
    anchors,
    async close() {
      await t.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

let n = 0;
/** A plausible record for a workspace; `i` varies the words. */
export function sampleInput(teamId: string, extra: Partial<AuditInput> = {}): AuditInput {
  n++;
  return {
    teamId,
    userId: ['U01', 'U02', 'U03'][n % 3],
    agent: 'github',
    tool: 'github_merge_pull_request',
    kind: 'tool_call_finished',
    action: `merge PR #${n} in acme/api`,
    target: `acme/api#${n}`,
    outcome: 'ok',
    ...extra,
  } as AuditInput;
}

export async function appendMany(audit: AuditLog, teamId: string, count: number, extra: Partial<AuditInput> = {}) {
  const out = [];
  for (let i = 0; i < count; i++) out.push(await audit.append(sampleInput(teamId, extra)));
  return out;
}

/** The raw fields of every entry, in stream order. */
export async function rawEntries(redis: Redis, key: string): Promise<Array<{ id: string; fields: Record<string, string> }>> {
  return (await redis.xrange(key, '-', '+')).map(([id, raw]) => {
    const fields: Record<string, string> = {};
    for (let i = 0; i < raw.length; i += 2) fields[raw[i]!] = raw[i + 1]!;
    return { id, fields };
  });
}

/** Edits a record's JSON (keeping its stored hash), as someone with write access to Redis could. */
export function editedRecordJson(json: string, change: Record<string, unknown>): string {
  return canonicalJson({ ...JSON.parse(json), ...change });
}
