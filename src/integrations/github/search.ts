import type { GitHubClient } from './client.js';
import { labelNames } from './text.js';

/*
 * GitHub issue search (GET /search/issues), shared by github_list_review_requests and
 * github_search_issues: building a query from untrusted words, and one row per result.
 */

type SearchItem = Awaited<ReturnType<GitHubClient['rest']['search']['issuesAndPullRequests']>>['data']['items'][number];

/** Qualifiers that choose where to search; the tool sets scope itself when given a repository. */
const SCOPE_QUALIFIERS = new Set(['repo', 'org', 'user', 'owner']);
/** Qualifiers the tool sets itself (kind, state), so the person's text cannot contradict them. */
const TOOL_QUALIFIERS = new Set(['is', 'type', 'state']);
/** Qualifiers passed through from the person's text: they only narrow a search. */
const NARROWING_QUALIFIERS = new Set(['label', 'author', 'assignee', 'mentions', 'commenter', 'involves', 'milestone', 'no', 'created', 'updated', 'closed']);

/**
 * The person's words as GitHub search terms. Free text is quoted (so `OR`, parentheses or a stray
 * quote stay literal), narrowing qualifiers pass through, and qualifiers that would widen the
 * scope (`repo:`, `org:`, `user:`) or contradict the tool's own (`is:`, `state:`) are dropped
 * when the tool sets them.
 */
export function searchTerms(text: string, { scoped }: { scoped: boolean }): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(-?)([A-Za-z-]+):("[^"]*"|\S+)|"([^"]*)"?|(\S+)/g)) {
    const [, neg, key, value, phrase, word] = m;
    if (key && value !== undefined) {
      const k = key.toLowerCase();
      const v = value.replaceAll('"', '');
      if (TOOL_QUALIFIERS.has(k) || (scoped && SCOPE_QUALIFIERS.has(k))) continue;
      if ((NARROWING_QUALIFIERS.has(k) || SCOPE_QUALIFIERS.has(k)) && v && /^[\w.@/*<>=:-]+$/.test(v)) {
        out.push(`${neg}${k}:${v}`);
        continue;
      }
    }
    const term = (phrase ?? word ?? m[0]).replaceAll('"', '').trim();
    if (term) out.push(`"${term}"`);
  }
  return out;
}

export interface SearchRow {
  repository: string;
  number: number;
  title: string;
  state: string;
  author: string;
  is_pull_request: boolean;
  draft: boolean;
  labels: string[];
  comments: number;
  url: string;
  updated_at: string;
}

/** One search result as the tools report it; the repository comes from `repository_url`. */
export function searchRow(item: SearchItem): SearchRow {
  return {
    repository: item.repository_url.split('/repos/')[1] ?? '',
    number: item.number,
    title: item.title.slice(0, 256),
    state: item.state,
    author: item.user?.login ?? 'unknown',
    is_pull_request: Boolean(item.pull_request),
    draft: Boolean(item.draft),
    labels: labelNames(item.labels),
    comments: item.comments,
    url: item.html_url,
    updated_at: item.updated_at,
  };
}

/** One search request (search is capped at 100 per page; the tools ask for fewer). */
export async function runIssueSearch(
  github: GitHubClient,
  q: string,
  opts: { limit: number; sort?: 'created' | 'updated' | 'comments'; order?: 'asc' | 'desc' },
): Promise<{ total: number; rows: SearchRow[] }> {
  const { data } = await github.rest.search.issuesAndPullRequests({
    q,
    per_page: opts.limit,
    ...(opts.sort ? { sort: opts.sort, order: opts.order ?? 'desc' } : {}),
  });
  return { total: data.total_count, rows: data.items.slice(0, opts.limit).map(searchRow) };
}
