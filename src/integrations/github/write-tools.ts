import { z } from 'zod';
import { AgentHubError } from '../../errors.js';
import { clip } from '../../slack/mrkdwn.js';
import { defineTool, type PreviewLine } from '../../tools/tool-definition.js';
import type { GitHubClient } from './client.js';
import { explainGitHubError, githubMessage, refusedByGitHub, unsureWhetherDone, withGitHubErrors } from './errors.js';
import { getPull } from './lookups.js';
import { describeChecks, describeReviews, readPullStatus } from './pull-status.js';
import { branch, owner, pullNumber, repo } from './schemas.js';
import { branchTarget, repoTarget } from './target.js';
import { code, firstLine, linkTo, plural } from './text.js';

const mergeMethod = z.enum(['merge', 'squash', 'rebase']).default('squash').describe('How to merge: squash (default), merge commit, or rebase');
const headSha = z
  .string()
  .regex(/^[0-9a-fA-F]{40}$/, 'a full 40-character commit SHA')
  .describe('Merge only if the pull request head is still exactly this commit (the one that was reviewed)');

const mergeSchema = z.object({ owner, repo, pull_number: pullNumber, merge_method: mergeMethod, expected_head_sha: headSha.optional() });
export type MergePullRequestArgs = z.infer<typeof mergeSchema>;

/*
 * Preview values are plain text: the approval card escapes them (src/slack/blocks/approval-card.ts),
 * so untrusted titles and commit messages are clipped here but not escaped twice.
 */

const CHANGED = (owner: string, repo: string, n: number) =>
  `The pull request changed after it was approved; nothing was merged. New commits were pushed to #${n} in ${owner}/${repo}: ask me again to review and approve the latest version.`;

/**
 * Binds a merge to the commit the approver is shown: call it before the approval is recorded, so
 * the approved (and hashed) arguments carry the head sha and a later push makes the merge fail.
 */
export async function pinMergeHead(args: MergePullRequestArgs, github: GitHubClient): Promise<MergePullRequestArgs> {
  if (args.expected_head_sha) return args;
  const pr = await getPull(github, args.owner, args.repo, args.pull_number);
  return { ...args, expected_head_sha: pr.head.sha };
}

