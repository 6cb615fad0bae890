import { z } from 'zod';
import { scrubSecrets } from '../security/scrub-secrets.js';
import { AuditUnavailableError } from './audit-unavailable-error.js';

/**
 * One audit record: what an agent (or a person, through AgentHub) did, for whom, and why.
 *
 * The record is a business record for a security team, not a log line: plain words in `action`
 * and `summary`, identifiers that tie it to a LangGraph run, an approval and the record it follows
 * from, and never a credential. Lists below only ever grow: a verifier must be able to read every
 * record ever written, so values are added, never renamed or removed.
 */

export const AUDIT_AGENTS = ['github', 'calendar', 'slack', 'agenthub'] as const;

export const AUDIT_KINDS = [
  'request', // a person asked an agent for something
  'policy_decision', // the gate's outcome for one tool call, with its reason
  'approval_requested',
  'approval_decided',
  'step_up', // an MFA step-up completed, refused or failed
  'token_exchange', // a Token Vault exchange for one connection and scope set
  'tool_call_started', // written before the upstream call: no record, no call
  'tool_call_finished',
  'revocation',
  'sign_in',
  'connection_change', // a connected account linked or unlinked
  'retention_marker', // written by retention only: states (and signs) which old records were removed
] as const;

export const AUDIT_DECISIONS = ['allow', 'approve', 'step_up', 'ciba', 'deny', 'approved', 'denied', 'expired', 'cancelled'] as const;
export const AUDIT_OUTCOMES = ['ok', 'error', 'pending', 'refused'] as const;
export const AUDIT_RISKS = ['low', 'medium', 'high', 'critical'] as const;

export type AuditAgent = (typeof AUDIT_AGENTS)[number];
export type AuditKind = (typeof AUDIT_KINDS)[number];
export type AuditDecision = (typeof AUDIT_DECISIONS)[number];
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];
export type AuditRisk = (typeof AUDIT_RISKS)[number];

/** Redis Stream entry ids (`<ms>-<n>`); a record's `id` is the id of its stream entry. */
export const STREAM_ID = /^\d{1,20}-\d{1,20}$/;
export const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Free text is cut rather than refused, so a long pull-request title cannot block an action;
 * identifiers are refused when too long, since a cut identifier would point at something else.
 */
export const TEXT_LIMITS = { action: 300, target: 300, summary: 500, reason: 1000 } as const;

function cut(value: string, max: number): string {
  if (value.length <= max) return value;
  let end = max - 1;
  const code = value.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--; // never split a surrogate pair
  return `${value.slice(0, end)}…`;
}

const text = (max: number, min = 0) =>
  z
    .string()
    .min(min)
    .transform((v) => cut(v, max));
const ident = (max: number) => z.string().min(1).max(max);

const inputShape = {
  teamId: ident(64),
  userId: ident(64).optional(),
  agent: z.enum(AUDIT_AGENTS),
  tool: ident(100).optional(),
  kind: z.enum(AUDIT_KINDS),
  /** The action in plain words ("merge PR #42 in acme/api"). */
  action: text(TEXT_LIMITS.action, 1),
  /** What was acted on: `acme/api`, `acme/api#42`, a calendar event. */
  target: text(TEXT_LIMITS.target).optional(),
  decision: z.enum(AUDIT_DECISIONS).optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  risk: z.enum(AUDIT_RISKS).optional(),
  summary: text(TEXT_LIMITS.summary).optional(),
  /** The approval's argument hash (sha256 hex), binding the record to the exact arguments. */
  argsHash: z.string().regex(HEX64).optional(),
  /** The LangGraph thread id. */
  runId: ident(200).optional(),
  approvalId: ident(100).optional(),
  /** The id of the record this one follows from (a finish points at its start, a decision at its request). */
  causeId: z.string().regex(STREAM_ID).optional(),
  reason: text(TEXT_LIMITS.reason).optional(),
  scopes: z.array(ident(200)).max(50).optional(),
  connection: ident(100).optional(),
};

/** What a caller passes to `append`: everything but the id, sequence number and time, which the log assigns. */
export const auditInputSchema = z.strictObject(inputShape).refine((r) => r.kind !== 'retention_marker', {
  error: 'retention markers are written by retention only',
  path: ['kind'],
});

/** What a retention marker states about the records it removed; signed with the audit key. */
export const retentionStatementSchema = z.strictObject({
  firstSeq: z.number().int().min(1),
  lastSeq: z.number().int().min(1),
  /** The hash of the last removed record: the `prev` of the first record kept. */
  lastHash: z.string().regex(HEX64),
  lastId: z.string().regex(STREAM_ID),
  /** HMAC-SHA256 (hex) over the statement and the workspace, with the key derived for the audit trail. */
  signature: z.string().regex(HEX64),
});

export const auditRecordSchema = z.strictObject({
  id: z.string().regex(STREAM_ID),
  seq: z.number().int().min(1),
  at: z.iso.datetime(),
  ...inputShape,
  retention: retentionStatementSchema.optional(),
});

export type AuditInput = z.input<typeof auditInputSchema>;
export type AuditRecord = z.output<typeof auditRecordSchema>;
export type RetentionStatement = z.output<typeof retentionStatementSchema>;
/** A record as stored: with the hash of the record before it and its own. */
export type ChainedRecord = AuditRecord & { prev: string; hash: string };

/**
 * Refuses any value that looks like a credential, anywhere in the input (keys included).
 *
 * Fail closed: if `scrubSecrets` would change a value, the record is refused rather than
 * written redacted. A redacted record hides that something upstream put a token where a
 * summary belongs; a refusal stops the action and the error (naming the field, never the value)
 * reaches an operator.
 */
export function assertNoCredentials(value: unknown, path = 'record'): void {
  if (typeof value === 'string') {
    if (scrubSecrets(value) !== value) throw new AuditUnavailableError('rejected', `Audit record refused: ${path} looks like it contains a credential`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      assertNoCredentials(v, `${path}[${i}]`);
    });
    return;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (scrubSecrets(k) !== k) throw new AuditUnavailableError('rejected', `Audit record refused: a field name in ${path} looks like a credential`);
      assertNoCredentials(v, `${path}.${k}`);
    }
  }
}

/** Checks and normalises what a caller wants recorded. Throws `AuditUnavailableError` ('rejected'). */
export function parseAuditInput(input: unknown): z.output<typeof auditInputSchema> {
  assertNoCredentials(input);
  const result = auditInputSchema.safeParse(input);
  if (!result.success) {
    // Paths and codes only: zod messages can quote values.
    const problems = result.error.issues.map((i) => `${i.path.join('.') || 'record'} (${i.code})`).join(', ');
    throw new AuditUnavailableError('rejected', `Audit record refused: invalid ${scrubSecrets(problems)}`);
  }
  return result.data;
}

/** Whether a record marks a high-risk moment: a step-up or CIBA decision, or a recorded high/critical risk. */
export function isHighRisk(r: Pick<AuditRecord, 'decision' | 'risk'>): boolean {
  return r.decision === 'step_up' || r.decision === 'ciba' || r.risk === 'high' || r.risk === 'critical';
}
