import type { AIMessage, BaseMessage } from '@langchain/core/messages';
import type { ToolDefinition } from '../../tools/tool-definition.js';

/** Where and when a request is made: its Slack conversation (for "this channel"/"this thread") and the asker's clock. */
export interface PlannerContext {
  channel: string;
  threadTs: string;
  /** The asker's IANA time zone from Slack; UTC when unknown. */
  timeZone?: string;
  now?: Date;
}

/**
 * Decides the next step of a turn: call tools (an AIMessage with tool_calls) or answer (content).
 * A planner only proposes; the tool executor validates and the gate decides.
 */
export interface Planner {
  readonly name: string;
  next(input: { messages: BaseMessage[]; tools: readonly ToolDefinition[]; context?: PlannerContext }): Promise<AIMessage>;
}

/** What rides along a tool's ToolMessage as its artifact (never sent to a model). */
export interface ToolArtifact {
  /** What the person sees. */
  text: string;
  /** The tool's structured result (scrubbed), for the built-in planner's thread memory. */
  data?: unknown;
}
