/**
 * Plain-English reading of a request for the built-in planner: deterministic, no model.
 * Returns the tool to call with its arguments, a question back when something is missing,
 * or nothing when the request is not understood.
 */
export type Interpretation = { kind: 'tool'; name: string; args: Record<string, unknown> } | { kind: 'ask'; text: string } | { kind: 'unknown' };

export interface RepoRef {
  owner: string;
  repo: string;
  /** The pull request the conversation was last about, for "merge it". */
  pullNumber?: number;
}

const URL_PR = /github\.com\/([A-Za-z0-9][A-Za-z0-9-]{0,38})\/([A-Za-z0-9._-]{1,100})\/pull\/(\d+)/i;
const URL_REPO = /github\.com\/([A-Za-z0-9][A-Za-z0-9-]{0,38})\/([A-Za-z0-9._-]{1,100})/i;
const REPO = /(?:^|[\s(`'"])([A-Za-z0-9][A-Za-z0-9-]{0,38})\/([A-Za-z0-9._-]*[A-Za-z0-9_-])(?:#(\d+))?/g;
/** Word pairs and dates that look like owner/repo but are not. */
const NOT_A_REPO = /^(and\/or|either\/or|\d+\/\d+|yes\/no|on\/off|read\/write)$/i;
const PR_NUMBER = /(?:#|\b(?:pr|pull request|pull|mr)\s*#?\s*)(\d{1,7})\b/i;
const MENTIONS_PRS = /\b(prs?|mrs?|pull[\s-]?requests?|pulls|merge requests?)\b/i;
const MENTIONS_REPOS = /\b(repos?|repositories|repository|projects)\b/i;

export function findRepo(text: string): (RepoRef & { number?: number }) | undefined {
  const url = URL_PR.exec(text);
  if (url?.[1] && url[2]) return { owner: url[1], repo: url[2], number: Number(url[3]) };
  const urlRepo = URL_REPO.exec(text);
  if (urlRepo?.[1] && urlRepo[2]) return { owner: urlRepo[1], repo: urlRepo[2].replace(/\.git$/i, '') };
  // Several candidates: prefer one introduced by "in/on/of/for/from", else the last one.
  const candidates = [...text.matchAll(REPO)].filter((m) => m[1] && m[2] && !NOT_A_REPO.test(`${m[1]}/${m[2]}`));
  const introduced = candidates.filter((m) => /\b(in|on|of|for|from|at)\s*$/i.test(text.slice(0, m.index + (m[0].length - m[0].trimStart().length))));
  const m = introduced.at(-1) ?? candidates.at(-1);
  if (!m?.[1] || !m[2]) return undefined;
  return { owner: m[1], repo: m[2].replace(/\.git$/i, ''), ...(m[3] ? { number: Number(m[3]) } : {}) };
}

function findPrNumber(text: string): number | undefined {
  const m = PR_NUMBER.exec(text);
  return m?.[1] ? Number(m[1]) : undefined;
}

function prState(text: string): 'open' | 'closed' | 'all' {
  const open = /\bopen\b/i.test(text);
  const closed = /\b(closed|merged)\b/i.test(text);
  if (open && closed) return 'all';
  if (closed) return 'closed';
  if (open) return 'open';
  return /\b(all|every)\s+(the\s+)?(prs?|pull)/i.test(text) ? 'all' : 'open';
}

const MERGE = /\b(merge|land|ship)\b(?!\s+requests?)/i;
const DELETE_BRANCH = /\b(delete|remove|drop)\b.*\bbranch\b|\bbranch\b.*\b(delete|remove|drop)\b/i;
const BRANCH_NAME = /\bbranch\s+[`'"]?([A-Za-z0-9._/-]+[A-Za-z0-9_-])[`'"]?/i;
const ISSUE = /\bissues?\b/i;

function mergeMethod(text: string): 'merge' | 'squash' | 'rebase' {
  if (/\brebase\b/i.test(text)) return 'rebase';
  if (/\b(merge commit|no[- ]squash|regular merge)\b/i.test(text)) return 'merge';
  return 'squash';
}

/**
 * @param text the person's request, mention already stripped
 * @param thread what the conversation was last about (repository, pull request), for follow-ups ("show #3", "merge it")
 */
export function interpretRequest(text: string, thread?: RepoRef): Interpretation {
  const ref = findRepo(text);
  const number = ref?.number ?? findPrNumber(text);
  const repo = ref ?? thread;

  if (DELETE_BRANCH.test(text)) {
    const branch = BRANCH_NAME.exec(text.replace(/\b(in|on|of|from)\s+[A-Za-z0-9-]+\/[A-Za-z0-9._-]+/gi, ''))?.[1];
    if (!branch) return { kind: 'ask', text: 'Which branch should I delete? For example: "delete branch stale/experiment in acme/api".' };
    if (!repo) return { kind: 'ask', text: `Which repository is the branch ${branch} in? For example: "delete branch ${branch} in acme/api".` };
    return { kind: 'tool', name: 'github_delete_branch', args: { owner: repo.owner, repo: repo.repo, branch } };
  }
  if (MERGE.test(text) && !/\bmerged\b/i.test(text)) {
    const pr = number ?? (/\b(it|this|that)\b/i.test(text) ? thread?.pullNumber : undefined);
    if (pr === undefined) return { kind: 'ask', text: 'Which pull request should I merge? For example: "merge PR #42 in acme/api".' };
    if (!repo) return { kind: 'ask', text: `Which repository is pull request #${pr} in? For example: "merge PR #${pr} in acme/api".` };
    return { kind: 'tool', name: 'github_merge_pull_request', args: { owner: repo.owner, repo: repo.repo, pull_number: pr, merge_method: mergeMethod(text) } };
  }
  if (ISSUE.test(text) && number !== undefined) {
    if (!repo) return { kind: 'ask', text: `Which repository is issue #${number} in? For example: "show issue #${number} in acme/api".` };
    return { kind: 'tool', name: 'github_get_issue', args: { owner: repo.owner, repo: repo.repo, issue_number: number } };
  }

  if (number !== undefined && (MENTIONS_PRS.test(text) || /#\d/.test(text) || ref?.number !== undefined)) {
    if (!repo) return { kind: 'ask', text: `Which repository is pull request #${number} in? For example: "show PR #${number} in acme/api".` };
    return { kind: 'tool', name: 'github_get_pull_request', args: { owner: repo.owner, repo: repo.repo, pull_number: number } };
  }
  if (MENTIONS_PRS.test(text)) {
    if (!repo) return { kind: 'ask', text: 'Which repository should I look at? For example: "list open pull requests in acme/api".' };
    return { kind: 'tool', name: 'github_list_pull_requests', args: { owner: repo.owner, repo: repo.repo, state: prState(text) } };
  }
  if (MENTIONS_REPOS.test(text) && !ref) {
    return { kind: 'tool', name: 'github_list_my_repositories', args: {} };
  }
  return { kind: 'unknown' };
}
