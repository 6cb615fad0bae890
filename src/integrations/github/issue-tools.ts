import { z } from 'zod';
import { clip, escapeMrkdwn, link as slackLink } from '../../slack/mrkdwn.js';
import { defineTool, type ToolDefinition } from '../../tools/tool-definition.js';
import type { GitHubClient } from './client.js';
import { withGitHubErrors } from './errors.js';
import { owner, repo } from './schemas.js';
import { repoTarget } from './target.js';

/** How much of an issue body the model gets (as quoted data) and the person sees. */
const DATA_BODY_MAX = 4000;
const TEXT_BODY_MAX = 1500;

export const getIssue = defineTool({
  name: 'github_get_issue',
  description: 'Show one issue of a repository: title, state, author, labels and its description.',
  schema: z.object({ owner, repo, issue_number: z.number().int().positive().describe('Issue number') }),
  service: 'github',
  scopes: ['issues:read'],
  risk: 'low',
  readOnly: true,
  describe: ({ owner, repo, issue_number }) => `read issue #${issue_number} in ${owner}/${repo}`,
  target: ({ owner, repo }, github: GitHubClient) => repoTarget(github, owner, repo),
  async run({ owner, repo, issue_number }, github: GitHubClient) {
    const issue = await withGitHubErrors(`issue #${issue_number} in ${owner}/${repo}`, () =>
      github.rest.issues.get({ owner, repo, issue_number }).then((r) => r.data),
    );
    const labels = issue.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean);
    const body = issue.body ?? '';
    const data = {
      number: issue.number,
      title: issue.title,
      state: issue.state,
      author: issue.user?.login ?? 'unknown',
      labels,
      url: issue.html_url,
      comments: issue.comments,
      created_at: issue.created_at,
      is_pull_request: Boolean(issue.pull_request),
      // Written by whoever opened the issue: quoted data for the model, never instructions.
      body: clip(body, DATA_BODY_MAX),
    };
    // Every line of the body is escaped and quoted, so it can neither ping nor pose as the bot.
    const quoted = body.trim()
      ? clip(body.trim(), TEXT_BODY_MAX)
          .split(/\r?\n/)
          .map((line) => `> ${escapeMrkdwn(line)}`)
          .join('\n')
      : '_No description._';
    const text = [
      `*${slackLink(data.url, `#${data.number} ${clip(data.title, 150)}`)}* in *${owner}/${repo}*${data.is_pull_request ? ' (pull request)' : ''}`,
      `${data.state} · opened by ${escapeMrkdwn(data.author)}${labels.length ? ` · labels: ${labels.map((l) => escapeMrkdwn(clip(l, 50))).join(', ')}` : ''} · ${data.comments} comment${data.comments === 1 ? '' : 's'}`,
      quoted,
    ].join('\n');
    return { data, text };
  },
});

export const githubIssueTools: ToolDefinition[] = [getIssue];
