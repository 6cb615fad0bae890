import { RISK_ORDER } from '../tools/tool-definition.js';
import { describeTool } from './describe-tool.js';
import { globMatches } from './glob.js';
import type { ActionRequest, Actor, BusinessHours, Decision, DecisionContext, Escalation, Outcome, Policy, PolicyRule, Requirements, Risk } from './types.js';

/** How strong an outcome is; the reported outcome is the strongest one any rule or fact asked for. */
const OUTCOME_ORDER: Readonly<Record<Outcome, number>> = { allow: 0, approve: 1, ciba: 2, step_up: 3, deny: 4 };
const BASE_OUTCOME: Readonly<Record<Risk, Outcome>> = { low: 'allow', medium: 'approve', high: 'step_up', critical: 'step_up' };

export const NO_SECOND_APPROVER = 'critical actions need a second approver and the policy names none';

const NEEDS: Readonly<Record<Outcome, string>> = {
  allow: 'allowed without asking',
  approve: 'needs your approval',
  ciba: 'needs your approval on your phone (Auth0 Guardian)',
  step_up: 'needs your approval and MFA',
  deny: 'not allowed',
};

/**
 * The policy gate's decision for one tool call: pure and deterministic, so the same request, facts and
 * policy always give the same answer (the dry-run and the real run agree).
 *
 * 1. Rules matching the tool, the repository and the requester apply in order: a `risk` replaces the
 *    tool's risk, an `outcome` replaces the outcome that risk implies (a later rule wins), and `deny`
 *    from any matching rule wins over everything.
 * 2. The risk gives the base: low allow, medium approve, high step-up, critical step-up plus a second
 *    approver named by the matching rules (never the requester; none left means deny).
 * 3. Facts only make it stricter, after the rules, so no rule can switch them off: a first read of a
 *    private repository (waived by an explicit `outcome: allow`), a protected or default branch,
 *    deleting the default branch, business hours, a burst of high-risk requests.
 */
export function decide(action: ActionRequest, actor: Actor, context: DecisionContext, policy: Policy): Decision {
  const what = describeTool(action.tool);
  const repo = repoOf(action, context);
  const matched = policy.rules.filter((rule) => ruleMatches(rule, action.tool, repo, actor.userId, policy));

  let risk = action.risk;
  let explicit: Outcome | undefined;
  let deniedByRule = false;
  const ruleReasons: string[] = [];
  for (const rule of matched) {
    if (rule.risk) risk = rule.risk;
    if (rule.outcome === 'deny') deniedByRule = true;
    else if (rule.outcome) explicit = rule.outcome;
    if (rule.risk || rule.outcome) ruleReasons.push(rule.reason ?? describeRule(rule));
  }

  // An explicit allow is the policy saying "just run it"; every other critical outcome keeps the two-person rule.
  const twoPersonRule = risk === 'critical' && explicit !== 'allow';
  const approvers = twoPersonRule ? secondApprovers(matched, actor.userId, policy) : [];
  const reasons = [baseReason(what, risk, explicit === undefined, twoPersonRule), ...ruleReasons];

  let outcome = explicit ?? BASE_OUTCOME[risk];
  const atLeast = (minimum: Outcome) => {
    if (OUTCOME_ORDER[minimum] > OUTCOME_ORDER[outcome]) outcome = minimum;
  };
  const raiseRisk = (minimum: Risk) => {
    if (RISK_ORDER[minimum] > RISK_ORDER[risk]) risk = minimum;
  };

  if (twoPersonRule && approvers.length === 0) {
    outcome = 'deny';
    reasons.push(NO_SECOND_APPROVER);
  }
  if (deniedByRule) outcome = 'deny';

  // Facts, in a fixed order; each only ever raises risk or outcome.
  if (action.readOnly && context.repo?.private && context.privateRepoAuthorized !== true && explicit !== 'allow') {
    raiseRisk('medium');
    atLeast('approve');
    reasons.push(`first read of private repository ${context.repo.fullName}`);
  }

  const branch = context.branch;
  if (branch && (branch.protected || branch.isDefault)) {
    raiseRisk('high');
    atLeast('step_up');
    reasons.push(branch.isDefault ? `targets the default branch ${branch.name}` : `targets the protected branch ${branch.name}`);
    if (branch.isDefault && action.tool.includes('delete_branch')) {
      outcome = 'deny';
      reasons.push(`deleting the default branch ${branch.name} is never allowed`);
    }
  }

  const hours = businessHoursFor(actor.teamId, policy);
  if (hours && RISK_ORDER[risk] >= RISK_ORDER.medium && !isWithinHours(context.now, hours.window, hours.timezone)) {
    atLeast(hours.window.outside);
    reasons.push(`it is outside business hours (${describeHours(hours.window, hours.timezone)}), so it ${escalationWords(hours.window.outside)}`);
  }

  const { anomaly } = policy;
  if (RISK_ORDER[risk] >= RISK_ORDER.high && context.recentHighRiskCount > anomaly.maxHighRisk) {
    atLeast(anomaly.action);
    reasons.push(
      `unusually many high-risk requests (${context.recentHighRiskCount} in the last ${anomaly.windowMinutes} minutes, more than ${anomaly.maxHighRisk}), so it ${escalationWords(anomaly.action)}`,
    );
  }

  const requirements = requirementsFor(outcome);
  if (twoPersonRule && outcome !== 'deny') requirements.secondApprover = { approvers };
  return { outcome, risk, requirements, reasons, reason: reasons.join('; '), matchedRules: matched.map((rule) => rule.id) };
}

