/** What GitHub requests share: the pull request or issue pointed at, repository arguments, labels, environments. */
import { ask, type Interpretation, type Request } from './interpretation.js';
import { type ItemKind, mentionsPronoun, pick, type RepoRef } from './references.js';

export const PLURAL_LISTING = /\b(issues|prs|pull[\s-]?requests|pulls|bugs|tickets)\b/i;
export const MENTIONS_PRS = /\b(prs?|mrs?|pull[\s-]?requests?|pulls|merge[\s-]?requests?)\b/i;
export const MENTIONS_ISSUES = /\b(issues?|bugs?|tickets?)\b/i;
export const MENTIONS_REPOS = /\b(repos?|repositories|repository|projects)\b/i;
export const LABELS = '[\\w:./-]+(?:\\s*(?:,|\\band\\b|&)\\s*[\\w:./-]+)*';
const NOT_LABELS = new Set(['the', 'a', 'an', 'as', 'with', 'label', 'labels', 'to', 'on', 'and', 'it', 'this', 'that', 'in', 'of']);
/** Words that follow "branch" or "on" but are not branch names. */
export const NOT_BRANCHES = new Set('the a an my this that it its old stale merged remote same today tomorrow github ci pr me there here time'.split(' '));
export const ENVIRONMENTS: Record<string, string> = {
  production: 'production',
  prod: 'production',
  staging: 'staging',
  stage: 'staging',
  stg: 'staging',
  development: 'development',
  dev: 'development',
  qa: 'qa',
  test: 'test',
  testing: 'testing',
  uat: 'uat',
  preview: 'preview',
  sandbox: 'sandbox',
  demo: 'demo',
  canary: 'canary',
};
export const ENVIRONMENT = new RegExp(
  `\\b(?:to|on|in|into|for)\\s+(?:the\\s+)?(${Object.keys(ENVIRONMENTS).join('|')})\\b|\\bto\\s+(?:the\\s+)?([a-z][\\w-]{1,30})\\s+(?:env|environment)\\b`,
  'i',
);

export const repoArgs = (r: RepoRef) => ({ owner: r.owner, repo: r.repo });
export const labelsIn = (list: string) => list.split(/\s*(?:,|\band\b|&)\s*/i).filter((l) => l && !NOT_LABELS.has(l.toLowerCase()));

/** A pull request or issue the request points at: by number, as "the second one" of the last list, or as "it". */
export interface ItemTarget {
  number: number;
  kind?: ItemKind;
  repo?: RepoRef;
}

export function targetItem(req: Request, want: ItemKind | 'any'): ItemTarget | undefined {
  const { memory } = req;
  const listed = memory.list?.kind === 'items' ? memory.list.items : [];
  if (req.item) {
    const known = listed.find((i) => i.number === req.item?.number);
    const kind = req.item.kind ?? (MENTIONS_ISSUES.test(req.text) ? 'issue' : MENTIONS_PRS.test(req.text) ? 'pull' : known?.kind);
    return { number: req.item.number, kind, repo: req.repo ?? known?.repo ?? memory.repo };
  }
  if (req.ordinal !== undefined && listed.length) {
    const chosen = pick(listed, req.ordinal);
    return chosen ? { number: chosen.number, kind: chosen.kind, repo: req.repo ?? chosen.repo } : undefined;
  }
  const focus = memory.focus?.kind === 'item' ? memory.focus.item : undefined;
  if (
    focus &&
    (mentionsPronoun(req.text) || /\bthe\s+(pr|pull request|issue)\b/i.test(req.text)) &&
    (want === 'any' || focus.kind === want || want === 'issue')
  ) {
    return { number: focus.number, kind: focus.kind, repo: req.repo ?? focus.repo };
  }
  return undefined;
}

export const itemWord = (kind: ItemKind | undefined) => (kind === 'issue' ? 'issue' : 'pull request');
export const whichRepo = (what: string, example: string): Interpretation => ask(`Which repository is ${what} in? For example: "${example}".`);

/** The GitHub link of the pull request or issue a request names (for an event's description). */
export function itemLink(req: Request): string | undefined {
  const item = req.item ? targetItem(req, 'any') : undefined;
  if (!item?.repo) return undefined;
  return `https://github.com/${item.repo.owner}/${item.repo.repo}/${item.kind === 'issue' ? 'issues' : 'pull'}/${item.number}`;
}
