import { describe, expect, it } from 'vitest';
import {
  type ActionRequest,
  type Actor,
  DEFAULT_POLICY,
  type DecisionContext,
  decide,
  describeTool,
  NO_SECOND_APPROVER,
  type Outcome,
  type Policy,
  parsePolicy,
  type Risk,
} from '../../../src/policy/index.js';

const TEAM = 'T0ACME';
const alice: Actor = { teamId: TEAM, userId: 'U0ALICE' };
const releaser: Actor = { teamId: TEAM, userId: 'U0RELEASE1' };

/** Wednesday 5 March 2025, 10:00 UTC (11:00 in Paris, 05:00 in New York). */
const WEDNESDAY_10_UTC = new Date('2025-03-05T10:00:00Z');

function action(tool: string, risk: Risk, readOnly: boolean, args: Record<string, unknown> = { owner: 'acme', repo: 'api' }): ActionRequest {
  return { tool, service: tool.startsWith('calendar_') ? 'calendar' : 'github', risk, scopes: [], args, readOnly };
}

const listPulls = action('github_list_pull_requests', 'low', true);
const createIssue = action('github_create_issue', 'medium', false);
const mergePull = action('github_merge_pull_request', 'high', false);
const deleteBranch = action('github_delete_branch', 'high', false);
const dispatchWorkflow = action('github_dispatch_workflow', 'high', false);
const deleteRepo = action('github_delete_repository', 'critical', false);
const createEvent = action('calendar_create_event', 'medium', false, { summary: 'Standup' });

function ctx(overrides: Partial<DecisionContext> = {}): DecisionContext {
  return { now: WEDNESDAY_10_UTC, recentHighRiskCount: 0, ...overrides };
}

const publicRepo = { fullName: 'acme/api', private: false, defaultBranch: 'main' };
const privateRepo = { fullName: 'acme/secret', private: true, defaultBranch: 'main' };
const mainBranch = { name: 'main', protected: true, isDefault: true };
const releaseBranch = { name: 'release', protected: true, isDefault: false };
const featureBranch = { name: 'feature/x', protected: false, isDefault: false };

const policy = (yaml: string): Policy => parsePolicy(`version: 1\n${yaml}`, 'test-policy.yaml');

describe('the default policy', () => {
  it('runs a low-risk read (listing pull requests) at once, with no approval', () => {
    const d = decide(listPulls, alice, ctx({ repo: publicRepo }), DEFAULT_POLICY);
    expect(d.outcome).toBe('allow');
    expect(d.risk).toBe('low');
    expect(d.requirements).toEqual({ requesterApproval: false, stepUp: false, ciba: false });
    expect(d.reason).toBe('list pull requests is low risk: allowed without asking');
    expect(d.matchedRules).toEqual([]);
  });

  it('asks the requester to approve a medium-risk action (creating an issue or a calendar event)', () => {
    for (const request of [createIssue, createEvent]) {
      const d = decide(request, alice, ctx(), DEFAULT_POLICY);
      expect(d.outcome).toBe('approve');
      expect(d.requirements).toEqual({ requesterApproval: true, stepUp: false, ciba: false });
    }
    expect(decide(createEvent, alice, ctx(), DEFAULT_POLICY).reason).toBe('create a calendar event is medium risk: needs your approval');
  });

  it('asks for approval and step-up MFA for a high-risk action (merging a pull request into a feature branch)', () => {
    const d = decide(mergePull, alice, ctx({ repo: publicRepo, branch: featureBranch }), DEFAULT_POLICY);
    expect(d.outcome).toBe('step_up');
    expect(d.requirements).toEqual({ requesterApproval: true, stepUp: true, ciba: false });
    expect(d.reason).toBe('merge a pull request is high risk: needs your approval and MFA');
  });

  it('denies a critical action, because the built-in policy names no second approver', () => {
    const d = decide(deleteRepo, alice, ctx({ repo: publicRepo }), DEFAULT_POLICY);
    expect(d.outcome).toBe('deny');
    expect(d.risk).toBe('critical');
    expect(d.requirements).toEqual({ requesterApproval: false, stepUp: false, ciba: false });
    expect(d.reasons[0]).toMatch(/^delete a repository is critical risk/);
    expect(d.reasons).toContain(NO_SECOND_APPROVER);
  });

  it('behaves the same at any hour of any day (no time-of-day rule unless a policy file turns it on)', () => {
    const at = (iso: string) => decide(createIssue, alice, ctx({ now: new Date(iso) }), DEFAULT_POLICY).outcome;
    expect(new Set(['2025-03-05T03:00:00Z', '2025-03-08T23:30:00Z', '2025-03-09T12:00:00Z', '2025-03-05T10:00:00Z'].map(at))).toEqual(new Set(['approve']));
  });
});

