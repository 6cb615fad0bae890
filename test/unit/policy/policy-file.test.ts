import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, loadPolicyFile, type Policy, PolicyFileError, parsePolicy } from '../../../src/policy/index.js';

const FULL_YAML = `version: 1
timezone: Europe/Paris
businessHours:
  days: [mon, tue, wed, thu, fri]
  start: "09:00"
  end: "18:00"
  outside: step_up
workspaces:
  T0001: { timezone: America/New_York }
anomaly: { windowMinutes: 10, maxHighRisk: 3, action: step_up }
approvals: { expiresInMinutes: 15 }
groups:
  release-managers: [U0RELEASE1, U0RELEASE2]
admins: [U0ADMIN]
rules:
  - id: deploys-need-two
    tools: [github_dispatch_workflow, "calendar_*"]
    repos: ["acme/*"]
    groups: [release-managers]
    risk: critical
    outcome: approve
    approvers: [release-managers, U0LEAD]
    reason: "Deploys to production need a second person"
  - tools: [github_delete_branch]
    outcome: deny
`;

const FULL_JSON = `{
  "version": 1,
  "timezone": "Europe/Paris",
  "businessHours": { "days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "18:00", "outside": "step_up" },
  "workspaces": { "T0001": { "timezone": "America/New_York" } },
  "anomaly": { "windowMinutes": 10, "maxHighRisk": 3, "action": "step_up" },
  "approvals": { "expiresInMinutes": 15 },
  "groups": { "release-managers": ["U0RELEASE1", "U0RELEASE2"] },
  "admins": ["U0ADMIN"],
  "rules": [
    {
      "id": "deploys-need-two",
      "tools": ["github_dispatch_workflow", "calendar_*"],
      "repos": ["acme/*"],
      "groups": ["release-managers"],
      "risk": "critical",
      "outcome": "approve",
      "approvers": ["release-managers", "U0LEAD"],
      "reason": "Deploys to production need a second person"
    },
    { "tools": ["github_delete_branch"], "outcome": "deny" }
  ]
}`;

/** The lines of the error a policy text raises (each "file line N: reason"). */
function problems(text: string, options?: Parameters<typeof parsePolicy>[2]): string[] {
  try {
    parsePolicy(text, 'policy.yaml', options);
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyFileError);
    return (err as PolicyFileError).message.split('\n');
  }
  throw new Error('expected the policy to be rejected');
}

describe('a policy file', () => {
  it('parses the documented example with defaults filled in', () => {
    const policy = parsePolicy(FULL_YAML, 'policy.yaml');
    expect(policy.timezone).toBe('Europe/Paris');
    expect(policy.businessHours).toEqual({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '18:00', outside: 'step_up' });
    expect(policy.workspaces).toEqual({ T0001: { timezone: 'America/New_York' } });
    expect(policy.groups).toEqual({ 'release-managers': ['U0RELEASE1', 'U0RELEASE2'] });
    expect(policy.admins).toEqual(['U0ADMIN']);
    expect(policy.rules.map((rule) => rule.id)).toEqual(['deploys-need-two', 'rule-2']);
    expect(policy.rules[0]).toMatchObject({ risk: 'critical', outcome: 'approve', approvers: ['release-managers', 'U0LEAD'] });
  });

  it('gives the same Policy from YAML and from JSON', () => {
    expect(parsePolicy(FULL_JSON, 'policy.json')).toEqual(parsePolicy(FULL_YAML, 'policy.yaml'));
  });

  it('needs only "version: 1"; everything else defaults to the built-in policy', () => {
    const minimal: Policy = parsePolicy('version: 1\n', 'policy.yaml');
    expect(minimal).toEqual(DEFAULT_POLICY);
    expect(DEFAULT_POLICY).toEqual({
      version: 1,
      timezone: 'UTC',
      workspaces: {},
      anomaly: { windowMinutes: 10, maxHighRisk: 3, action: 'step_up' },
      approvals: { expiresInMinutes: 15 },
      groups: {},
      admins: [],
      rules: [],
    });
    expect(DEFAULT_POLICY.businessHours).toBeUndefined();
  });

  it('fills business hours "outside" with step_up and anomaly fields one by one', () => {
    const policy = parsePolicy('version: 1\nbusinessHours: { days: [sat], start: "10:00", end: "12:00" }\nanomaly: { action: deny }', 'p.yaml');
    expect(policy.businessHours?.outside).toBe('step_up');
    expect(policy.anomaly).toEqual({ windowMinutes: 10, maxHighRisk: 3, action: 'deny' });
  });

  it('cannot be changed once parsed, so no caller can loosen the policy in memory', () => {
    const policy = parsePolicy(FULL_YAML, 'policy.yaml');
    expect(() => {
      (policy.rules as unknown as unknown[]).pop();
    }).toThrow(TypeError);
    expect(() => {
      (DEFAULT_POLICY.anomaly as { maxHighRisk: number }).maxHighRisk = 99;
    }).toThrow(TypeError);
  });
});

