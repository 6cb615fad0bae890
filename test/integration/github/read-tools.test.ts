import { describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../../src/integrations/github/client.js';
import { listCommits } from '../../../src/integrations/github/commit-tools.js';
import { listIssues, searchIssues } from '../../../src/integrations/github/issue-tools.js';
import { listReviewRequests } from '../../../src/integrations/github/review-tools.js';
import { summarizePullRequest } from '../../../src/integrations/github/summarize-pull-request.js';
import { getPullRequest, listPullRequests } from '../../../src/integrations/github/tools.js';
import { listWorkflowRuns } from '../../../src/integrations/github/workflow-tools.js';
import { argsFor, ctx, rejection, TOKEN, useGitHub } from './support.js';

const bed = useGitHub();
const widgets = { owner: 'acme', repo: 'widgets' };
const numbers = (data: unknown) => (data as Array<{ number: number }>).map((x) => x.number);
const pagesOf = (path: string) => bed.fake.requests.filter((r) => r.path === path).map((r) => r.query.page ?? '1');

describe('github_list_pull_requests', () => {
  const list = (extra: Record<string, unknown> = {}) => listPullRequests.run(argsFor(listPullRequests, { ...widgets, ...extra }), bed.github, ctx);

  it('filters by author, by the reviewer it waits for and by label', async () => {
    expect(numbers((await list({ author: 'alice-gh' })).data)).toEqual([1]);
    const waiting = await list({ reviewer: 'OCTO-DEV' });
    expect(waiting.data).toEqual([
      expect.objectContaining({ number: 1, author: 'alice-gh', labels: ['enhancement'], requested_reviewers: ['octo-dev'], head: 'feature/rate-limit' }),
    ]);
    expect(waiting.text).toBe(
      '1 open pull request in *acme/widgets* waiting for OCTO-DEV:\n• <https://github.com/acme/widgets/pull/1|#1 Add rate limiting to widget API> by alice-gh',
    );
    expect(numbers((await list({ label: 'tests' })).data)).toEqual([2]);
    const none = await list({ author: 'bob-gh', label: 'enhancement' });
    expect(none).toEqual({ data: [], text: 'There are no open pull requests in *acme/widgets* by bob-gh, labelled enhancement.' });
  });

  it('reads further pages for filtered matches, but never more than five', async () => {
    for (let i = 0; i < 150; i++) bed.fake.addPull('acme', 'widgets', { title: `Bot update ${i}`, author: 'bot-gh' });
    expect(numbers((await list({ reviewer: 'octo-dev' })).data)).toEqual([1]);
    expect(pagesOf('/repos/acme/widgets/pulls')).toEqual(['1', '2']);

    for (let i = 0; i < 400; i++) bed.fake.addPull('acme', 'widgets', { title: `More ${i}`, author: 'bot-gh' });
    bed.fake.resetRequests();
    const far = await list({ reviewer: 'octo-dev' });
    expect(far.data).toEqual([]);
    expect(far.text).toContain('older matches may exist');
    expect(pagesOf('/repos/acme/widgets/pulls')).toEqual(['1', '2', '3', '4', '5']);
  });

  it('without filters reads one page of exactly the limit', async () => {
    expect(numbers((await list({ limit: 2 })).data)).toEqual([3, 2]);
    expect(bed.fake.requests.filter((r) => r.path.endsWith('/pulls')).map((r) => r.query.per_page)).toEqual(['2']);
  });

  it('shows untrusted titles so they can neither ping nor format', async () => {
    const n = bed.fake.addPull('acme', 'widgets', { title: '<!channel> *urgent* _now_ ~x~ `rm -rf`', author: 'mallory-gh' });
    const { data, text } = await list({ author: 'mallory-gh' });
    expect(text).toContain(`#${n} &lt;!channel&gt; ∗urgent∗ ＿now＿ ∼x∼ ˋrm -rfˋ`);
    expect(text).not.toMatch(/<!channel>|\*urgent\*|_now_/);
    expect((data as Array<{ title: string }>)[0]?.title).toBe('<!channel> *urgent* _now_ ~x~ `rm -rf`');
  });
});

describe('github_list_review_requests', () => {
  const run = (limit = 20, github = bed.github) => listReviewRequests.run(argsFor(listReviewRequests, { limit }), github, ctx);

  it('lists open pull requests waiting for my review across repositories, oldest request first', async () => {
    const { data, text } = await run();
    expect(data).toEqual([
      expect.objectContaining({
        repository: 'acme/widgets',
        number: 1,
        author: 'alice-gh',
        is_pull_request: true,
        url: 'https://github.com/acme/widgets/pull/1',
      }),
    ]);
    expect(text).toBe(
      '1 pull request is waiting for your review:\n• <https://github.com/acme/widgets/pull/1|acme/widgets#1 Add rate limiting to widget API> by alice-gh',
    );
    const search = bed.fake.requests.find((r) => r.path === '/search/issues');
    expect(search?.query).toMatchObject({ q: 'is:pr is:open review-requested:@me archived:false', sort: 'created', order: 'asc', per_page: '20' });
  });

  it('includes other repositories, leaves out closed ones and repositories I cannot see, and says how many more', async () => {
    bed.fake.addPull('acme', 'gadgets', { title: 'Gadget docs', author: 'bob-gh', requestedReviewers: ['octo-dev'], createdAt: '2024-12-01T00:00:00Z' });
    bed.fake.addPull('acme', 'gadgets', { title: 'Old and closed', author: 'bob-gh', state: 'closed', requestedReviewers: ['octo-dev'] });
    bed.fake.addRepo({ owner: 'acme', name: 'secret', private: true, members: ['alice-gh'] });
    bed.fake.addPull('acme', 'secret', { title: 'Hidden', author: 'alice-gh', requestedReviewers: ['octo-dev'] });
    const all = await run();
    expect((all.data as Array<{ repository: string; number: number }>).map((r) => `${r.repository}#${r.number}`)).toEqual(['acme/gadgets#1', 'acme/widgets#1']);
    const first = await run(1);
    expect(first.text).toMatch(/^2 pull requests are waiting for your review:\n• .*acme\/gadgets#1 Gadget docs.*\n…and 1 more$/);
  });

  it('says so when nothing waits', async () => {
    bed.fake.acceptToken('ghu_carol', 'carol-gh');
    expect(await run(20, createGitHubClient('ghu_carol', bed.fake.url))).toEqual({ data: [], text: 'No open pull requests are waiting for your review.' });
  });
});

describe('github_get_pull_request', () => {
  const get = (pull_number: number) => getPullRequest.run(argsFor(getPullRequest, { ...widgets, pull_number }), bed.github, ctx);

  it('adds the check runs and who approved, asked for changes or is still asked to review', async () => {
    const { data, text } = await get(1);
    expect(data).toMatchObject({
      labels: ['enhancement'],
      checks: { total: 1, passed: 1, failed: 0, pending: 0, skipped: 0, failing: [] },
      reviews: { approved_by: ['bob-gh'], changes_requested_by: [], requested_reviewers: ['octo-dev'] },
    });
    expect(text).toContain('Checks: 1 passed · Reviews: approved by bob-gh; waiting on octo-dev');

    const draft = await get(2);
    expect(draft.data).toMatchObject({ checks: { failed: 1, failing: ['ci / test'] }, reviews: { approved_by: [], requested_reviewers: ['alice-gh'] } });
    expect(draft.text).toContain('Checks: 1 failed (ci / test) · Reviews: waiting on alice-gh');
  });
});

describe('github_summarize_pull_request', () => {
  const brief = (pull_number: number) => summarizePullRequest.run(argsFor(summarizePullRequest, { ...widgets, pull_number }), bed.github, ctx);

  it('briefs a small change: areas, size, checks and reviews, and flags code without tests', async () => {
    const { data, text } = await brief(1);
    expect(data).toMatchObject({
      number: 1,
      size: { label: 'S', additions: 13, deletions: 1, changed_files: 2 },
      areas: [
        { area: 'src', files: 1, additions: 10, deletions: 1 },
        { area: '(root)', files: 1, additions: 3, deletions: 0 },
      ],
      risk_areas: [{ kind: 'no_tests', files: ['src/widget-1.ts'] }],
      checks: { passed: 1 },
      reviews: { approved_by: ['bob-gh'] },
    });
    expect(text.split('\n')).toEqual([
      '*Review brief for <https://github.com/acme/widgets/pull/1|#1 Add rate limiting to widget API>* in *acme/widgets*',
      'alice-gh wants to merge `feature/rate-limit` into `main` · open · size S (+13 −1 in 2 files)',
      '*What changed*',
      '• `src` — 1 file, +10 −1',
      '• `(root)` — 1 file, +3 −0',
      '*Look carefully at*',
      '• *No tests touched*: `src/widget-1.ts` — Code changes without any test changes.',
      '*Checks:* 1 passed · *Reviews:* approved by bob-gh; waiting on octo-dev',
    ]);
  });

  it('flags migrations, auth, CI, dependencies, infrastructure, a large diff and deletions, and carries clipped patches', async () => {
    const n = bed.fake.addPull('acme', 'widgets', {
      title: 'Big <!here> rework',
      author: 'bob-gh',
      files: [
        { filename: 'db/migrations/0042_drop_carts.sql', additions: 20, deletions: 0, patch: `@@ -0,0 +1 @@\n+DROP TABLE carts;\n${'+--\n'.repeat(400)}` },
        { filename: 'src/auth/session.ts', additions: 900, deletions: 100, patch: '@@ -1 +1 @@\n-const ttl = 60;\n+const ttl = 6000;' },
        { filename: '.github/workflows/deploy.yml', additions: 5, deletions: 1, patch: '+    environment: production' },
        { filename: 'package-lock.json', additions: 300, deletions: 200 },
        { filename: 'Dockerfile', additions: 2, deletions: 2 },
        { filename: 'src/legacy.ts', status: 'removed', additions: 0, deletions: 80 },
      ],
    });
    bed.fake.setChecks('acme', 'widgets', `feature/pr-${n}`, [{ name: 'lint', conclusion: 'failure' }, { name: 'test' }]);
    const { data, text } = await brief(n);
    const d = data as { risk_areas: Array<{ kind: string; files: string[] }>; patches: Array<{ filename: string; patch: string }>; size: { label: string } };
    expect(d.risk_areas.map((r) => r.kind)).toEqual([
      'migrations',
      'security',
      'ci',
      'dependencies',
      'infrastructure',
      'large_diff',
      'deleted_files',
      'no_tests',
    ]);
    expect(d.risk_areas.find((r) => r.kind === 'large_diff')?.files[0]).toBe('src/auth/session.ts');
    expect(d.size.label).toBe('XL');
    // Biggest files with a patch first; long patches are clipped.
    expect(d.patches.map((p) => p.filename)).toEqual(['src/auth/session.ts', 'db/migrations/0042_drop_carts.sql', '.github/workflows/deploy.yml']);
    expect(d.patches[1]?.patch).toHaveLength(800);
    expect(text).toContain(`#${n} Big &lt;!here&gt; rework`);
    expect(text).toContain('• *Migrations / schema*: `db/migrations/0042_drop_carts.sql`');
    expect(text).toContain('*Checks:* 1 passed, 1 failed (lint)');
    expect(text).not.toContain('<!here>');
  });

  it('reads at most 300 files, page by page, and says so', async () => {
    const n = bed.fake.addPull('acme', 'widgets', {
      title: 'Rename everything',
      author: 'bob-gh',
      files: Array.from({ length: 320 }, (_, i) => ({ filename: `test/f${i}.test.ts`, status: 'renamed' as const, additions: 1, deletions: 1 })),
    });
    const { data, text } = await brief(n);
    expect(pagesOf(`/repos/acme/widgets/pulls/${n}/files`)).toEqual(['1', '2', '3']);
    expect(data).toMatchObject({ files_read: 300, size: { changed_files: 320 } });
    expect(text).toContain('_Only the first 300 of 320 files were read._');
    expect(text).toContain('• *Large diff*: ');
    expect(text).not.toContain('No tests touched');
  });
});

describe('github_list_issues', () => {
  const list = (extra: Record<string, unknown> = {}) => listIssues.run(argsFor(listIssues, { ...widgets, ...extra }), bed.github, ctx);

  it('lists issues newest first and leaves out the pull requests GitHub mixes in', async () => {
    const { data, text } = await list();
    expect(numbers(data)).toEqual([9, 8, 7]);
    expect((data as unknown[])[0]).toEqual({
      number: 9,
      title: 'Add dark mode to the widget dashboard',
      state: 'open',
      author: 'alice-gh',
      labels: ['enhancement'],
      assignees: ['octo-dev'],
      comments: 1,
      url: 'https://github.com/acme/widgets/issues/9',
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(text.split('\n')[0]).toBe('3 open issues in *acme/widgets*:');
    expect(text).toContain('• <https://github.com/acme/widgets/issues/8|#8 Urgent: release blocked> by mallory-gh · bug, needs-triage');
  });

  it('filters by labels (all of them), assignee and state on GitHub’s side', async () => {
    expect(numbers((await list({ labels: ['bug'] })).data)).toEqual([8, 7]);
    expect(numbers((await list({ labels: ['bug', 'needs-triage'] })).data)).toEqual([8]);
    expect(bed.fake.requests.at(-1)?.query).toMatchObject({ labels: 'bug,needs-triage', state: 'open' });
    expect(numbers((await list({ assignee: 'octo-dev' })).data)).toEqual([9]);
    expect(numbers((await list({ assignee: 'none' })).data)).toEqual([8, 7]);
    expect(numbers((await list({ state: 'closed' })).data)).toEqual([10]);
    expect(numbers((await list({ state: 'all' })).data)).toEqual([10, 9, 8, 7]);
    expect((await list({ labels: ['wontfix'] })).text).toBe('There are no open issues in *acme/widgets* labelled wontfix.');
  });

  it('pages on when pull requests take up room on a page', async () => {
    const pulls = new Set([1, 2, 3, 4]);
    for (let i = 0; i < 150; i++) {
      if (i % 3 === 0) pulls.add(bed.fake.addPull('acme', 'widgets', { title: `Change ${i}`, author: 'bob-gh' }));
      else bed.fake.addIssue('acme', 'widgets', { title: `Report ${i}`, author: 'bob-gh' });
    }
    const { data } = await list({ limit: 100 });
    expect(data).toHaveLength(100);
    expect(pagesOf('/repos/acme/widgets/issues')).toEqual(['1', '2']);
    expect(numbers(data).filter((n) => pulls.has(n))).toEqual([]);
  });
});

describe('github_search_issues', () => {
  const search = (args: Record<string, unknown>) => searchIssues.run(argsFor(searchIssues, args), bed.github, ctx);
  const lastQuery = () => bed.fake.requests.filter((r) => r.path === '/search/issues').at(-1)?.query.q;

  it('finds issues by words in their description, within one repository', async () => {
    const { data, text } = await search({ ...widgets, query: 'previous instructions' });
    expect(lastQuery()).toBe('"previous" "instructions" repo:acme/widgets is:issue');
    expect(data).toEqual([expect.objectContaining({ repository: 'acme/widgets', number: 8, title: 'Urgent: release blocked', is_pull_request: false })]);
    expect(text).toBe(
      '1 issue in acme/widgets match “previous instructions”:\n• <https://github.com/acme/widgets/issues/8|#8 Urgent: release blocked> (open) by mallory-gh',
    );
  });

  it('keeps the search inside the repository it was given, whatever the words say', async () => {
    bed.fake.addIssue('acme', 'gadgets', { title: 'Gadget crash on start', author: 'bob-gh' });
    const { data, text } = await search({ ...widgets, query: 'repo:acme/gadgets org:acme crash' });
    expect(lastQuery()).toBe('"crash" repo:acme/widgets is:issue');
    expect(data).toEqual([]);
    expect(text).toBe('No issues in acme/widgets match “repo:acme/gadgets org:acme crash”.');
    // Quotes and boolean words stay literal text.
    await search({ ...widgets, query: 'cart" OR is:pr (x' });
    expect(lastQuery()).toBe('"cart" "OR" "(x" repo:acme/widgets is:issue');
  });

  it('passes narrowing qualifiers through and filters by state', async () => {
    expect(numbers((await search({ ...widgets, query: 'label:bug' })).data)).toEqual([8, 7]);
    expect(lastQuery()).toBe('label:bug repo:acme/widgets is:issue');
    expect(numbers((await search({ ...widgets, query: 'rate limits', state: 'closed' })).data)).toEqual([10]);
    expect(lastQuery()).toBe('"rate" "limits" repo:acme/widgets is:issue is:closed');
  });

  it('searches everything I can see when no repository is given, never pull requests', async () => {
    bed.fake.addIssue('acme', 'gadgets', { title: 'Gadget widget crash', author: 'bob-gh' });
    bed.fake.addRepo({ owner: 'acme', name: 'secret', private: true, members: ['alice-gh'] });
    bed.fake.addIssue('acme', 'secret', { title: 'Secret widget crash', author: 'alice-gh' });
    const { data, text } = await search({ query: 'widget' });
    expect(lastQuery()).toBe('"widget" is:issue');
    const rows = data as Array<{ repository: string; number: number; is_pull_request: boolean }>;
    expect(rows.map((r) => `${r.repository}#${r.number}`).sort()).toEqual(['acme/gadgets#1', 'acme/widgets#7', 'acme/widgets#9']);
    expect(rows.every((r) => !r.is_pull_request)).toBe(true);
    expect(text).toContain('acme/gadgets#1 Gadget widget crash');
    await search({ owner: 'acme', query: 'crash' });
    expect(lastQuery()).toBe('"crash" user:acme is:issue');
  });

  it('asks for words when the query is only qualifiers it drops, without calling GitHub', async () => {
    const err = await rejection(search({ ...widgets, query: 'is:pr repo:x/y' }));
    expect(err).toMatchObject({ code: 'bad_request', userMessage: 'Tell me which words to look for in the issues.' });
    expect(bed.fake.requests.filter((r) => r.path === '/search/issues')).toHaveLength(0);
  });
});

describe('github_list_commits', () => {
  const list = (extra: Record<string, unknown> = {}) => listCommits.run(argsFor(listCommits, { ...widgets, ...extra }), bed.github, ctx);

  it('lists the default branch newest first: short sha, first line, author, date', async () => {
    const { data, text } = await list({ limit: 3 });
    const tip = bed.fake.branchSha('acme', 'widgets', 'main')!;
    expect((data as unknown[])[0]).toEqual({
      sha: tip.slice(0, 7),
      message: 'Speed up the checkout test suite',
      author: 'alice-gh',
      date: '2024-04-03T00:00:00Z',
      url: `https://github.com/acme/widgets/commit/${tip}`,
    });
    expect(text.split('\n')[0]).toBe('Latest 3 commits on the default branch in *acme/widgets*:');
    expect(text.split('\n')[1]).toBe(
      `• <https://github.com/acme/widgets/commit/${tip}|${tip.slice(0, 7)}> Speed up the checkout test suite — alice-gh, 2024-04-03`,
    );
    expect(bed.fake.requests.at(-1)?.query).toEqual({ per_page: '30' });
  });

  it('pages through history up to the limit, showing only first lines', async () => {
    const { data } = await list({ limit: 40 });
    const commits = data as Array<{ message: string; author: string }>;
    expect(commits).toHaveLength(35);
    expect(commits.at(-1)).toMatchObject({ message: 'Initial commit', author: 'acme' });
    expect(commits.map((c) => c.message)).toContain('Fix off-by-one in cart pagination');
    expect(pagesOf('/repos/acme/widgets/commits')).toEqual(['1', '2']);
    bed.fake.resetRequests();
    expect(await list({ limit: 31 }).then((r) => (r.data as unknown[]).length)).toBe(31);
    expect(pagesOf('/repos/acme/widgets/commits')).toEqual(['1', '2']);
  });

  it('reads a given branch, and names a missing one', async () => {
    const { data, text } = await list({ branch: 'feature/rate-limit', limit: 3 });
    expect((data as Array<{ message: string }>).map((c) => c.message)).toEqual([
      'Return 429 with Retry-After from the widget API',
      'Add token bucket rate limiter',
      'Speed up the checkout test suite',
    ]);
    expect(bed.fake.requests.at(-1)?.query.sha).toBe('feature/rate-limit');
    expect(text.split('\n')[0]).toBe('Latest 3 commits on `feature/rate-limit` in *acme/widgets*:');
    const err = await rejection(list({ branch: 'nope' }));
    expect(err.userMessage).toBe("I couldn't find branch nope in acme/widgets on GitHub, or your GitHub account can't see it.");
  });
});

describe('github_list_workflow_runs', () => {
  const list = (extra: Record<string, unknown> = {}) => listWorkflowRuns.run(argsFor(listWorkflowRuns, { ...widgets, ...extra }), bed.github, ctx);
  const runs = (data: unknown) => (data as Array<{ workflow: string; run_number: number }>).map((r) => `${r.workflow} #${r.run_number}`);

  it('lists runs newest first with outcome, branch, event and link', async () => {
    const { data, text } = await list();
    expect(runs(data)).toEqual(['Deploy #2', 'CI #3', 'Deploy #1', 'CI #2', 'CI #1']);
    const latest = (data as Array<Record<string, unknown>>)[0]!;
    expect(latest).toMatchObject({ status: 'completed', conclusion: 'failure', branch: 'main', event: 'workflow_dispatch', actor: 'bob-gh' });
    expect(text.split('\n')[1]).toBe(`• ❌ <${latest.url}|Deploy #2> on \`main\` (workflow_dispatch) — failure · 2025-03-01`);
    expect(text.split('\n')[2]).toMatch(/^• ✅ <.*\|CI #3> on `main` \(push\) — success/);
  });

  it('narrows to one workflow (by file name or id), a branch or a status', async () => {
    expect(runs((await list({ workflow: 'deploy.yml' })).data)).toEqual(['Deploy #2', 'Deploy #1']);
    expect(bed.fake.requests.at(-1)?.path).toBe('/repos/acme/widgets/actions/workflows/deploy.yml/runs');
    const { data: workflows } = await bed.github.rest.actions.listRepoWorkflows(widgets);
    const ci = workflows.workflows.find((w) => w.name === 'CI')!;
    expect(runs((await list({ workflow: ci.id })).data)).toEqual(['CI #3', 'CI #2', 'CI #1']);
    expect(runs((await list({ status: 'failure' })).data)).toEqual(['Deploy #2', 'CI #2']);
    expect(runs((await list({ branch: 'feature/pr-2' })).data)).toEqual(['CI #2']);
    expect(bed.fake.requests.at(-1)?.query).toMatchObject({ branch: 'feature/pr-2' });
    expect((await list({ status: 'in_progress' })).text).toBe('There are no in_progress runs in *acme/widgets*.');
  });

  it('names a workflow that does not exist', async () => {
    const err = await rejection(list({ workflow: 'nope.yml' }));
    expect(err).toMatchObject({
      code: 'not_found',
      userMessage: "I couldn't find workflow nope.yml in acme/widgets on GitHub, or your GitHub account can't see it.",
    });
  });
});

describe('every read carries the person’s token and nothing else', () => {
  it('uses only GETs with the given token', async () => {
    await listIssues.run(argsFor(listIssues, widgets), bed.github, ctx);
    await listReviewRequests.run(argsFor(listReviewRequests, {}), bed.github, ctx);
    await summarizePullRequest.run(argsFor(summarizePullRequest, { ...widgets, pull_number: 1 }), bed.github, ctx);
    expect(bed.fake.requests.length).toBeGreaterThan(3);
    expect(bed.fake.requests.every((r) => r.method === 'GET' && r.token === TOKEN)).toBe(true);
  });
});
