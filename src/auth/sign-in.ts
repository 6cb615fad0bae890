import type { CustomRoute } from '@slack/bolt';
import type { Redis } from 'ioredis';
import type { SlackIdentity } from '../identity.js';
import type { Logger } from '../logger.js';
import type { Keys } from '../store/keys.js';
import type { LinkedAccountStore } from '../vault/linked-accounts.js';
import { DEFAULT_HOP_TTL_SECONDS, digestId, type HopStore } from './browser-hops.js';
import { authorizationError, type CallbackHandler, callbackUrl } from './callback.js';
import { IdTokenRejected, type OidcClient, TokenEndpointError } from './oidc-client.js';
import { browserRoute, type Page, queryOf } from './pages.js';
import { createNonce, createPkce } from './pkce.js';

/**
 * Sign-in: links a Slack user to their Auth0 user and keeps the refresh token Token Vault
 * exchanges (auth0.md §8.1, CONTRACT.md "Browser hops").
 *
 * `linkFor(...)` mints one single-use hop of kind `sign_in` holding who asked (the Slack user,
 * never anything the browser says), where to resume in Slack, the nonce and the PKCE verifier,
 * and returns `${publicUrl}/auth/sign-in?state=<state>`. GET /auth/sign-in redirects to Auth0
 * /authorize (`offline_access`, S256, nonce, `prompt=login`) WITHOUT consuming the hop, so a
 * browser reload works; the shared callback consumes it (a replayed callback exchanges nothing).
 *
 * The hop store has no non-consuming read, so linkFor also stores a small start record next to the
 * hop, holding only what /authorize shows anyway (nonce, code challenge); the callback deletes it.
 * The verifier and the Slack identity exist only in the hop.
 *
 * The callback links only after the code exchange (with the verifier), a verified id_token (JWKS
 * signature, iss, aud, exp, nonce) and a refresh token in the response; anything else stores
 * nothing. Codes, tokens and states are never logged.
 */

export const SIGN_IN_PATH = '/auth/sign-in';
export const SIGN_IN_SCOPE = 'openid profile email offline_access';

/** Where the Slack conversation that asked for the sign-in continues once it is done. */
export interface SignInResume {
  channel: string;
  threadTs: string;
  text: string;
}

export interface SignedIn {
  /** The Slack user the link was made for (from the hop, never from the browser). */
  who: SlackIdentity;
  auth0Sub: string;
  email?: string;
  resume?: SignInResume;
}

export interface SignInOptions {
  redis: Redis;
  keys: Keys;
  hops: HopStore;
  /** Its `redirectUri` must be `${publicUrl}/auth/callback`. */
  oidc: OidcClient;
  accounts: Pick<LinkedAccountStore, 'link'>;
  /** Base URL browsers reach the bot at, without a trailing slash. */
  publicUrl: string;
  logger: Logger;
  /** Runs once per completed sign-in, after the link is stored (e.g. DM the user, resume the request). */
  onSignedIn(signedIn: SignedIn): Promise<void>;
  /** Lifetime of a sign-in link, seconds. Default 600. */
  ttlSeconds?: number;
}

export interface SignIn {
  /** A single-use sign-in URL for this Slack user, valid for `ttlSeconds` (10 minutes). */
  linkFor(request: { who: SlackIdentity; resume?: SignInResume }): Promise<string>;
  /** GET /auth/sign-in. Serve it with `createAuthRoutes` (one shared /auth/callback). */
  startRoute: CustomRoute;
  /** This feature's entry of the shared callback's kind → handler map. */
  callbackHandlers: { sign_in: CallbackHandler };
}

interface SignInHop {
  who: SlackIdentity;
  resume?: SignInResume;
  nonce: string;
  codeVerifier: string;
}

/** Public values only: they appear in the /authorize URL anyway. */
interface StartRecord {
  nonce: string;
  codeChallenge: string;
}

const STATE_SHAPE = /^[A-Za-z0-9_-]{43}$/;
const START_AGAIN = 'Nothing was linked. Run /agenthub connect in Slack for a new sign-in link.';

