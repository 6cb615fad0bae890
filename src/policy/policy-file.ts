import { readFileSync } from 'node:fs';
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { globMatches } from './glob.js';
import type { Policy } from './types.js';

export type { Policy } from './types.js';

/**
 * The policy file: YAML or JSON (JSON is read as YAML, so both give the same `Policy`). A full example,
 * with every default shown:
 *
 * ```yaml
 * version: 1
 * timezone: Europe/Paris            # IANA zone used for business hours (default UTC)
 * businessHours:                    # optional; absent = no time-of-day rule (the default)
 *   days: [mon, tue, wed, thu, fri]
 *   start: "09:00"                  # HH:MM, inclusive
 *   end: "18:00"                    # HH:MM, exclusive, after start (a window never crosses midnight)
 *   outside: step_up                # step_up (default) | deny: what happens to medium+ risk actions outside the window
 * workspaces:                       # optional per Slack workspace (team id) overrides of timezone/businessHours
 *   T0001: { timezone: America/New_York }
 * anomaly: { windowMinutes: 10, maxHighRisk: 3, action: step_up }   # action: step_up | deny (defaults shown)
 * approvals: { expiresInMinutes: 15 }                                  # default 15, 1..1440
 * groups:                           # named sets of Slack user ids; names in lowercase, digits, - and _
 *   release-managers: [U0RELEASE1, U0RELEASE2]
 * admins: [U0ADMIN]                 # may see the whole workspace's audit
 * rules:                            # applied in order; see precedence below
 *   - id: deploys-need-two          # optional, default "rule-<n>" (n counts from 1)
 *     tools: [github_dispatch_workflow, "calendar_*"]   # names or globs (* only); required
 *     repos: ["acme/*"]             # optional owner/repo globs (case-insensitive); the rule then matches only actions on such repos
 *     groups: [release-managers]    # optional: matches only when the requester is in one of these groups
 *     risk: critical                # optional: override the tool's risk
 *     outcome: approve              # optional: allow | approve | step_up | ciba | deny
 *     approvers: [release-managers, U0LEAD]   # optional: second approvers (group names or user ids) for critical risk
 *     reason: "Deploys to production need a second person"   # optional, shown to people
 * ```
 *
 * Precedence (see `decide`): matching rules apply in order; a later `risk` or `outcome` replaces an
 * earlier one, except that `deny` from any matching rule always wins. Context (default/protected
 * branches, business hours, anomalies) is applied after the rules and only ever makes things stricter;
 * the one thing a rule can waive is the approval for a first read of a private repository, with an
 * explicit `outcome: allow`.
 *
 * Anything unknown is an error rather than ignored: a typo such as `outcom:` must never quietly turn
 * a rule off. Each problem is reported on its own line with the file name and line number.
 */

const OUTCOMES = ['allow', 'approve', 'step_up', 'ciba', 'deny'] as const;
const RISKS = ['low', 'medium', 'high', 'critical'] as const;
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const ESCALATIONS = ['step_up', 'deny'] as const;

export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
const SLACK_TEAM_ID = /^[TE][A-Z0-9]{2,}$/;
// Lowercase only, so a group name can never be mistaken for a Slack user id among `approvers`.
const GROUP_NAME = /^[a-z][a-z0-9_-]*$/;
const RULE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const TOOL_GLOB = /^[A-Za-z0-9_*-]+$/;
const REPO_GLOB = /^[A-Za-z0-9_.*-]+\/[A-Za-z0-9_.*-]+$/;

export function isValidTimeZone(zone: string): boolean {
  try {
    return Intl.DateTimeFormat(undefined, { timeZone: zone }).resolvedOptions().timeZone !== '';
  } catch {
    return false;
  }
}

/** A string that must match `pattern`; `explain` words the failure with the offending value. */
const matching = (pattern: RegExp, explain: (value: string) => string) =>
  z.string().superRefine((value, ctx) => {
    if (!pattern.test(value)) ctx.addIssue({ code: 'custom', message: explain(value) });
  });

const slackUserId = matching(SLACK_USER_ID, (v) => `"${v}" is not a Slack user id (like U0123ABCD)`);
const timeOfDay = matching(TIME, (v) => `"${v}" must be a time written HH:MM on a 24-hour clock (00:00 to 23:59)`);
const timeZone = z.string().superRefine((zone, ctx) => {
  if (!isValidTimeZone(zone)) ctx.addIssue({ code: 'custom', message: `"${zone}" is not an IANA time zone (like Europe/Paris, America/New_York or UTC)` });
});