describe('context makes a decision stricter', () => {
  it('asks for approval the first time someone reads a private repository', () => {
    const d = decide(listPulls, alice, ctx({ repo: privateRepo }), DEFAULT_POLICY);
    expect(d.outcome).toBe('approve');
    expect(d.risk).toBe('medium');
    expect(d.requirements.requesterApproval).toBe(true);
    expect(d.reason).toBe('list pull requests is low risk: allowed without asking; first read of private repository acme/secret');
  });

  it('lets a read of a private repository through once the person has authorised it, and never asks for public ones', () => {
    expect(decide(listPulls, alice, ctx({ repo: privateRepo, privateRepoAuthorized: true }), DEFAULT_POLICY).outcome).toBe('allow');
    expect(decide(listPulls, alice, ctx({ repo: publicRepo }), DEFAULT_POLICY).outcome).toBe('allow');
  });

  it('treats "not known to be authorised" as a first read (an unknown answer is not a yes)', () => {
    expect(decide(listPulls, alice, ctx({ repo: privateRepo, privateRepoAuthorized: undefined }), DEFAULT_POLICY).outcome).toBe('approve');
    expect(decide(listPulls, alice, ctx({ repo: privateRepo, privateRepoAuthorized: false }), DEFAULT_POLICY).outcome).toBe('approve');
  });

  it('explains a merge into the default branch in plain words', () => {
    const d = decide(mergePull, alice, ctx({ repo: publicRepo, branch: mainBranch }), DEFAULT_POLICY);
    expect(d.outcome).toBe('step_up');
    expect(d.reason).toBe('merge a pull request is high risk: needs your approval and MFA; targets the default branch main');
  });

  it('raises a medium-risk write to a protected branch to high risk with step-up', () => {
    const d = decide(createIssue, alice, ctx({ repo: publicRepo, branch: releaseBranch }), DEFAULT_POLICY);
    expect(d.outcome).toBe('step_up');
    expect(d.risk).toBe('high');
    expect(d.requirements).toEqual({ requesterApproval: true, stepUp: true, ciba: false });
    expect(d.reasons).toContain('targets the protected branch release');
  });

  it('treats a default branch as protected even when GitHub branch protection is off', () => {
    const unprotectedMain = { name: 'main', protected: false, isDefault: true };
    const d = decide(createIssue, alice, ctx({ repo: publicRepo, branch: unprotectedMain }), DEFAULT_POLICY);
    expect(d.outcome).toBe('step_up');
    expect(d.reasons).toContain('targets the default branch main');
  });

  it('leaves a write to an ordinary feature branch at its own risk', () => {
    expect(decide(createIssue, alice, ctx({ repo: publicRepo, branch: featureBranch }), DEFAULT_POLICY).outcome).toBe('approve');
  });

  it('never deletes the default branch, while other protected branches can still be deleted with step-up', () => {
    const d = decide(deleteBranch, alice, ctx({ repo: publicRepo, branch: mainBranch }), DEFAULT_POLICY);
    expect(d.outcome).toBe('deny');
    expect(d.reasons).toContain('deleting the default branch main is never allowed');
    expect(decide(deleteBranch, alice, ctx({ repo: publicRepo, branch: releaseBranch }), DEFAULT_POLICY).outcome).toBe('step_up');
  });

  describe('business hours (Mon–Fri 09:00–18:00 Europe/Paris)', () => {
    const hours = policy(`timezone: Europe/Paris
businessHours: { days: [mon, tue, wed, thu, fri], start: "09:00", end: "18:00", outside: step_up }
workspaces:
  T0NEWYORK: { timezone: America/New_York }
  T0STRICT:
    businessHours: { days: [mon, tue, wed, thu, fri], start: "10:00", end: "16:00", outside: deny }
`);
    const at = (iso: string, request: ActionRequest = createIssue, who: Actor = alice) => decide(request, who, ctx({ now: new Date(iso) }), hours);

    it('leaves a medium-risk action at plain approval inside the window, judged on the Paris clock', () => {
      // 08:00 UTC is 09:00 in Paris in March (UTC+1): the first minute of the day.
      expect(at('2025-03-05T08:00:00Z').outcome).toBe('approve');
      expect(at('2025-03-05T16:59:00Z').outcome).toBe('approve');
    });

    it('adds step-up to a medium-risk action before the start, at the end (exclusive) and at the weekend', () => {
      for (const iso of ['2025-03-05T07:59:00Z', '2025-03-05T17:00:00Z', '2025-03-08T10:00:00Z']) {
        const d = at(iso);
        expect(d.outcome, iso).toBe('step_up');
        expect(d.requirements).toEqual({ requesterApproval: true, stepUp: true, ciba: false });
      }
      expect(at('2025-03-08T10:00:00Z').reasons).toContain(
        'it is outside business hours (Mon–Fri 09:00–18:00 Europe/Paris time), so it needs your approval and MFA',
      );
    });

    it('follows the zone across daylight saving: 09:30 in Paris in July is 07:30 UTC', () => {
      expect(at('2025-07-02T07:30:00Z').outcome).toBe('approve');
      expect(at('2025-07-02T06:30:00Z').outcome).toBe('step_up');
    });

    it('leaves low-risk actions alone at any hour', () => {
      expect(at('2025-03-08T03:00:00Z', listPulls).outcome).toBe('allow');
    });

    it('judges a workspace with its own zone on its own clock (21:00 in Paris is 15:00 in New York)', () => {
      const nineInTheEveningParis = '2025-03-05T20:00:00Z';
      expect(at(nineInTheEveningParis, createIssue, alice).outcome).toBe('step_up');
      expect(at(nineInTheEveningParis, createIssue, { teamId: 'T0NEWYORK', userId: 'U0ALICE' }).outcome).toBe('approve');
    });

    it('applies a workspace override of the window itself, including outside: deny', () => {
      const strict: Actor = { teamId: 'T0STRICT', userId: 'U0ALICE' };
      // 09:30 Paris: inside the top-level window, outside the stricter workspace's 10:00–16:00.
      const d = at('2025-03-05T08:30:00Z', createIssue, strict);
      expect(d.outcome).toBe('deny');
      expect(d.reasons.at(-1)).toBe('it is outside business hours (Mon–Fri 10:00–16:00 Europe/Paris time), so it is not allowed');
      expect(at('2025-03-05T10:00:00Z', createIssue, strict).outcome).toBe('approve');
    });
  });

  describe('a burst of high-risk requests', () => {
    const blocking = policy('anomaly: { windowMinutes: 10, maxHighRisk: 3, action: deny }');

    it('is not an anomaly at the threshold (3 of 3)', () => {
      const d = decide(mergePull, alice, ctx({ recentHighRiskCount: 3 }), blocking);
      expect(d.outcome).toBe('step_up');
      expect(d.reasons).toHaveLength(1);
    });

    it('blocks the request over the threshold when the policy says deny', () => {
      const d = decide(mergePull, alice, ctx({ recentHighRiskCount: 4 }), blocking);
      expect(d.outcome).toBe('deny');
      expect(d.reasons).toContain('unusually many high-risk requests (4 in the last 10 minutes, more than 3), so it is not allowed');
    });

    it('adds step-up over the threshold by default, even where a rule asked only for approval', () => {
      const approveOnly = policy('rules:\n  - { tools: [github_merge_pull_request], outcome: approve }');
      expect(decide(mergePull, alice, ctx({ recentHighRiskCount: 3 }), approveOnly).outcome).toBe('approve');
      expect(decide(mergePull, alice, ctx({ recentHighRiskCount: 4 }), approveOnly).outcome).toBe('step_up');
    });

    it('does not count against medium-risk actions', () => {
      expect(decide(createIssue, alice, ctx({ recentHighRiskCount: 50 }), blocking).outcome).toBe('approve');
    });
  });
});

