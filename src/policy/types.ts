import type { Risk, ServiceId } from '../tools/tool-definition.js';

export type { Risk } from '../tools/tool-definition.js';

/** What the agent wants to do: one tool call with its (already schema-validated) arguments. */
export interface ActionRequest {
  tool: string;
  service: ServiceId;
  /** The tool's declared risk; context and policy may raise it. */
  risk: Risk;
  scopes: readonly string[];
  args: Record<string, unknown>;
  /** Whether the tool only reads (reads of private repositories get their own rule). */
  readOnly: boolean;
}

export interface Actor {
  teamId: string;
  userId: string;
}

/** Facts about the world the gate needs, gathered before deciding (never supplied by the model). */
export interface DecisionContext {
  now: Date;
  /** The repository the action touches, when it touches one. */
  repo?: { fullName: string; private: boolean; defaultBranch: string };
  /** The branch the action writes to or deletes (a merge's base branch, a deleted branch). */
  branch?: { name: string; protected: boolean; isDefault: boolean };
  /** For a read of a private repository: whether this person already authorised reading it. */
  privateRepoAuthorized?: boolean;
  /** High-risk actions this person requested within the policy's anomaly window, this one included. */
  recentHighRiskCount: number;
}

/**
 * allow: run now · approve: the requester approves in Slack · step_up: approval plus MFA ·
 * ciba: approval through Auth0 (Guardian push) · deny: never.
 */
export type Outcome = 'allow' | 'approve' | 'step_up' | 'ciba' | 'deny';

export interface Requirements {
  /** The requester must press Approve on the DM card. */
  requesterApproval: boolean;
  /** The requester must pass step-up MFA at Auth0 for this action. */
  stepUp: boolean;
  /** Approval comes from Auth0 CIBA (Guardian push) instead of the Slack buttons. */
  ciba: boolean;
  /** Two-person rule: one of these Slack users (never the requester) must approve too. */
  secondApprover?: { approvers: string[] };
}

export interface Decision {
  outcome: Outcome;
  /** Risk after context and policy. */
  risk: Risk;
  requirements: Requirements;
  /** Why, in plain words, one entry per rule or fact that shaped the decision. */
  reasons: string[];
  /** `reasons` joined into one sentence for cards, audit and dry-runs. */
  reason: string;
  /** Ids of the policy-file rules that matched, for audit. */
  matchedRules: string[];
}
