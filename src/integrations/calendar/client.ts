import { calendar, type calendar_v3 } from '@googleapis/calendar';

export type CalendarClient = calendar_v3.Calendar;

/** How long one request to Google Calendar may take before it counts as unanswered. */
export const CALENDAR_TIMEOUT_MS = 10_000;

/** Transient server errors are retried twice, quickly; reads only (see `readRetry`). */
const RETRY = {
  retry: 2,
  retryDelay: 200,
  maxRetryDelay: 1_000,
  noResponseRetries: 1,
  // A 429 is answered, not waited out: a Slack user is better served by "try again in 30 seconds".
  statusCodesToRetry: [[500, 599]],
  // Writes are sent once: a retried insert after a lost answer would book the meeting twice.
  httpMethodsToRetry: ['GET'],
};

/** Per-call options for a read sent as POST (freeBusy), so it is retried like the other reads. */
export const readRetry = { retryConfig: { ...RETRY, httpMethodsToRetry: ['POST'] } };

/**
 * A Google Calendar v3 client for one call, built from a Token Vault access token. The token is
 * sent as a bearer header; gaxios redacts it from the errors it throws.
 */
export function createCalendarClient(accessToken: string, rootUrl: string, { timeoutMs = CALENDAR_TIMEOUT_MS }: { timeoutMs?: number } = {}): CalendarClient {
  return calendar({
    version: 'v3',
    rootUrl,
    headers: { Authorization: `Bearer ${accessToken}` },
    // Per request (each retry gets its own): a Google that stops answering ends in a sentence, not a hang.
    timeout: timeoutMs,
    retryConfig: RETRY,
  });
}
