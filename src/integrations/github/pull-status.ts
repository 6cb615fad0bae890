import { clip } from '../../slack/mrkdwn.js';
import type { GitHubClient } from './client.js';
import { logins, plural } from './text.js';

/*
 * Check runs and reviews of a pull request, summarised once for every tool that shows them (the
 * merge preview, github_get_pull_request, github_summarize_pull_request).
 */

type CheckRun = Awaited<ReturnType<GitHubClient['rest']['checks']['listForRef']>>['data']['check_runs'][number];
type Review = Awaited<ReturnType<GitHubClient['rest']['pulls']['listReviews']>>['data'][number];

export interface CheckTally {
  total: number;
  passed: number;
  failed: number;
  pending: number;
  skipped: number;
  /** Names of the failed runs (clipped), the ones a reviewer needs. */
  failing: string[];
}

export interface ReviewStatus {
  /** Reviewers whose latest verdict is an approval. */
  approved_by: string[];
  changes_requested_by: string[];
  /** Reviews asked for and not given yet. */
  requested_reviewers: string[];
}

const FAILED_CONCLUSIONS = new Set(['failure', 'timed_out', 'cancelled', 'action_required', 'startup_failure', 'stale']);

export function tallyChecks(runs: readonly Pick<CheckRun, 'name' | 'status' | 'conclusion'>[]): CheckTally {
  const passed = runs.filter((r) => r.status === 'completed' && r.conclusion === 'success').length;
  const failed = runs.filter((r) => r.status === 'completed' && FAILED_CONCLUSIONS.has(r.conclusion ?? ''));
  const pending = runs.filter((r) => r.status !== 'completed').length;
  return {
    total: runs.length,
    passed,
    failed: failed.length,
    pending,
    skipped: runs.length - passed - failed.length - pending,
    failing: failed.slice(0, 20).map((r) => clip(r.name, 60)),
  };
}

/** "2 passed, 1 failed (lint)": failures are named (up to 3), since they are what an approver needs. */
export function describeChecks(t: CheckTally): string {
  if (!t.total) return 'no checks';
  const names = t.failing.slice(0, 3);
  const parts = [
    t.passed ? `${t.passed} passed` : '',
    t.failed ? `${t.failed} failed (${names.join(', ')}${t.failed > names.length ? ', …' : ''})` : '',
    t.pending ? `${t.pending} pending` : '',
    t.skipped ? `${t.skipped} skipped` : '',
  ];
  return parts.filter(Boolean).join(', ');
}

export function summarizeChecks(runs: readonly Pick<CheckRun, 'name' | 'status' | 'conclusion'>[]): string {
  return describeChecks(tallyChecks(runs));
}

/** Each reviewer's latest approving, change-requesting or dismissed review counts, as on GitHub. */
export function reviewStatus(reviews: readonly Pick<Review, 'user' | 'state'>[], requested: readonly string[] = []): ReviewStatus {
  const latest = new Map<string, string>();
  for (const r of reviews) {
    const who = r.user?.login;
    if (!who) continue;
    if (r.state === 'APPROVED' || r.state === 'CHANGES_REQUESTED' || r.state === 'DISMISSED') latest.set(who, r.state);
  }
  const by = (state: string) => [...latest].filter(([, s]) => s === state).map(([who]) => who);
  return { approved_by: by('APPROVED'), changes_requested_by: by('CHANGES_REQUESTED'), requested_reviewers: [...requested] };
}

/** "2 approvals, 1 requesting changes" (counts, for the merge preview). */
export function describeReviews(s: ReviewStatus): string {
  const parts = [
    s.approved_by.length ? plural(s.approved_by.length, 'approval') : 'no approvals',
    s.changes_requested_by.length ? `${s.changes_requested_by.length} requesting changes` : '',
  ];
  return parts.filter(Boolean).join(', ');
}

export function summarizeReviews(reviews: readonly Pick<Review, 'user' | 'state'>[]): string {
  return describeReviews(reviewStatus(reviews));
}

/** "approved by bob; changes requested by carol; waiting on octo" (who, for people reading a pull request). */
export function describeReviewers(s: ReviewStatus, name: (login: string) => string = (l) => l): string {
  const parts = [
    s.approved_by.length ? `approved by ${s.approved_by.map(name).join(', ')}` : '',
    s.changes_requested_by.length ? `changes requested by ${s.changes_requested_by.map(name).join(', ')}` : '',
    s.requested_reviewers.length ? `waiting on ${s.requested_reviewers.map(name).join(', ')}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join('; ') : 'no reviews yet';
}

/** Reads the check runs on the head commit and the reviews of a pull request. */
export async function readPullStatus(
  github: GitHubClient,
  owner: string,
  repo: string,
  pr: { number: number; head: { sha: string }; requested_reviewers?: ReadonlyArray<{ login: string } | null> | null },
): Promise<{ checks: CheckTally; reviews: ReviewStatus }> {
  const [runs, reviews] = await Promise.all([
    github.paginate(github.rest.checks.listForRef, { owner, repo, ref: pr.head.sha, per_page: 100 }),
    github.paginate(github.rest.pulls.listReviews, { owner, repo, pull_number: pr.number, per_page: 100 }),
  ]);
  return { checks: tallyChecks(runs), reviews: reviewStatus(reviews, logins(pr.requested_reviewers)) };
}
