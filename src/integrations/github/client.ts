import { Octokit } from 'octokit';

export type GitHubClient = Octokit;

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
    retry: { enabled: true, retries: 2 },
    request: { timeout: 10_000 },
  });
}
