import { AIMessage, type BaseMessage, ToolMessage } from '@langchain/core/messages';
import { interrupt, type LangGraphRunnableConfig } from '@langchain/langgraph';
import { type ApprovalRecord, type ApprovalStore, approvalIdFor, SYSTEM } from '../../approvals/approval-store.js';
import { hashAction } from '../../approvals/args-hash.js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { AuditInput, AuditRecord } from '../../audit/record.js';
import { describeForUser } from '../../errors.js';
import type { SlackIdentity } from '../../identity.js';
import type { Gate } from '../../policy/gate.js';
import type { Decision } from '../../policy/types.js';
import { riskOf } from '../../tools/tool-definition.js';
import type { PreparedCall, ToolExecutor } from '../../tools/tool-executor.js';
import type { AgentStateType, AgentStateUpdate, Halt } from '../state.js';
import { toolErrorMessage, toolResultMessage } from '../tool-message.js';
import { reportStep } from '../turn-progress.js';

/** Per-run facts from the verified Slack request, never from the model. */
export interface RunContext {
  who: SlackIdentity;
  channel: string;
  threadTs: string;
  threadId: string;
  /** The audit record of the person's request, which this run's records follow from. */
  auditCause?: string;
}

export function runContextFrom(config: LangGraphRunnableConfig): RunContext {
  const c = config.configurable ?? {};
  const who = c.who as SlackIdentity | undefined;
  if (!who?.teamId || !who.userId) throw new Error('The run has no Slack identity in configurable.who');
  return {
    who,
    channel: String(c.channel ?? ''),
    threadTs: String(c.threadTs ?? ''),
    threadId: String(c.thread_id ?? ''),
    auditCause: typeof c.auditCause === 'string' ? c.auditCause : undefined,
  };
}

/** What the graph pauses with when an action waits for a person. */
export interface ApprovalInterrupt {
  kind: 'approval';
  approvalId: string;
}

/** The first tool call of the latest plan that has no answer yet. */
export function nextToolCall(messages: BaseMessage[]) {
  let i = messages.length - 1;
  const answered = new Set<string>();
  for (; i >= 0 && !AIMessage.isInstance(messages[i]); i--) {
    const m = messages[i];
    if (ToolMessage.isInstance(m)) answered.add(m.tool_call_id);
  }
  const plan = messages[i] as AIMessage | undefined;
  // `planIndex` tells apart calls whose ids a model reuses across turns (ids are only unique per plan).
  return (plan?.tool_calls ?? []).map((c, n) => ({ ...c, id: c.id ?? `call_${n}`, planIndex: i })).find((c) => !answered.has(c.id));
}

export interface ActDeps {
  executor: ToolExecutor;
  gate: Gate;
  approvals: ApprovalStore;
  approvalTtlMs: () => number;
  audit: AuditLog;
}

/**
 * Runs ONE tool call per step, through the gate. Keeping each call in its own step matters: when
 * a run resumes after an approval, LangGraph re-runs the whole node, and a step with a single call
 * cannot repeat the side effects of another.
 */
