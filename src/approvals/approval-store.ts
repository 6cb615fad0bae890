import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Decision, Requirements, Risk } from '../policy/types.js';
import type { Keys } from '../store/keys.js';
import type { PreviewLine, ServiceId } from '../tools/tool-definition.js';

export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired' | 'cancelled';

/** A Slack message showing this approval (the requester's DM card, a second approver's card). */
export interface ApprovalCard {
  role: 'requester' | 'approver';
  userId: string;
  channel: string;
  ts: string;
}

export interface ApprovalRecord {
  id: string;
  version: number;
  teamId: string;
  requesterId: string;
  /** The LangGraph thread to resume, and where in Slack the request was made. */
  threadId: string;
  channel: string;
  threadTs: string;
  /** The thread message that shows progress and, at the end, the result. */
  progressTs?: string;
  tool: string;
  service: ServiceId;
  args: Record<string, unknown>;
  argsHash: string;
  description: string;
  scopes: string[];
  risk: Risk;
  reason: string;
  outcome: Decision['outcome'];
  requirements: Requirements;
  preview: PreviewLine[];
  status: ApprovalStatus;
  createdAt: number;
  expiresAt: number;
  requesterApprovedAt?: number;
  stepUpAt?: number;
  secondApproval?: { by: string; at: number };
  cibaApprovedAt?: number;
  decidedBy?: string;
  decidedAt?: number;
  executedAt?: number;
  /** The audit record of the request for approval, which later records follow from. */
  auditId?: string;
  cards: ApprovalCard[];
}

/** Who decides when nobody clicked: the clock, Auth0's answer. */
export const SYSTEM = 'system';

export type DecisionKind = 'approve' | 'deny' | 'step_up' | 'second_approve' | 'ciba_approved' | 'ciba_denied' | 'expire' | 'cancel';

export type DecideResult =
  | { result: 'updated'; record: ApprovalRecord; final: boolean }
  | { result: 'not_found' }
  | { result: 'not_pending'; record: ApprovalRecord }
  | { result: 'forbidden'; record: ApprovalRecord; why: string };

/** Deterministic id: re-running the graph node that asks for approval finds the same record. */
export function approvalIdFor(threadId: string, toolCallId: string): string {
  return `apv_${createHash('sha256').update(`${threadId}\n${toolCallId}`).digest('base64url').slice(0, 22)}`;
}

/** Whether every requirement of the decision is met by what has been recorded. */
export function requirementsMet(r: ApprovalRecord): boolean {
  const q = r.requirements;
  if (q.ciba) return r.cibaApprovedAt !== undefined;
  if (q.requesterApproval && r.requesterApprovedAt === undefined) return false;
  if (q.stepUp && r.stepUpAt === undefined) return false;
  if (q.secondApprover && r.secondApproval === undefined) return false;
  return true;
}

/** Pure transition: who may do what to a pending approval. */
export function applyDecision(
  r: ApprovalRecord,
  kind: DecisionKind,
  by: string,
  now: number,
  teamId?: string,
): { record: ApprovalRecord; final: boolean } | { forbidden: string } {
  const next: ApprovalRecord = { ...r, version: r.version + 1 };
  const finish = (status: ApprovalStatus) => ({ record: { ...next, status, decidedBy: by, decidedAt: now }, final: true });
  const approvers = r.requirements.secondApprover?.approvers ?? [];
  if (teamId !== undefined && teamId !== r.teamId) return { forbidden: 'it belongs to another workspace' };
  if (kind === 'expire') return finish('expired');
  if (kind === 'cancel') {
    if (by !== SYSTEM && by !== r.requesterId) return { forbidden: 'only the person who asked can cancel it' };
    return finish('cancelled');
  }
  if (now >= r.expiresAt) return finish('expired');
  switch (kind) {
    case 'deny':
      if (by !== r.requesterId && !approvers.includes(by)) return { forbidden: 'only the person who asked (or a named approver) can deny it' };
      return finish('denied');
    case 'approve':
      if (by !== r.requesterId) return { forbidden: 'only the person who asked can approve it' };
      if (r.requirements.stepUp) return { forbidden: 'this action needs MFA: use "Approve with MFA"' };
      if (r.requirements.ciba) return { forbidden: 'this action is approved in Auth0 Guardian' };
      next.requesterApprovedAt = now;
      break;
    case 'step_up':
      if (by !== r.requesterId) return { forbidden: 'only the person who asked can verify it' };
      // Passing MFA at Auth0 as the requester, for this approval, is their approval.
      next.stepUpAt = now;
      next.requesterApprovedAt = next.requesterApprovedAt ?? now;
      break;
    case 'second_approve':
      if (by === r.requesterId) return { forbidden: 'the two-person rule needs someone other than the person who asked' };
      if (!approvers.includes(by)) return { forbidden: 'you are not one of the approvers the policy names for this action' };
      next.secondApproval = { by, at: now };
      break;
    case 'ciba_approved':
      next.cibaApprovedAt = now;
      break;
    case 'ciba_denied':
      return finish('denied');
  }
  if (requirementsMet(next)) return { record: { ...next, status: 'approved', decidedBy: by, decidedAt: now }, final: true };
  return { record: next, final: false };
}