/** The repository an action touches: the gathered fact when there is one, else the tool's owner/repo arguments. */
function repoOf(action: ActionRequest, context: DecisionContext): string | undefined {
  if (context.repo) return context.repo.fullName;
  const { owner, repo } = action.args;
  return typeof owner === 'string' && typeof repo === 'string' ? `${owner}/${repo}` : undefined;
}

function ruleMatches(rule: PolicyRule, tool: string, repo: string | undefined, userId: string, policy: Policy): boolean {
  if (!rule.tools.some((pattern) => globMatches(pattern, tool))) return false;
  // GitHub names are case-insensitive: "ACME/api" must not slip past a rule written for "acme/*".
  if (rule.repos && (repo === undefined || !rule.repos.some((pattern) => globMatches(pattern, repo, { ignoreCase: true })))) return false;
  if (rule.groups && !rule.groups.some((group) => membersOf(group, policy).includes(userId))) return false;
  return true;
}

function membersOf(group: string, policy: Policy): readonly string[] {
  return Object.hasOwn(policy.groups, group) ? (policy.groups[group] ?? []) : [];
}

/** Approvers named by the matching rules, groups expanded, in order, without duplicates or the requester. */
function secondApprovers(rules: readonly PolicyRule[], requester: string, policy: Policy): string[] {
  const people = rules.flatMap((rule) => rule.approvers ?? []).flatMap((name) => (Object.hasOwn(policy.groups, name) ? membersOf(name, policy) : [name]));
  return [...new Set(people)].filter((person) => person !== requester);
}

/** "merge a pull request is high risk: needs your approval and MFA"; when a rule set the outcome, its own reason says what is needed. */
function baseReason(what: string, risk: Risk, fromRisk: boolean, twoPersonRule: boolean): string {
  const needs = fromRisk ? NEEDS[BASE_OUTCOME[risk]] : undefined;
  if (twoPersonRule)
    return `${what} is critical risk: ${needs ? "needs your approval, MFA and a second person's approval" : "needs a second person's approval"}`;
  return needs ? `${what} is ${risk} risk: ${needs}` : `${what} is ${risk} risk`;
}

function requirementsFor(outcome: Outcome): Requirements {
  switch (outcome) {
    case 'approve':
      return { requesterApproval: true, stepUp: false, ciba: false };
    case 'step_up':
      return { requesterApproval: true, stepUp: true, ciba: false };
    case 'ciba':
      return { requesterApproval: false, stepUp: false, ciba: true };
    default:
      return { requesterApproval: false, stepUp: false, ciba: false };
  }
}

function describeRule(rule: PolicyRule): string {
  const effects: string[] = [];
  if (rule.risk) effects.push(`treats it as ${rule.risk} risk`);
  if (rule.outcome === 'allow') effects.push('allows it without asking');
  else if (rule.outcome === 'deny') effects.push('does not allow it');
  else if (rule.outcome) effects.push(`says it ${NEEDS[rule.outcome]}`);
  return `the team policy (rule ${rule.id}) ${effects.join(' and ')}`;
}

function escalationWords(action: Escalation): string {
  return action === 'deny' ? 'is not allowed' : 'needs your approval and MFA';
}

function businessHoursFor(teamId: string, policy: Policy): { window: BusinessHours; timezone: string } | undefined {
  const override = Object.hasOwn(policy.workspaces, teamId) ? policy.workspaces[teamId] : undefined;
  const window = override?.businessHours ?? policy.businessHours;
  return window && { window, timezone: override?.timezone ?? policy.timezone };
}

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Whether `now`, read on a wall clock in `timezone`, falls on one of the days within `[start, end)`. */
export function isWithinHours(now: Date, hours: BusinessHours, timezone: string): boolean {
  // An unreadable clock is treated as out of hours: the stricter answer.
  if (Number.isNaN(now.getTime())) return false;
  let format = formatters.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: timezone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timezone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(now).map((part) => [part.type, part.value]));
  const day = String(parts.weekday).slice(0, 3).toLowerCase();
  const time = `${String(parts.hour).padStart(2, '0')}:${String(parts.minute).padStart(2, '0')}`;
  return hours.days.some((d) => d === day) && time >= hours.start && time < hours.end;
}

/** "Mon–Fri 09:00–18:00 Europe/Paris time". */
function describeHours(hours: BusinessHours, timezone: string): string {
  const days = WEEKDAYS.map((day) => hours.days.includes(day));
  const runs: string[] = [];
  for (let i = 0; i < WEEKDAYS.length; i++) {
    if (!days[i]) continue;
    let j = i;
    while (j + 1 < WEEKDAYS.length && days[j + 1]) j++;
    const first = capitalize(WEEKDAYS[i] ?? '');
    const last = capitalize(WEEKDAYS[j] ?? '');
    runs.push(j === i ? first : j === i + 1 ? `${first}, ${last}` : `${first}–${last}`);
    i = j;
  }
  return `${runs.join(', ')} ${hours.start}–${hours.end} ${timezone} time`;
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
