import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { allGitHubTools, githubBinding } from '../../../src/integrations/github/index.js';
import type { ToolDefinition } from '../../../src/tools/tool-definition.js';

const tool = (name: string): ToolDefinition => {
  const t = allGitHubTools.find((x) => x.name === name);
  if (!t) throw new Error(`no tool ${name}`);
  return t;
};
const valid = (name: string, args: Record<string, unknown>) => tool(name).schema.safeParse(args).success;
const widgets = { owner: 'acme', repo: 'widgets' };

describe('the GitHub tool set declares itself honestly', () => {
  it.each([
    ['github_list_my_repositories', 'low', true, ['metadata:read']],
    ['github_list_pull_requests', 'low', true, ['pull_requests:read']],
    ['github_list_review_requests', 'low', true, ['pull_requests:read']],
    ['github_get_pull_request', 'low', true, ['pull_requests:read', 'checks:read']],
    ['github_summarize_pull_request', 'low', true, ['pull_requests:read', 'checks:read']],
    ['github_list_issues', 'low', true, ['issues:read']],
    ['github_search_issues', 'low', true, ['issues:read']],
    ['github_get_issue', 'low', true, ['issues:read']],
    ['github_list_commits', 'low', true, ['contents:read']],
    ['github_list_workflow_runs', 'low', true, ['actions:read']],
    ['github_create_issue', 'medium', false, ['issues:write']],
    ['github_comment', 'medium', false, ['issues:write']],
    ['github_request_reviewers', 'medium', false, ['pull_requests:write']],
    ['github_add_labels', 'medium', false, ['issues:write']],
    ['github_dispatch_workflow', 'high', false, ['actions:write']],
    ['github_close_issue', 'high', false, ['issues:write']],
    ['github_merge_pull_request', 'high', false, ['pull_requests:write', 'contents:write']],
    ['github_delete_branch', 'high', false, ['contents:write']],
  ] as const)('%s: %s risk, readOnly %s, scopes %j', (name, risk, readOnly, scopes) => {
    expect(tool(name)).toMatchObject({ service: 'github', risk, readOnly, scopes });
  });

  it('lists every tool once, reads before writes', () => {
    const names = allGitHubTools.map((t) => t.name);
    expect(new Set(names).size).toBe(18);
    const firstWrite = allGitHubTools.findIndex((t) => !t.readOnly);
    expect(allGitHubTools.slice(firstWrite).every((t) => !t.readOnly)).toBe(true);
    expect(githubBinding).toBeTypeOf('function');
  });

  it('gives the gate a target for everything scoped to a repository, and every write a preview', () => {
    for (const t of allGitHubTools) {
      const scoped = 'owner' in (z.toJSONSchema(t.schema) as { properties: object }).properties;
      expect(Boolean(t.target), t.name).toBe(scoped);
      if (!t.readOnly) expect(t.preview, t.name).toBeTypeOf('function');
    }
  });

  it('describes every argument to the model', () => {
    for (const t of allGitHubTools) {
      const props = (z.toJSONSchema(t.schema) as { properties: Record<string, { description?: string }> }).properties;
      for (const [key, prop] of Object.entries(props)) expect(prop.description, `${t.name}.${key}`).toBeTruthy();
    }
  });

  it.each([
    [
      'github_list_pull_requests',
      { ...widgets, author: 'alice-gh', reviewer: 'octo-dev', label: 'bug' },
      "list open pull requests in acme/widgets by alice-gh waiting for octo-dev's review labelled bug",
    ],
    ['github_list_review_requests', {}, 'list pull requests waiting for your review'],
    ['github_summarize_pull_request', { ...widgets, pull_number: 42 }, 'summarize pull request #42 in acme/widgets for review'],
    [
      'github_list_issues',
      { ...widgets, state: 'all', labels: ['bug', 'p1'], assignee: 'bob-gh' },
      'list issues in acme/widgets labelled bug, p1 assigned to bob-gh',
    ],
    ['github_search_issues', { query: 'login fails' }, 'search issues in GitHub for “login fails”'],
    ['github_search_issues', { owner: 'acme', query: 'x' }, "search issues in acme's repositories for “x”"],
    ['github_list_commits', { ...widgets, branch: 'dev' }, 'list recent commits on dev in acme/widgets'],
    ['github_list_workflow_runs', { ...widgets, workflow: 'deploy.yml', status: 'failure' }, 'list failure deploy.yml workflow runs in acme/widgets'],
    ['github_create_issue', { ...widgets, title: 'x'.repeat(100) }, `create issue “${'x'.repeat(79)}…” in acme/widgets`],
    ['github_merge_pull_request', { ...widgets, pull_number: 42 }, 'merge pull request #42 in acme/widgets (squash)'],
  ] as const)('%s says what it does in plain words', (name, args, words) => {
    const t = tool(name);
    expect(t.describe(t.schema.parse(args))).toBe(words);
  });
});