/** Sets the value only if the stored version is the one we read (optimistic concurrency in one step). */
const COMPARE_AND_SET = `
local current = redis.call('get', KEYS[1])
if not current then return -1 end
local stored = cjson.decode(current)
if tonumber(stored.version) ~= tonumber(ARGV[1]) then return 0 end
redis.call('set', KEYS[1], ARGV[2], 'KEEPTTL')
return 1`;

export interface ApprovalStore {
  /** Creates the record unless it exists; returns what is stored either way. */
  ensure(record: Omit<ApprovalRecord, 'version' | 'status' | 'cards'>): Promise<{ record: ApprovalRecord; created: boolean }>;
  get(id: string): Promise<ApprovalRecord | undefined>;
  /** `teamId`: the clicker's workspace, when a person decides; a mismatch is refused. */
  decide(id: string, kind: DecisionKind, by: string, options?: { now?: number; teamId?: string }): Promise<DecideResult>;
  /** Any change that is not a decision (cards, progress message); retried on concurrent updates. */
  update(id: string, change: (r: ApprovalRecord) => Partial<ApprovalRecord>): Promise<ApprovalRecord | undefined>;
  /** The one right to execute the approved action: true for exactly one caller, ever. */
  claimExecution(id: string): Promise<boolean>;
  /** Pending approvals whose time is up. */
  dueForExpiry(now: number, limit?: number): Promise<string[]>;
  forgetExpiry(id: string): Promise<void>;
  /** This person's approvals still waiting for a decision, newest first. */
  pendingFor(teamId: string, userId: string): Promise<ApprovalRecord[]>;
}

const KEEP_AFTER_EXPIRY_SECONDS = 7 * 24 * 60 * 60;

export function createApprovalStore({ redis, keys }: { redis: Redis; keys: Keys }): ApprovalStore {
  const keyOf = (id: string) => keys.key('approval', id);
  const expiryKey = keys.key('approval-expiry');

  const get = async (id: string) => {
    const raw = await redis.get(keyOf(id));
    return raw ? (JSON.parse(raw) as ApprovalRecord) : undefined;
  };

  /** Read, compute, compare-and-set; on a concurrent change read again. */
  async function mutate<T>(id: string, compute: (r: ApprovalRecord) => { next?: ApprovalRecord; out: T }, notFound: T): Promise<T> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const current = await get(id);
      if (!current) return notFound;
      const { next, out } = compute(current);
      if (!next) return out;
      const ok = (await redis.eval(COMPARE_AND_SET, 1, keyOf(id), String(current.version), JSON.stringify(next))) as number;
      if (ok === 1) return out;
      if (ok === -1) return notFound;
    }
    throw new Error(`Approval ${id} is changing too fast to update`);
  }

  return {
    async ensure(fields) {
      const record: ApprovalRecord = { ...fields, version: 1, status: 'pending', cards: [] };
      const ttl = Math.max(60, Math.ceil((fields.expiresAt - Date.now()) / 1000) + KEEP_AFTER_EXPIRY_SECONDS);
      const created = (await redis.set(keyOf(fields.id), JSON.stringify(record), 'EX', ttl, 'NX')) === 'OK';
      if (created) {
        await redis.zadd(expiryKey, fields.expiresAt, fields.id);
        const mine = keys.key('approvals-of', fields.teamId, fields.requesterId);
        await redis.multi().zadd(mine, fields.createdAt, fields.id).expire(mine, ttl).exec();
      }
      const stored = created ? record : await get(fields.id);
      if (!stored) throw new Error(`Approval ${fields.id} vanished`);
      return { record: stored, created };
    },
    get,
    decide(id, kind, by, { now = Date.now(), teamId } = {}) {
      return mutate<DecideResult>(
        id,
        (r) => {
          if (r.status !== 'pending') return { out: { result: 'not_pending', record: r } };
          const applied = applyDecision(r, kind, by, now, teamId);
          if ('forbidden' in applied) return { out: { result: 'forbidden', record: r, why: applied.forbidden } };
          return { next: applied.record, out: { result: 'updated', record: applied.record, final: applied.final } };
        },
        { result: 'not_found' },
      );
    },
    update(id, change) {
      return mutate<ApprovalRecord | undefined>(
        id,
        (r) => {
          const next = { ...r, ...change(r), version: r.version + 1 };
          return { next, out: next };
        },
        undefined,
      );
    },
    async claimExecution(id) {
      return (await redis.set(keys.key('approval-exec', id), String(Date.now()), 'EX', KEEP_AFTER_EXPIRY_SECONDS, 'NX')) === 'OK';
    },
    async dueForExpiry(now, limit = 50) {
      return redis.zrangebyscore(expiryKey, '-inf', String(now), 'LIMIT', 0, limit);
    },
    async forgetExpiry(id) {
      await redis.zrem(expiryKey, id);
    },
    async pendingFor(teamId, userId) {
      const mine = keys.key('approvals-of', teamId, userId);
      const ids = await redis.zrevrange(mine, 0, 99);
      const records = await Promise.all(ids.map(get));
      const done = ids.filter((_, i) => records[i]?.status !== 'pending');
      if (done.length) await redis.zrem(mine, ...done);
      return records.filter((r): r is ApprovalRecord => r?.status === 'pending');
    },
  };
}
