import type { Logger } from 'pino';
import type { AgentRunner, TurnResult } from '../agent/runner.js';
import type { AuditLog } from '../audit/audit-log.js';
import { type ApprovalRecord, type ApprovalStore, type DecideResult, type DecisionKind, SYSTEM } from './approval-store.js';

const AUDIT_VERBS: Record<DecisionKind, string> = {
  approve: 'approved',
  deny: 'denied',
  step_up: 'verified with MFA',
  second_approve: 'second approval',
  ciba_approved: 'approved in Auth0 Guardian',
  ciba_denied: 'denied in Auth0 Guardian',
  expire: 'expired',
  cancel: 'cancelled',
};

/** How approvals are shown to people (Slack in production); kept apart so the flow stays testable. */
export interface ApprovalPresenter {
  /** Posts the decision cards (requester, second approvers) and the waiting note in the thread. */
  present(record: ApprovalRecord): Promise<void>;
  /** Re-renders every card of the approval after a change. */
  refresh(record: ApprovalRecord): Promise<void>;
  /** Shows where the run got to after the decision (result, next approval, error) in the thread. */
  showResult(record: ApprovalRecord, result: TurnResult): Promise<void>;
}

export interface ApprovalFlow {
  /** First time a run pauses on this approval: record where progress shows, start CIBA, post cards. */
  present(approvalId: string, progressTs?: string): Promise<void>;
  /** A person (or Auth0, or the clock) decided; when the approval is final, the run continues. */
  decide(approvalId: string, kind: DecisionKind, by: string, teamId?: string): Promise<DecideResult>;
  /** Expires approvals whose time is up; returns how many. */
  sweepExpired(now?: number): Promise<number>;
}

/**
 * The one path every decision takes — button, MFA callback, Guardian result or expiry — so the
 * rules (atomic decision, cards updated, run resumed exactly once) hold whoever decides.
 */
export function createApprovalFlow({
  approvals,
  runner,
  presenter,
  logger,
  startCiba,
  audit,
}: {
  approvals: ApprovalStore;
  runner: AgentRunner;
  presenter: ApprovalPresenter;
  logger: Logger;
  /** The audit trail; a decision it cannot record still stands (the action itself is audited before it runs). */
  audit?: AuditLog;
  /** Starts an Auth0 CIBA request for approvals whose policy outcome is `ciba`. */
  startCiba?: (record: ApprovalRecord) => Promise<void>;
}): ApprovalFlow {
  async function continueRun(record: ApprovalRecord): Promise<void> {
    const result = await runner.resume(
      { who: { teamId: record.teamId, userId: record.requesterId }, channel: record.channel, threadTs: record.threadTs },
      record.id,
    );
    await presenter.showResult(record, result);
  }

  const flow: ApprovalFlow = {
    async present(approvalId, progressTs) {
      let record = await approvals.get(approvalId);
      if (!record) return;
      if (progressTs && record.progressTs !== progressTs) record = (await approvals.update(approvalId, () => ({ progressTs }))) ?? record;
      if (record.cards.length > 0 || record.status !== 'pending') return;
      if (record.requirements.ciba && startCiba) {
        try {
          await startCiba(record);
        } catch (err) {
          logger.warn({ err, approvalId }, 'could not start the Auth0 approval request; cancelling');
          await flow.decide(approvalId, 'cancel', SYSTEM);
          return;
        }
      }
      await presenter.present(record);
    },
    async decide(approvalId, kind, by, teamId) {
      const outcome = await approvals.decide(approvalId, kind, by, { teamId });
      if (outcome.result !== 'updated') return outcome;
      const { record, final } = outcome;
      logger.info({ approvalId, kind, by, status: record.status }, 'approval decision recorded');
      await audit
        ?.append({
          teamId: record.teamId,
          userId: by === SYSTEM ? record.requesterId : by,
          agent: record.service,
          tool: record.tool,
          kind: kind === 'step_up' ? 'step_up' : 'approval_decided',
          action: `${AUDIT_VERBS[kind]}: ${record.description}`,
          decision: final ? (record.status as 'approved' | 'denied' | 'expired' | 'cancelled') : undefined,
          outcome: final ? (record.status === 'approved' ? 'ok' : 'refused') : 'pending',
          risk: record.risk,
          argsHash: record.argsHash,
          runId: record.threadId,
          approvalId,
          causeId: record.auditId,
        })
        .catch((err) => logger.error({ err, approvalId }, 'could not record an approval decision'));
      await presenter.refresh(record).catch((err) => logger.warn({ err, approvalId }, 'could not update the approval cards'));
      if (final) {
        await approvals.forgetExpiry(approvalId);
        await continueRun(record);
      }
      return outcome;
    },
    async sweepExpired(now = Date.now()) {
      let expired = 0;
      for (const id of await approvals.dueForExpiry(now)) {
        const outcome = await flow.decide(id, 'expire', SYSTEM);
        if (outcome.result === 'updated') expired++;
        else await approvals.forgetExpiry(id);
      }
      return expired;
    },
  };
  return flow;
}
