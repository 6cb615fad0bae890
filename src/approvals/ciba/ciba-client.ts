/**
 * Auth0 CIBA over plain `fetch` (wire format: reference/auth0.md §4.2, §4.3).
 *
 * We do not use @auth0/ai's AsyncAuthorizer: a durable poller shared by several processes
 * (ciba-poller.ts) must own every poll and its schedule. This module only speaks the protocol;
 * it keeps no state, does no scheduling and never logs.
 *
 * A successful poll returns tokens. We only need the fact that the user approved, so the body is
 * drained and dropped unread: no token from this flow is ever returned, stored or logged.
 */
import { AgentHubError } from '../../errors.js';
import { sanitizeBindingMessage } from './binding-message.js';

export const CIBA_GRANT_TYPE = 'urn:openid:params:grant-type:ciba';
/** CIBA Core §7.3: the client MUST use 5 s when the server sends no interval. */
export const DEFAULT_INTERVAL_SECONDS = 5;
const DEFAULT_TIMEOUT_MS = 10_000;

export interface CibaClientConfig {
  /** Tenant host, e.g. `agenthub.eu.auth0.com`; requests go to `https://${domain}`. */
  domain: string;
  clientId: string;
  clientSecret: string;
  /** API audience for the (discarded) access token; omitted from the request when unset. */
  audience?: string;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
}

export interface CibaStartParams {
  /** Auth0 user id, e.g. `auth0|abc` (sent as an `iss_sub` login_hint). */
  auth0Sub: string;
  /** Shown in Guardian; sanitized here (see binding-message.ts). */
  bindingMessage: string;
  /** Space-separated; `openid` is added when missing. Default `openid`. */
  scope?: string;
  /** Seconds. ≤ 300 → Guardian push; 301–259200 → email (auth0.md §7.3). Default 300. */
  requestedExpiry?: number;
}

export interface CibaStartResult {
  authReqId: string;
  /** Seconds until Auth0 forgets the request. */
  expiresIn: number;
  /** Minimum seconds between polls (5 when Auth0 sends none). */
  interval: number;
}

export type CibaPollResult =
  | { status: 'approved' }
  | { status: 'pending' }
  | { status: 'slow_down'; retryAfterSeconds?: number }
  | { status: 'denied'; message: string }
  | { status: 'expired'; message: string }
  | { status: 'error'; message: string };

export interface CibaClient {
  start(params: CibaStartParams): Promise<CibaStartResult>;
  /**
   * One poll. Definitive answers are results; a transient failure (network, timeout, 5xx,
   * unreadable body) throws a `CibaError` with `transient: true` so the caller can retry later.
   */
  poll(authReqId: string): Promise<CibaPollResult>;
}

/**
 * An Auth0 CIBA failure. `error`/`errorDescription` are Auth0's; `userMessage` is a sentence
 * for Slack. Messages never contain the client secret or an auth_req_id.
 */
export class CibaError extends AgentHubError {
  constructor(
    readonly error: string,
    readonly errorDescription: string | undefined,
    readonly status: number | undefined,
    readonly transient: boolean,
    userMessage: string,
    options?: { cause?: unknown },
  ) {
    super(
      transient ? 'upstream_unavailable' : 'upstream_rejected',
      `Auth0 CIBA ${error}${status ? ` (HTTP ${status})` : ''}${errorDescription ? `: ${errorDescription}` : ''}`,
      userMessage,
      options,
    );
    this.name = 'CibaError';
  }
}

const START_MESSAGES: Record<string, string> = {
  invalid_request:
    'Auth0 could not send you an approval request. Most often this means you have not enrolled in Auth0 Guardian push notifications (MFA); it can also mean the request itself was malformed.',
  unknown_user_id: 'Auth0 does not know your account, so it cannot send you an approval request. Link your account again and retry.',
  invalid_client: 'AgentHub is not allowed to ask Auth0 for approvals (client credentials rejected). An administrator needs to fix the configuration.',
  unauthorized_client: 'AgentHub is not allowed to ask Auth0 for approvals (CIBA is not enabled for it). An administrator needs to fix the configuration.',
  access_denied: 'Auth0 refused to start the approval request for AgentHub. An administrator needs to check the Auth0 configuration.',
  invalid_scope: 'Auth0 rejected the permissions AgentHub asked you to approve.',
};

