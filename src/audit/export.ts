import type { AuditLog } from './audit-log.js';
import { chainedRecordOf } from './audit-log.js';
import { canonicalJson } from './chain.js';
import type { ChainedRecord } from './record.js';

/**
 * Export for a security team: JSON lines (one chained record per line, canonical key order, with
 * `prev` and `hash`, so an unfiltered export can be verified offline with `verifyChain`) or CSV.
 */

export type ExportFormat = 'jsonl' | 'csv';

export const CSV_COLUMNS = [
  'teamId',
  'seq',
  'id',
  'at',
  'userId',
  'agent',
  'kind',
  'tool',
  'action',
  'target',
  'decision',
  'outcome',
  'risk',
  'summary',
  'reason',
  'scopes',
  'connection',
  'argsHash',
  'runId',
  'approvalId',
  'causeId',
  'retention',
  'prev',
  'hash',
] as const;

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * `--since` / `--until`: a relative span back from now (`30m`, `12h`, `7d`, `2w`) or an ISO date
 * (`2025-01-31`, read as UTC midnight) or date-time. Throws a one-line message on anything else.
 */
export function parseSince(value: string, now: number = Date.now()): Date {
  const v = value.trim();
  const relative = /^(\d{1,6})([mhdw])$/.exec(v);
  if (relative) return new Date(now - Number(relative[1]) * UNITS[relative[2]!]!);
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v)) {
    const ms = Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
    if (!Number.isNaN(ms)) return new Date(ms);
  }
  throw new Error(`"${value}" is not a time: use an ISO date such as 2025-01-31, or a span back from now such as 30m, 12h, 7d or 2w`);
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled.
 * Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a leading
 * `'`: record text can come from GitHub issue titles, i.e. from anyone.
 */
export function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  let text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(record: ChainedRecord): string {
  return CSV_COLUMNS.map((c) => {
    const v = (record as unknown as Record<string, unknown>)[c];
    return csvField(c === 'scopes' && Array.isArray(v) ? v.join(' ') : v);
  }).join(',');
}

export interface ExportOptions {
  teamIds: string[];
  format: ExportFormat;
  since?: Date;
  until?: Date;
  userId?: string;
  /** Receives the output in pieces; awaited, so a slow consumer applies backpressure. */
  write: (chunk: string) => void | Promise<void>;
}

/** Records of the given workspaces in stream order, filtered by time (`at`) and user. */
export async function* auditRecords(
  auditLog: AuditLog,
  { teamIds, since, until, userId }: Pick<ExportOptions, 'teamIds' | 'since' | 'until' | 'userId'>,
): AsyncGenerator<ChainedRecord> {
  for (const teamId of teamIds) {
    // A record's stream id is never earlier than its time, so the read can start at `since`.
    const from = since ? `${Math.max(0, since.getTime())}-0` : '-';
    for await (const page of auditLog.entries(teamId, { from })) {
      for (const entry of page) {
        const r = chainedRecordOf(entry);
        if (!r) continue;
        const at = Date.parse(r.at);
        if (since && !(at >= since.getTime())) continue;
        if (until && !(at < until.getTime())) continue;
        if (userId !== undefined && r.userId !== userId) continue;
        yield r;
      }
    }
  }
}

export async function exportAudit(auditLog: AuditLog, options: ExportOptions): Promise<{ records: number }> {
  let records = 0;
  if (options.format === 'csv') await options.write(`${CSV_COLUMNS.join(',')}\r\n`);
  let buffer: string[] = [];
  for await (const r of auditRecords(auditLog, options)) {
    buffer.push(options.format === 'csv' ? `${csvRow(r)}\r\n` : `${canonicalJson(r)}\n`);
    records++;
    if (buffer.length >= 500) {
      await options.write(buffer.join(''));
      buffer = [];
    }
  }
  if (buffer.length) await options.write(buffer.join(''));
  return { records };
}