describe('an invalid policy file is refused with the line and a readable reason', () => {
  it('names a bad outcome with the outcomes it may be', () => {
    const text = `version: 1
rules:
  - tools: [github_merge_pull_request]
    outcome: allow
  - tools: [github_delete_branch]
    outcome: approve
  - tools: [github_dispatch_workflow]
    outcome: aprove
`;
    expect(problems(text)).toEqual(['policy.yaml line 8: rules[2].outcome must be one of allow, approve, step_up, ciba, deny']);
  });

  it('refuses a misspelt key (outcom:) instead of silently ignoring the rule, and suggests the right one', () => {
    const text = `version: 1
rules:
  - tools: [github_merge_pull_request]
    outcom: deny
`;
    expect(problems(text)).toEqual(['policy.yaml line 4: rules[0] has an unknown key "outcom" (did you mean "outcome"?)']);
  });

  it('refuses unknown keys at the top level and in nested mappings too', () => {
    const text = `version: 1
timeZone: Europe/Paris
anomaly: { window: 5 }
`;
    expect(problems(text)).toEqual([
      'policy.yaml line 2: the policy has an unknown key "timeZone" (did you mean "timezone"?)',
      'policy.yaml line 3: anomaly has an unknown key "window" (allowed: windowMinutes, maxHighRisk, action)',
    ]);
  });

  it('refuses a time that is not HH:MM, and a window that ends before it starts', () => {
    expect(problems('version: 1\nbusinessHours:\n  days: [mon]\n  start: "9am"\n  end: "18:00"\n')).toEqual([
      'policy.yaml line 4: businessHours.start "9am" must be a time written HH:MM on a 24-hour clock (00:00 to 23:59)',
    ]);
    expect(problems('version: 1\nbusinessHours:\n  days: [mon]\n  start: "18:00"\n  end: "09:00"\n')).toEqual([
      'policy.yaml line 5: businessHours.end must be later than start (18:00); a window cannot cross midnight',
    ]);
  });

  it('refuses a time zone that is not an IANA zone, at the top level and per workspace', () => {
    expect(problems('version: 1\ntimezone: Europe/Pariss\n')).toEqual([
      'policy.yaml line 2: timezone "Europe/Pariss" is not an IANA time zone (like Europe/Paris, America/New_York or UTC)',
    ]);
    expect(problems('version: 1\nworkspaces:\n  T0001:\n    timezone: Mars/Olympus\n')).toEqual([
      'policy.yaml line 4: workspaces.T0001.timezone "Mars/Olympus" is not an IANA time zone (like Europe/Paris, America/New_York or UTC)',
    ]);
  });

  it('refuses a rule that names a group the file does not define', () => {
    const text = `version: 1
groups:
  release-managers: [U0RELEASE1]
rules:
  - tools: [github_merge_pull_request]
    groups: [release-manager]
    outcome: allow
`;
    expect(problems(text)).toEqual(['policy.yaml line 6: rules[0].groups[0] names the group "release-manager", which is not defined under groups']);
  });

  it('refuses an approver that is neither a group nor a Slack user id, and members that are not Slack user ids', () => {
    const text = `version: 1
groups:
  ops: [U0OPS, bob]
rules:
  - tools: [github_dispatch_workflow]
    risk: critical
    approvers: [ops, release-managers]
`;
    expect(problems(text)).toEqual([
      'policy.yaml line 3: groups.ops[1] "bob" is not a Slack user id (like U0123ABCD)',
      'policy.yaml line 7: rules[0].approvers[1] "release-managers" is neither a group defined under groups nor a Slack user id (like U0123ABCD)',
    ]);
    expect(problems(text.replace(', bob', ''))).toEqual([
      'policy.yaml line 7: rules[0].approvers[1] "release-managers" is neither a group defined under groups nor a Slack user id (like U0123ABCD)',
    ]);
  });

  it('reports a YAML syntax error with its line', () => {
    const text = `version: 1
rules:
  - tools: [github_merge_pull_request]
    reason: "unterminated
`;
    const lines = problems(text);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines[0]).toMatch(/^policy\.yaml line 4: YAML syntax error: .*quote/i);
  });

  it('refuses a key written twice (which YAML would otherwise resolve to the last one)', () => {
    expect(problems('version: 1\nrules:\n  - tools: [x]\n    outcome: deny\n    outcome: allow\n')).toEqual([
      'policy.yaml line 5: YAML syntax error: Map keys must be unique',
    ]);
  });

  it('says what is missing: the version, a rule without tools, an empty file', () => {
    expect(problems('timezone: UTC\n')).toEqual(['policy.yaml line 1: version is required']);
    expect(problems('version: 1\nrules:\n  - id: typo\n    outcome: deny\n')).toEqual(['policy.yaml line 3: rules[0].tools is required']);
    expect(problems('')).toEqual(['policy.yaml line 1: the file is empty; a policy needs at least "version: 1"']);
    expect(problems('version: 2\n')).toEqual(['policy.yaml line 1: version must be 1']);
  });

  it('refuses an empty value rather than reading it as "nothing configured"', () => {
    expect(problems('version: 1\nbusinessHours:\n')).toEqual(['policy.yaml line 2: businessHours must be a mapping of keys to values']);
    expect(problems('version: 1\nrules:\n  - tools: [x]\n    outcome:\n')).toEqual([
      'policy.yaml line 4: rules[0].outcome must be one of allow, approve, step_up, ciba, deny',
    ]);
  });

  it('refuses a rule that does nothing and rule ids used twice', () => {
    const text = `version: 1
rules:
  - { id: a, tools: [x], outcome: deny }
  - { id: a, tools: [y], reason: forgot the outcome }
`;
    expect(problems(text)).toEqual([
      'policy.yaml line 4: rules[1].id "a" is already the id of rules[0]; rule ids must be unique',
      'policy.yaml line 4: rules[1] does nothing: give it an outcome, a risk or approvers',
    ]);
  });

  it('refuses out-of-range numbers and malformed ids with their lines', () => {
    const text = `version: 1
approvals: { expiresInMinutes: 0 }
anomaly:
  maxHighRisk: 2.5
workspaces:
  acme: {}
groups:
  Release Managers: [U0A1]
`;
    expect(problems(text)).toEqual([
      'policy.yaml line 2: approvals.expiresInMinutes must be at least 1',
      'policy.yaml line 4: anomaly.maxHighRisk must be a whole number',
      'policy.yaml line 6: workspaces key "acme" must be a Slack workspace (team) id like T0123ABCD',
      'policy.yaml line 8: groups key "Release Managers" must be a group name in lowercase letters, digits, "-" and "_" (like release-managers)',
    ]);
  });

  it('reports every problem, one line each, in file order', () => {
    const text = `version: 1
timezone: Nowhere/Land
rules:
  - tools: [github_merge_pull_request]
    outcome: maybe
  - tools: [github_delete_branch]
    outcom: deny
`;
    expect(problems(text)).toEqual([
      'policy.yaml line 2: timezone "Nowhere/Land" is not an IANA time zone (like Europe/Paris, America/New_York or UTC)',
      'policy.yaml line 5: rules[0].outcome must be one of allow, approve, step_up, ciba, deny',
      'policy.yaml line 7: rules[1] has an unknown key "outcom" (did you mean "outcome"?)',
    ]);
  });

  it('reports lines in a JSON file the same way', () => {
    const text = FULL_JSON.replace('"outcome": "deny"', '"outcome": "block"');
    expect(problems(text)).toEqual(['policy.yaml line 21: rules[1].outcome must be one of allow, approve, step_up, ciba, deny']);
  });

  it('with the known tools given, refuses a misspelt tool name that would match nothing', () => {
    const text = 'version: 1\nrules:\n  - tools: [github_merge_pr, "calendar_*"]\n    outcome: deny\n';
    const knownTools = ['github_merge_pull_request', 'calendar_create_event'];
    expect(problems(text, { knownTools })).toEqual(['policy.yaml line 3: rules[0].tools[0] "github_merge_pr" matches no tool AgentHub offers']);
    expect(() => parsePolicy(text.replace('github_merge_pr', 'github_merge_pull_request'), 'policy.yaml', { knownTools })).not.toThrow();
  });
});

describe('loadPolicyFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agenthub-policy-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads YAML and JSON files from disk', () => {
    const yamlPath = join(dir, 'policy.yaml');
    const jsonPath = join(dir, 'policy.json');
    writeFileSync(yamlPath, FULL_YAML);
    writeFileSync(jsonPath, FULL_JSON);
    expect(loadPolicyFile(jsonPath)).toEqual(loadPolicyFile(yamlPath));
  });

  it('names the file in every problem line', () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, 'version: 1\nadmins: [alice]\n');
    expect(() => loadPolicyFile(path)).toThrow(`${path} line 2: admins[0] "alice" is not a Slack user id (like U0123ABCD)`);
  });

  it('refuses a missing file with one line saying what to check', () => {
    const path = join(dir, 'missing.yaml');
    expect(() => loadPolicyFile(path)).toThrow(
      new PolicyFileError(path, [{ message: 'cannot be read (ENOENT); check AGENTHUB_POLICY points at a readable file' }]).message,
    );
  });
});
