import { z } from 'zod';
import { clip, escapeMrkdwn, link as slackLink } from '../../slack/mrkdwn.js';
import { defineTool, type ToolDefinition } from '../../tools/tool-definition.js';
import type { GitHubClient } from './client.js';
import { withGitHubErrors } from './errors.js';
import { owner, repo } from './schemas.js';
import { repoTarget } from './target.js';

const limit = (max: number, fallback: number) => z.number().int().min(1).max(max).default(fallback).describe(`How many to return (1-${max})`);

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
    const repos = await withGitHubErrors('your repositories', async () => {
      const out: Array<{ full_name: string; private: boolean; html_url: string; description: string | null; updated_at: string | null }> = [];
      for await (const page of github.paginate.iterator(github.rest.repos.listForAuthenticatedUser, { sort: 'updated', per_page: Math.min(limit, 100) })) {
        out.push(...page.data);
        if (out.length >= limit) break;
      }
      return out.slice(0, limit);
    });
    const data = repos.map((r) => ({ full_name: r.full_name, private: r.private, url: r.html_url, description: r.description, updated_at: r.updated_at }));
    const text = data.length
      ? `Your repositories (${data.length}):\n${data.map((r) => `• ${slackLink(r.url, r.full_name)}${r.private ? ' 🔒' : ''}${r.description ? ` — ${escapeMrkdwn(clip(r.description, 80))}` : ''}`).join('\n')}`
      : "You don't have any repositories on GitHub yet.";
    return { data, text };
  },
});

export const listPullRequests = defineTool({
  name: 'github_list_pull_requests',
  description: 'List pull requests of a repository (open ones by default).',
  schema: z.object({ owner, repo, state: z.enum(['open', 'closed', 'all']).default('open'), limit: limit(100, 30) }),
  service: 'github',
  scopes: ['pull_requests:read'],
  risk: 'low',
  readOnly: true,
  describe: ({ owner, repo, state }) => `list ${state === 'all' ? '' : `${state} `}pull requests in ${owner}/${repo}`,
  target: ({ owner, repo }, github: GitHubClient) => repoTarget(github, owner, repo),
  async run({ owner, repo, state, limit }, github: GitHubClient) {
    const pulls = await withGitHubErrors(`${owner}/${repo}`, async () => {
      const out: Awaited<ReturnType<GitHubClient['rest']['pulls']['list']>>['data'] = [];
      for await (const page of github.paginate.iterator(github.rest.pulls.list, { owner, repo, state, per_page: Math.min(limit, 100) })) {
        out.push(...page.data);
        if (out.length >= limit) break;
      }
      return out.slice(0, limit);
    });
    const data = pulls.map((p) => ({
      number: p.number,
      title: p.title,
      author: p.user?.login ?? 'unknown',
      draft: Boolean(p.draft),
      state: p.state,
      url: p.html_url,
      head: p.head.ref,
      base: p.base.ref,
      updated_at: p.updated_at,
    }));
    const which = state === 'all' ? '' : `${state} `;
    const text = data.length
      ? `${data.length} ${which}pull request${data.length === 1 ? '' : 's'} in *${owner}/${repo}*:\n${data
          .map((p) => `• ${slackLink(p.url, `#${p.number} ${clip(p.title, 120)}`)} by ${escapeMrkdwn(p.author)}${p.draft ? ' (draft)' : ''}`)
          .join('\n')}`
      : `There are no ${which}pull requests in *${owner}/${repo}*.`;
    return { data, text };
  },
});

export const getPullRequest = defineTool({
  name: 'github_get_pull_request',
  description: 'Show one pull request with its description, branches, size and changed files.',
  schema: z.object({ owner, repo, pull_number: z.number().int().positive().describe('Pull request number') }),
  service: 'github',
  scopes: ['pull_requests:read'],
  risk: 'low',
  readOnly: true,
  describe: ({ owner, repo, pull_number }) => `read pull request #${pull_number} in ${owner}/${repo}`,
  target: ({ owner, repo }, github: GitHubClient) => repoTarget(github, owner, repo),
  async run({ owner, repo, pull_number }, github: GitHubClient) {
    const target = `${owner}/${repo}#${pull_number}`;
    const [pr, files] = await withGitHubErrors(target, () =>
      Promise.all([
        github.rest.pulls.get({ owner, repo, pull_number }).then((r) => r.data),
        github.paginate(github.rest.pulls.listFiles, { owner, repo, pull_number, per_page: 100 }),
      ]),
    );
    const data = {
      number: pr.number,
      title: pr.title,
      author: pr.user?.login ?? 'unknown',
      state: pr.merged ? 'merged' : pr.state,
      draft: Boolean(pr.draft),
      url: pr.html_url,
      head: pr.head.ref,
      base: pr.base.ref,
      body: clip(pr.body ?? '', 2000),
      additions: pr.additions,
      deletions: pr.deletions,
      changed_files: pr.changed_files,
      files: files.slice(0, 100).map((f) => ({ filename: f.filename, status: f.status, additions: f.additions, deletions: f.deletions })),
    };
    const shown = data.files.slice(0, 15);
    const text = [
      `*${slackLink(data.url, `#${data.number} ${clip(data.title, 150)}`)}* in *${owner}/${repo}*`,
      `${escapeMrkdwn(data.author)} wants to merge \`${escapeMrkdwn(data.head)}\` into \`${escapeMrkdwn(data.base)}\` · ${data.state}${data.draft ? ' (draft)' : ''} · +${data.additions} −${data.deletions} in ${data.changed_files} file${data.changed_files === 1 ? '' : 's'}`,
      ...(shown.length ? ['Files:', ...shown.map((f) => `• \`${escapeMrkdwn(f.filename)}\` (${f.status}, +${f.additions} −${f.deletions})`)] : []),
      ...(data.files.length > shown.length ? [`…and ${data.files.length - shown.length} more`] : []),
    ].join('\n');
    return { data, text };
  },
});

export const githubTools: ToolDefinition[] = [listMyRepositories, listPullRequests, getPullRequest];
