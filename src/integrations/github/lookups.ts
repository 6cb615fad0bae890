import type { GitHubClient } from './client.js';
import { withGitHubErrors } from './errors.js';

/** Single reads several tools share, each failing with a sentence about what was looked for. */

export type Pull = Awaited<ReturnType<GitHubClient['rest']['pulls']['get']>>['data'];
export type IssueOrPull = Awaited<ReturnType<GitHubClient['rest']['issues']['get']>>['data'];

export function getPull(github: GitHubClient, owner: string, repo: string, pull_number: number): Promise<Pull> {
  return withGitHubErrors(`pull request #${pull_number} in ${owner}/${repo}`, () => github.rest.pulls.get({ owner, repo, pull_number }).then((r) => r.data));
}

/** An issue, or a pull request seen through the issues API (it then has `pull_request`). */
export function getIssueOrPull(github: GitHubClient, owner: string, repo: string, issue_number: number): Promise<IssueOrPull> {
  return withGitHubErrors(`issue #${issue_number} in ${owner}/${repo}`, () => github.rest.issues.get({ owner, repo, issue_number }).then((r) => r.data));
}