describe('policy rules', () => {
  it('apply in order: a later matching outcome replaces an earlier one', () => {
    const p = policy(`rules:
  - { id: first, tools: [github_merge_pull_request], outcome: ciba }
  - { id: second, tools: ["github_*"], outcome: approve }
`);
    const d = decide(mergePull, alice, ctx({ branch: featureBranch }), p);
    expect(d.outcome).toBe('approve');
    expect(d.requirements).toEqual({ requesterApproval: true, stepUp: false, ciba: false });
    expect(d.matchedRules).toEqual(['first', 'second']);
  });

  it('let deny from any matching rule win, wherever it sits', () => {
    const p = policy(`rules:
  - { id: no-merges, tools: [github_merge_pull_request], outcome: deny, reason: Merges are frozen for the release }
  - { id: allow-github, tools: ["github_*"], outcome: allow }
`);
    const d = decide(mergePull, alice, ctx(), p);
    expect(d.outcome).toBe('deny');
    expect(d.reasons).toContain('Merges are frozen for the release');
    expect(decide(listPulls, alice, ctx(), p).outcome).toBe('allow');
  });

  it('turn a ciba outcome into a Guardian push instead of Slack buttons', () => {
    const p = policy('rules:\n  - { tools: [github_merge_pull_request], outcome: ciba }');
    const d = decide(mergePull, alice, ctx({ branch: featureBranch }), p);
    expect(d.outcome).toBe('ciba');
    expect(d.requirements).toEqual({ ciba: true, requesterApproval: false, stepUp: false });
  });

  it('report the strongest outcome: a ciba rule still meets step-up on the default branch', () => {
    const p = policy('rules:\n  - { tools: [github_merge_pull_request], outcome: ciba }');
    expect(decide(mergePull, alice, ctx({ branch: mainBranch }), p).outcome).toBe('step_up');
  });

  it('restricted to a group apply only to its members', () => {
    const p = policy(`groups:
  release-managers: [U0RELEASE1, U0RELEASE2]
rules:
  - { id: releasers-merge, tools: [github_merge_pull_request], groups: [release-managers], outcome: approve }
`);
    const member = decide(mergePull, releaser, ctx({ branch: featureBranch }), p);
    expect(member.outcome).toBe('approve');
    expect(member.matchedRules).toEqual(['releasers-merge']);
    const outsider = decide(mergePull, alice, ctx({ branch: featureBranch }), p);
    expect(outsider.outcome).toBe('step_up');
    expect(outsider.matchedRules).toEqual([]);
  });

  it('with repository globs match only those repositories, whatever the letter case', () => {
    const p = policy('rules:\n  - { id: acme-frozen, tools: ["github_*"], repos: ["acme/*"], outcome: deny }');
    expect(decide(createIssue, alice, ctx({ repo: publicRepo }), p).outcome).toBe('deny');
    expect(decide(createIssue, alice, ctx({ repo: { ...publicRepo, fullName: 'ACME/Api' } }), p).outcome).toBe('deny');
    expect(decide(action('github_create_issue', 'medium', false, { owner: 'other', repo: 'api' }), alice, ctx(), p).outcome).toBe('approve');
  });

  it('with repository globs read the repository from the arguments when the context has none', () => {
    const p = policy('rules:\n  - { tools: ["github_*"], repos: ["acme/*"], outcome: deny }');
    expect(decide(action('github_create_issue', 'medium', false, { owner: 'acme', repo: 'web' }), alice, ctx(), p).outcome).toBe('deny');
  });

  it('prefer the gathered repository over the arguments the model wrote', () => {
    const p = policy('rules:\n  - { tools: ["github_*"], repos: ["acme/*"], outcome: deny }');
    const request = action('github_create_issue', 'medium', false, { owner: 'harmless', repo: 'x' });
    expect(decide(request, alice, ctx({ repo: publicRepo }), p).outcome).toBe('deny');
  });

  it('with repository globs never match an action that touches no repository', () => {
    const p = policy('rules:\n  - { tools: ["*"], repos: ["*/*"], outcome: deny }');
    expect(decide(createEvent, alice, ctx(), p).outcome).toBe('approve');
  });

  it('can raise a tool to critical: step-up plus a second approver from the named group, never the requester', () => {
    const p = policy(`groups:
  release-managers: [U0RELEASE1, U0RELEASE2]
rules:
  - id: deploys-need-two
    tools: [github_dispatch_workflow]
    risk: critical
    approvers: [release-managers, U0LEAD, U0RELEASE2]
    reason: Deploys to production need a second person
`);
    const d = decide(dispatchWorkflow, releaser, ctx(), p);
    expect(d.outcome).toBe('step_up');
    expect(d.risk).toBe('critical');
    expect(d.requirements).toEqual({ requesterApproval: true, stepUp: true, ciba: false, secondApprover: { approvers: ['U0RELEASE2', 'U0LEAD'] } });
    expect(d.reason).toBe(
      "run a workflow is critical risk: needs your approval, MFA and a second person's approval; Deploys to production need a second person",
    );
  });

  it('keep the second approver when a critical rule asks only for approval', () => {
    const p = policy(`rules:
  - { id: two, tools: [github_dispatch_workflow], risk: critical, outcome: approve, approvers: [U0LEAD] }
`);
    const d = decide(dispatchWorkflow, alice, ctx(), p);
    expect(d.outcome).toBe('approve');
    expect(d.requirements).toEqual({ requesterApproval: true, stepUp: false, ciba: false, secondApprover: { approvers: ['U0LEAD'] } });
  });

  it('deny a critical action whose only named approver is the requester', () => {
    const p = policy(`groups:
  solo: [U0ALICE]
rules:
  - { tools: [github_dispatch_workflow], risk: critical, approvers: [solo, U0ALICE] }
`);
    const d = decide(dispatchWorkflow, alice, ctx(), p);
    expect(d.outcome).toBe('deny');
    expect(d.reasons).toContain(NO_SECOND_APPROVER);
    expect(d.requirements.secondApprover).toBeUndefined();
  });

  it('can lower a risk explicitly, and the base follows the new risk', () => {
    const p = policy('rules:\n  - { id: merges-are-routine, tools: [github_merge_pull_request], risk: medium }');
    const d = decide(mergePull, alice, ctx({ branch: featureBranch }), p);
    expect(d.outcome).toBe('approve');
    expect(d.risk).toBe('medium');
    expect(d.reasons).toEqual([
      'merge a pull request is medium risk: needs your approval',
      'the team policy (rule merges-are-routine) treats it as medium risk',
    ]);
  });

  it('waive the first-read approval of a private repository only with an explicit allow', () => {
    const allowed = policy('rules:\n  - { id: read-acme, tools: ["github_list_*"], repos: ["acme/*"], outcome: allow }');
    expect(decide(listPulls, alice, ctx({ repo: privateRepo }), allowed).outcome).toBe('allow');
    const riskOnly = policy('rules:\n  - { tools: ["github_list_*"], repos: ["acme/*"], risk: low }');
    expect(decide(listPulls, alice, ctx({ repo: privateRepo }), riskOnly).outcome).toBe('approve');
  });

  it('cannot switch off default-branch protection, business hours or the anomaly check with allow', () => {
    const p = policy(`businessHours: { days: [mon, tue, wed, thu, fri], start: "09:00", end: "18:00", outside: deny }
anomaly: { action: deny }
rules:
  - { tools: ["*"], outcome: allow }
`);
    expect(decide(mergePull, alice, ctx({ branch: featureBranch }), p).outcome).toBe('allow');
    expect(decide(mergePull, alice, ctx({ branch: mainBranch }), p).outcome).toBe('step_up');
    expect(decide(deleteBranch, alice, ctx({ branch: mainBranch }), p).outcome).toBe('deny');
    expect(decide(createIssue, alice, ctx({ now: new Date('2025-03-08T10:00:00Z') }), p).outcome).toBe('deny');
    expect(decide(mergePull, alice, ctx({ recentHighRiskCount: 4 }), p).outcome).toBe('deny');
  });

  it('can allow a critical action only by saying so explicitly', () => {
    const p = policy('rules:\n  - { id: trust-me, tools: [github_delete_repository], outcome: allow }');
    const d = decide(deleteRepo, alice, ctx(), p);
    expect(d.outcome).toBe('allow');
    expect(d.requirements.secondApprover).toBeUndefined();
  });
});

