import { z } from 'zod';
import { AgentHubError } from '../../errors.js';
import { clip } from '../../slack/mrkdwn.js';
import { defineTool } from '../../tools/tool-definition.js';
import type { GitHubClient } from './client.js';
import { withGitHubErrors } from './errors.js';
import { getIssueOrPull } from './lookups.js';
import { collectPages } from './paginate.js';
import { issueNumber, labels, limit, owner, repo } from './schemas.js';
import { runIssueSearch, searchTerms } from './search.js';
import { repoTarget } from './target.js';
import { escapedList, labelNames, linkTo, logins, plural, quoteUntrusted, shown } from './text.js';

/** How much of an issue body the model gets (as quoted data) and the person sees. */
const DATA_BODY_MAX = 4000;
const TEXT_BODY_MAX = 1500;

export const getIssue = defineTool({
  name: 'github_get_issue',
  description: 'Show one issue of a repository: title, state, author, labels and its description.',
  schema: z.object({ owner, repo, issue_number: issueNumber }),
  service: 'github',
  scopes: ['issues:read'],
  risk: 'low',
  readOnly: true,
  describe: ({ owner, repo, issue_number }) => `read issue #${issue_number} in ${owner}/${repo}`,
  target: ({ owner, repo }, github: GitHubClient) => repoTarget(github, owner, repo),
  async run({ owner, repo, issue_number }, github: GitHubClient) {
    const issue = await getIssueOrPull(github, owner, repo, issue_number);
    const labels = labelNames(issue.labels);
    const body = issue.body ?? '';
    const data = {
      number: issue.number,
      title: clip(issue.title, 256),
      state: issue.state,
      author: issue.user?.login ?? 'unknown',
      labels,
      assignees: logins(issue.assignees),
      url: issue.html_url,
      comments: issue.comments,
      created_at: issue.created_at,
      is_pull_request: Boolean(issue.pull_request),
      // Written by whoever opened the issue: quoted data for the model, never instructions.
      body: clip(body, DATA_BODY_MAX),
    };
    const text = [
      `*${linkTo(data.url, `#${data.number} ${data.title}`)}* in *${owner}/${repo}*${data.is_pull_request ? ' (pull request)' : ''}`,
      `${data.state} · opened by ${shown(data.author)}${labels.length ? ` · labels: ${escapedList(labels)}` : ''} · ${plural(data.comments, 'comment')}`,
      quoteUntrusted(body, TEXT_BODY_MAX),
    ].join('\n');
    return { data, text };
  },
});

const state = z.enum(['open', 'closed', 'all']);

const listIssuesSchema = z.object({
  owner,
  repo,
  state: state.default('open').describe('Which issues: open (default), closed or all'),
  labels: labels('Only issues that have all of these labels', 10).optional(),
  assignee: z
    .string()
    .regex(/^(?:[A-Za-z0-9][A-Za-z0-9-]{0,38}|\*)$/, 'a GitHub login, "none" or "*"')
    .describe('Only issues assigned to this GitHub login ("none" for unassigned ones, "*" for assigned ones)')
    .optional(),
  limit: limit(100, 30),
});

/** Issues come 100 a page with pull requests mixed in; reading stops after this many pages. */
const ISSUE_PAGE_BUDGET = 5;

