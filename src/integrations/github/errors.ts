import { AgentHubError } from '../../errors.js';
import { clip, escapeMrkdwn } from '../../slack/mrkdwn.js';

/**
 * Maps GitHub HTTP failures to sentences a Slack user can act on. A 401 is not mapped here: it
 * must reach the vault adapter untouched, which drops the token and asks the user to reconnect.
 */
export function explainGitHubError(err: unknown, target: string): unknown {
  const status = (err as { status?: number }).status;
  const headers = (err as { response?: { headers?: Record<string, string | undefined> } }).response?.headers ?? {};
  if (status === 404) {
    return new AgentHubError('not_found', `GitHub 404 for ${target}`, `I couldn't find ${target} on GitHub, or your GitHub account can't see it.`, {
      cause: err,
    });
  }
  if (status === 429 || (status === 403 && (headers['x-ratelimit-remaining'] === '0' || headers['retry-after']))) {
    const retryAfter = Number(headers['retry-after'] ?? Number.NaN);
    const reset = Number(headers['x-ratelimit-reset'] ?? Number.NaN);
    const wait = Number.isFinite(retryAfter) ? retryAfter : Number.isFinite(reset) ? Math.max(0, Math.ceil(reset - Date.now() / 1000)) : undefined;
    const when = wait === undefined ? 'in a few minutes' : wait < 90 ? `in about ${Math.max(1, wait)} seconds` : `in about ${Math.ceil(wait / 60)} minutes`;
    return new AgentHubError('rate_limited', `GitHub rate limit for ${target}`, `GitHub is rate-limiting your account right now. Try again ${when}.`, {
      cause: err,
    });
  }
  if (status === 403) {
    return new AgentHubError('upstream_rejected', `GitHub 403 for ${target}`, `GitHub refused access to ${target} for your account.`, { cause: err });
  }
  if (status === 401) return err;
  if (typeof status === 'number' && status >= 500) {
    return new AgentHubError(
      'upstream_unavailable',
      `GitHub ${status} for ${target}`,
      timedOut(err)
        ? `GitHub did not answer in time about ${target}. Nothing was changed; try again shortly.`
        : 'GitHub is having trouble right now (it returned a server error). Nothing was changed; try again shortly.',
      { cause: err },
    );
  }
  return err;
}

/** Octokit reports a request that hit our deadline as a 500 whose cause is the fetch's TimeoutError. */
function timedOut(err: unknown): boolean {
  return (err as { cause?: { name?: string } }).cause?.name === 'TimeoutError';
}

/** Runs one GitHub call, turning its failure into a sentence about `target`. */
export async function withGitHubErrors<T>(target: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw explainGitHubError(err, target);
  }
}

/** The first line of GitHub's error message (`response.data.message`), or ''. */
export function githubMessage(err: unknown): string {
  const data = (err as { response?: { data?: unknown } }).response?.data;
  const message = data && typeof data === 'object' ? (data as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message.split('\n')[0]!.trim() : '';
}

/** "GitHub refused to merge pull request #1 in acme/api (GitHub says: …); nothing was merged." */
export function refusedByGitHub(err: unknown, action: string, undone = 'nothing was changed'): AgentHubError {
  const status = (err as { status?: number }).status;
  const message = githubMessage(err);
  const because = message ? ` (GitHub says: ${escapeMrkdwn(clip(message, 200))})` : '';
  return new AgentHubError('upstream_rejected', `${action}: ${status} ${message}`, `GitHub refused to ${action}${because}; ${undone}.`, { cause: err });
}

/**
 * A write that failed on GitHub's side may still have happened: say so rather than "nothing changed",
 * so the person checks before asking again (and doing it twice).
 */
export function unsureWhetherDone(err: unknown, doing: string, outcome: string, check: string): AgentHubError {
  const status = (err as { status?: number }).status;
  return new AgentHubError(
    'upstream_unavailable',
    `${doing}: ${status}`,
    `GitHub failed while ${doing}, so I can't tell whether ${outcome}. Check ${check} before asking again.`,
    { cause: err },
  );
}

/** Explains a failed write: GitHub's refusal (422 and the like), an unknown outcome (5xx), or the usual read errors. */
export function explainWriteError(err: unknown, action: string, target: string): unknown {
  const status = (err as { status?: number }).status;
  if (status === 405 || status === 409 || status === 410 || status === 422) return refusedByGitHub(err, action);
  if (typeof status === 'number' && status >= 500) return unsureWhetherDone(err, `trying to ${action}`, 'it happened', `${target} on GitHub`);
  return explainGitHubError(err, target);
}

/** Runs one GitHub write, turning its failure into a sentence about `action` on `target`. */
export async function withGitHubWrite<T>(action: string, target: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw explainWriteError(err, action, target);
  }
}