describe('a decision never allows what the defaults deny unless a rule says so explicitly', () => {
  const STRENGTH: Record<Outcome, number> = { allow: 0, approve: 1, ciba: 2, step_up: 3, deny: 4 };
  const actions = [listPulls, createIssue, mergePull, deleteBranch, dispatchWorkflow, deleteRepo, createEvent];
  const contexts: DecisionContext[] = [
    ctx(),
    ctx({ repo: privateRepo }),
    ctx({ repo: privateRepo, privateRepoAuthorized: true }),
    ctx({ repo: publicRepo, branch: mainBranch }),
    ctx({ repo: publicRepo, branch: releaseBranch }),
    ctx({ recentHighRiskCount: 9 }),
    ctx({ now: new Date('2025-03-08T22:00:00Z') }),
  ];
  /** Policies that never write `outcome: allow`, never lower a risk and name no second approver. */
  const stricter = [
    policy('businessHours: { days: [mon], start: "09:00", end: "10:00", outside: deny }\nanomaly: { maxHighRisk: 0, action: deny }'),
    policy(`rules:
  - { tools: ["calendar_*"], risk: critical }
  - { tools: ["github_*"], outcome: ciba }
  - { tools: [github_delete_branch], repos: ["acme/*"], outcome: approve }
`),
    policy('rules:\n  - { tools: ["*"], outcome: approve, groups: [everyone] }\ngroups: { everyone: [U0ALICE] }'),
    policy('rules:\n  - { tools: ["github_*"], outcome: deny }'),
  ];

  it('keeps every default deny a deny under policies without an explicit allow', () => {
    let defaultDenials = 0;
    for (const request of actions) {
      for (const context of contexts) {
        if (decide(request, alice, context, DEFAULT_POLICY).outcome !== 'deny') continue;
        defaultDenials++;
        for (const p of stricter) expect(decide(request, alice, context, p).outcome, `${request.tool} ${JSON.stringify(context)}`).toBe('deny');
      }
    }
    expect(defaultDenials).toBeGreaterThan(5);
  });

  it('is never weaker than the default under a policy that only adds business hours, anomaly blocking and denials', () => {
    for (const p of [stricter[0]!, stricter[3]!]) {
      for (const request of actions) {
        for (const context of contexts) {
          const base = decide(request, alice, context, DEFAULT_POLICY);
          const d = decide(request, alice, context, p);
          expect(STRENGTH[d.outcome], `${request.tool} ${JSON.stringify(context)}`).toBeGreaterThanOrEqual(STRENGTH[base.outcome]);
        }
      }
    }
  });

  it('lets a critical action through only once a rule names a second approver, and then only with that approver', () => {
    const named = policy('rules:\n  - { tools: [github_delete_repository], approvers: [U0OPS] }');
    expect(decide(deleteRepo, alice, ctx(), DEFAULT_POLICY).outcome).toBe('deny');
    const d = decide(deleteRepo, alice, ctx(), named);
    expect(d.outcome).toBe('step_up');
    expect(d.requirements.secondApprover).toEqual({ approvers: ['U0OPS'] });
  });

  it('is the same answer every time for the same request, facts and policy', () => {
    const context = ctx({ repo: privateRepo, branch: mainBranch, recentHighRiskCount: 5 });
    expect(decide(mergePull, alice, context, stricter[1]!)).toEqual(decide(mergePull, alice, context, stricter[1]!));
  });
});

describe('describeTool', () => {
  it('turns tool names into the words a person would use', () => {
    expect(describeTool('github_merge_pull_request')).toBe('merge a pull request');
    expect(describeTool('github_list_pull_requests')).toBe('list pull requests');
    expect(describeTool('github_get_issue')).toBe('read an issue');
    expect(describeTool('github_list_my_repositories')).toBe('list your repositories');
    expect(describeTool('github_dispatch_workflow')).toBe('run a workflow');
    expect(describeTool('calendar_create_event')).toBe('create a calendar event');
    expect(describeTool('calendar_list_events')).toBe('list calendar events');
  });
});
