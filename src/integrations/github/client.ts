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
export function createGitHubClient(token: string, baseUrl: string): GitHubClient {
  return new Octokit({
    auth: token,
    baseUrl,
    userAgent: 'AgentHub',
    throttle: { enabled: false },
    retry: { enabled: true, retries: 2, doNotRetry: DO_NOT_RETRY },
    request: { timeout: 10_000 },
  });
}
