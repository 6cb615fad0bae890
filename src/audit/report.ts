import type { AuditLog } from './audit-log.js';
import { auditRecords } from './export.js';
import type { AuditRecord } from './record.js';

/**
 * A period's activity per person and per agent, for a security review. What is counted:
 *   actions      tool_call_finished with outcome ok (an action actually carried out)
 *   approvals    approval_decided with decision approved
 *   denials      approval_decided denied, and policy_decision deny (the gate refused outright)
 *   step-ups     step_up with outcome ok (MFA completed)
 *   revocations  revocation records
 */

export const REPORT_COLUMNS = ['actions', 'approvals', 'denials', 'stepUps', 'revocations'] as const;
export type ReportCounts = Record<(typeof REPORT_COLUMNS)[number], number>;

export interface ReportRow extends ReportCounts {
  teamId: string;
  name: string;
}

export interface AuditReport {
  teamIds: string[];
  since?: Date;
  until?: Date;
  /** Records read in the period. */
  records: number;
  byUser: ReportRow[];
  byAgent: ReportRow[];
  totals: ReportCounts;
}

const zero = (): ReportCounts => ({ actions: 0, approvals: 0, denials: 0, stepUps: 0, revocations: 0 });

/** Which column a record counts in, if any. */
export function countedAs(r: Pick<AuditRecord, 'kind' | 'decision' | 'outcome'>): keyof ReportCounts | undefined {
  if (r.kind === 'tool_call_finished' && r.outcome === 'ok') return 'actions';
  if (r.kind === 'approval_decided' && r.decision === 'approved') return 'approvals';
  if ((r.kind === 'approval_decided' && r.decision === 'denied') || (r.kind === 'policy_decision' && r.decision === 'deny')) return 'denials';
  if (r.kind === 'step_up' && r.outcome === 'ok') return 'stepUps';
  if (r.kind === 'revocation') return 'revocations';
  return undefined;
}

export async function buildReport(auditLog: AuditLog, { teamIds, since, until }: { teamIds: string[]; since?: Date; until?: Date }): Promise<AuditReport> {
  const users = new Map<string, ReportRow>();
  const agents = new Map<string, ReportRow>();
  const totals = zero();
  let records = 0;
  const row = (map: Map<string, ReportRow>, teamId: string, name: string) => {
    const k = `${teamId}\n${name}`;
    const found = map.get(k);
    if (found) return found;
    const created = { teamId, name, ...zero() };
    map.set(k, created);
    return created;
  };
  for await (const r of auditRecords(auditLog, { teamIds, since, until })) {
    if (r.kind === 'retention_marker') continue;
    records++;
    const user = row(users, r.teamId, r.userId ?? '(none)');
    const agent = row(agents, r.teamId, r.agent);
    const column = countedAs(r);
    if (!column) continue;
    user[column]++;
    agent[column]++;
    totals[column]++;
  }
  const sorted = (m: Map<string, ReportRow>) => [...m.values()].sort((a, b) => a.teamId.localeCompare(b.teamId) || a.name.localeCompare(b.name));
  return { teamIds, since, until, records, byUser: sorted(users), byAgent: sorted(agents), totals };
}

/** A plain-text table: text columns left-aligned, numbers right-aligned, two spaces apart. */
export function formatTable(headers: string[], rows: Array<Array<string | number>>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const line = (cells: Array<string | number>) =>
    cells
      .map((c, i) => (numeric[i] ? String(c).padStart(widths[i]!) : String(c).padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const HEADERS = ['actions', 'approvals', 'denials', 'step-ups', 'revocations'];

export function formatReport(report: AuditReport): string {
  const period = `${report.since ? report.since.toISOString() : 'the beginning'} to ${report.until ? report.until.toISOString() : 'now'}`;
  const counts = (r: ReportCounts) => REPORT_COLUMNS.map((c) => r[c]);
  const out = [`Audit report for ${report.teamIds.length === 1 ? `workspace ${report.teamIds[0]}` : `${report.teamIds.length} workspaces`}, ${period}`];
  out.push(`${report.records} records in the period.`, '');
  out.push(
    'By user',
    formatTable(
      ['workspace', 'user', ...HEADERS],
      report.byUser.map((r) => [r.teamId, r.name, ...counts(r)]),
    ),
    '',
  );
  out.push(
    'By agent',
    formatTable(
      ['workspace', 'agent', ...HEADERS],
      report.byAgent.map((r) => [r.teamId, r.name, ...counts(r)]),
    ),
    '',
  );
  out.push(formatTable(['', ...HEADERS], [['total', ...counts(report.totals)]]), '');
  out.push(
    'actions = tool calls finished ok; approvals = approvals granted; denials = approvals denied and requests the policy refused;',
    'step-ups = MFA step-ups completed; revocations = revocations recorded.',
  );
  return `${out.join('\n')}\n`;
}
