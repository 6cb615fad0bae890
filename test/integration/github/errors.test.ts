import { describe, expect, it } from 'vitest';
import { AgentHubError } from '../../../src/errors.js';
import { allGitHubTools } from '../../../src/integrations/github/index.js';
import { listIssues } from '../../../src/integrations/github/issue-tools.js';
import type { ToolDefinition } from '../../../src/tools/tool-definition.js';
import type { Reply } from '../../fakes/http-recorder.js';
import { argsFor, ctx, rejection, useGitHub } from './support.js';

const bed = useGitHub();
const widgets = { owner: 'acme', repo: 'widgets' };

/** One call per tool that succeeds against the seeded stand-in when nothing goes wrong. */
const CALLS: Record<string, Record<string, unknown>> = {
  github_list_my_repositories: {},
  github_list_pull_requests: widgets,
  github_list_review_requests: {},
  github_get_pull_request: { ...widgets, pull_number: 1 },
  github_summarize_pull_request: { ...widgets, pull_number: 1 },
  github_list_issues: widgets,
  github_search_issues: { ...widgets, query: 'cart' },
  github_get_issue: { ...widgets, issue_number: 7 },
  github_list_commits: widgets,
  github_list_workflow_runs: widgets,
  github_create_issue: { ...widgets, title: 'New issue' },
  github_comment: { ...widgets, issue_number: 7, body: 'Seen it too.' },
  github_request_reviewers: { ...widgets, pull_number: 3, reviewers: ['alice-gh'] },
  github_add_labels: { ...widgets, issue_number: 7, labels: ['p1'] },
  github_dispatch_workflow: { ...widgets, workflow: 'deploy.yml', ref: 'main', inputs: { environment: 'staging' } },
  github_close_issue: { ...widgets, issue_number: 7 },
  github_merge_pull_request: { ...widgets, pull_number: 3 },
  github_delete_branch: { ...widgets, branch: 'stale/experiment' },
};

const cases = allGitHubTools.map((tool) => [tool.name, tool] as const);
const call = (tool: ToolDefinition) => tool.run(argsFor(tool, CALLS[tool.name]!), bed.github, ctx);
/** Fails the next request the tool makes, whichever it is. */
const failNext = (reply: Reply) => bed.fake.once(() => true, reply);
const nothingWritten = () =>
  expect(
    [
      bed.fake.merges,
      bed.fake.deletedBranches,
      bed.fake.createdIssues,
      bed.fake.comments,
      bed.fake.reviewRequests,
      bed.fake.labelsAdded,
      bed.fake.dispatches,
      bed.fake.closedIssues,
    ].flat(),
  ).toEqual([]);

describe('every GitHub tool turns GitHub failures into one sentence', () => {
  it('covers every tool', () => {
    expect(Object.keys(CALLS).sort()).toEqual(allGitHubTools.map((t) => t.name).sort());
  });

  it.each(cases)('%s succeeds when nothing fails', async (_name, tool) => {
    await expect(call(tool)).resolves.toMatchObject({ text: expect.any(String) });
  });

  it.each(cases)('%s: 404 → not found', async (_name, tool) => {
    failNext({ status: 404, body: { message: 'Not Found' } });
    const err = await rejection(call(tool));
    expect(err.code).toBe('not_found');
    expect(err.userMessage).toMatch(/^I couldn't find .+ on GitHub, or your GitHub account can't see it\.$/);
    nothingWritten();
  });

  it.each(cases)('%s: 403 → refused', async (_name, tool) => {
    failNext({ status: 403, body: { message: 'Resource not accessible by integration' } });
    const err = await rejection(call(tool));
    expect(err.code).toBe('upstream_rejected');
    expect(err.userMessage).toMatch(/^GitHub refused access to .+ for your account\.$/);
    nothingWritten();
  });

  it.each(cases)('%s: 429 with Retry-After → says how long to wait, without retrying', async (_name, tool) => {
    failNext({ status: 429, headers: { 'retry-after': '30' }, body: { message: 'API rate limit exceeded' } });
    const err = await rejection(call(tool));
    expect(err).toMatchObject({ code: 'rate_limited', userMessage: 'GitHub is rate-limiting your account right now. Try again in about 30 seconds.' });
    expect(bed.fake.requests.filter((r) => r.status === 429)).toHaveLength(1);
    nothingWritten();
  });

  it.each(cases)('%s: 401 reaches the vault adapter untouched', async (_name, tool) => {
    failNext({ status: 401, body: { message: 'Bad credentials' } });
    const err = await call(tool).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).not.toBeInstanceOf(AgentHubError);
    expect(err).toMatchObject({ status: 401 });
    nothingWritten();
  });

  it.each(cases.filter(([, t]) => t.target))('%s: the gate’s target read names a repository it cannot see', async (_name, tool) => {
    const err = await rejection(tool.target!(argsFor(tool, { ...CALLS[tool.name]!, repo: 'nope' }), bed.github, ctx));
    expect(err.code).toBe('not_found');
  });

  // github_create_issue previews from its arguments alone, without reading GitHub.
  const readingPreviews = cases.filter(([name, t]) => t.preview && name !== 'github_create_issue');
  it.each(readingPreviews)('%s: a rate-limited preview says when to retry', async (_name, tool) => {
    failNext({ status: 429, headers: { 'retry-after': '5' } });
    const err = await rejection(tool.preview!(argsFor(tool, CALLS[tool.name]!), bed.github, ctx));
    expect(err.userMessage).toBe('GitHub is rate-limiting your account right now. Try again in about 5 seconds.');
  });
});

describe('rate limits and server errors', () => {
  const list = () => listIssues.run(argsFor(listIssues, widgets), bed.github, ctx);

  it('reads an exhausted hourly limit from the reset time', async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 120);
    failNext({ status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }, body: { message: 'API rate limit exceeded' } });
    const err = await rejection(list());
    expect(err).toMatchObject({ code: 'rate_limited', userMessage: 'GitHub is rate-limiting your account right now. Try again in about 2 minutes.' });
  });

  it('retries a read through a passing 5xx', async () => {
    failNext({ status: 502 });
    await expect(list()).resolves.toMatchObject({ data: expect.any(Array) });
    expect(bed.fake.requests.map((r) => r.status)).toEqual([502, 200]);
  });

  it('gives up on a read after two retries and says GitHub is having trouble', { timeout: 15_000 }, async () => {
    for (let i = 0; i < 3; i++) failNext({ status: 503 });
    const err = await rejection(list());
    expect(err).toMatchObject({
      code: 'upstream_unavailable',
      userMessage: 'GitHub is having trouble right now (it returned a server error). Nothing was changed; try again shortly.',
    });
    expect(bed.fake.requests.map((r) => r.status)).toEqual([503, 503, 503]);
  });
});
