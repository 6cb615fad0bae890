/** Plain-English GitHub questions → GitHub read tool calls, or one short question when something is missing. */
import {
  ENVIRONMENTS,
  itemWord,
  LABELS,
  labelsIn,
  MENTIONS_ISSUES,
  MENTIONS_PRS,
  MENTIONS_REPOS,
  NOT_BRANCHES,
  repoArgs,
  targetItem,
  whichRepo,
} from './github-items.js';
import { ask, callTool, type Reader } from './interpretation.js';
import { findUrlBranch, findWorkflowFile, withoutRepoPhrases } from './references.js';
import { decodeSlackEntities, leadingQuote, restoreQuotes } from './request-text.js';

const listReviewRequests: Reader = (req) => {
  if (req.item) return undefined;
  const t = req.text;
  const mine =
    /\breview[\s-]requests?\b|\brequested\s+reviews?\b/i.test(t) ||
    (/\breview/i.test(t) && /\b(my|me|i)\b/i.test(t) && /\b(need|needs|needing|waiting|awaiting|pending|requested|assigned|should|to review)\b/i.test(t));
  return mine && !req.repo ? callTool('github_list_review_requests', {}) : undefined;
};

const SUMMARIZE = /\b(summari[sz]e|summary|tl;?dr|recap|review|explain|walk\s+me\s+through|digest|what\s+does\b.*\bdo|what'?s\s+in)\b/i;

const summarizePullRequest: Reader = (req) => {
  if (!SUMMARIZE.test(req.text) || req.item?.kind === 'issue') return undefined;
  const pr = targetItem(req, 'pull');
  if (!pr || pr.kind === 'issue') return undefined;
  if (!pr.repo) return whichRepo(`pull request #${pr.number}`, `summarise PR #${pr.number} in acme/api`);
  return callTool('github_summarize_pull_request', { ...repoArgs(pr.repo), pull_number: pr.number });
};

/** "show PR 12", "acme/api#7", "issue 7", a GitHub URL, "the second one", "show it again". */
const showItem: Reader = (req) => {
  const item = targetItem(req, 'any');
  if (!item) {
    if (req.item === undefined && !(req.ordinal !== undefined && req.memory.list?.kind === 'items')) return undefined;
    return ask(`There is no such item in the last list. For example: "show the first one", or "show PR #3 in acme/api".`);
  }
  if (!req.item && req.ordinal === undefined && !/\b(show|display|open|view|see|details?|again|about|status|state|what|is|was|how|check)\b/i.test(req.text))
    return undefined;
  const kind = item.kind ?? 'pull';
  if (!item.repo) return whichRepo(`${itemWord(kind)} #${item.number}`, `show ${kind === 'issue' ? 'issue' : 'PR'} #${item.number} in acme/api`);
  return kind === 'issue'
    ? callTool('github_get_issue', { ...repoArgs(item.repo), issue_number: item.number })
    : callTool('github_get_pull_request', { ...repoArgs(item.repo), pull_number: item.number });
};

function branchOf(text: string): string | undefined {
  const rest = withoutRepoPhrases(text);
  const candidates = [
    findUrlBranch(text),
    /\bbranch\s+`?([A-Za-z0-9._/-]*[A-Za-z0-9_-])/i.exec(rest)?.[1],
    /\b`?([A-Za-z0-9._/-]*[A-Za-z0-9_-])`?\s+branch\b/i.exec(rest)?.[1],
    /\b(?:on|for|of)\s+`?([A-Za-z0-9._/-]*[A-Za-z0-9_-])`?/i.exec(rest)?.[1],
  ];
  return candidates.find((b) => b && !NOT_BRANCHES.has(b.toLowerCase()) && !ENVIRONMENTS[b.toLowerCase()] && !/^\d+$/.test(b));
}

function limitOf(text: string, nouns: string): number | undefined {
  const m = new RegExp(
    `\\b(?:last|latest|recent|first|top|newest)\\s+(\\d{1,3})\\b|\\b(\\d{1,3})\\s+(?:most\\s+)?(?:recent\\s+|latest\\s+|newest\\s+|last\\s+)?(?:open\\s+|closed\\s+|merged\\s+)?(?:${nouns})\\b`,
    'i',
  ).exec(text);
  const n = Number(m?.[1] ?? m?.[2]);
  return n > 0 ? n : undefined;
}

const RUN_STATUS: Array<[RegExp, string]> = [
  [/\b(failed|failing|broken|red)\b/i, 'failure'],
  [/\b(successful|succeeded|passing|passed|green)\b/i, 'success'],
  [/\b(running|in[\s-]progress|ongoing)\b/i, 'in_progress'],
  [/\bqueued\b/i, 'queued'],
  [/\b(cancell?ed)\b/i, 'cancelled'],
];
const RUN_NOUNS = '(?:workflow\\s+)?(?:runs?|builds?|ci|jobs?|pipelines?|workflows?|deploys?|deployments?|checks?)';

const listWorkflowRuns: Reader = (req) => {
  if (!/\b(workflow\s+runs?|runs|ci|builds?|pipelines?|actions|checks|workflows?|deploys|deployments)\b/i.test(req.text) || req.item) return undefined;
  const repo = req.repo ?? req.memory.repo;
  if (!repo) return ask('Which repository should I look at? For example: "show the CI runs in acme/api".');
  // A status filter only when it qualifies the runs ("failed runs"), not in a question ("did CI fail?").
  const status = RUN_STATUS.find(([word]) => new RegExp(`${word.source}\\s+${RUN_NOUNS}\\b`, 'i').test(req.text))?.[1];
  const workflow = findWorkflowFile(req.text);
  const branch = branchOf(req.text);
  return callTool('github_list_workflow_runs', {
    ...repoArgs(repo),
    ...(workflow ? { workflow } : {}),
    ...(branch ? { branch } : {}),
    ...(status ? { status } : {}),
  });
};

const listCommits: Reader = (req) => {
  if (!/\bcommits?\b|\bgit\s+log\b|\bcommit\s+history\b|\bwhat(?:'s|\s+has)?\s+changed\b|\bchangelog\b|\bpushed\b/i.test(req.text)) return undefined;
  const repo = req.repo ?? req.memory.repo;
  if (!repo) return ask('Which repository should I look at? For example: "show the last 10 commits on main in acme/api".');
  const branch = branchOf(req.text);
  const limit = limitOf(req.text, 'commits?|changes');
  return callTool('github_list_commits', { ...repoArgs(repo), ...(branch ? { branch } : {}), ...(limit ? { limit } : {}) });
};

function stateOf(text: string): 'open' | 'closed' | 'all' | undefined {
  const open = /\bopen\b/i.test(text);
  const closed = /\b(closed|merged|resolved|done)\b/i.test(text);
  if (open && closed) return 'all';
  if (closed) return 'closed';
  if (open) return 'open';
  return /\b(all|every)\s+(the\s+)?(prs?|pull|issues?|bugs?)/i.test(text) ? 'all' : undefined;
}

const searchIssues: Reader = (req) => {
  if (!/\b(search|find|look\s+for|look\s+up|any)\b/i.test(req.text) || !MENTIONS_ISSUES.test(req.text) || req.item) return undefined;
  const after = withoutRepoPhrases(req.text)
    .split(/\b(?:issues?|bugs?|tickets?)\b/i)
    .slice(1)
    .join(' ');
  const phrase =
    /^\s*(?:(?:that\s+)?(?:are\s+)?(?:open|closed)\s+)?(?:about|for|mentioning|matching|containing|regarding|related\s+to|that\s+mention|with\s+the\s+words?|on)\s+(.+?)[\s?.!]*$/i.exec(
      after,
    )?.[1];
  const query = req.quotes[0] ?? phrase;
  if (!query?.trim()) return undefined;
  const repo = req.repo ?? req.memory.repo;
  const state = stateOf(req.text.replace(/⟦\d+⟧/g, ''));
  return callTool('github_search_issues', {
    query: decodeSlackEntities(restoreQuotes(query, req.quotes)),
    ...(repo ? repoArgs(repo) : {}),
    ...(state && state !== 'all' ? { state } : {}),
  });
};

const listIssues: Reader = (req) => {
  if (!/\b(issues|bugs|tickets)\b|\bissue\s+(?:list|tracker)\b/i.test(req.text) || req.item) return undefined;
  const repo = req.repo ?? req.memory.repo;
  if (!repo) return ask('Which repository should I look at? For example: "list open issues in acme/api".');
  const rest = withoutRepoPhrases(req.text);
  const labels = new RegExp(`\\b(?:labell?ed|with\\s+(?:the\\s+)?labels?|tagged)\\s+(${LABELS})`, 'i').exec(rest)?.[1];
  const assignee = /\bassigned\s+to\s+@?([A-Za-z0-9][A-Za-z0-9-]{0,38})\b/i.exec(rest)?.[1];
  if (assignee && /^(me|myself)$/i.test(assignee))
    return ask(`What is your GitHub username? For example: "issues assigned to alice in ${repo.owner}/${repo.repo}".`);
  const state = stateOf(req.text);
  const labelList = labels ? labelsIn(labels) : [];
  return callTool('github_list_issues', {
    ...repoArgs(repo),
    ...(state ? { state } : {}),
    ...(labelList.length ? { labels: labelList } : {}),
    ...(assignee ? { assignee } : {}),
  });
};

const NOT_PEOPLE = /^(me|myself|the|a|an|my|us|them|anyone|someone|github|label|date|state)$/i;

const listPullRequests: Reader = (req) => {
  if (!MENTIONS_PRS.test(req.text)) return undefined;
  const repo = req.repo ?? req.memory.repo;
  if (!repo) return ask('Which repository should I look at? For example: "list open pull requests in acme/api".');
  const rest = withoutRepoPhrases(req.text);
  const login = '@?([A-Za-z0-9][A-Za-z0-9-]{0,38})(?![\\w/.@-])';
  const author = new RegExp(
    `(?<!\\b(?:reviewed|approved)\\s)\\b(?:by|authored\\s+by|opened\\s+by|created\\s+by|written\\s+by|from\\s+user)\\s+${login}`,
    'i',
  ).exec(rest)?.[1];
  const reviewer = new RegExp(
    `\\b(?:reviewed\\s+by|reviews?\\s+requested\\s+from|with\\s+reviewer|reviewer)\\s+${login}|\\bwaiting\\s+(?:for|on)\\s+${login}(?:'s)?\\s+review`,
    'i',
  ).exec(rest);
  const label = /\b(?:with\s+(?:the\s+)?label|labell?ed|tagged)\s+(?:(⟦\d+⟧)|`?([\w:./-]+))/i.exec(rest);
  const limit = limitOf(req.text, 'prs|pull\\s+requests|pulls');
  const reviewerLogin = reviewer?.[1] ?? reviewer?.[2];
  const labelName = label?.[1] ? leadingQuote(label[1], req.quotes) : label?.[2];
  return callTool('github_list_pull_requests', {
    ...repoArgs(repo),
    state: stateOf(req.text) ?? 'open',
    ...(author && !NOT_PEOPLE.test(author) && !/^\d+$/.test(author) ? { author } : {}),
    ...(reviewerLogin && !NOT_PEOPLE.test(reviewerLogin) ? { reviewer: reviewerLogin } : {}),
    ...(labelName ? { label: labelName } : {}),
    ...(limit ? { limit } : {}),
  });
};

const listRepositories: Reader = (req) => {
  if (!MENTIONS_REPOS.test(req.text) || req.repo) return undefined;
  const limit = limitOf(req.text, 'repos?|repositories|projects');
  return callTool('github_list_my_repositories', limit ? { limit } : {});
};

/** GitHub writes, most specific first; checked before the calendar and Slack readers. */

/** GitHub reads, checked after the calendar and Slack readers (their words are more general). */
export const githubReadReaders: Reader[] = [
  listReviewRequests,
  summarizePullRequest,
  showItem,
  listWorkflowRuns,
  listCommits,
  searchIssues,
  listIssues,
  listPullRequests,
  listRepositories,
];
