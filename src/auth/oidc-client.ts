import { createRemoteJWKSet, customFetch, errors, type JWTPayload, jwtVerify } from 'jose';

/**
 * The bot's OpenID Connect client for Auth0 (Authorization Code + PKCE, confidential client).
 *
 * It knows the protocol and nothing about why a hop happens: step-up, sign-in and connect
 * each decide which checks of `verifyIdToken` they need. Auth0 is always `https://${domain}`
 * (CONTRACT.md), and every call goes through global `fetch` (jose's JWKS fetch included), so a
 * test's `NODE_EXTRA_CA_CERTS` or undici dispatcher reaches the local fake unchanged.
 *
 * Codes and tokens are never put in an error message: errors carry Auth0's `error` code and
 * its description only.
 */

export interface OidcClientOptions {
  /** Tenant host, optionally `host:port`; never a URL. */
  domain: string;
  clientId: string;
  clientSecret: string;
  /** The one callback URL registered at Auth0 for this client (e.g. `${PUBLIC_URL}/auth/callback`). */
  redirectUri: string;
  /** Seconds of clock skew accepted on `exp`, `iat`, `nbf` and `auth_time`. Default 30. */
  clockToleranceSeconds?: number;
  /** Clock for token checks (tests). */
  now?: () => Date;
  /** Replaces global fetch for the token endpoint and the JWKS (e.g. a fetch bound to an undici dispatcher). */
  fetch?: typeof fetch;
  /** Timeout of each call to Auth0, ms. Default 10 000. */
  timeoutMs?: number;
  /**
   * Demo only: where browsers are sent to sign in, when not `https://${domain}/authorize` (the demo's
   * Auth0 stand-in serves its pages over plain http). Everything else is unchanged: the token
   * endpoint and JWKS stay at `https://${domain}`, and the id_token `iss` must still be `https://${domain}/`.
   */
  authorizeUrl?: string;
}

export interface AuthorizeParams {
  state: string;
  nonce: string;
  codeChallenge: string;
  /** Space-separated; must contain `openid`. */
  scope: string;
  acrValues?: string;
  /** e.g. `login` to force a fresh login. */
  prompt?: string;
  /** Seconds; `0` demands an authentication now. */
  maxAge?: number;
  loginHint?: string;
  audience?: string;
}

export interface TokenSet {
  idToken: string;
  accessToken?: string;
  refreshToken?: string;
  expiresIn?: number;
  scope?: string;
}

export interface IdTokenClaims extends JWTPayload {
  sub: string;
  nonce: string;
  auth_time?: number;
  amr?: string[];
  email?: string;
  email_verified?: boolean;
  name?: string;
}

export interface VerifyIdTokenOptions {
  /** The nonce sent to /authorize for this hop. */
  nonce: string;
  /** `amr` must contain `mfa`. */
  requireMfa?: boolean;
  /** `auth_time` must be present and no older than this many seconds. */
  maxAuthAgeSeconds?: number;
  /** `sub` must be exactly this user. */
  expectedSub?: string;
}

export type IdTokenRejectionReason =
  | 'bad_signature'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'expired'
  | 'wrong_nonce'
  | 'no_mfa'
  | 'stale_auth'
  | 'wrong_user'
  | 'malformed'
  /** The signing keys could not be fetched: the token is unverified, not known to be bad. */
  | 'keys_unavailable';

const REJECTION_SENTENCES: Record<IdTokenRejectionReason, string> = {
  bad_signature: 'The sign-in could not be confirmed as coming from Auth0 (its signature did not check out).',
  wrong_issuer: 'The sign-in came from a different Auth0 tenant than the one AgentHub uses.',
  wrong_audience: 'The sign-in was made for a different application than AgentHub.',
  expired: 'The sign-in had already expired when it reached AgentHub.',
  wrong_nonce: 'The sign-in does not belong to this verification request (it may have been started in another tab or replayed).',
  no_mfa: 'The sign-in did not include multi-factor authentication.',
  stale_auth: 'The sign-in was not recent enough; you need to sign in again now.',
  wrong_user: 'You signed in as a different person than the one who asked.',
  malformed: 'The sign-in response from Auth0 was not in the expected form.',
  keys_unavailable: "AgentHub could not fetch Auth0's signing keys to check the sign-in.",
};

