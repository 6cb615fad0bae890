import { z } from 'zod';
import { AgentHubError } from '../../errors.js';
import { clip, link as slackLink } from '../../slack/mrkdwn.js';
import { defineTool, type PreviewLine } from '../../tools/tool-definition.js';
import type { GitHubClient } from './client.js';
import { withGitHubWrite } from './errors.js';
import { getIssueOrPull, type IssueOrPull } from './lookups.js';
import { issueNumber, labels, login, MAX_BODY, markdownBody, owner, repo, title } from './schemas.js';
import { repoTarget } from './target.js';
import { escapedList, labelNames, linkTo, logins, plural } from './text.js';

/*
 * Writes to issues (and, through the issues API, to pull requests' conversation). Preview values
 * are plain text: the approval card escapes them, so untrusted text is only clipped here. Each write
 * is sent once (no retry), so a lost answer cannot turn into a second issue or comment.
 */

/** How much written text an approval card shows. */
const PREVIEW_TEXT_MAX = 1000;

const kindOf = (item: IssueOrPull) => (item.pull_request ? 'pull request' : 'issue');
const itemLine = (item: IssueOrPull): PreviewLine => ({
  label: item.pull_request ? 'Pull request' : 'Issue',
  value: `#${item.number} ${clip(item.title, 150)}`,
});
const itemLink = (item: IssueOrPull) => linkTo(item.html_url, `#${item.number} ${item.title}`);
const commentText = z.string().trim().min(1, 'a comment').max(MAX_BODY);

const createSchema = z.object({
  owner,
  repo,
  title: title.describe('Issue title'),
  body: markdownBody('Issue description (Markdown)').optional(),
  labels: labels('Labels to put on the issue').optional(),
  assignees: z.array(login('GitHub login')).min(1).max(10).describe('GitHub logins to assign (up to 10)').optional(),
});

export const createIssue = defineTool({
  name: 'github_create_issue',
  description: 'Open a new issue in a repository, optionally with labels and assignees.',
  schema: createSchema,
  service: 'github',
  scopes: ['issues:write'],
  risk: 'medium',
  readOnly: false,
  describe: ({ owner, repo, title }) => `create issue “${clip(title, 80)}” in ${owner}/${repo}`,
  target: ({ owner, repo }, github: GitHubClient) => repoTarget(github, owner, repo),
  async preview({ owner, repo, title, body, labels, assignees }) {
    return [
      { label: 'Repository', value: `${owner}/${repo}` },
      { label: 'Title', value: clip(title, 256) },
      { label: 'Description', value: body?.trim() ? clip(body.trim(), PREVIEW_TEXT_MAX) : '(none)' },
      { label: 'Labels', value: labels?.length ? labels.join(', ') : '(none)' },
      { label: 'Assignees', value: assignees?.length ? assignees.join(', ') : '(none)' },
    ];
  },
  async run({ owner, repo, title, body, labels, assignees }, github: GitHubClient) {
    const { data: issue } = await withGitHubWrite(`create an issue in ${owner}/${repo}`, `${owner}/${repo}`, () =>
      github.rest.issues.create({ owner, repo, title, ...(body ? { body } : {}), labels, assignees, request: { retries: 0 } }),
    );
    const applied = labelNames(issue.labels);
    const assigned = logins(issue.assignees);
    // GitHub silently drops labels and assignees the caller may not set: say so rather than pretend.
    const dropped = [
      ...(labels ?? []).filter((l) => !applied.some((a) => a.toLowerCase() === l.toLowerCase())),
      ...(assignees ?? []).filter((a) => !assigned.includes(a)),
    ];
    const data = { number: issue.number, url: issue.html_url, title: clip(issue.title, 256), labels: applied, assignees: assigned, not_applied: dropped };
    const text = [
      `Created ${linkTo(issue.html_url, `#${issue.number} ${issue.title}`)} in *${owner}/${repo}*${applied.length ? ` · labels: ${escapedList(applied)}` : ''}${assigned.length ? ` · assigned to ${escapedList(assigned)}` : ''}`,
      ...(dropped.length ? [`GitHub didn't apply ${escapedList(dropped)} (your account may not be allowed to set them).`] : []),
    ].join('\n');
    return { data, text };
  },
});

export const comment = defineTool({
  name: 'github_comment',
  description: 'Add a comment to an issue or a pull request.',
  schema: z.object({ owner, repo, issue_number: issueNumber, body: commentText.describe('The comment (Markdown)') }),
  service: 'github',
  scopes: ['issues:write'],
  risk: 'medium',
  readOnly: false,
  describe: ({ owner, repo, issue_number }) => `comment on #${issue_number} in ${owner}/${repo}`,
  target: ({ owner, repo }, github: GitHubClient) => repoTarget(github, owner, repo),
  async preview({ owner, repo, issue_number, body }, github: GitHubClient) {
    const item = await getIssueOrPull(github, owner, repo, issue_number);
    return [itemLine(item), { label: 'Comment', value: clip(body, PREVIEW_TEXT_MAX) }];
  },
  async run({ owner, repo, issue_number, body }, github: GitHubClient) {
    const where = `#${issue_number} in ${owner}/${repo}`;
    const { data } = await withGitHubWrite(`comment on ${where}`, where, () =>
      github.rest.issues.createComment({ owner, repo, issue_number, body, request: { retries: 0 } }),
    );
    return {
      data: { id: data.id, url: data.html_url, issue_number },
      text: `Commented on ${slackLink(data.html_url, `#${issue_number}`)} in *${owner}/${repo}*`,
    };
  },
});