export const mergePullRequest = defineTool({
  name: 'github_merge_pull_request',
  description: "Merge an open pull request into its base branch (squash by default). Only merges the pull request's current head commit.",
  schema: mergeSchema,
  service: 'github',
  scopes: ['pull_requests:write', 'contents:write'],
  risk: 'high',
  readOnly: false,
  describe: ({ owner, repo, pull_number, merge_method }) => `merge pull request #${pull_number} in ${owner}/${repo} (${merge_method})`,
  bind: pinMergeHead,
  async target({ owner, repo, pull_number }, github: GitHubClient) {
    const pr = await getPull(github, owner, repo, pull_number);
    return branchTarget(github, owner, repo, pr.base.ref);
  },
  async preview({ owner, repo, pull_number }, github: GitHubClient) {
    const pr = await getPull(github, owner, repo, pull_number);
    const [target, status] = await withGitHubErrors(`pull request #${pull_number} in ${owner}/${repo}`, () =>
      Promise.all([branchTarget(github, owner, repo, pr.base.ref), readPullStatus(github, owner, repo, pr)]),
    );
    const marks = [target.branch?.protected ? 'protected' : '', target.branch?.isDefault ? 'default' : ''].filter(Boolean);
    const lines: PreviewLine[] = [
      { label: 'Title', value: `#${pr.number} ${clip(pr.title, 150)}` },
      { label: 'Author', value: pr.user?.login ?? 'unknown' },
      { label: 'Target branch', value: `\`${pr.base.ref}\`${marks.length ? ` (${marks.join(', ')})` : ''}` },
      { label: 'Changes', value: `${plural(pr.changed_files, 'file')}, +${pr.additions} −${pr.deletions}` },
      { label: 'Checks', value: describeChecks(status.checks) },
      { label: 'Reviews', value: describeReviews(status.reviews) },
      { label: 'Head commit', value: `\`${pr.head.sha.slice(0, 7)}\`` },
    ];
    const state = pr.merged ? 'already merged' : pr.state !== 'open' ? 'closed' : pr.draft ? 'draft' : undefined;
    if (state) lines.splice(1, 0, { label: 'State', value: state });
    return lines;
  },
  async run({ owner, repo, pull_number, merge_method, expected_head_sha }, github: GitHubClient) {
    const where = `#${pull_number} in ${owner}/${repo}`;
    const pr = await getPull(github, owner, repo, pull_number);
    const refuse = (why: string) =>
      new AgentHubError('upstream_rejected', `merge ${owner}/${repo}#${pull_number}: ${why}`, `Pull request ${where} ${why}; nothing was merged.`);
    if (pr.merged) throw refuse('is already merged');
    if (pr.state !== 'open') throw refuse('is closed');
    if (pr.draft) throw refuse('is still a draft');
    if (expected_head_sha && expected_head_sha.toLowerCase() !== pr.head.sha.toLowerCase()) {
      throw new AgentHubError('upstream_rejected', `merge ${owner}/${repo}#${pull_number}: head moved to ${pr.head.sha}`, CHANGED(owner, repo, pull_number));
    }
    let merged: { sha: string };
    try {
      // `sha` makes GitHub refuse (409) if anything was pushed since the head we checked.
      // Sent once: a retried merge after a lost answer would only turn a success into a confusing 405.
      ({ data: merged } = await github.rest.pulls.merge({ owner, repo, pull_number, merge_method, sha: pr.head.sha, request: { retries: 0 } }));
    } catch (err) {
      throw explainMergeError(err, owner, repo, pull_number);
    }
    const data = { merged: true, number: pr.number, url: pr.html_url, base: pr.base.ref, method: merge_method, sha: merged.sha, head_sha: pr.head.sha };
    return {
      data,
      text: `Merged ${linkTo(pr.html_url, `#${pr.number} ${pr.title}`)} into ${code(pr.base.ref)} (${merge_method})`,
    };
  },
});

const deleteSchema = z.object({ owner, repo, branch });

