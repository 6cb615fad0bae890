import { type AIMessage, type BaseMessage, HumanMessage } from '@langchain/core/messages';
import { expect } from 'vitest';
import { createBuiltinPlanner } from '../../../../src/agent/planners/builtin-planner.js';
import type { PlannerContext } from '../../../../src/agent/planners/planner.js';
import { toolErrorMessage, toolResultMessage } from '../../../../src/agent/tool-message.js';

/** Asked from channel C0HERE on Monday 2026-11-30 at 10:00 in Paris. */
export const CONTEXT: PlannerContext = { channel: 'C0HERE', threadTs: '1700000000.000100', timeZone: 'Europe/Paris', now: new Date('2026-11-30T09:00:00Z') };

/**
 * One Slack thread driven through the built-in planner as the graph drives it: each plan is
 * appended, and each tool call is answered with a ToolMessage built as the act node builds it.
 */
export function slackThread() {
  const planner = createBuiltinPlanner();
  const messages: BaseMessage[] = [];
  const plan = async () => {
    const reply = await planner.next({ messages, tools: [], context: CONTEXT });
    messages.push(reply);
    return reply;
  };
  const pendingCall = () => {
    const call = (messages.at(-1) as AIMessage | undefined)?.tool_calls?.[0];
    expect(call, 'the last plan has a tool call').toBeDefined();
    return call!;
  };
  return {
    messages,
    /** The person asks; returns the planner's first step. */
    async ask(text: string) {
      messages.push(new HumanMessage(text));
      return plan();
    },
    /** The pending tool call succeeds with this result; returns the planner's next step. */
    async result(data: unknown, text = 'done') {
      const call = pendingCall();
      messages.push(toolResultMessage({ toolCallId: call.id!, name: call.name, data, text }));
      return plan();
    },
    /** The pending tool call fails (or is denied); returns the planner's next step. */
    async failure(message: string) {
      const call = pendingCall();
      messages.push(toolErrorMessage({ toolCallId: call.id!, name: call.name, message }));
      return plan();
    },
  };
}

/** The single tool call of a plan, as name and args. */
export function callOf(reply: AIMessage) {
  expect(reply.tool_calls ?? [], `expected one tool call, got: ${String(reply.content)}`).toHaveLength(1);
  const call = reply.tool_calls![0]!;
  return { name: call.name, args: call.args };
}

export function noCall(reply: AIMessage) {
  expect(reply.tool_calls ?? []).toEqual([]);
  return String(reply.content);
}

const pr = (number: number, title: string) => ({
  number,
  title,
  author: 'alice',
  draft: false,
  state: 'open',
  url: `https://github.com/acme/widgets/pull/${number}`,
});
/** github_list_pull_requests data for acme/widgets, as the real tool returns it. */
export const WIDGET_PULLS = [pr(5, 'Add caching'), pr(2, 'Fix login'), pr(9, 'Bump deps')];