export const addLabels = defineTool({
  name: 'github_add_labels',
  description: 'Add labels to an issue or a pull request (labels it already has stay).',
  schema: z.object({ owner, repo, issue_number: issueNumber, labels: labels('Labels to add') }),
  service: 'github',
  scopes: ['issues:write'],
  risk: 'medium',
  readOnly: false,
  describe: ({ owner, repo, issue_number, labels }) =>
    `add ${labels.length === 1 ? 'label' : 'labels'} ${labels.join(', ')} to #${issue_number} in ${owner}/${repo}`,
  target: ({ owner, repo }, github: GitHubClient) => repoTarget(github, owner, repo),
  async preview({ owner, repo, issue_number, labels }, github: GitHubClient) {
    const item = await getIssueOrPull(github, owner, repo, issue_number);
    const current = labelNames(item.labels);
    return [
      itemLine(item),
      { label: 'Labels to add', value: labels.join(', ') },
      { label: 'Current labels', value: current.length ? current.join(', ') : '(none)' },
    ];
  },
  async run({ owner, repo, issue_number, labels }, github: GitHubClient) {
    const where = `#${issue_number} in ${owner}/${repo}`;
    const item = await getIssueOrPull(github, owner, repo, issue_number);
    const { data } = await withGitHubWrite(`label ${where}`, where, () =>
      github.rest.issues.addLabels({ owner, repo, issue_number, labels, request: { retries: 0 } }),
    );
    const now = labelNames(data);
    return {
      data: { number: issue_number, url: item.html_url, added: labels, labels: now },
      text: `Added ${escapedList(labels)} to ${itemLink(item)} in *${owner}/${repo}* (labels now: ${escapedList(now)})`,
    };
  },
});

const closeSchema = z.object({
  owner,
  repo,
  issue_number: issueNumber,
  reason: z.enum(['completed', 'not_planned']).default('completed').describe('Why: completed (default) or not_planned'),
  comment: commentText.describe('A comment to add when closing (Markdown)').optional(),
});
type CloseArgs = z.infer<typeof closeSchema>;

const reasonWords = (reason: CloseArgs['reason']) => (reason === 'not_planned' ? 'not planned' : 'completed');

/** The sentence that stops closing something that is not an open issue, or undefined when it is one. */
function whyNotClosable(item: IssueOrPull, owner: string, repo: string): string | undefined {
  if (item.pull_request) return `#${item.number} in ${owner}/${repo} is a pull request, not an issue; I only close issues. Nothing was changed.`;
  if (item.state === 'closed') return `Issue #${item.number} in ${owner}/${repo} is already closed; nothing was changed.`;
  return undefined;
}

export const closeIssue = defineTool({
  name: 'github_close_issue',
  description: 'Close an open issue as completed or not planned, optionally with a closing comment.',
  schema: closeSchema,
  service: 'github',
  scopes: ['issues:write'],
  risk: 'high',
  readOnly: false,
  describe: ({ owner, repo, issue_number, reason, comment }) =>
    `close issue #${issue_number} in ${owner}/${repo} as ${reasonWords(reason)}${comment ? ' with a comment' : ''}`,
  target: ({ owner, repo }, github: GitHubClient) => repoTarget(github, owner, repo),
  async preview({ owner, repo, issue_number, reason, comment }, github: GitHubClient) {
    const item = await getIssueOrPull(github, owner, repo, issue_number);
    const refusal = whyNotClosable(item, owner, repo);
    const labels = labelNames(item.labels);
    return [
      itemLine(item),
      { label: 'Opened by', value: item.user?.login ?? 'unknown' },
      ...(refusal ? [{ label: 'Note', value: refusal }] : []),
      { label: 'Close as', value: reasonWords(reason) },
      { label: 'Closing comment', value: comment ? clip(comment, PREVIEW_TEXT_MAX) : '(none)' },
      { label: 'Discussion', value: `${plural(item.comments, 'comment')}${labels.length ? ` · labels: ${labels.join(', ')}` : ''}` },
    ];
  },
  async run({ owner, repo, issue_number, reason, comment }, github: GitHubClient) {
    const where = `issue #${issue_number} in ${owner}/${repo}`;
    const item = await getIssueOrPull(github, owner, repo, issue_number);
    const refusal = whyNotClosable(item, owner, repo);
    if (refusal) throw new AgentHubError('bad_request', `close ${owner}/${repo}#${issue_number}: ${kindOf(item)} ${item.state}`, refusal);
    await withGitHubWrite(`close ${where}`, where, () =>
      github.rest.issues.update({ owner, repo, issue_number, state: 'closed', state_reason: reason, request: { retries: 0 } }),
    );
    // Closing is what was asked; a comment that fails afterwards is reported, not treated as if nothing happened.
    let commentUrl: string | undefined;
    let commentError: string | undefined;
    if (comment) {
      try {
        commentUrl = (await github.rest.issues.createComment({ owner, repo, issue_number, body: comment, request: { retries: 0 } })).data.html_url;
      } catch (err) {
        const status = (err as { status?: number }).status;
        if (status === 401) throw err;
        commentError = `GitHub refused the closing comment (status ${status ?? 'unknown'})`;
      }
    }
    const data = { number: issue_number, url: item.html_url, closed: true, reason, comment_url: commentUrl, comment_error: commentError };
    const text = [
      `Closed ${itemLink(item)} in *${owner}/${repo}* as ${reasonWords(reason)}${commentUrl ? ` with ${slackLink(commentUrl, 'a comment')}` : ''}`,
      ...(commentError ? [`The issue is closed, but ${commentError}; the comment was not posted.`] : []),
    ].join('\n');
    return { data, text };
  },
});
