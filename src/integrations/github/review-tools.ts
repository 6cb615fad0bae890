import { z } from 'zod';
import { AgentHubError } from '../../errors.js';
import { clip } from '../../slack/mrkdwn.js';
import { defineTool, type PreviewLine } from '../../tools/tool-definition.js';
import type { GitHubClient } from './client.js';
import { withGitHubErrors, withGitHubWrite } from './errors.js';
import { getPull } from './lookups.js';
import { limit, login, owner, pullNumber, repo } from './schemas.js';
import { runIssueSearch } from './search.js';
import { repoTarget } from './target.js';
import { escapedList, linkTo, logins, plural, shown } from './text.js';

export const listReviewRequests = defineTool({
  name: 'github_list_review_requests',
  description: 'List open pull requests, across all repositories, that are waiting for a review from the person asking (oldest request first).',
  schema: z.object({ limit: limit(100, 20) }),
  service: 'github',
  scopes: ['pull_requests:read'],
  risk: 'low',
  readOnly: true,
  describe: () => 'list pull requests waiting for your review',
  async run({ limit }, github: GitHubClient) {
    const { total, rows } = await withGitHubErrors('your review requests', () =>
      runIssueSearch(github, 'is:pr is:open review-requested:@me archived:false', { limit, sort: 'created', order: 'asc' }),
    );
    const more = total > rows.length ? `\n…and ${total - rows.length} more` : '';
    const text = rows.length
      ? `${plural(total, 'pull request')} ${total === 1 ? 'is' : 'are'} waiting for your review:\n${rows
          .map((r) => `• ${linkTo(r.url, `${r.repository}#${r.number} ${r.title}`, 120)} by ${shown(r.author)}${r.draft ? ' (draft)' : ''}`)
          .join('\n')}${more}`
      : 'No open pull requests are waiting for your review.';
    return { data: rows, text };
  },
});

const requestSchema = z.object({
  owner,
  repo,
  pull_number: pullNumber,
  reviewers: z
    .array(login('GitHub login of a reviewer'))
    .min(1)
    .max(15)
    .refine((r) => new Set(r.map((x) => x.toLowerCase())).size === r.length, 'reviewers must not repeat')
    .describe('GitHub logins to ask for a review (1-15)'),
});

export const requestReviewers = defineTool({
  name: 'github_request_reviewers',
  description: 'Ask people to review a pull request (GitHub notifies them).',
  schema: requestSchema,
  service: 'github',
  scopes: ['pull_requests:write'],
  risk: 'medium',
  readOnly: false,
  describe: ({ owner, repo, pull_number, reviewers }) => `ask ${reviewers.join(', ')} to review pull request #${pull_number} in ${owner}/${repo}`,
  target: ({ owner, repo }, github: GitHubClient) => repoTarget(github, owner, repo),
  async preview({ owner, repo, pull_number, reviewers }, github: GitHubClient): Promise<PreviewLine[]> {
    const pr = await getPull(github, owner, repo, pull_number);
    const already = logins(pr.requested_reviewers);
    const lines: PreviewLine[] = [
      { label: 'Pull request', value: `#${pr.number} ${clip(pr.title, 150)}` },
      { label: 'Author', value: pr.user?.login ?? 'unknown' },
      { label: 'Reviewers to ask', value: reviewers.join(', ') },
    ];
    if (already.length) lines.push({ label: 'Already asked', value: already.join(', ') });
    if (pr.state !== 'open') lines.push({ label: 'State', value: pr.merged ? 'merged' : 'closed' });
    return lines;
  },
  async run({ owner, repo, pull_number, reviewers }, github: GitHubClient) {
    const where = `pull request #${pull_number} in ${owner}/${repo}`;
    const pr = await getPull(github, owner, repo, pull_number);
    if (pr.state !== 'open') {
      throw new AgentHubError(
        'bad_request',
        `request reviewers: ${where} is ${pr.state}`,
        `Pull request #${pull_number} in ${owner}/${repo} is no longer open; nobody was asked to review it.`,
      );
    }
    const { data } = await withGitHubWrite(`ask ${reviewers.join(', ')} to review ${where}`, where, () =>
      github.rest.pulls.requestReviewers({ owner, repo, pull_number, reviewers, request: { retries: 0 } }),
    );
    const requested = logins(data.requested_reviewers);
    return {
      data: { number: pull_number, url: pr.html_url, asked: reviewers, requested_reviewers: requested },
      text: `Asked ${escapedList(reviewers)} to review ${linkTo(pr.html_url, `#${pr.number} ${pr.title}`)} in *${owner}/${repo}*`,
    };
  },
});
