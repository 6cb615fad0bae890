import { describe, expect, it } from 'vitest';
import { useGitHub } from './support.js';

/** The stand-in answers the new endpoints the way GitHub does, through the real octokit. */
const bed = useGitHub();
const widgets = { owner: 'acme', repo: 'widgets' };

describe('the GitHub stand-in speaks GitHub for issues, search and Actions', () => {
  it('mixes pull requests into the issues list and pages it with Link headers', async () => {
    const all = await bed.github.paginate(bed.github.rest.issues.listForRepo, { ...widgets, state: 'all', per_page: 3 });
    expect(all.map((i) => [i.number, Boolean(i.pull_request)])).toEqual([
      [10, false],
      [9, false],
      [8, false],
      [7, false],
      [4, true],
      [3, true],
      [2, true],
      [1, true],
    ]);
    expect(bed.fake.requests.map((r) => r.query.page ?? '1')).toEqual(['1', '2', '3']);
    expect(all.find((i) => i.number === 1)?.labels.map((l) => (typeof l === 'string' ? l : l.name))).toEqual(['enhancement']);
  });

  it('answers search like GitHub, including its refusal of queries without is:issue or is:pr', async () => {
    const { data } = await bed.github.rest.search.issuesAndPullRequests({ q: 'is:pr review-requested:octo-dev' });
    expect(data).toMatchObject({ total_count: 1, incomplete_results: false, items: [{ number: 1, pull_request: expect.any(Object) }] });
    await expect(bed.github.rest.search.issuesAndPullRequests({ q: 'crash' })).rejects.toMatchObject({
      status: 422,
      response: { data: { message: "Query must include 'is:issue' or 'is:pull-request'" } },
    });
  });

  it('lists requested reviewers on pull requests and serves workflows, runs and a 204 dispatch', async () => {
    const { data: pulls } = await bed.github.rest.pulls.list(widgets);
    expect(pulls.map((p) => [p.number, p.requested_reviewers?.map((u) => u.login)])).toEqual([
      [3, []],
      [2, ['alice-gh']],
      [1, ['octo-dev']],
    ]);
    const { data: workflows } = await bed.github.rest.actions.listRepoWorkflows(widgets);
    expect(workflows.workflows.map((w) => [w.name, w.path, w.state])).toEqual([
      ['CI', '.github/workflows/ci.yml', 'active'],
      ['Deploy', '.github/workflows/deploy.yml', 'active'],
    ]);
    const { data: runs } = await bed.github.rest.actions.listWorkflowRunsForRepo({ ...widgets, per_page: 2 });
    expect(runs).toMatchObject({ total_count: 5, workflow_runs: [{ name: 'Deploy', conclusion: 'failure' }, { name: 'CI' }] });
    const dispatched = await bed.github.rest.actions.createWorkflowDispatch({ ...widgets, workflow_id: 'ci.yml', ref: 'main' });
    expect(dispatched.status).toBe(204);
  });

  it('reopens a closed issue through PATCH, as GitHub does', async () => {
    const { data } = await bed.github.rest.issues.update({ ...widgets, issue_number: 10, state: 'open' });
    expect(data).toMatchObject({ state: 'open', state_reason: 'reopened', closed_at: null });
    expect(bed.fake.closedIssues).toEqual([]);
  });
});