/** An id_token that must not be trusted; `reason` is a stable code, `message` a sentence fit for a person. */
export class IdTokenRejected extends Error {
  override readonly name = 'IdTokenRejected';
  /**
   * `detail` says which check failed, for logs (e.g. `ERR_JWT_CLAIM_VALIDATION_FAILED aud check_failed`).
   * jose's own error is not kept as `cause`: it carries the token's claims, which do not belong in a log line.
   */
  constructor(
    readonly reason: IdTokenRejectionReason,
    message: string = REJECTION_SENTENCES[reason],
    readonly detail?: string,
  ) {
    super(message);
  }
}

/** Auth0's token endpoint answered with an error (`error` is Auth0's code, e.g. `invalid_grant`). */
export class TokenEndpointError extends Error {
  override readonly name = 'TokenEndpointError';
  constructor(
    readonly status: number,
    readonly error: string,
    readonly errorDescription: string | undefined,
  ) {
    super(`Auth0 token endpoint answered ${status} ${error}${errorDescription ? `: ${errorDescription}` : ''}`);
  }
}

export interface OidcClient {
  /** `https://${domain}/`, as Auth0 writes `iss`. */
  readonly issuer: string;
  readonly clientId: string;
  readonly redirectUri: string;
  /** The browser URL of Auth0's /authorize for an Authorization Code + PKCE (S256) request. */
  authorizeUrl(params: AuthorizeParams): string;
  /** POST /oauth/token `grant_type=authorization_code` with the PKCE verifier. Throws TokenEndpointError. */
  exchangeCode(params: { code: string; codeVerifier: string }): Promise<TokenSet>;
  /** Verifies signature (JWKS, RS256), `iss`, `aud`, `exp`, then the hop's own checks. Throws IdTokenRejected. */
  verifyIdToken(idToken: string, options: VerifyIdTokenOptions): Promise<IdTokenClaims>;
}

