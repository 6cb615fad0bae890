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

/** Days of the week as a policy file spells them. */
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** What a policy can escalate to on its own (business hours, anomalies): never a softer outcome. */
export type Escalation = 'step_up' | 'deny';

/** A working-hours window, `[start, end)` in local time of the policy's (or workspace's) zone. */
export interface BusinessHours {
  readonly days: readonly Weekday[];
  /** "HH:MM", inclusive. */
  readonly start: string;
  /** "HH:MM", exclusive; always after `start` (windows do not cross midnight). */
  readonly end: string;
  /** What happens to medium-or-higher risk actions outside the window. */
  readonly outside: Escalation;
}

/** Per Slack workspace (team id) overrides; anything absent falls back to the top level. */
export interface WorkspaceOverride {
  readonly timezone?: string;
  readonly businessHours?: BusinessHours;
}

/** One rule of a policy file, with its id filled in. */
export interface PolicyRule {
  readonly id: string;
  /** Tool names or globs (`*` matches any run of characters). */
  readonly tools: readonly string[];
  /** `owner/repo` globs, matched case-insensitively; absent = any action, with or without a repository. */
  readonly repos?: readonly string[];
  /** Group names; absent = anyone. */
  readonly groups?: readonly string[];
  readonly risk?: Risk;
  readonly outcome?: Outcome;
  /** Group names or Slack user ids who may act as second approver for critical actions. */
  readonly approvers?: readonly string[];
  /** Shown to people in cards, audit and dry-runs. */
  readonly reason?: string;
}

/** A parsed policy with every default filled in (see `policy-file.ts` for the file format). */
export interface Policy {
  readonly version: 1;
  /** IANA zone for business hours. */
  readonly timezone: string;
  /** Absent = no time-of-day rule. */
  readonly businessHours?: BusinessHours;
  readonly workspaces: Readonly<Record<string, WorkspaceOverride>>;
  readonly anomaly: {
    readonly windowMinutes: number;
    /** More high-risk requests than this within the window is an anomaly. */
    readonly maxHighRisk: number;
    readonly action: Escalation;
  };
  readonly approvals: { readonly expiresInMinutes: number };
  /** Named sets of Slack user ids. */
  readonly groups: Readonly<Record<string, readonly string[]>>;
  /** Slack user ids who may see the whole workspace's audit trail. */
  readonly admins: readonly string[];
  readonly rules: readonly PolicyRule[];
}
