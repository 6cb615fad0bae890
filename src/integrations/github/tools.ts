import { z } from 'zod';
import { clip, link as slackLink } from '../../slack/mrkdwn.js';
import { defineTool } from '../../tools/tool-definition.js';
import type { GitHubClient } from './client.js';
import { withGitHubErrors } from './errors.js';
import { collectPages } from './paginate.js';
import { describeChecks, describeReviewers, readPullStatus } from './pull-status.js';
import { label, limit, login, owner, pullNumber, repo } from './schemas.js';
import { repoTarget } from './target.js';
import { code, escapedList, labelNames, linkTo, logins, plural, shown } from './text.js';

export const listMyRepositories = defineTool({
  name: 'github_list_my_repositories',
  description: 'List the GitHub repositories of the person asking, most recently updated first.',
  schema: z.object({ limit: limit(100, 20) }),
  service: 'github',
  scopes: ['metadata:read'],
  risk: 'low',
  readOnly: true,
  describe: () => 'list your GitHub repositories',
  async run({ limit }, github: GitHubClient) {
    const { items: repos } = await withGitHubErrors('your repositories', () =>
      collectPages(github.paginate.iterator(github.rest.repos.listForAuthenticatedUser, { sort: 'updated', per_page: Math.min(limit, 100) }), { limit }),
    );
    const data = repos.map((r) => ({ full_name: r.full_name, private: r.private, url: r.html_url, description: r.description, updated_at: r.updated_at }));
    const text = data.length
      ? `Your repositories (${data.length}):\n${data.map((r) => `• ${slackLink(r.url, r.full_name)}${r.private ? ' 🔒' : ''}${r.description ? ` — ${shown(r.description, 80)}` : ''}`).join('\n')}`
      : "You don't have any repositories on GitHub yet.";
    return { data, text };
  },
});

const listPullsSchema = z.object({
  owner,
  repo,
  state: z.enum(['open', 'closed', 'all']).default('open').describe('Which pull requests: open (default), closed or all'),
  author: login('Only pull requests opened by this GitHub login').optional(),
  reviewer: login('Only pull requests that are waiting for a review from this GitHub login').optional(),
  label: label.describe('Only pull requests with this label').optional(),
  limit: limit(100, 30),
});
type ListPullsArgs = z.infer<typeof listPullsSchema>;
type ListedPull = Awaited<ReturnType<GitHubClient['rest']['pulls']['list']>>['data'][number];

/** GitHub's pulls list has no author, reviewer or label filter: those are applied to each listed page. */
function matchesPullFilters({ author, reviewer, label }: ListPullsArgs): (p: ListedPull) => boolean {
  const same = (a: string | undefined, b: string) => a?.toLowerCase() === b.toLowerCase();
  return (p) =>
    (!author || same(p.user?.login, author)) &&
    (!reviewer || logins(p.requested_reviewers).some((r) => same(r, reviewer))) &&
    (!label || labelNames(p.labels).some((l) => same(l, label)));
}

/** Pages read at most when filtering, so a filter that matches little stays a bounded read. */
const FILTER_PAGE_BUDGET = 5;

