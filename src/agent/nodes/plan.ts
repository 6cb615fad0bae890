import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { PeopleDirectory } from '../../tools/tool-context.js';
import type { ToolDefinition } from '../../tools/tool-definition.js';
import type { Planner, PlannerContext } from '../planners/planner.js';
import type { AgentStateType, AgentStateUpdate } from '../state.js';
import { runContextFrom } from './act.js';

/**
 * Asks the planner for the next step, telling it where and when the person asks from (their
 * Slack conversation, their time zone from Slack, the time), so "tomorrow" and "this channel" mean
 * what the person means.
 */
export function createPlanNode({
  planner,
  tools,
  people,
  now = () => new Date(),
}: {
  planner: Planner;
  tools: readonly ToolDefinition[];
  people?: PeopleDirectory;
  now?: () => Date;
}) {
  /** Undefined outside Slack (LangGraph Studio runs carry no Slack identity). */
  async function contextOf(config: LangGraphRunnableConfig): Promise<PlannerContext | undefined> {
    if (!config.configurable?.who) return undefined;
    const run = runContextFrom(config);
    // Without a profile the planner still works; times are then read as UTC.
    const timeZone = people
      ? await people.get(run.who).then(
          (p) => p.timeZone,
          () => undefined,
        )
      : undefined;
    return { channel: run.channel, threadTs: run.threadTs, now: now(), ...(timeZone ? { timeZone } : {}) };
  }

  return async function plan(state: AgentStateType, config: LangGraphRunnableConfig): Promise<AgentStateUpdate> {
    const message = await planner.next({ messages: state.messages, tools, context: await contextOf(config) });
    const round = (message.tool_calls?.length ?? 0) > 0 ? 1 : 0;
    return { messages: [message], toolRounds: state.toolRounds + round };
  };
}
