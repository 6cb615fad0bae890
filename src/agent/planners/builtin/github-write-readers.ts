/** Plain-English GitHub changes → GitHub write tool calls, or one short question when something is missing. */
import { ENVIRONMENT, ENVIRONMENTS, itemWord, LABELS, labelsIn, NOT_BRANCHES, PLURAL_LISTING, repoArgs, targetItem, whichRepo } from './github-items.js';
import { ask, callTool, isQuestion, type Reader, type Request } from './interpretation.js';
import { findPeople, findWorkflowFile, LOGIN_LIST, splitLogins, withoutRepoPhrases } from './references.js';
import { decodeSlackEntities, leadingQuote, restoreQuotes } from './request-text.js';

const DELETE_BRANCH = /\b(delete|remove|drop|clean\s*up)\b.*\bbranch\b|\bbranch\b.*\b(delete|remove|drop)\b/i;

const deleteBranch: Reader = (req) => {
  if (!DELETE_BRANCH.test(req.text) || isQuestion(req)) return undefined;
  const rest = withoutRepoPhrases(req.text);
  const quoted = /\bbranch\s+(⟦\d+⟧)/i.exec(rest);
  const named = /\bbranch(?:es)?\s+`?([A-Za-z0-9._/-]*[A-Za-z0-9_-])`?/i.exec(rest)?.[1];
  const before = /\b(?:the\s+)?`?([A-Za-z0-9._/-]*[A-Za-z0-9_-])`?\s+branch\b/i.exec(rest)?.[1];
  const branch = (quoted ? leadingQuote(quoted[1] ?? '', req.quotes) : undefined) ?? [named, before].find((b) => b && !NOT_BRANCHES.has(b.toLowerCase()));
  if (!branch) return ask('Which branch should I delete? For example: "delete branch old/experiment in acme/api".');
  const repo = req.repo ?? req.memory.repo;
  if (!repo) return whichRepo(`the branch ${branch}`, `delete branch ${branch} in acme/api`);
  return callTool('github_delete_branch', { ...repoArgs(repo), branch });
};

const DEPLOY =
  /(?:^|\b(?:to|and|then|now|just|also)\s+)(re-?deploy|deploy|roll\s*out|release|ship|promote)\b(?!\s+(?:workflows?|runs?|status|history|logs?|pipelines?)\b)/i;
const RUN_WORKFLOW = /(?:^|\b(?:to|and|then|now|just|also)\s+)(run|re-?run|trigger|start|dispatch|kick\s*off|launch|execute)\b/i;
const REF = /\b(?:branch|ref|tag|from|on|against)\s+`?([A-Za-z0-9._/-]*[A-Za-z0-9_-])`?/i;

function environmentOf(text: string): string | undefined {
  const m = ENVIRONMENT.exec(text);
  const word = (m?.[1] ?? m?.[2])?.toLowerCase();
  return word ? (ENVIRONMENTS[word] ?? word) : undefined;
}

function refOf(text: string): string | undefined {
  const ref = REF.exec(withoutRepoPhrases(text))?.[1];
  return ref && !NOT_BRANCHES.has(ref.toLowerCase()) && !ENVIRONMENTS[ref.toLowerCase()] ? ref : undefined;
}

/** key=value workflow inputs. */
function inputsOf(req: Request): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const m of req.text.matchAll(/\b([A-Za-z_][\w-]{0,40})=(⟦\d+⟧|[^\s,]+)/g)) if (m[1] && m[2]) inputs[m[1]] = restoreQuotes(m[2], req.quotes);
  return inputs;
}