export function createActNode({ executor, gate, approvals, approvalTtlMs, audit }: ActDeps) {
  return async function act(state: AgentStateType, config: LangGraphRunnableConfig): Promise<AgentStateUpdate> {
    const run = runContextFrom(config);
    const call = nextToolCall(state.messages);
    if (!call) return {};
    const reply = (message: ToolMessage, halt: Halt | null = null): AgentStateUpdate => ({ messages: [message], halt, toolRounds: state.toolRounds });
    const fail = (f: { message: string; refId: string; code: string; halt: boolean; connect?: Halt['connect'] }) =>
      reply(
        toolErrorMessage({ toolCallId: call.id, name: call.name, message: `${f.message} (reference ${f.refId})` }),
        f.halt ? { code: f.code, message: f.message, refId: f.refId, ...(f.connect ? { connect: f.connect } : {}) } : null,
      );

    const prepared = executor.prepare(call.name, call.args);
    if (!prepared.ok) return fail(prepared);
    const tool = prepared.value.tool;
    const argsHash = hashAction(tool.name, prepared.value.args);
    /** One audit record about this call; throws AuditUnavailableError, which callers let stop the action. */
    const record = (fields: Omit<AuditInput, 'teamId' | 'userId' | 'agent' | 'tool' | 'runId' | 'argsHash'>) =>
      audit.append({ teamId: run.who.teamId, userId: run.who.userId, agent: tool.service, tool: tool.name, runId: run.threadId, argsHash, ...fields });
    await reportStep(tool.describe(prepared.value.args), config);
    const target = await executor.target(prepared.value, run.who);
    if (!target.ok) return fail(target);

    // A resumed run finds its approval; the gate is then re-checked in afterDecision, with fresh facts.
    const approvalId = approvalIdFor(run.threadId, `${call.planIndex}:${call.id}`);
    let approval = await approvals.get(approvalId);
    if (!approval) {
      const decision = await gate.check({ who: run.who, tool: prepared.value.tool, args: prepared.value.args, target: target.value, requestId: approvalId });
      let decided: AuditRecord;
      try {
        decided = await record({
          kind: 'policy_decision',
          action: tool.describe(prepared.value.args),
          target: targetName(prepared.value.args),
          decision: decision.outcome,
          risk: decision.risk,
          reason: decision.reason,
          outcome: decision.outcome === 'deny' ? 'refused' : decision.outcome === 'allow' ? 'ok' : 'pending',
          causeId: run.auditCause,
        });
      } catch (err) {
        return failed(err);
      }
      if (decision.outcome === 'deny') {
        return reply(toolErrorMessage({ toolCallId: call.id, name: call.name, message: `Not allowed: ${decision.reason}. Nothing was done.` }));
      }
      if (decision.outcome === 'allow') return execute(prepared.value, decided.id);
      // Needs a person: create the approval once (the id is deterministic), then pause until decided.
      const bound = await executor.bind(prepared.value, run.who);
      if (!bound.ok) return fail(bound);
      const preview = await executor.preview(bound.value, run.who);
      approval = (
        await approvals.ensure({
          id: approvalId,
          teamId: run.who.teamId,
          requesterId: run.who.userId,
          threadId: run.threadId,
          channel: run.channel,
          threadTs: run.threadTs,
          tool: prepared.value.tool.name,
          service: prepared.value.tool.service,
          // What runs is the bound arguments; what identifies the request is what was asked for.
          args: bound.value.args,
          argsHash,
          description: prepared.value.tool.describe(bound.value.args),
          scopes: [...prepared.value.tool.scopes],
          risk: decision.risk,
          reason: decision.reason,
          outcome: decision.outcome,
          requirements: decision.requirements,
          preview: preview.ok ? preview.value : [{ label: 'Preview', value: `unavailable (${preview.message})` }],
          createdAt: Date.now(),
          expiresAt: Date.now() + approvalTtlMs(),
        })
      ).record;
      if (!approval.auditId) {
        try {
          const asked = await record({
            kind: 'approval_requested',
            action: approval.description,
            target: targetName(approval.args),
            decision: decision.outcome,
            risk: decision.risk,
            reason: decision.reason,
            outcome: 'pending',
            approvalId,
            scopes: [...tool.scopes],
            causeId: decided.id,
          });
          approval = (await approvals.update(approvalId, () => ({ auditId: asked.id }))) ?? approval;
        } catch (err) {
          await approvals.decide(approvalId, 'cancel', SYSTEM).catch(() => undefined);
          return failed(err);
        }
      }
    }
    // A resume before the decision is final (it should not happen) simply pauses again.
    for (let pauses = 0; approval.status === 'pending' && pauses < 5; pauses++) {
      interrupt<ApprovalInterrupt>({ kind: 'approval', approvalId });
      approval = (await approvals.get(approvalId)) ?? approval;
    }
    return afterDecision(approval, prepared.value);

    async function afterDecision(final: ApprovalRecord, p: PreparedCall): Promise<AgentStateUpdate> {
      const say = (message: string) => reply(toolErrorMessage({ toolCallId: call!.id, name: call!.name, message }));
      if (final.status === 'denied') return say(`Denied by ${deciderName(final)}: ${final.description} was not done.`);
      if (final.status === 'expired')
        return say(`The approval for "${final.description}" expired before anyone decided. Nothing was done; ask again if it is still needed.`);
      if (final.status === 'cancelled') return say(`The request to ${final.description} was cancelled. Nothing was done.`);
      if (final.status !== 'approved') return say(`Still waiting for approval of ${final.description}. Nothing was done.`);
      // The approval covers exactly this tool with exactly these arguments.
      if (final.tool !== p.tool.name || final.argsHash !== hashAction(p.tool.name, p.args) || final.requesterId !== run.who.userId) {
        return say('That approval was for a different action. Nothing was done.');
      }
      // The policy is checked again now, with fresh facts, not only when the approval was asked for.
      const fresh = await executor.target(p, run.who);
      if (!fresh.ok) return fail(fresh);
      const now = await gate.check({ who: run.who, tool: p.tool, args: p.args, target: fresh.value, requestId: approvalId });
      const gap = unmetRequirement(now, final);
      if (gap) return say(`The policy changed since this was approved (${gap}). Nothing was done; ask again to get a new approval.`);
      if (!(await approvals.claimExecution(approvalId)))
        return say(`${final.description} was already carried out once for this approval; it was not repeated.`);
      const result = await execute({ tool: p.tool, args: final.args }, final.auditId);
      await approvals.update(approvalId, () => ({ executedAt: Date.now() }));
      return result;
    }

    /** Audit first — no record, no call — then the call, then its result. */
    async function execute(p: PreparedCall, causeId?: string): Promise<AgentStateUpdate> {
      const action = p.tool.describe(p.args);
      const risk = riskOf(p.tool, p.args, target.ok ? target.value : undefined);
      let started: AuditRecord;
      try {
        started = await record({
          kind: 'tool_call_started',
          action,
          target: targetName(p.args),
          outcome: 'pending',
          risk,
          scopes: [...p.tool.scopes],
          causeId,
        });
      } catch (err) {
        return failed(err);
      }
      const result = await executor.run(p, run.who, target.ok ? target.value : undefined);
      await record({
        kind: 'tool_call_finished',
        action,
        target: targetName(p.args),
        outcome: result.ok ? 'ok' : 'error',
        risk,
        summary: result.ok ? firstLine(result.value.text) : `${result.message} (reference ${result.refId})`,
        causeId: started.id,
      }).catch((err) => void err); // the action already happened; its start record stands, and the log has the failure
      if (!result.ok) return fail(result);
      if (p.tool.readOnly && target.ok && target.value.repo?.private) await gate.rememberPrivateRead(run.who, target.value.repo.fullName);
      return reply(toolResultMessage({ toolCallId: call!.id, name: call!.name, data: result.value.data, text: result.value.text }));
    }

    /** An audit write failed: nothing was done, and the run stops with the reason. */
    function failed(err: unknown): AgentStateUpdate {
      const { text, refId, code } = describeForUser(err);
      return fail({ message: text, refId, code, halt: true });
    }
  };
}