export const deleteBranch = defineTool({
  name: 'github_delete_branch',
  description: 'Delete a branch of a repository. Commits that are on no other branch become unreachable, and open pull requests from it are closed.',
  schema: deleteSchema,
  service: 'github',
  scopes: ['contents:write'],
  risk: 'high',
  readOnly: false,
  describe: ({ owner, repo, branch }) => `delete branch ${branch} in ${owner}/${repo}`,
  target: ({ owner, repo, branch }, github: GitHubClient) => branchTarget(github, owner, repo, branch),
  async preview({ owner, repo, branch }, github: GitHubClient) {
    const where = `branch ${branch} in ${owner}/${repo}`;
    const [info, tip] = await withGitHubErrors(where, () =>
      Promise.all([repoTarget(github, owner, repo), github.rest.repos.getBranch({ owner, repo, branch }).then((r) => r.data)]),
    );
    const base = info.repo.defaultBranch;
    const [compare, pulls] = await withGitHubErrors(where, () =>
      Promise.all([
        branch === base ? undefined : github.rest.repos.compareCommits({ owner, repo, base, head: branch }).then((r) => r.data),
        github.rest.pulls.list({ owner, repo, state: 'open', head: `${owner}:${branch}`, per_page: 100 }).then((r) => r.data),
      ]),
    );
    const last = tip.commit.commit;
    const lastAuthor = last.author?.name ?? tip.commit.author?.login ?? 'unknown';
    const lastDate = last.author?.date ? last.author.date.slice(0, 10) : 'unknown date';
    const aheadBy = compare?.ahead_by ?? 0;
    // GitHub lists compare commits oldest first (at most 250): name the last ones, newest first.
    const messages = (compare?.commits ?? [])
      .slice(-3)
      .reverse()
      .map((c) => `“${clip(firstLine(c.commit.message), 80)}”`);
    const more = aheadBy > messages.length ? ` and ${aheadBy - messages.length} more` : '';
    const lines: PreviewLine[] = [
      { label: 'Last commit', value: `“${clip(firstLine(last.message), 100)}” by ${lastAuthor} on ${lastDate}` },
      {
        label: 'Unmerged commits',
        value:
          branch === base
            ? `this is the default branch \`${base}\``
            : aheadBy === 0
              ? `none (everything is in \`${base}\`)`
              : `${plural(aheadBy, 'commit')} not in \`${base}\`: ${messages.join(', ')}${more}`,
      },
      { label: 'Protected', value: tip.protected ? 'yes' : 'no' },
    ];
    if (pulls.length) {
      const shown = pulls.slice(0, 3).map((p) => `#${p.number} ${clip(p.title, 80)}`);
      lines.push({ label: 'Open pull requests', value: `${shown.join(', ')}${pulls.length > 3 ? ` and ${pulls.length - 3} more` : ''} (GitHub closes them)` });
    }
    return lines;
  },
  async run({ owner, repo, branch }, github: GitHubClient) {
    try {
      await github.rest.git.deleteRef({ owner, repo, ref: `heads/${branch}`, request: { retries: 0 } });
    } catch (err) {
      throw await explainDeleteError(err, github, owner, repo, branch);
    }
    return {
      data: { deleted: true, repository: `${owner}/${repo}`, branch },
      text: `Deleted branch ${code(branch)} in ${owner}/${repo}`,
    };
  },
});

function explainMergeError(err: unknown, owner: string, repo: string, n: number): unknown {
  const status = (err as { status?: number }).status;
  if (status === 409)
    return new AgentHubError('upstream_rejected', `merge ${owner}/${repo}#${n}: 409 ${githubMessage(err)}`, CHANGED(owner, repo, n), { cause: err });
  if (status === 405 || status === 422) return refusedByGitHub(err, `merge pull request #${n} in ${owner}/${repo}`, 'nothing was merged');
  if (typeof status === 'number' && status >= 500)
    return unsureWhetherDone(err, `merging pull request #${n} in ${owner}/${repo}`, 'it was merged', 'the pull request');
  return explainGitHubError(err, `pull request #${n} in ${owner}/${repo}`);
}

async function explainDeleteError(err: unknown, github: GitHubClient, owner: string, repo: string, branch: string): Promise<unknown> {
  const status = (err as { status?: number }).status;
  const name = code(branch);
  if (typeof status === 'number' && status >= 500)
    return unsureWhetherDone(err, `deleting branch ${name} in ${owner}/${repo}`, 'it was deleted', 'the repository');
  if (status !== 422) return explainGitHubError(err, `branch ${branch} in ${owner}/${repo}`);
  const message = githubMessage(err);
  const op = `delete ${owner}/${repo}@${branch}`;
  if (/does not exist/i.test(message)) {
    return new AgentHubError(
      'not_found',
      `${op}: 422 ${message}`,
      `There is no branch ${name} in ${owner}/${repo} (it may already be deleted); nothing was deleted.`,
      { cause: err },
    );
  }
  const defaultBranch = await repoTarget(github, owner, repo).then(
    (t) => t.repo.defaultBranch,
    () => undefined,
  );
  if (defaultBranch === branch) {
    return new AgentHubError(
      'upstream_rejected',
      `${op}: 422 ${message}`,
      `${name} is the default branch of ${owner}/${repo}, and GitHub won't delete a repository's default branch; nothing was deleted.`,
      { cause: err },
    );
  }
  return refusedByGitHub(err, `delete branch ${name} in ${owner}/${repo}`, 'it may be protected. Nothing was deleted');
}
