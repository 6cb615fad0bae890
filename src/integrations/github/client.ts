import { Octokit } from 'octokit';

export type GitHubClient = Octokit;

/**
 * Statuses retrying cannot fix. Octokit's default list lacks 429 (a retry only spends more of the
 * rate limit and keeps the person waiting), 405 and 409 (GitHub's answer will be the same).
 */
const DO_NOT_RETRY = [400, 401, 403, 404, 405, 409, 410, 422, 429, 451];

/**
 * A GitHub client for one call, built from a Token Vault token. Octokit's throttling plugin would
 * sleep for minutes on a rate limit; a Slack user is better served by a clear answer, so it is
 * off and rate limits surface as errors (see errors.ts). Retries of transient 5xx stay bounded.
 */
export function createGitHubClient(token: string, baseUrl: string, { timeoutMs = GITHUB_TIMEOUT_MS }: { timeoutMs?: number } = {}): GitHubClient {
  return new Octokit({
    auth: token,
    baseUrl,
    userAgent: 'AgentHub',
    throttle: { enabled: false },
    retry: { enabled: true, retries: 2, doNotRetry: DO_NOT_RETRY },
    request: { fetch: fetchWithin(timeoutMs) },
  });
}

/**
 * Each request to GitHub gets this long. Octokit 5 ignores `request.timeout` (its fetch-based
 * transport never reads it: measured, a 3 s answer was awaited in full), so the deadline is put on
 * the fetch itself. A timed-out read is retried like a 5xx; the whole call stays bounded.
 */
export const GITHUB_TIMEOUT_MS = 10_000;

function fetchWithin(ms: number): typeof fetch {
  return (input, init = {}) => {
    const deadline = AbortSignal.timeout(ms);
    return fetch(input, { ...init, signal: init.signal ? AbortSignal.any([init.signal, deadline]) : deadline });
  };
}