/** "deploy acme/api to staging" runs deploy.yml with environment=staging; "run ci.yml on main" runs that file on that ref. */
const dispatchWorkflow: Reader = (req) => {
  if (isQuestion(req)) return undefined;
  const deploy = DEPLOY.exec(req.text);
  const file = findWorkflowFile(req.text);
  const environment = environmentOf(req.text);
  const ref = refOf(req.text);
  const repo = req.repo ?? req.memory.repo;
  if (deploy && (environment || /deploy|roll/i.test(deploy[1] ?? ''))) {
    if (!environment) return ask(`Which environment should I deploy to? For example: "deploy ${repo ? `${repo.owner}/${repo.repo}` : 'acme/api'} to staging".`);
    if (!repo) return whichRepo(`the deployment to ${environment}`, `deploy acme/api to ${environment}`);
    return callTool('github_dispatch_workflow', {
      ...repoArgs(repo),
      workflow: file ?? 'deploy.yml',
      ...(ref ? { ref } : {}),
      inputs: { ...inputsOf(req), environment },
    });
  }
  if (!RUN_WORKFLOW.test(req.text) || !(file || /\b(workflows?|pipelines?|actions?)\b/i.test(req.text))) return undefined;
  if (!file) return ask('Which workflow file should I run? For example: "run ci.yml on main in acme/api".');
  if (!repo) return whichRepo(`the workflow ${file}`, `run ${file} on main in acme/api`);
  const inputs = { ...inputsOf(req), ...(environment ? { environment } : {}) };
  return callTool('github_dispatch_workflow', {
    ...repoArgs(repo),
    workflow: file,
    ...(ref ? { ref } : {}),
    ...(Object.keys(inputs).length ? { inputs } : {}),
  });
};

const MERGE = /\b(merge|squash|land|ship)\b(?![\s-]+requests?\b)/i;

function mergeMethod(text: string): 'merge' | 'squash' | 'rebase' {
  if (/\brebase\b/i.test(text)) return 'rebase';
  if (/\b(merge commit|no[- ]squash|regular merge|without squash(?:ing)?)\b/i.test(text)) return 'merge';
  return 'squash';
}

const mergePullRequest: Reader = (req) => {
  if (!MERGE.test(req.text) || isQuestion(req)) return undefined;
  const pr = targetItem(req, 'pull');
  if (!pr) return ask('Which pull request should I merge? For example: "merge PR #42 in acme/api".');
  if (!pr.repo) return whichRepo(`pull request #${pr.number}`, `merge PR #${pr.number} in acme/api`);
  return callTool('github_merge_pull_request', { ...repoArgs(pr.repo), pull_number: pr.number, merge_method: mergeMethod(req.text) });
};

const REVIEWER_PHRASES = [
  new RegExp(`\\brequest(?:ing)?\\s+(?:an?\\s+)?reviews?\\s+(?:from|by)\\s+(${LOGIN_LIST})`, 'i'),
  new RegExp(`\\bask\\s+(${LOGIN_LIST})\\s+(?:to|for(?:\\s+an?)?)\\s+review`, 'i'),
  new RegExp(`\\badd\\s+(${LOGIN_LIST})\\s+as\\s+(?:an?\\s+)?reviewers?\\b`, 'i'),
  new RegExp(`\\b(?:get|have)\\s+(${LOGIN_LIST})\\s+(?:to\\s+)?review\\b`, 'i'),
  new RegExp(`\\b(?:add|set|assign)\\s+reviewers?\\s*:?\\s+(${LOGIN_LIST})`, 'i'),
];

const requestReviewers: Reader = (req) => {
  if (isQuestion(req)) return undefined;
  const phrase = REVIEWER_PHRASES.map((p) => p.exec(req.text)?.[1]).find(Boolean);
  const asksForReview = /\b(ask|request|add|get|have|assign)\b.*\breview/i.test(req.text);
  if (!phrase && !(asksForReview && findPeople(req.text).length)) return undefined;
  const reviewers = phrase ? splitLogins(phrase) : [];
  if (!reviewers.length) return ask('Which GitHub usernames should review it? For example: "ask alice and bob to review PR #12 in acme/api".');
  const pr = targetItem(req, 'pull');
  if (!pr) return ask(`Which pull request should ${reviewers.join(' and ')} review? For example: "ask ${reviewers[0]} to review PR #12 in acme/api".`);
  if (!pr.repo) return whichRepo(`pull request #${pr.number}`, `ask ${reviewers[0]} to review PR #${pr.number} in acme/api`);
  return callTool('github_request_reviewers', { ...repoArgs(pr.repo), pull_number: pr.number, reviewers });
};

