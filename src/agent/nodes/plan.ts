import type { ToolDefinition } from '../../tools/tool-definition.js';
import type { Planner } from '../planners/planner.js';
import type { AgentStateType, AgentStateUpdate } from '../state.js';

export function createPlanNode({ planner, tools }: { planner: Planner; tools: readonly ToolDefinition[] }) {
  return async function plan(state: AgentStateType): Promise<AgentStateUpdate> {
    const message = await planner.next({ messages: state.messages, tools });
    const round = (message.tool_calls?.length ?? 0) > 0 ? 1 : 0;
    return { messages: [message], toolRounds: state.toolRounds + round };
  };
}