const businessHoursSchema = z
  .strictObject({
    days: z.array(z.enum(WEEKDAYS)).min(1),
    start: timeOfDay,
    end: timeOfDay,
    outside: z.enum(ESCALATIONS).default('step_up'),
  })
  .superRefine((hours, ctx) => {
    if (TIME.test(hours.start) && TIME.test(hours.end) && hours.start >= hours.end) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: `must be later than start (${hours.start}); a window cannot cross midnight` });
    }
  });

const workspaceSchema = z.strictObject({
  timezone: timeZone.optional(),
  businessHours: businessHoursSchema.optional(),
});

const anomalySchema = z
  .strictObject({
    windowMinutes: z.number().int().min(1).max(1440).default(10),
    maxHighRisk: z.number().int().min(0).default(3),
    action: z.enum(ESCALATIONS).default('step_up'),
  })
  .prefault({});

const approvalsSchema = z.strictObject({ expiresInMinutes: z.number().int().min(1).max(1440).default(15) }).prefault({});

const ruleSchema = z.strictObject({
  id: matching(RULE_ID, (v) => `"${v}" must be letters, digits, ".", "-" or "_"`).optional(),
  tools: z.array(matching(TOOL_GLOB, (v) => `"${v}" must be a tool name or a glob using * (letters, digits, "_", "-")`)).min(1),
  repos: z
    .array(matching(REPO_GLOB, (v) => `"${v}" must be an owner/repo glob such as acme/* or acme/api`))
    .min(1)
    .optional(),
  groups: z.array(z.string()).min(1).optional(),
  risk: z.enum(RISKS).optional(),
  outcome: z.enum(OUTCOMES).optional(),
  approvers: z.array(z.string()).min(1).optional(),
  reason: z.string().trim().min(1).max(300).optional(),
});

const policyShape = {
  version: z.literal(1),
  timezone: timeZone.default('UTC'),
  businessHours: businessHoursSchema.optional(),
  workspaces: z
    .record(
      matching(SLACK_TEAM_ID, () => 'must be a Slack workspace (team) id like T0123ABCD'),
      workspaceSchema,
    )
    .default({}),
  anomaly: anomalySchema,
  approvals: approvalsSchema,
  groups: z
    .record(
      matching(GROUP_NAME, () => 'must be a group name in lowercase letters, digits, "-" and "_" (like release-managers)'),
      z.array(slackUserId),
    )
    .default({}),
  admins: z.array(slackUserId).default([]),
  rules: z.array(ruleSchema).default([]),
};

/** Keys each kind of mapping accepts, for "did you mean" hints on unknown keys. */
const KNOWN_KEYS: readonly [RegExp, readonly string[]][] = [
  [/^$/, Object.keys(policyShape)],
  [/^(workspaces\.[^.]+\.)?businessHours$/, Object.keys(businessHoursSchema.shape)],
  [/^workspaces\.[^.]+$/, Object.keys(workspaceSchema.shape)],
  [/^anomaly$/, ['windowMinutes', 'maxHighRisk', 'action']],
  [/^approvals$/, ['expiresInMinutes']],
  [/^rules\.\d+$/, Object.keys(ruleSchema.shape)],
];

export interface PolicyFileOptions {
  /**
   * The tool names AgentHub offers. When given, a rule's tool name or glob that matches none of
   * them is an error: a misspelt tool in a `deny` rule would otherwise deny nothing.
   */
  knownTools?: readonly string[];
}

const ruleId = (rule: { id?: string | undefined }, index: number) => rule.id ?? `rule-${index + 1}`;

