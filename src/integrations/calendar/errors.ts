import { AgentHubError } from '../../errors.js';
import { clip, escapeMrkdwn } from '../../slack/mrkdwn.js';

/** What a failed Google call said: HTTP status, the first `reason`, the message and Retry-After. */
interface GoogleFailure {
  status: number | undefined;
  reason: string | undefined;
  message: string;
  retryAfter: number | undefined;
}

const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'TimeoutError', 'UND_ERR_SOCKET']);

function failureOf(err: unknown): GoogleFailure {
  const e = err as { status?: unknown; response?: { status?: unknown; data?: unknown; headers?: unknown } };
  const status = typeof e.status === 'number' ? e.status : typeof e.response?.status === 'number' ? e.response.status : undefined;
  const body = (e.response?.data ?? {}) as { error?: { message?: unknown; errors?: Array<{ reason?: unknown }> } };
  const reason = body.error?.errors?.[0]?.reason;
  const message = body.error?.message;
  const retryAfter = Number(header(e.response?.headers, 'retry-after') ?? Number.NaN);
  return {
    status,
    reason: typeof reason === 'string' ? reason : undefined,
    message: typeof message === 'string' ? message.split('\n')[0]!.trim() : '',
    retryAfter: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined,
  };
}

/** gaxios 7 hands back fetch `Headers`; older clients a plain object. */
function header(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** For writes: what was being done, so a server error can say whether it might have happened anyway. */
export interface WriteAttempt {
  /** "creating the event" */
  doing: string;
  /** "created" */
  done: string;
}

/**
 * Maps Google Calendar failures to sentences a Slack user can act on. A 401 is returned untouched
 * (status intact): the vault adapter turns it into "reconnect Google Calendar".
 */
export function explainCalendarError(err: unknown, target: string, write?: WriteAttempt): unknown {
  const f = failureOf(err);
  const cause = { cause: err };
  if (f.status === 401) return err;
  if (f.status === 404 || f.status === 410) {
    return new AgentHubError(
      'not_found',
      `Google ${f.status} for ${target}`,
      `I couldn't find ${target} in Google Calendar; it may have been deleted, or your account can't see it.`,
      cause,
    );
  }
  if (f.status === 429 || (f.status === 403 && f.reason && RATE_REASONS.has(f.reason))) {
    const wait = f.retryAfter;
    const when =
      wait === undefined ? 'in a minute or two' : wait < 90 ? `in about ${Math.max(1, Math.ceil(wait))} seconds` : `in about ${Math.ceil(wait / 60)} minutes`;
    return new AgentHubError(
      'rate_limited',
      `Google ${f.status} ${f.reason ?? ''} for ${target}`,
      `Google Calendar is rate-limiting your account right now. Try again ${when}.`,
      cause,
    );
  }
  if (f.status === 403 && f.reason === 'forbiddenForNonOrganizer') {
    return new AgentHubError(
      'upstream_rejected',
      `Google 403 ${f.reason} for ${target}`,
      `Only the organizer of ${target} can change it; ask them, or change your own answer instead.`,
      cause,
    );
  }
  if (f.status === 403) {
    return new AgentHubError(
      'upstream_rejected',
      `Google 403 ${f.reason ?? ''} for ${target}: ${f.message}`,
      `Google Calendar refused access to ${target} for your account${f.reason === 'insufficientPermissions' ? ' (the connection lacks the calendar access this needs; reconnect Google Calendar)' : ''}.`,
      cause,
    );
  }
  if (f.status === 400 || f.status === 409 || f.status === 412) {
    const says = f.message ? ` (Google says: ${escapeMrkdwn(clip(f.message, 200))})` : '';
    const nothing = write ? ' Nothing was changed.' : '';
    return new AgentHubError(
      'upstream_rejected',
      `Google ${f.status} ${f.reason ?? ''} for ${target}: ${f.message}`,
      `Google Calendar refused the request for ${target}${says}.${nothing}`,
      cause,
    );
  }
  const serverError = typeof f.status === 'number' && f.status >= 500;
  const unreachable = f.status === undefined && (NETWORK_CODES.has(String((err as { code?: unknown }).code)) || timedOut(err));
  if (serverError || unreachable) {
    const what = serverError ? 'is having trouble right now (it returned a server error)' : "didn't answer";
    return new AgentHubError(
      'upstream_unavailable',
      `Google ${f.status ?? (err as { code?: unknown }).code} for ${target}`,
      write
        ? `Google Calendar ${what} while ${write.doing}, so I can't tell whether it was ${write.done}. Check your calendar before asking again.`
        : `Google Calendar ${what}. Nothing was changed; try again shortly.`,
      cause,
    );
  }
  return err;
}

/** gaxios ends a request that ran past its `timeout` with an abort, and never retries one itself. */
function timedOut(err: unknown): boolean {
  const e = err as { name?: unknown; cause?: { name?: unknown } };
  return e.name === 'AbortError' || e.cause?.name === 'AbortError';
}

/** A read that Google did not answer in time is asked again this many times; a write never is. */
const READ_TIMEOUT_RETRIES = 2;

/** Runs one Google Calendar call, turning its failure into a sentence about `target`. */
export async function withCalendarErrors<T>(target: string, fn: () => Promise<T>, write?: WriteAttempt): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!write && timedOut(err) && attempt < READ_TIMEOUT_RETRIES) continue;
      throw explainCalendarError(err, target, write);
    }
  }
}
