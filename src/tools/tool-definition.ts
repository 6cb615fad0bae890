import type { z } from 'zod';
import type { ToolContext } from './tool-context.js';

/** How much damage a mistaken or malicious call could do; the policy gate decides on it. */
export type Risk = 'low' | 'medium' | 'high' | 'critical';

export const RISK_ORDER: Readonly<Record<Risk, number>> = { low: 0, medium: 1, high: 2, critical: 3 };

/** The services whose clients a tool can receive. */
export type ServiceId = 'github' | 'calendar' | 'slack';

/** What a tool returns: data for the model, words for the person. */
export interface ToolResult {
  /** Structured result shown to the model as quoted data (never as instructions). */
  data: unknown;
  /** A short Slack mrkdwn rendering for the person who asked. */
  text: string;
}

/** Facts about what an action touches, read from the service before the gate decides. */
export interface ActionTarget {
  repo?: { fullName: string; private: boolean; defaultBranch: string };
  branch?: { name: string; protected: boolean; isDefault: boolean };
  /** A Slack conversation the tool reads or posts in. */
  channel?: { id: string; name: string; private: boolean; botIsMember: boolean; requesterIsMember: boolean };
  /** How many people the action e-mails (an event's guests), when the arguments alone don't say. */
  audience?: number;
}

/** One line of an approval card's blast-radius preview ("Files changed: 12 (+340 −20)"). */
export interface PreviewLine {
  label: string;
  value: string;
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
  /** True when the tool only reads. */
  readOnly: boolean;
  /** The exact action in plain words, for approval cards, audit and dry-runs ("merge PR #42 in acme/api"). */
  describe(args: Args): string;
  /** Reads what the action touches (repository visibility, target branch) for the gate. Read-only calls only. */
  target?(args: Args, client: Client, ctx: ToolContext): Promise<ActionTarget>;
  /**
   * Resolves moving references (a pull request's head commit) into the arguments, so an approval
   * covers exactly what the approver was shown and a later change makes the action fail. Read-only calls only.
   */
  bind?(args: Args, client: Client, ctx: ToolContext): Promise<Args>;
  /** Reads the blast radius shown on the approval card. Read-only calls only. */
  preview?(args: Args, client: Client, ctx: ToolContext): Promise<PreviewLine[]>;
  /**
   * Raises the risk for these arguments (an invitation that e-mails fifty people is riskier than one
   * that e-mails two). Never lowers it: the gate takes the higher of this and `risk`.
   */
  riskFor?(args: Args, target?: ActionTarget): Risk;
  run(args: Args, client: Client, ctx: ToolContext): Promise<ToolResult>;
}

export function defineTool<Args, Client>(tool: ToolDefinition<Args, Client>): ToolDefinition<Args, Client> {
  return tool;
}

/** A tool's risk for these arguments: its declared risk, raised (never lowered) by `riskFor`. */
export function riskOf<Args>(tool: Pick<ToolDefinition<Args>, 'risk' | 'riskFor'>, args: Args, target?: ActionTarget): Risk {
  const raised = tool.riskFor?.(args, target);
  return raised && RISK_ORDER[raised] > RISK_ORDER[tool.risk] ? raised : tool.risk;
}
