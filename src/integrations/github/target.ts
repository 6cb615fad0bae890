import type { ActionTarget } from '../../tools/tool-definition.js';
import type { GitHubClient } from './client.js';
import { explainGitHubError, withGitHubErrors } from './errors.js';

/** Visibility and default branch of a repository, for the gate (private first reads, default-branch writes). */
export async function repoTarget(github: GitHubClient, owner: string, repo: string): Promise<Required<Pick<ActionTarget, 'repo'>>> {
  const { data } = await withGitHubErrors(`${owner}/${repo}`, () => github.rest.repos.get({ owner, repo }));
  return { repo: { fullName: data.full_name, private: data.private, defaultBranch: data.default_branch } };
}

/** The repository plus one branch's protection and whether it is the default branch. */
export async function branchTarget(github: GitHubClient, owner: string, repo: string, branch: string): Promise<ActionTarget> {
  const { repo: info } = await repoTarget(github, owner, repo);
  try {
    const { data } = await github.rest.repos.getBranch({ owner, repo, branch });
    return { repo: info, branch: { name: branch, protected: Boolean(data.protected), isDefault: branch === info.defaultBranch } };
  } catch (err) {
    if ((err as { status?: number }).status === 404)
      return { repo: info, branch: { name: branch, protected: false, isDefault: branch === info.defaultBranch } };
    throw explainGitHubError(err, `${owner}/${repo}@${branch}`);
  }
}