describe('schemas refuse what GitHub would not accept or what could escape a URL', () => {
  const scoped = allGitHubTools.filter((t) => 'owner' in (z.toJSONSchema(t.schema) as { properties: object }).properties);
  const okArgs: Record<string, Record<string, unknown>> = {
    github_list_pull_requests: {},
    github_get_pull_request: { pull_number: 1 },
    github_summarize_pull_request: { pull_number: 1 },
    github_list_issues: {},
    github_search_issues: { query: 'x' },
    github_get_issue: { issue_number: 1 },
    github_list_commits: {},
    github_list_workflow_runs: {},
    github_create_issue: { title: 't' },
    github_comment: { issue_number: 1, body: 'b' },
    github_request_reviewers: { pull_number: 1, reviewers: ['a'] },
    github_add_labels: { issue_number: 1, labels: ['l'] },
    github_dispatch_workflow: { workflow: 'deploy.yml' },
    github_close_issue: { issue_number: 1 },
    github_merge_pull_request: { pull_number: 1 },
    github_delete_branch: { branch: 'x' },
  };

  it.each(scoped.map((t) => [t.name] as const))('%s: accepts a plain call and rejects bad owner or repository names', (name) => {
    expect(valid(name, { ...widgets, ...okArgs[name] })).toBe(true);
    for (const bad of ['../x', 'a b', '', '..', 'a/b']) {
      expect(valid(name, { ...widgets, ...okArgs[name], owner: bad }), `owner ${bad}`).toBe(false);
      expect(valid(name, { ...widgets, ...okArgs[name], repo: bad }), `repo ${bad}`).toBe(false);
    }
  });

  it('rejects branch and ref names git would not', () => {
    for (const bad of ['../x', 'a..b', '-x', 'x.lock', 'a b', 'x/', '']) {
      expect(valid('github_list_commits', { ...widgets, branch: bad }), bad).toBe(false);
      expect(valid('github_list_workflow_runs', { ...widgets, branch: bad }), bad).toBe(false);
      expect(valid('github_dispatch_workflow', { ...widgets, workflow: 'deploy.yml', ref: bad }), bad).toBe(false);
    }
    expect(valid('github_dispatch_workflow', { ...widgets, workflow: 'deploy.yml', ref: 'release/1.x' })).toBe(true);
  });

  it('takes a workflow file name or id, never a path', () => {
    for (const ok of ['deploy.yml', 'ci.yaml', 'build_and-test.yml', 123, '123'])
      expect(valid('github_dispatch_workflow', { ...widgets, workflow: ok }), String(ok)).toBe(true);
    for (const bad of ['../deploy.yml', '.github/workflows/deploy.yml', 'deploy.sh', 'a b.yml', '', 0, -1, 1.5]) {
      expect(valid('github_dispatch_workflow', { ...widgets, workflow: bad }), String(bad)).toBe(false);
      expect(valid('github_list_workflow_runs', { ...widgets, workflow: bad }), String(bad)).toBe(false);
    }
  });

  it('refuses empty titles and bodies beyond GitHub’s 65,536 characters', () => {
    for (const title of ['', '   ', 'x'.repeat(257)]) expect(valid('github_create_issue', { ...widgets, title }), `title ${title.length}`).toBe(false);
    expect(valid('github_create_issue', { ...widgets, title: 'x'.repeat(256), body: 'b'.repeat(65_536) })).toBe(true);
    expect(valid('github_create_issue', { ...widgets, title: 't', body: 'b'.repeat(65_537) })).toBe(false);
    for (const body of ['', '  \n ', 'b'.repeat(65_537)]) {
      expect(valid('github_comment', { ...widgets, issue_number: 1, body }), `comment ${body.length}`).toBe(false);
      expect(valid('github_close_issue', { ...widgets, issue_number: 1, comment: body }), `closing comment ${body.length}`).toBe(false);
    }
    expect(valid('github_close_issue', { ...widgets, issue_number: 1, reason: 'wontfix' })).toBe(false);
  });

  it('checks labels, logins and reviewer counts', () => {
    const labels = (l: unknown) => valid('github_add_labels', { ...widgets, issue_number: 1, labels: l });
    expect(labels(['bug', 'good first issue'])).toBe(true);
    for (const bad of [[], ['a,b'], ['Bug', 'bug'], ['x'.repeat(51)], Array.from({ length: 21 }, (_, i) => `l${i}`), ['  ']])
      expect(labels(bad), JSON.stringify(bad)).toBe(false);
    const reviewers = (r: unknown) => valid('github_request_reviewers', { ...widgets, pull_number: 1, reviewers: r });
    expect(reviewers(Array.from({ length: 15 }, (_, i) => `user${i}`))).toBe(true);
    for (const bad of [[], Array.from({ length: 16 }, (_, i) => `user${i}`), ['a', 'A'], ['a b'], ['-x']])
      expect(reviewers(bad), JSON.stringify(bad)).toBe(false);
    expect(valid('github_list_pull_requests', { ...widgets, author: 'a b' })).toBe(false);
    expect(valid('github_list_pull_requests', { ...widgets, label: 'a,b' })).toBe(false);
    for (const ok of ['bob-gh', 'none', '*']) expect(valid('github_list_issues', { ...widgets, assignee: ok })).toBe(true);
    expect(valid('github_list_issues', { ...widgets, assignee: '@me' })).toBe(false);
    expect(valid('github_create_issue', { ...widgets, title: 't', assignees: ['ok', '../x'] })).toBe(false);
  });

  it('bounds limits, search queries and workflow inputs', () => {
    expect(valid('github_list_issues', { ...widgets, limit: 0 })).toBe(false);
    expect(valid('github_list_issues', { ...widgets, limit: 101 })).toBe(false);
    expect(valid('github_search_issues', { query: 'x', limit: 51 })).toBe(false);
    expect(valid('github_search_issues', { query: '' })).toBe(false);
    expect(valid('github_search_issues', { query: 'x'.repeat(201) })).toBe(false);
    expect(valid('github_search_issues', { repo: 'widgets', query: 'x' })).toBe(false);
    expect(valid('github_list_workflow_runs', { ...widgets, status: 'bogus' })).toBe(false);
    const inputs = (i: unknown) => valid('github_dispatch_workflow', { ...widgets, workflow: 'deploy.yml', inputs: i });
    expect(inputs({ environment: 'production', dry_run: 'true' })).toBe(true);
    expect(inputs({ 'bad name': 'x' })).toBe(false);
    expect(inputs({ environment: 'x'.repeat(1001) })).toBe(false);
    expect(inputs({ environment: 1 })).toBe(false);
    expect(inputs(Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`i${i}`, 'x'])))).toBe(false);
  });
});
