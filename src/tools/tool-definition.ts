import type { z } from 'zod';

/** How much damage a mistaken or malicious call could do; the policy gate decides on it. */
export type Risk = 'low' | 'medium' | 'high' | 'critical';

/** The services whose clients a tool can receive. */
export type ServiceId = 'github' | 'calendar' | 'slack';

/** What a tool returns: data for the model, words for the person. */
export interface ToolResult {
  /** Structured result shown to the model as quoted data (never as instructions). */
  data: unknown;
  /** A short Slack mrkdwn rendering for the person who asked. */
  text: string;
}

/**
 * Everything the gate, the vault and the planner need to know about a tool, declared once.
 * `run` receives an API client already authenticated for this one call; it never sees the token.
 */
export interface ToolDefinition<Args = any, Client = any> {
  name: string;
  description: string;
  schema: z.ZodType<Args>;
  service: ServiceId;
  /** Minimal scopes (or GitHub App permissions) this call needs. */
  scopes: readonly string[];
  risk: Risk;
  run(args: Args, client: Client): Promise<ToolResult>;
}

export function defineTool<Args, Client>(tool: ToolDefinition<Args, Client>): ToolDefinition<Args, Client> {
  return tool;
}