/** The schema of a policy file; its output is a `Policy` with every default filled in. */
export function createPolicySchema(options: PolicyFileOptions = {}) {
  return z
    .strictObject(policyShape)
    .superRefine((policy, ctx) => {
      const isGroup = (name: string) => Object.hasOwn(policy.groups, name);
      const seenIds = new Map<string, number>();
      policy.rules.forEach((rule, i) => {
        const id = ruleId(rule, i);
        const first = seenIds.get(id);
        if (first !== undefined) {
          ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `"${id}" is already the id of rules[${first}]; rule ids must be unique` });
        } else {
          seenIds.set(id, i);
        }
        if (rule.risk === undefined && rule.outcome === undefined && rule.approvers === undefined) {
          // Said only when the rule has no unknown key: `outcom: deny` is a typo, not a rule that does nothing.
          ctx.addIssue({
            code: 'custom',
            path: ['rules', i],
            message: 'does nothing: give it an outcome, a risk or approvers',
            params: { unlessUnknownKey: true },
          });
        }
        rule.groups?.forEach((group, j) => {
          if (!isGroup(group)) {
            ctx.addIssue({ code: 'custom', path: ['rules', i, 'groups', j], message: `names the group "${group}", which is not defined under groups` });
          }
        });
        rule.approvers?.forEach((approver, j) => {
          if (!SLACK_USER_ID.test(approver) && !isGroup(approver)) {
            ctx.addIssue({
              code: 'custom',
              path: ['rules', i, 'approvers', j],
              message: `"${approver}" is neither a group defined under groups nor a Slack user id (like U0123ABCD)`,
            });
          }
        });
        const { knownTools } = options;
        if (knownTools) {
          rule.tools.forEach((tool, j) => {
            if (!knownTools.some((name) => globMatches(tool, name))) {
              ctx.addIssue({ code: 'custom', path: ['rules', i, 'tools', j], message: `"${tool}" matches no tool AgentHub offers` });
            }
          });
        }
      });
    })
    .transform((policy): Policy => ({ ...policy, rules: policy.rules.map((rule, i) => ({ ...rule, id: ruleId(rule, i) })) }));
}

export const policyFileSchema = createPolicySchema();

/** The built-in policy: the default risk table, no rules, no time-of-day rule. */
export const DEFAULT_POLICY: Policy = deepFreeze(policyFileSchema.parse({ version: 1 }));

export interface PolicyProblem {
  /** 1-based line in the file, when the problem has one. */
  line?: number;
  message: string;
}

/** A policy file that cannot be used. The message has one line per problem: `file line N: what is wrong`. */
export class PolicyFileError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly PolicyProblem[],
  ) {
    super(problems.map(({ line, message }) => `${source}${line === undefined ? '' : ` line ${line}`}: ${message.replace(/\s*\n\s*/g, ' ')}`).join('\n'));
    this.name = 'PolicyFileError';
  }
}

/** Reads and validates a policy file; throws `PolicyFileError` naming every problem. */
export function loadPolicyFile(path: string, options: PolicyFileOptions = {}): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'read error';
    throw new PolicyFileError(path, [{ message: `cannot be read (${code}); check AGENTHUB_POLICY points at a readable file` }]);
  }
  return parsePolicy(text, path, options);
}

/** Parses policy text (YAML or JSON); `sourceName` names the file in error messages. */
export function parsePolicy(text: string, sourceName: string, options: PolicyFileOptions = {}): Policy {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  // Errors found at the end of the input (an unterminated quote) are shown on the last line that has text.
  const lastLine = text.trimEnd().split('\n').length;
  const lineAt = (offset: number) => Math.min(lineCounter.linePos(offset).line, Math.max(lastLine, 1));

  // Warnings too (an unresolved tag, say): a file we only half understand is not a policy.
  const yamlProblems = [...doc.errors, ...doc.warnings].map((e) => ({ line: lineAt(e.pos[0]), message: `YAML syntax error: ${e.message}` }));
  if (yamlProblems.length > 0) throw new PolicyFileError(sourceName, sorted(yamlProblems));

  let input: unknown;
  try {
    input = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new PolicyFileError(sourceName, [{ line: 1, message: `YAML error: ${(err as Error).message}` }]);
  }

  if (input === null || input === undefined) {
    throw new PolicyFileError(sourceName, [{ line: 1, message: 'the file is empty; a policy needs at least "version: 1"' }]);
  }

  const result = createPolicySchema(options).safeParse(input);
  if (result.success) return deepFreeze(result.data);

  const { issues } = result.error;
  const unknownKeyAt = new Set(issues.filter((issue) => issue.code === 'unrecognized_keys').map((issue) => issue.path.map(String).join('.')));
  const problems = issues
    .filter((issue) => !(issue.code === 'custom' && issue.params?.unlessUnknownKey && unknownKeyAt.has(issue.path.map(String).join('.'))))
    .flatMap((issue) => describeIssue(issue, input, (path, at) => lineAt(offsetOf(doc, path, at))));
  throw new PolicyFileError(sourceName, sorted(problems));
}