export function createCibaClient(config: CibaClientConfig): CibaClient {
  const base = `https://${config.domain}`;
  const issuer = `${base}/`;
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  async function post(path: string, form: URLSearchParams): Promise<Response> {
    try {
      return await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw new CibaError(
        timedOut ? 'timeout' : 'network_error',
        timedOut ? `no answer within ${timeoutMs} ms` : 'request failed',
        undefined,
        true,
        'Auth0 could not be reached to ask for your approval. Nothing was done; try again in a moment.',
        { cause: err },
      );
    }
  }

  return {
    async start({ auth0Sub, bindingMessage, scope = 'openid', requestedExpiry = 300 }) {
      const form = new URLSearchParams({
        client_id: config.clientId,
        client_secret: config.clientSecret,
        login_hint: JSON.stringify({ format: 'iss_sub', iss: issuer, sub: auth0Sub }),
        scope: withOpenId(scope),
        binding_message: sanitizeBindingMessage(bindingMessage),
        requested_expiry: String(Math.max(1, Math.floor(requestedExpiry))),
      });
      // auth0's SDK sends an empty `audience=` when none is configured (auth0.md §4.2); we do not.
      if (config.audience) form.set('audience', config.audience);

      const res = await post('/bc-authorize', form);
      const body = await readJson(res);
      if (!res.ok) throw startError(res.status, body);
      const authReqId = body?.auth_req_id;
      const expiresIn = Number(body?.expires_in);
      if (typeof authReqId !== 'string' || !authReqId || !Number.isFinite(expiresIn) || expiresIn <= 0) {
        throw new CibaError(
          'invalid_response',
          'bc-authorize answered without auth_req_id/expires_in',
          res.status,
          true,
          'Auth0 gave an unexpected answer when asked for your approval. Nothing was done.',
        );
      }
      const interval = Number(body?.interval);
      return { authReqId, expiresIn, interval: Number.isFinite(interval) && interval > 0 ? interval : DEFAULT_INTERVAL_SECONDS };
    },

    async poll(authReqId) {
      const form = new URLSearchParams({
        grant_type: CIBA_GRANT_TYPE,
        auth_req_id: authReqId,
        client_id: config.clientId,
        client_secret: config.clientSecret,
      });
      const res = await post('/oauth/token', form);
      if (res.ok) {
        // Tokens: drained, never parsed into anything we keep.
        await res.arrayBuffer().catch(() => undefined);
        return { status: 'approved' };
      }
      const body = await readJson(res);
      const error = typeof body?.error === 'string' ? body.error : undefined;
      const description = typeof body?.error_description === 'string' ? body.error_description : undefined;
      // 401 is client authentication (Auth0 says `access_denied` there too): not the user's answer.
      if (res.status === 401) {
        return { status: 'error', message: `Auth0 rejected AgentHub's client credentials while checking the approval${error ? ` (${error})` : ''}.` };
      }
      switch (error) {
        case 'authorization_pending':
          return { status: 'pending' };
        case 'slow_down': {
          const retryAfterSeconds = parseRetryAfter(res.headers.get('retry-after'));
          return retryAfterSeconds === undefined ? { status: 'slow_down' } : { status: 'slow_down', retryAfterSeconds };
        }
        case 'access_denied':
          // Auth0 reports both a refusal and an expired request this way (auth0.md §4.3).
          return { status: 'denied', message: 'The request was denied in Auth0 Guardian, or it expired before anyone answered.' };
        case 'expired_token':
          return { status: 'expired', message: 'The approval request expired before it was answered.' };
        case 'invalid_grant':
          return { status: 'error', message: `Auth0 no longer knows this approval request${description ? ` (${description})` : ''}.` };
      }
      if (res.status >= 500 || res.status === 429 || error === undefined) {
        throw new CibaError(
          error ?? 'invalid_response',
          description ?? (error ? undefined : 'unreadable error body'),
          res.status,
          true,
          'Auth0 could not answer about your approval just now; AgentHub will ask again.',
        );
      }
      return { status: 'error', message: `Auth0 rejected the approval check: ${error}${description ? ` (${description})` : ''}.` };
    },
  };
}

function withOpenId(scope: string): string {
  const parts = scope.split(/\s+/).filter(Boolean);
  return (parts.includes('openid') ? parts : ['openid', ...parts]).join(' ');
}

async function readJson(res: Response): Promise<Record<string, unknown> | undefined> {
  try {
    const v = (await res.json()) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function startError(status: number, body: Record<string, unknown> | undefined): CibaError {
  // Auth0 uses {error, error_description}; some endpoints answer {code, description}.
  const error = String(body?.error ?? body?.code ?? (status >= 500 ? 'server_error' : 'invalid_response'));
  const rawDescription = body?.error_description ?? body?.description;
  const description = typeof rawDescription === 'string' ? rawDescription : undefined;
  const transient = status >= 500 || status === 429;
  const userMessage =
    START_MESSAGES[error] ??
    (transient
      ? 'Auth0 could not take the approval request just now. Nothing was done; try again in a moment.'
      : `Auth0 refused the approval request (${error}). Nothing was done.`);
  return new CibaError(error, description, status, transient, userMessage);
}

/** `Retry-After`: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
