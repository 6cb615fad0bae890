import { AIMessage } from '@langchain/core/messages';
import { type BaseCheckpointSaver, END, START, StateGraph } from '@langchain/langgraph';
import type { ApprovalStore } from '../approvals/approval-store.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Gate } from '../policy/gate.js';
import type { PeopleDirectory } from '../tools/tool-context.js';
import type { ToolExecutor } from '../tools/tool-executor.js';
import { createActNode, nextToolCall } from './nodes/act.js';
import { createPlanNode } from './nodes/plan.js';
import type { Planner } from './planners/planner.js';
import { AgentState, type AgentStateType } from './state.js';

export interface OrchestratorDeps {
  planner: Planner;
  executor: ToolExecutor;
  gate: Gate;
  approvals: ApprovalStore;
  /** How long an approval stays open; read at request time so a policy reload applies. */
  approvalTtlMs: () => number;
  audit: AuditLog;
  /** Omit for LangGraph Studio, which supplies its own persistence. */
  checkpointer?: BaseCheckpointSaver;
  maxToolRounds?: number;
  /** Slack profiles, for the planner's sense of the person's time zone. */
  people?: PeopleDirectory;
  /** The clock the planner is told ("tomorrow" is relative to it). */
  now?: () => Date;
}

/**
 * plan → act (one tool call per step, each through the gate) → … → plan, until the planner answers
 * without tool calls, a tool halts the run, or the round limit is reached. Built by a factory,
 * never at module load, so every dependency is passed in.
 */
export function createOrchestratorGraph({
  planner,
  executor,
  gate,
  approvals,
  approvalTtlMs,
  audit,
  checkpointer,
  people,
  now,
  maxToolRounds = 6,
}: OrchestratorDeps) {
  const afterPlan = (state: AgentStateType) => {
    const last = state.messages.at(-1);
    const wantsTools = AIMessage.isInstance(last) && (last.tool_calls?.length ?? 0) > 0;
    return wantsTools && state.toolRounds <= maxToolRounds ? 'act' : END;
  };
  const afterAct = (state: AgentStateType) => (state.halt ? END : nextToolCall(state.messages) ? 'act' : 'plan');

  return new StateGraph(AgentState)
    .addNode('plan', createPlanNode({ planner, tools: executor.tools, ...(people ? { people } : {}), ...(now ? { now } : {}) }))
    .addNode('act', createActNode({ executor, gate, approvals, approvalTtlMs, audit }))
    .addEdge(START, 'plan')
    .addConditionalEdges('plan', afterPlan, ['act', END])
    .addConditionalEdges('act', afterAct, ['act', 'plan', END])
    .compile({ checkpointer, name: 'agenthub-orchestrator' });
}

export type OrchestratorGraph = ReturnType<typeof createOrchestratorGraph>;