/** A quoted passage introduced by one of the words ("with comment 'duplicate'"). */
function quoteAfter(req: Request, words: string): string | undefined {
  const m = new RegExp(`\\b(?:${words})\\s*:?\\s*(⟦\\d+⟧)`, 'i').exec(req.text);
  return m?.[1] ? leadingQuote(m[1], req.quotes) : undefined;
}

const closeIssue: Reader = (req) => {
  if (!/\b(close|resolve)\b/i.test(req.text) || isQuestion(req)) return undefined;
  const issue = targetItem(req, 'issue');
  if (!issue) return ask('Which issue should I close? For example: "close issue #7 in acme/api".');
  if (!issue.repo) return whichRepo(`${itemWord(issue.kind)} #${issue.number}`, `close issue #${issue.number} in acme/api`);
  const reason = /\b(not[\s_]planned|won'?t\s+fix|wontfix|duplicate|invalid|obsolete|stale)\b/i.test(req.text)
    ? 'not_planned'
    : /\b(as\s+)?(completed?|done|fixed)\b/i.test(req.text)
      ? 'completed'
      : undefined;
  const comment = quoteAfter(req, 'comment|note|message|saying') ?? (req.quotes.length === 1 && /\bcomment\b/i.test(req.text) ? req.quotes[0] : undefined);
  return callTool('github_close_issue', {
    ...repoArgs(issue.repo),
    issue_number: issue.number,
    ...(reason ? { reason } : {}),
    ...(comment ? { comment: decodeSlackEntities(comment) } : {}),
  });
};

const CREATE_ISSUE =
  /\b(create|open|file|raise|log|submit|add|make|write|report|new)\s+(?:(?:a|an|the|new|another)\s+)*(issue|bug(?:\s+report)?|ticket)\b(?!\s*#?\s*\d)/i;
const TITLE_END = '(?=\\s+(?:with|and\\s+assign|assign(?:ed)?|labell?ed|label)\\b|[,;]|$)';

const createIssue: Reader = (req) => {
  if (!CREATE_ISSUE.test(req.text) || isQuestion(req)) return undefined;
  const body = quoteAfter(req, 'body|description|details|saying|that says|text');
  const title =
    quoteAfter(req, 'titled|called|named|title') ??
    req.quotes.find((q) => q !== body) ??
    new RegExp(`\\b(?:titled|called|named)\\s+(.+?)${TITLE_END}`, 'i').exec(req.text)?.[1] ??
    new RegExp(`:\\s*(.+?)${TITLE_END}`).exec(withoutRepoPhrases(req.text))?.[1];
  const repo = req.repo ?? req.memory.repo;
  if (!title?.trim())
    return ask(
      `What should the issue be called? For example: "create an issue in ${repo ? `${repo.owner}/${repo.repo}` : 'acme/api'} titled 'Login fails on Safari'".`,
    );
  if (!repo) return whichRepo('the new issue', "create an issue in acme/api titled 'Login fails on Safari'");
  const labels = new RegExp(`\\b(?:with\\s+(?:the\\s+)?labels?|labell?ed|tagged)\\s+(${LABELS})`, 'i').exec(withoutRepoPhrases(req.text))?.[1];
  const assignees = new RegExp(`\\bassign(?:ed)?\\s+(?:it\\s+)?to\\s+(${LOGIN_LIST})`, 'i').exec(req.text)?.[1];
  const labelList = labels ? labelsIn(labels) : [];
  const assigneeList = assignees ? splitLogins(assignees) : [];
  return callTool('github_create_issue', {
    ...repoArgs(repo),
    title: decodeSlackEntities(restoreQuotes(title, req.quotes)),
    ...(body ? { body: decodeSlackEntities(body) } : {}),
    ...(labelList.length ? { labels: labelList } : {}),
    ...(assigneeList.length ? { assignees: assigneeList } : {}),
  });
};

const comment: Reader = (req) => {
  const commentVerb = /\b(comment|reply|respond)\b/i.test(req.text);
  const writeVerb = /\b(post|write|leave|add|say)\b/i.test(req.text) && req.quotes.length > 0;
  if (!(commentVerb || writeVerb) || isQuestion(req)) return undefined;
  const item = targetItem(req, 'any');
  if (!item && !commentVerb) return undefined;
  const body = req.quotes[0] ?? /(?::|\bsaying)\s*(.+)$/i.exec(req.text)?.[1];
  if (!item) return ask(`Where should I comment? For example: "comment 'on it' on issue #7 in acme/api".`);
  const where = `${itemWord(item.kind)} #${item.number}`;
  if (!body?.trim()) return ask(`What should the comment on ${where} say? For example: "comment 'on it' on ${where}".`);
  if (!item.repo) return whichRepo(where, `comment 'on it' on ${where} in acme/api`);
  return callTool('github_comment', { ...repoArgs(item.repo), issue_number: item.number, body: decodeSlackEntities(restoreQuotes(body, req.quotes)) });
};

const LABEL_PHRASES = [
  new RegExp(`\\b(?:label(?:led)?|tag(?:ged)?|mark(?:ed)?)\\s+(?:(?:as|with)\\s+)?(?:(?:the\\s+)?labels?\\s+)?(${LABELS})`, 'i'),
  new RegExp(`\\b(?:add|apply|put|set)\\s+(?:the\\s+)?(?:labels?\\s+)?(${LABELS}?)(?:\\s+labels?)?\\s+(?:to|on)\\b`, 'i'),
  new RegExp(`\\b(?:add|apply|put|set)\\s+(?:the\\s+)?labels?\\s+(${LABELS})`, 'i'),
];

const addLabels: Reader = (req) => {
  if (!/\b(label|tag|mark)\b|\b(add|apply|put|set)\b.*\blabels?\b/i.test(req.text) || isQuestion(req)) return undefined;
  const item = targetItem(req, 'any');
  if (!item && PLURAL_LISTING.test(req.text)) return undefined;
  // Item references are removed first so "label it bug" and "label issue 7 as bug" read alike.
  const rest = withoutRepoPhrases(req.text)
    .replace(/\b(?:issue|pr|pull[\s-]?request|pull|bug|ticket)\s*#?\s*\d+|#\d+/gi, ' ')
    .replace(/\bthe\s+\w+\s+(?:one|issue|pr)\b|\b(?:it|this|that|this one|that one)\b/gi, ' ')
    .replace(/\s+/g, ' ');
  const quoted = req.quotes.length ? req.quotes : undefined;
  const phrase = LABEL_PHRASES.map((p) => p.exec(rest)?.[1]).find((l) => l && labelsIn(l).length);
  const labels = quoted ?? (phrase ? labelsIn(phrase) : []);
  if (!item) return ask(`Which issue or pull request should I label? For example: "label issue #7 in acme/api as ${labels[0] ?? 'bug'}".`);
  const where = `${itemWord(item.kind)} #${item.number}`;
  if (!labels.length) return ask(`Which labels should I add to ${where}? For example: "label ${where} as bug".`);
  if (!item.repo) return whichRepo(where, `label ${where} in acme/api as ${labels[0]}`);
  return callTool('github_add_labels', { ...repoArgs(item.repo), issue_number: item.number, labels });
};

/** GitHub writes, most specific first; checked before the calendar and Slack readers. */
export const githubWriteReaders: Reader[] = [deleteBranch, dispatchWorkflow, mergePullRequest, requestReviewers, closeIssue, createIssue, comment, addLabels];