const EXPIRED_LINK_PAGE: Page = {
  status: 410,
  title: 'This sign-in link has expired',
  paragraphs: ['This sign-in link has expired; run /agenthub connect in Slack for a new one.'],
};

export function createSignIn(opts: SignInOptions): SignIn {
  const { redis, keys, hops, oidc, accounts, onSignedIn, ttlSeconds = DEFAULT_HOP_TTL_SECONDS } = opts;
  const publicUrl = opts.publicUrl.replace(/\/+$/, '');
  const log = opts.logger.child({ component: 'sign-in' });
  if (oidc.redirectUri !== callbackUrl(publicUrl)) {
    throw new Error(`The OIDC client's redirect_uri must be ${callbackUrl(publicUrl)} for sign-in`);
  }
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new RangeError('A sign-in link needs a positive whole number of seconds to live');
  // Under the hop store's kind, with an extra part, so it never collides with a hop key.
  const startKey = (state: string) => keys.key('browser-hop', 'sign-in-start', digestId(state));

  async function linkFor({ who, resume }: { who: SlackIdentity; resume?: SignInResume }): Promise<string> {
    if (!who?.teamId || !who.userId) throw new TypeError('A sign-in link needs the Slack team and user');
    const pkce = createPkce();
    const nonce = createNonce();
    const hop: SignInHop = {
      who: { teamId: who.teamId, userId: who.userId },
      ...(resume ? { resume: { channel: resume.channel, threadTs: resume.threadTs, text: resume.text } } : {}),
      nonce,
      codeVerifier: pkce.verifier,
    };
    const state = await hops.create('sign_in', hop, ttlSeconds);
    const start: StartRecord = { nonce, codeChallenge: pkce.challenge };
    const ok = await redis.set(startKey(state), JSON.stringify(start), 'EX', ttlSeconds, 'NX');
    if (ok !== 'OK') throw new Error('Could not store the sign-in link');
    log.info({ teamId: who.teamId, userId: who.userId }, 'sign-in link issued');
    return `${publicUrl}${SIGN_IN_PATH}?state=${state}`;
  }

  async function readStart(state: string | null): Promise<StartRecord | undefined> {
    if (!state || !STATE_SHAPE.test(state)) return undefined;
    const raw = await redis.get(startKey(state));
    if (!raw) return undefined;
    try {
      const r = JSON.parse(raw) as Partial<StartRecord>;
      return typeof r.nonce === 'string' && typeof r.codeChallenge === 'string' ? { nonce: r.nonce, codeChallenge: r.codeChallenge } : undefined;
    } catch {
      return undefined;
    }
  }

  const startRoute = browserRoute(SIGN_IN_PATH, log, async (req) => {
    const state = queryOf(req).get('state');
    const start = await readStart(state);
    if (!state || !start) {
      log.info('sign-in link unknown, used or expired');
      return EXPIRED_LINK_PAGE;
    }
    log.info('sign-in: sending the browser to Auth0');
    return {
      redirect: oidc.authorizeUrl({ state, nonce: start.nonce, codeChallenge: start.codeChallenge, scope: SIGN_IN_SCOPE, prompt: 'login' }),
    };
  });

  const handleCallback: CallbackHandler = async (payload, { params }) => {
    // The hop is spent; its start record goes with it, so reloading the sign-in link now says "expired".
    const state = params.get('state');
    if (state) await redis.del(startKey(state));
    const hop = asSignInHop(payload);
    if (!hop) {
      log.error('sign-in hop with an unreadable payload');
      return { status: 400, title: 'This link can no longer be used', paragraphs: ['This sign-in link is not valid.', START_AGAIN] };
    }
    const ctx = { teamId: hop.who.teamId, userId: hop.who.userId };

    const auth0Error = authorizationError(params);
    if (auth0Error) {
      const cancelled = auth0Error.error === 'access_denied';
      log.info({ ...ctx, error: auth0Error.error }, 'sign-in: Auth0 returned an error');
      return {
        status: 400,
        title: cancelled ? 'Sign-in cancelled' : 'Sign-in did not complete',
        paragraphs: [
          cancelled
            ? 'The sign-in was cancelled or refused at Auth0.'
            : `Auth0 could not complete the sign-in (${auth0Error.error}${auth0Error.description ? `: ${auth0Error.description}` : ''}).`,
          START_AGAIN,
        ],
      };
    }

    const code = params.get('code');
    if (!code) {
      log.warn(ctx, 'sign-in callback without a code');
      return { status: 400, title: 'Sign-in did not complete', paragraphs: ['Auth0 sent the browser back without a sign-in result.', START_AGAIN] };
    }

    let idToken: string;
    let refreshToken: string | undefined;
    try {
      ({ idToken, refreshToken } = await oidc.exchangeCode({ code, codeVerifier: hop.codeVerifier }));
    } catch (err) {
      const detail = err instanceof TokenEndpointError ? { status: err.status, error: err.error } : { error: err instanceof Error ? err.name : 'unknown' };
      log.warn({ ...ctx, ...detail }, 'sign-in: code exchange failed');
      return {
        status: 502,
        title: 'Sign-in did not complete',
        paragraphs: [
          err instanceof TokenEndpointError
            ? `Auth0 did not accept the sign-in result (${err.error}).`
            : 'AgentHub could not reach Auth0 to finish the sign-in.',
          START_AGAIN,
        ],
      };
    }

    let claims: Awaited<ReturnType<OidcClient['verifyIdToken']>>;
    try {
      claims = await oidc.verifyIdToken(idToken, { nonce: hop.nonce });
    } catch (err) {
      if (!(err instanceof IdTokenRejected)) throw err;
      log.warn({ ...ctx, reason: err.reason, detail: err.detail }, 'sign-in refused: id_token rejected');
      return { status: err.reason === 'keys_unavailable' ? 502 : 403, title: 'Sign-in refused', paragraphs: [err.message, START_AGAIN] };
    }

    if (!refreshToken) {
      log.warn(ctx, 'sign-in refused: Auth0 returned no refresh token (offline access not allowed?)');
      return {
        status: 502,
        title: 'Sign-in incomplete',
        paragraphs: [
          'Auth0 did not return a refresh token, so AgentHub could not keep acting for you. The Auth0 application must allow offline access (the Refresh Token grant, and "Allow Offline Access" on the API); ask whoever administers AgentHub.',
          START_AGAIN,
        ],
      };
    }

    await accounts.link(hop.who, { auth0Sub: claims.sub, refreshToken });
    log.info(ctx, 'sign-in: Slack user linked');

    const signedIn: SignedIn = {
      who: hop.who,
      auth0Sub: claims.sub,
      ...(typeof claims.email === 'string' && claims.email !== '' ? { email: claims.email } : {}),
      ...(hop.resume ? { resume: hop.resume } : {}),
    };
    try {
      await onSignedIn(signedIn);
    } catch (err) {
      log.error(ctx, `sign-in linked but onSignedIn failed: ${err instanceof Error ? err.message : String(err)}`);
      return {
        status: 200,
        title: 'Signed in',
        paragraphs: [
          'Signed in — you can close this tab and return to Slack.',
          'AgentHub could not post back in Slack just now; ask your request again there.',
        ],
      };
    }
    return { status: 200, title: 'Signed in', paragraphs: ['Signed in — you can close this tab and return to Slack.'] };
  };

  return { linkFor, startRoute, callbackHandlers: { sign_in: handleCallback } };
}

function asSignInHop(payload: unknown): SignInHop | undefined {
  if (!payload || typeof payload !== 'object') return undefined;
  const p = payload as Partial<SignInHop>;
  const str = (v: unknown): v is string => typeof v === 'string' && v !== '';
  if (!str(p.nonce) || !str(p.codeVerifier)) return undefined;
  if (!p.who || !str(p.who.teamId) || !str(p.who.userId)) return undefined;
  const hop: SignInHop = { who: { teamId: p.who.teamId, userId: p.who.userId }, nonce: p.nonce, codeVerifier: p.codeVerifier };
  if (p.resume !== undefined) {
    const r = p.resume as Partial<SignInResume> | null;
    if (!r || !str(r.channel) || !str(r.threadTs) || typeof r.text !== 'string') return undefined;
    hop.resume = { channel: r.channel, threadTs: r.threadTs, text: r.text };
  }
  return hop;
}
