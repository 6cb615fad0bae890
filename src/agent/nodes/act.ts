import { AIMessage, type BaseMessage, ToolMessage } from '@langchain/core/messages';
import { interrupt, type LangGraphRunnableConfig } from '@langchain/langgraph';
import { type ApprovalRecord, type ApprovalStore, approvalIdFor, SYSTEM } from '../../approvals/approval-store.js';
import { hashAction } from '../../approvals/args-hash.js';
import type { SlackIdentity } from '../../identity.js';
import type { Gate } from '../../policy/gate.js';
import type { Decision } from '../../policy/types.js';
import type { PreparedCall, ToolExecutor } from '../../tools/tool-executor.js';
import type { AgentStateType, AgentStateUpdate, Halt } from '../state.js';
import { toolErrorMessage, toolResultMessage } from '../tool-message.js';

/** Per-run facts from the verified Slack request, never from the model. */
export interface RunContext {
  who: SlackIdentity;
  channel: string;
  threadTs: string;
  threadId: string;
}

export function runContextFrom(config: LangGraphRunnableConfig): RunContext {
  const c = config.configurable ?? {};
  const who = c.who as SlackIdentity | undefined;
  if (!who?.teamId || !who.userId) throw new Error('The run has no Slack identity in configurable.who');
  return { who, channel: String(c.channel ?? ''), threadTs: String(c.threadTs ?? ''), threadId: String(c.thread_id ?? '') };
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
}

/**
 * Runs ONE tool call per step, through the gate. Keeping each call in its own step matters: when
 * a run resumes after an approval, LangGraph re-runs the whole node, and a step with a single call
 * cannot repeat the side effects of another.
 */
export function createActNode({ executor, gate, approvals, approvalTtlMs }: ActDeps) {
  return async function act(state: AgentStateType, config: LangGraphRunnableConfig): Promise<AgentStateUpdate> {
    const run = runContextFrom(config);
    const call = nextToolCall(state.messages);
    if (!call) return {};
    const reply = (message: ToolMessage, halt: Halt | null = null): AgentStateUpdate => ({ messages: [message], halt, toolRounds: state.toolRounds });
    const fail = (f: { message: string; refId: string; code: string; halt: boolean }) =>
      reply(
        toolErrorMessage({ toolCallId: call.id, name: call.name, message: `${f.message} (reference ${f.refId})` }),
        f.halt ? { code: f.code, message: f.message, refId: f.refId } : null,
      );

    const prepared = executor.prepare(call.name, call.args);
    if (!prepared.ok) return fail(prepared);
    const target = await executor.target(prepared.value, run.who);
    if (!target.ok) return fail(target);

    // A resumed run finds its approval; the gate is then re-checked in afterDecision, with fresh facts.
    const approvalId = approvalIdFor(run.threadId, `${call.planIndex}:${call.id}`);
    let record = await approvals.get(approvalId);
    if (!record) {
      const decision = await gate.check({ who: run.who, tool: prepared.value.tool, args: prepared.value.args, target: target.value, requestId: approvalId });
      if (decision.outcome === 'deny') {
        return reply(toolErrorMessage({ toolCallId: call.id, name: call.name, message: `Not allowed: ${decision.reason}. Nothing was done.` }));
      }
      if (decision.outcome === 'allow') return execute(prepared.value);
      // Needs a person: create the approval once (the id is deterministic), then pause until decided.
      const bound = await executor.bind(prepared.value, run.who);
      if (!bound.ok) return fail(bound);
      const preview = await executor.preview(bound.value, run.who);
      record = (
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
          argsHash: hashAction(prepared.value.tool.name, prepared.value.args),
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
    }
    // A resume before the decision is final (it should not happen) simply pauses again.
    for (let pauses = 0; record.status === 'pending' && pauses < 5; pauses++) {
      interrupt<ApprovalInterrupt>({ kind: 'approval', approvalId });
      record = (await approvals.get(approvalId)) ?? record;
    }
    return afterDecision(record, prepared.value);

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
      const result = await execute({ tool: p.tool, args: final.args });
      await approvals.update(approvalId, () => ({ executedAt: Date.now() }));
      return result;
    }

    async function execute(p: PreparedCall): Promise<AgentStateUpdate> {
      const result = await executor.run(p, run.who);
      if (!result.ok) return fail(result);
      if (p.tool.readOnly && target.ok && target.value.repo?.private) await gate.rememberPrivateRead(run.who, target.value.repo.fullName);
      return reply(toolResultMessage({ toolCallId: call!.id, name: call!.name, data: result.value.data, text: result.value.text }));
    }
  };
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