export function createOidcClient({
  domain,
  clientId,
  clientSecret,
  redirectUri,
  clockToleranceSeconds = 30,
  now = () => new Date(),
  fetch: fetchImpl,
  timeoutMs = 10_000,
  authorizeUrl: authorizeEndpoint,
}: OidcClientOptions): OidcClient {
  if (/^[a-z]+:\/\//i.test(domain) || domain.includes('/')) throw new TypeError('The Auth0 domain is a host (optionally host:port), not a URL');
  const base = `https://${domain}`;
  const authorizeBase = new URL(authorizeEndpoint ?? `${base}/authorize`);
  if (!/^https?:$/.test(authorizeBase.protocol)) throw new TypeError('The authorize URL must be an http(s) URL');
  const issuer = `${base}/`;
  const doFetch: typeof fetch = (input, init) => (fetchImpl ?? globalThis.fetch)(input, init);
  // One key set per client: jose caches the keys and refetches on an unknown `kid` (at most every 30 s).
  const jwks = createRemoteJWKSet(new URL(`${base}/.well-known/jwks.json`), {
    timeoutDuration: timeoutMs,
    ...(fetchImpl ? { [customFetch]: fetchImpl } : {}),
  });

  return {
    issuer,
    clientId,
    redirectUri,

    authorizeUrl(p) {
      if (!p.scope.split(/\s+/).includes('openid')) throw new TypeError('An OpenID Connect request needs the openid scope');
      const url = new URL(authorizeBase);
      const q = url.searchParams;
      q.set('response_type', 'code');
      q.set('client_id', clientId);
      q.set('redirect_uri', redirectUri);
      q.set('scope', p.scope);
      q.set('state', p.state);
      q.set('nonce', p.nonce);
      q.set('code_challenge', p.codeChallenge);
      q.set('code_challenge_method', 'S256');
      if (p.acrValues !== undefined) q.set('acr_values', p.acrValues);
      if (p.prompt !== undefined) q.set('prompt', p.prompt);
      if (p.maxAge !== undefined) q.set('max_age', String(p.maxAge));
      if (p.loginHint !== undefined) q.set('login_hint', p.loginHint);
      if (p.audience !== undefined) q.set('audience', p.audience);
      return url.toString();
    },

    async exchangeCode({ code, codeVerifier }) {
      const res = await doFetch(`${base}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: clientId,
          client_secret: clientSecret,
          code,
          code_verifier: codeVerifier,
          redirect_uri: redirectUri,
        }).toString(),
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      let body: Record<string, unknown> = {};
      try {
        const parsed = JSON.parse(text) as unknown;
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
      } catch {
        // not JSON: handled below
      }
      const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
      if (!res.ok) {
        throw new TokenEndpointError(res.status, str(body.error) ?? 'server_error', str(body.error_description));
      }
      const idToken = str(body.id_token);
      if (!idToken) throw new TokenEndpointError(res.status, 'invalid_response', 'The token response has no id_token');
      const set: TokenSet = { idToken };
      const accessToken = str(body.access_token);
      const refreshToken = str(body.refresh_token);
      const scope = str(body.scope);
      if (accessToken) set.accessToken = accessToken;
      if (refreshToken) set.refreshToken = refreshToken;
      if (scope) set.scope = scope;
      if (typeof body.expires_in === 'number' && Number.isFinite(body.expires_in)) set.expiresIn = body.expires_in;
      return set;
    },

    async verifyIdToken(idToken, opts) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(idToken, jwks, {
          issuer,
          audience: clientId,
          algorithms: ['RS256'],
          requiredClaims: ['sub', 'iat', 'exp'],
          clockTolerance: clockToleranceSeconds,
          currentDate: now(),
        }));
      } catch (err) {
        throw new IdTokenRejected(rejectionOf(err), undefined, describeJoseError(err));
      }
      const claims = payload as IdTokenClaims;
      if (typeof claims.sub !== 'string' || claims.sub === '') throw new IdTokenRejected('malformed');
      // Auth0 may send a single audience as an array with an `azp`; when it does, `azp` must be us.
      if (Array.isArray(claims.aud) && claims.aud.length > 1 && claims.azp !== clientId) throw new IdTokenRejected('wrong_audience');
      if (typeof claims.nonce !== 'string' || !opts.nonce || claims.nonce !== opts.nonce) throw new IdTokenRejected('wrong_nonce');
      if (opts.expectedSub !== undefined && claims.sub !== opts.expectedSub) throw new IdTokenRejected('wrong_user');
      if (opts.requireMfa && !(Array.isArray(claims.amr) && claims.amr.includes('mfa'))) throw new IdTokenRejected('no_mfa');
      if (claims.auth_time !== undefined && (typeof claims.auth_time !== 'number' || !Number.isFinite(claims.auth_time)))
        throw new IdTokenRejected('malformed');
      if (opts.maxAuthAgeSeconds !== undefined) {
        if (claims.auth_time === undefined)
          throw new IdTokenRejected('stale_auth', 'The sign-in did not say when you authenticated, so it cannot count as recent.');
        const nowSeconds = Math.floor(now().getTime() / 1000);
        if (claims.auth_time > nowSeconds + clockToleranceSeconds) throw new IdTokenRejected('malformed');
        if (nowSeconds - claims.auth_time > opts.maxAuthAgeSeconds + clockToleranceSeconds) throw new IdTokenRejected('stale_auth');
      }
      return claims;
    },
  };
}

/** jose's failure → our reason code. Anything unrecognised is `malformed`: refused, never trusted. */
function rejectionOf(err: unknown): IdTokenRejectionReason {
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return 'wrong_issuer';
    if (err.claim === 'aud') return 'wrong_audience';
    return 'malformed';
  }
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JOSEAlgNotAllowed)
    return 'bad_signature';
  if (err instanceof errors.JWKSMultipleMatchingKeys) return 'bad_signature';
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) return 'keys_unavailable';
  if (err instanceof errors.JOSEError && err.code === 'ERR_JOSE_GENERIC') return 'keys_unavailable'; // JWKS answered non-200 / not JSON
  if (err instanceof TypeError && err.message === 'fetch failed') return 'keys_unavailable'; // network or TLS
  return 'malformed';
}

function describeJoseError(err: unknown): string {
  if (err instanceof errors.JWTClaimValidationFailed || err instanceof errors.JWTExpired) return `${err.code} ${err.claim} ${err.reason}`;
  if (err instanceof errors.JOSEError) return err.code;
  const cause = (err as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return err instanceof Error ? `${err.name}${typeof cause === 'string' ? ` ${cause}` : ''}` : 'unknown';
}