type Path = readonly PropertyKey[];

function describeIssue(issue: z.core.$ZodIssue, input: unknown, lineOf: (path: Path, at: 'key' | 'value') => number): PolicyProblem[] {
  const path = issue.path;
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        line: lineOf([...path, key], 'key'),
        message: `${subject(path)} has an unknown key "${key}"${suggestKey(path, key)}`,
      }));
    case 'invalid_key': {
      const inner = issue.issues[0]?.message ?? 'is not allowed here';
      return [{ line: lineOf(path, 'key'), message: `${subject(path.slice(0, -1))} key "${String(path.at(-1))}" ${inner}` }];
    }
    default:
      return [{ line: lineOf(path, 'value'), message: `${subject(path)} ${reasonFor(issue, valueAt(input, path) === undefined)}` }];
  }
}

function reasonFor(issue: z.core.$ZodIssue, missing: boolean): string {
  switch (issue.code) {
    case 'invalid_type': {
      if (missing) return 'is required';
      const expected: Record<string, string> = {
        string: 'must be text',
        number: 'must be a number',
        int: 'must be a whole number',
        boolean: 'must be true or false',
        array: 'must be a list',
        object: 'must be a mapping of keys to values',
        record: 'must be a mapping of keys to values',
      };
      return expected[issue.expected] ?? `must be a ${issue.expected}`;
    }
    case 'invalid_value':
      if (missing) return 'is required';
      return issue.values.length === 1 ? `must be ${String(issue.values[0])}` : `must be one of ${issue.values.map(String).join(', ')}`;
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'array') return `must list at least ${min} ${min === 1 ? 'item' : 'items'}`;
      if (issue.origin === 'string') return 'must not be empty';
      return `must be at least ${min}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'array') return `must list at most ${max} items`;
      if (issue.origin === 'string') return `must be at most ${max} characters long`;
      return `must be at most ${max}`;
    }
    default:
      return issue.message;
  }
}

/** `rules[2].outcome`; the root is "the policy". */
function subject(path: Path): string {
  if (path.length === 0) return 'the policy';
  return path
    .map((seg, i) => {
      if (typeof seg === 'number') return `[${seg}]`;
      const name = String(seg);
      if (!/^[\w-]+$/.test(name)) return `[${JSON.stringify(name)}]`;
      return i === 0 ? name : `.${name}`;
    })
    .join('');
}

function suggestKey(path: Path, key: string): string {
  const where = path.map(String).join('.');
  const known = KNOWN_KEYS.find(([pattern]) => pattern.test(where))?.[1];
  if (!known) return '';
  const close = known
    .map((candidate) => ({ candidate, distance: editDistance(key.toLowerCase(), candidate.toLowerCase()) }))
    .filter(({ distance }) => distance <= Math.max(1, Math.floor(key.length / 3)))
    .sort((a, b) => a.distance - b.distance)[0];
  return close ? ` (did you mean "${close.candidate}"?)` : ` (allowed: ${known.join(', ')})`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function valueAt(input: unknown, path: Path): unknown {
  let value = input;
  for (const seg of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, seg)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[seg];
  }
  return value;
}

/**
 * Where in the text `path` points: the value's position (or, with `at: 'key'`, its key's). When the
 * path runs past what the file has (a missing key), the deepest node that exists stands in for it.
 */
function offsetOf(doc: Document, path: Path, at: 'key' | 'value'): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const [i, seg] of path.entries()) {
    if (isAlias(node)) node = node.resolve(doc);
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
      if (!pair) break;
      offset = rangeStart(pair.key) ?? offset;
      if (last && at === 'key') break;
      // An empty value (`outcome:`) is best shown at its key.
      if (pair.value === null || (isScalar(pair.value) && pair.value.value === null)) break;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      if (node === undefined) break;
    } else {
      break;
    }
    offset = rangeStart(node) ?? offset;
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  if (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)) return node.range[0] as number;
  return undefined;
}

function sorted(problems: PolicyProblem[]): PolicyProblem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.line ?? 0) - (b.p.line ?? 0) || a.i - b.i)
    .map(({ p }) => p);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
