import { z } from 'zod';
import { AgentHubError } from '../../errors.js';
import { clip, link as slackLink } from '../../slack/mrkdwn.js';
import { defineTool } from '../../tools/tool-definition.js';
import type { GitHubClient } from './client.js';
import { explainGitHubError } from './errors.js';
import { collectPages } from './paginate.js';
import { branch, limit, owner, repo } from './schemas.js';
import { repoTarget } from './target.js';
import { code, day, firstLine, plural, shown } from './text.js';

/** Commit JSON is heavy (authors, trees, parents): GitHub's default page of 30 keeps each response small. */
const COMMIT_PAGE = 30;

export const listCommits = defineTool({
  name: 'github_list_commits',
  description: 'List the latest commits of a branch (the default branch unless one is given), newest first.',
  schema: z.object({ owner, repo, branch: branch.describe('Branch to read (default: the repository’s default branch)').optional(), limit: limit(100, 20) }),
  service: 'github',
  scopes: ['contents:read'],
  risk: 'low',
  readOnly: true,
  describe: ({ owner, repo, branch }) => `list recent commits on ${branch ?? 'the default branch'} in ${owner}/${repo}`,
  target: ({ owner, repo }, github: GitHubClient) => repoTarget(github, owner, repo),
  async run({ owner, repo, branch, limit }, github: GitHubClient) {
    const where = branch ? `branch ${branch} in ${owner}/${repo}` : `${owner}/${repo}`;
    let commits: Awaited<ReturnType<GitHubClient['rest']['repos']['listCommits']>>['data'];
    try {
      ({ items: commits } = await collectPages(
        github.paginate.iterator(github.rest.repos.listCommits, { owner, repo, per_page: COMMIT_PAGE, ...(branch ? { sha: branch } : {}) }),
        { limit, maxPages: Math.ceil(limit / COMMIT_PAGE) },
      ));
    } catch (err) {
      // GitHub answers 409 "Git Repository is empty." for a repository without commits.
      if ((err as { status?: number }).status === 409)
        throw new AgentHubError('not_found', `${owner}/${repo} is empty`, `${owner}/${repo} has no commits yet.`, { cause: err });
      throw explainGitHubError(err, where);
    }
    const data = commits.map((c) => ({
      sha: c.sha.slice(0, 7),
      message: clip(firstLine(c.commit.message), 200),
      author: c.author?.login ?? c.commit.author?.name ?? 'unknown',
      date: c.commit.author?.date ?? c.commit.committer?.date ?? null,
      url: c.html_url,
    }));
    const on = branch ? code(branch) : 'the default branch';
    const text = data.length
      ? `Latest ${plural(data.length, 'commit')} on ${on} in *${owner}/${repo}*:\n${data
          .map((c) => `• ${slackLink(c.url, c.sha)} ${shown(c.message, 100)} — ${shown(c.author)}, ${day(c.date)}`)
          .join('\n')}`
      : `There are no commits on ${on} in *${owner}/${repo}*.`;
    return { data, text };
  },
});
