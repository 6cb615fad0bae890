import type { AIMessage, BaseMessage } from '@langchain/core/messages';
import type { ToolDefinition } from '../../tools/tool-definition.js';

/**
 * Decides the next step of a turn: call tools (an AIMessage with tool_calls) or answer (content).
 * A planner only proposes; the tool executor validates and the gate decides.
 */
export interface Planner {
  readonly name: string;
  next(input: { messages: BaseMessage[]; tools: readonly ToolDefinition[] }): Promise<AIMessage>;
}

/** What the person sees in a tool's ToolMessage artifact (never sent to a model). */
export interface ToolArtifact {
  text: string;
}