export const listIssues = defineTool({
  name: 'github_list_issues',
  description:
    'List issues of a repository (open ones by default, newest first), optionally only those with given labels or assignee. Pull requests are left out.',
  schema: listIssuesSchema,
  service: 'github',
  scopes: ['issues:read'],
  risk: 'low',
  readOnly: true,
  describe: ({ owner, repo, state, labels, assignee }) =>
    `list ${state === 'all' ? '' : `${state} `}issues in ${owner}/${repo}${labels?.length ? ` labelled ${labels.join(', ')}` : ''}${assignee ? ` assigned to ${assignee}` : ''}`,
  target: ({ owner, repo }, github: GitHubClient) => repoTarget(github, owner, repo),
  async run({ owner, repo, state, labels, assignee, limit }, github: GitHubClient) {
    const { items, complete } = await withGitHubErrors(`${owner}/${repo}`, () =>
      collectPages(
        github.paginate.iterator(github.rest.issues.listForRepo, {
          owner,
          repo,
          state,
          per_page: 100,
          ...(labels?.length ? { labels: labels.join(',') } : {}),
          ...(assignee ? { assignee } : {}),
        }),
        // GitHub's issues list includes pull requests; this tool is about issues.
        { limit, keep: (i) => !i.pull_request, maxPages: ISSUE_PAGE_BUDGET },
      ),
    );
    const data = items.map((i) => ({
      number: i.number,
      title: clip(i.title, 256),
      state: i.state,
      author: i.user?.login ?? 'unknown',
      labels: labelNames(i.labels),
      assignees: logins(i.assignees),
      comments: i.comments,
      url: i.html_url,
      created_at: i.created_at,
      updated_at: i.updated_at,
    }));
    const which = `${state === 'all' ? '' : `${state} `}issue`;
    const filters = [labels?.length ? `labelled ${escapedList(labels)}` : '', assignee ? `assigned to ${shown(assignee)}` : ''].filter(Boolean).join(', ');
    const scope = `in *${owner}/${repo}*${filters ? ` ${filters}` : ''}`;
    const partial = complete ? '' : `\n_I looked at the ${ISSUE_PAGE_BUDGET * 100} most recent issues and pull requests only; older ones may exist._`;
    const text = data.length
      ? `${plural(data.length, which)} ${scope}:\n${data
          .map(
            (i) =>
              `• ${linkTo(i.url, `#${i.number} ${i.title}`, 120)} by ${shown(i.author)}${i.labels.length ? ` · ${escapedList(i.labels.slice(0, 5))}` : ''}`,
          )
          .join('\n')}${partial}`
      : `There are no ${which}s ${scope}.${partial}`;
    return { data, text };
  },
});

const searchSchema = z
  .object({
    query: z.string().trim().min(1).max(200).describe('What to look for: words from the title or description; label:, author: and assignee: also work'),
    owner: owner.describe('Only search repositories of this user or organisation').optional(),
    repo: repo.describe('Only search this repository (give owner too)').optional(),
    state: state.default('all').describe('open, closed or all (default)'),
    limit: limit(50, 20),
  })
  .refine((a) => !a.repo || a.owner, { message: 'give the owner along with the repository', path: ['owner'] });
type SearchArgs = z.infer<typeof searchSchema>;

const scopeOf = ({ owner, repo }: Pick<SearchArgs, 'owner' | 'repo'>) => (owner && repo ? `${owner}/${repo}` : owner ? `${owner}'s repositories` : 'GitHub');

/** The GitHub query: the person's words (made safe), the tool's scope, kind and state. */
export function issueSearchQuery({ query, owner, repo, state }: Pick<SearchArgs, 'query' | 'owner' | 'repo' | 'state'>): string {
  const terms = searchTerms(query, { scoped: Boolean(owner) });
  if (!terms.length) throw new AgentHubError('bad_request', 'empty issue search', 'Tell me which words to look for in the issues.');
  const scope = owner && repo ? `repo:${owner}/${repo}` : owner ? `user:${owner}` : '';
  return [...terms, scope, 'is:issue', state === 'all' ? '' : `is:${state}`].filter(Boolean).join(' ');
}

export const searchIssues = defineTool({
  name: 'github_search_issues',
  description: 'Search issues by words (in one repository, an owner’s repositories, or everywhere the person can see), best matches first.',
  schema: searchSchema,
  service: 'github',
  scopes: ['issues:read'],
  risk: 'low',
  readOnly: true,
  describe: (args) => `search issues in ${scopeOf(args)} for “${clip(args.query, 80)}”`,
  target: async ({ owner, repo }, github: GitHubClient) => (owner && repo ? repoTarget(github, owner, repo) : {}),
  async run(args, github: GitHubClient) {
    const q = issueSearchQuery(args);
    const { total, rows } = await withGitHubErrors(`issues in ${scopeOf(args)}`, () => runIssueSearch(github, q, { limit: args.limit }));
    const where = shown(scopeOf(args));
    const asked = shown(args.query, 80);
    const more = total > rows.length ? `\n…and ${total - rows.length} more` : '';
    const text = rows.length
      ? `${plural(total, 'issue')} in ${where} match “${asked}”:\n${rows
          .map((r) => `• ${linkTo(r.url, `${args.repo ? '' : r.repository}#${r.number} ${r.title}`, 120)} (${r.state}) by ${shown(r.author)}`)
          .join('\n')}${more}`
      : `No issues in ${where} match “${asked}”.`;
    return { data: rows, text };
  },
});