export const listPullRequests = defineTool({
  name: 'github_list_pull_requests',
  description: 'List pull requests of a repository (open ones by default), optionally only those by an author, waiting for a given reviewer, or with a label.',
  schema: listPullsSchema,
  service: 'github',
  scopes: ['pull_requests:read'],
  risk: 'low',
  readOnly: true,
  describe: ({ owner, repo, state, author, reviewer, label }) =>
    `list ${state === 'all' ? '' : `${state} `}pull requests in ${owner}/${repo}${author ? ` by ${author}` : ''}${reviewer ? ` waiting for ${reviewer}'s review` : ''}${label ? ` labelled ${label}` : ''}`,
  target: ({ owner, repo }, github: GitHubClient) => repoTarget(github, owner, repo),
  async run(args, github: GitHubClient) {
    const { owner, repo, state, limit } = args;
    const filtered = Boolean(args.author || args.reviewer || args.label);
    const { items: pulls, complete } = await withGitHubErrors(`${owner}/${repo}`, () =>
      collectPages(github.paginate.iterator(github.rest.pulls.list, { owner, repo, state, per_page: filtered ? 100 : Math.min(limit, 100) }), {
        limit,
        keep: matchesPullFilters(args),
        maxPages: filtered ? FILTER_PAGE_BUDGET : Math.ceil(limit / 100),
      }),
    );
    const data = pulls.map((p) => ({
      number: p.number,
      title: clip(p.title, 256),
      author: p.user?.login ?? 'unknown',
      draft: Boolean(p.draft),
      state: p.state,
      url: p.html_url,
      head: p.head.ref,
      base: p.base.ref,
      labels: labelNames(p.labels),
      requested_reviewers: logins(p.requested_reviewers),
      updated_at: p.updated_at,
    }));
    const which = `${state === 'all' ? '' : `${state} `}pull request`;
    const filters = [
      args.author ? `by ${shown(args.author)}` : '',
      args.reviewer ? `waiting for ${shown(args.reviewer)}` : '',
      args.label ? `labelled ${shown(args.label)}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    const scope = `in *${owner}/${repo}*${filters ? ` ${filters}` : ''}`;
    const partial = complete ? '' : `\n_I looked at the ${FILTER_PAGE_BUDGET * 100} most recent ones only; older matches may exist._`;
    const text = data.length
      ? `${plural(data.length, which)} ${scope}:\n${data
          .map((p) => `• ${linkTo(p.url, `#${p.number} ${p.title}`, 120)} by ${shown(p.author)}${p.draft ? ' (draft)' : ''}`)
          .join('\n')}${partial}`
      : `There are no ${which}s ${scope}.${partial}`;
    return { data, text };
  },
});

export const getPullRequest = defineTool({
  name: 'github_get_pull_request',
  description: 'Show one pull request with its description, branches, size, changed files, check runs and review status.',
  schema: z.object({ owner, repo, pull_number: pullNumber }),
  service: 'github',
  scopes: ['pull_requests:read', 'checks:read'],
  risk: 'low',
  readOnly: true,
  describe: ({ owner, repo, pull_number }) => `read pull request #${pull_number} in ${owner}/${repo}`,
  target: ({ owner, repo }, github: GitHubClient) => repoTarget(github, owner, repo),
  async run({ owner, repo, pull_number }, github: GitHubClient) {
    const target = `pull request #${pull_number} in ${owner}/${repo}`;
    const [pr, files] = await withGitHubErrors(target, () =>
      Promise.all([
        github.rest.pulls.get({ owner, repo, pull_number }).then((r) => r.data),
        github.paginate(github.rest.pulls.listFiles, { owner, repo, pull_number, per_page: 100 }),
      ]),
    );
    const status = await withGitHubErrors(target, () => readPullStatus(github, owner, repo, pr));
    const data = {
      number: pr.number,
      title: clip(pr.title, 256),
      author: pr.user?.login ?? 'unknown',
      state: pr.merged ? 'merged' : pr.state,
      draft: Boolean(pr.draft),
      url: pr.html_url,
      head: pr.head.ref,
      base: pr.base.ref,
      labels: labelNames(pr.labels),
      body: clip(pr.body ?? '', 2000),
      additions: pr.additions,
      deletions: pr.deletions,
      changed_files: pr.changed_files,
      checks: status.checks,
      reviews: status.reviews,
      files: files.slice(0, 100).map((f) => ({ filename: f.filename, status: f.status, additions: f.additions, deletions: f.deletions })),
    };
    const listed = data.files.slice(0, 15);
    const text = [
      `*${linkTo(data.url, `#${data.number} ${data.title}`)}* in *${owner}/${repo}*`,
      `${shown(data.author)} wants to merge ${code(data.head)} into ${code(data.base)} · ${data.state}${data.draft ? ' (draft)' : ''} · +${data.additions} −${data.deletions} in ${plural(data.changed_files, 'file')}`,
      `Checks: ${shown(describeChecks(status.checks), 500)} · Reviews: ${describeReviewers(status.reviews, (l) => shown(l))}`,
      ...(data.labels.length ? [`Labels: ${escapedList(data.labels)}`] : []),
      ...(listed.length ? ['Files:', ...listed.map((f) => `• ${code(f.filename, 200)} (${f.status}, +${f.additions} −${f.deletions})`)] : []),
      ...(data.files.length > listed.length ? [`…and ${data.files.length - listed.length} more`] : []),
    ].join('\n');
    return { data, text };
  },
});
