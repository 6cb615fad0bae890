import { AIMessage, type ToolMessage } from '@langchain/core/messages';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { SlackIdentity } from '../../identity.js';
import type { ToolExecutor } from '../../tools/tool-executor.js';
import type { AgentStateType, AgentStateUpdate, Halt } from '../state.js';
import { toolErrorMessage, toolResultMessage } from '../tool-message.js';

/** Per-run identity; it comes from the verified Slack request, never from the model. */
export function identityFrom(config: LangGraphRunnableConfig): SlackIdentity {
  const who = config.configurable?.who as SlackIdentity | undefined;
  if (!who?.teamId || !who.userId) throw new Error('The run has no Slack identity in configurable.who');
  return who;
}

/**
 * Executes the tool calls of the last plan, one after another. When one needs the person to act
 * (sign in, connect an account), the rest are skipped and the run halts with that message.
 */
export function createActNode({ executor }: { executor: ToolExecutor }) {
  return async function act(state: AgentStateType, config: LangGraphRunnableConfig): Promise<AgentStateUpdate> {
    const who = identityFrom(config);
    const last = state.messages.at(-1);
    const calls = last instanceof AIMessage || AIMessage.isInstance(last) ? ((last as AIMessage).tool_calls ?? []) : [];
    const messages: ToolMessage[] = [];
    let halt: Halt | null = null;
    for (const call of calls) {
      const toolCallId = call.id ?? `${call.name}-${messages.length}`;
      if (halt) {
        messages.push(toolErrorMessage({ toolCallId, name: call.name, message: 'Skipped: an earlier step needs your action first.' }));
        continue;
      }
      const outcome = await executor.execute(call.name, call.args, who);
      if (outcome.ok) {
        messages.push(toolResultMessage({ toolCallId, name: call.name, data: outcome.result.data, text: outcome.result.text }));
      } else {
        messages.push(toolErrorMessage({ toolCallId, name: call.name, message: `${outcome.message} (reference ${outcome.refId})` }));
        if (outcome.halt) halt = { code: outcome.code, message: outcome.message, refId: outcome.refId };
      }
    }
    return { messages, halt, toolRounds: state.toolRounds + 1 };
  };
}
