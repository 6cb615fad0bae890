import { describe, expect, it } from 'vitest';
import { dispatchWorkflow, listWorkflowRuns } from '../../../src/integrations/github/workflow-tools.js';
import { argsFor, asMap, ctx, rejection, TOKEN, useGitHub, writes } from './support.js';

const bed = useGitHub();
const widgets = { owner: 'acme', repo: 'widgets' };
const deploy = (extra: Record<string, unknown> = {}) =>
  argsFor(dispatchWorkflow, { ...widgets, workflow: 'deploy.yml', inputs: { environment: 'production' }, ...extra });
const dispatchCalls = () => writes(bed.fake).filter((r) => r.path.endsWith('/dispatches'));

describe('github_dispatch_workflow', () => {
  it('is a high-risk write that pins the default branch by name before approval', async () => {
    expect(dispatchWorkflow).toMatchObject({ risk: 'high', readOnly: false, scopes: ['actions:write'] });
    expect(dispatchWorkflow.describe(deploy())).toBe('run workflow deploy.yml on the default branch in acme/widgets with environment=production');
    const bound = await dispatchWorkflow.bind!(deploy(), bed.github, ctx);
    expect(bound.ref).toBe('main');
    expect(dispatchWorkflow.describe(bound)).toBe('run workflow deploy.yml on main in acme/widgets with environment=production');
    expect((await dispatchWorkflow.bind!(deploy({ ref: 'feature/rate-limit' }), bed.github, ctx)).ref).toBe('feature/rate-limit');
    expect(writes(bed.fake)).toHaveLength(0);
  });

  it('targets the ref, so the gate sees a protected default branch', async () => {
    await expect(dispatchWorkflow.target!(deploy(), bed.github, ctx)).resolves.toEqual({
      repo: { fullName: 'acme/widgets', private: true, defaultBranch: 'main' },
      branch: { name: 'main', protected: true, isDefault: true },
    });
    await expect(dispatchWorkflow.target!(deploy({ ref: 'stale/experiment' }), bed.github, ctx)).resolves.toMatchObject({
      branch: { name: 'stale/experiment', protected: false, isDefault: false },
    });
  });

  it('previews the workflow, the ref, the inputs and how the last run went', async () => {
    expect(await dispatchWorkflow.preview!(deploy(), bed.github, ctx)).toEqual([
      { label: 'Workflow', value: 'Deploy (.github/workflows/deploy.yml)' },
      { label: 'Ref', value: '`main` (protected, default)' },
      { label: 'Inputs', value: 'environment=production' },
      { label: 'Last run', value: 'failure on main by bob-gh, 2025-03-01' },
    ]);
    expect(
      asMap(await dispatchWorkflow.preview!(argsFor(dispatchWorkflow, { ...widgets, workflow: 'ci.yml', ref: 'stale/experiment' }), bed.github, ctx)),
    ).toEqual({
      Workflow: 'CI (.github/workflows/ci.yml)',
      Ref: '`stale/experiment`',
      Inputs: '(none)',
      'Last run': 'success on main by alice-gh, 2025-03-01',
    });
    bed.fake.addWorkflow('acme', 'widgets', { name: 'Nightly', file: 'nightly.yml', state: 'disabled_manually' });
    expect(asMap(await dispatchWorkflow.preview!(argsFor(dispatchWorkflow, { ...widgets, workflow: 'nightly.yml' }), bed.github, ctx))).toMatchObject({
      'Last run': 'never run',
      State: 'disabled_manually (GitHub will refuse to run it)',
    });
    expect(writes(bed.fake)).toHaveLength(0);
  });

  it('dispatches once with the token, and links the workflow’s runs, where the queued run shows up', async () => {
    const bound = await dispatchWorkflow.bind!(deploy(), bed.github, ctx);
    const { data, text } = await dispatchWorkflow.run(bound, bed.github, ctx);
    expect(bed.fake.dispatches).toEqual([
      {
        owner: 'acme',
        repo: 'widgets',
        workflowId: expect.any(Number),
        path: '.github/workflows/deploy.yml',
        ref: 'main',
        inputs: { environment: 'production' },
        token: TOKEN,
      },
    ]);
    expect(dispatchCalls().map((r) => r.body)).toEqual([{ ref: 'main', inputs: { environment: 'production' } }]);
    expect(data).toEqual({
      queued: true,
      workflow: 'Deploy',
      path: '.github/workflows/deploy.yml',
      ref: 'main',
      inputs: { environment: 'production' },
      runs_url: 'https://github.com/acme/widgets/actions/workflows/deploy.yml',
    });
    expect(text).toBe(
      'Queued *Deploy* on `main` in *acme/widgets* (environment=production). <https://github.com/acme/widgets/actions/workflows/deploy.yml|See its runs>',
    );
    const runs = await listWorkflowRuns.run(argsFor(listWorkflowRuns, { ...widgets, workflow: 'deploy.yml', limit: 1 }), bed.github, ctx);
    expect(runs.data).toEqual([
      expect.objectContaining({ workflow: 'Deploy', run_number: 3, status: 'queued', event: 'workflow_dispatch', actor: 'octo-dev' }),
    ]);
  });

  it('accepts the workflow’s numeric id', async () => {
    const { data: ci } = await bed.github.rest.actions.getWorkflow({ ...widgets, workflow_id: 'ci.yml' });
    await dispatchWorkflow.run(argsFor(dispatchWorkflow, { ...widgets, workflow: ci.id, ref: 'main' }), bed.github, ctx);
    expect(bed.fake.dispatches).toEqual([expect.objectContaining({ workflowId: ci.id, path: '.github/workflows/ci.yml', inputs: {} })]);
    expect(dispatchCalls()[0]?.path).toBe(`/repos/acme/widgets/actions/workflows/${ci.id}/dispatches`);
  });

  it('passes on GitHub refusing an unknown ref or inputs the workflow does not declare, having sent it once', async () => {
    const ref = await rejection(dispatchWorkflow.run(deploy({ ref: 'nope' }), bed.github, ctx));
    expect(ref).toMatchObject({
      code: 'upstream_rejected',
      userMessage:
        'GitHub refused to run workflow .github/workflows/deploy.yml on nope in acme/widgets (GitHub says: No ref found for: nope); nothing was changed.',
    });
    const extra = await rejection(dispatchWorkflow.run(deploy({ ref: 'main', inputs: { environment: 'staging', debug: 'true' } }), bed.github, ctx));
    expect(extra.userMessage).toContain('(GitHub says: Unexpected inputs provided: ["debug"])');
    const missing = await rejection(dispatchWorkflow.run(deploy({ ref: 'main', inputs: {} }), bed.github, ctx));
    expect(missing.userMessage).toContain("(GitHub says: Required input 'environment' not provided)");
    const choice = await rejection(dispatchWorkflow.run(deploy({ ref: 'main', inputs: { environment: 'moon' } }), bed.github, ctx));
    expect(choice.userMessage).toContain("Provided value 'moon' for input 'environment' not in the list of allowed values");
    expect(dispatchCalls()).toHaveLength(4);
    expect(bed.fake.dispatches).toEqual([]);
  });

  it('names an unknown workflow before dispatching anything', async () => {
    const err = await rejection(dispatchWorkflow.run(deploy({ workflow: 'release.yml', ref: 'main' }), bed.github, ctx));
    expect(err).toMatchObject({
      code: 'not_found',
      userMessage: "I couldn't find workflow release.yml in acme/widgets on GitHub, or your GitHub account can't see it.",
    });
    expect(dispatchCalls()).toHaveLength(0);
  });

  it('does not retry a dispatch GitHub failed on, and says the outcome is unknown', async () => {
    bed.fake.once((r) => r.path.endsWith('/dispatches'), { status: 500, body: { message: 'Server Error' } });
    const err = await rejection(dispatchWorkflow.run(deploy({ ref: 'main' }), bed.github, ctx));
    expect(err).toMatchObject({
      code: 'upstream_unavailable',
      userMessage:
        "GitHub failed while trying to run workflow .github/workflows/deploy.yml on main in acme/widgets, so I can't tell whether it happened. Check workflow .github/workflows/deploy.yml in acme/widgets on GitHub before asking again.",
    });
    expect(dispatchCalls()).toHaveLength(1);
  });
});