/** What a call acts on, for the audit trail's target column: a repository item, an event or a channel. */
export function targetName(args: Record<string, unknown>): string | undefined {
  if (typeof args.owner === 'string' && typeof args.repo === 'string') {
    const item = args.pull_number ? `#${args.pull_number}` : args.issue_number ? `#${args.issue_number}` : args.branch ? `@${args.branch}` : '';
    return `${args.owner}/${args.repo}${item}`;
  }
  if (typeof args.event_id === 'string') return `calendar event ${args.event_id}`;
  if (typeof args.channel === 'string') return `channel ${args.channel}`;
  return undefined;
}

/** A one-line summary of a tool result for the audit trail (links reduced to their labels). */
function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').replace(/<[^|>]+\|([^>]+)>/g, '$1').slice(0, 300);
}

/** Who decided, in words: a person's mention, or where the decision came from. */
function deciderName(r: ApprovalRecord): string {
  if (r.decidedBy && r.decidedBy !== SYSTEM) return `<@${r.decidedBy}>`;
  return r.requirements.ciba ? 'Auth0 Guardian' : 'AgentHub';
}

/** What the fresh decision needs that the recorded approval does not have; undefined when covered. */
export function unmetRequirement(now: Decision, approval: ApprovalRecord, stepUpMaxAgeMs = 5 * 60_000): string | undefined {
  if (now.outcome === 'deny') return now.reason;
  const q = now.requirements;
  if (q.ciba && approval.cibaApprovedAt === undefined) return 'it now needs approval in Auth0 Guardian';
  if (q.requesterApproval && approval.requesterApprovedAt === undefined && approval.cibaApprovedAt === undefined) return 'it now needs your approval';
  if (q.stepUp && (approval.stepUpAt === undefined || Date.now() - approval.stepUpAt > stepUpMaxAgeMs)) return 'it now needs a recent MFA verification';
  if (q.secondApprover && approval.secondApproval === undefined) return 'it now needs a second approver';
  return undefined;
}
