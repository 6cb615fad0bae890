import type { CustomRoute } from '@slack/bolt';
import type { Redis } from 'ioredis';
import type { SlackIdentity } from '../identity.js';
import type { Logger } from '../logger.js';
import type { Keys } from '../store/keys.js';
import type { LinkedAccountStore } from '../vault/linked-accounts.js';
import { DEFAULT_HOP_TTL_SECONDS, digestId, type HopStore } from './browser-hops.js';
import { authorizationError, type CallbackHandler, callbackUrl, createCallbackRoute } from './callback.js';
import { IdTokenRejected, type OidcClient, TokenEndpointError } from './oidc-client.js';
import { browserRoute, type Page, queryOf } from './pages.js';
import { createNonce, createPkce, randomToken } from './pkce.js';

/**
 * Step-up MFA for high-risk approvals (ARCHITECTURE.md invariant 5, auth0.md §7.4, §8.4).
 *
 * The approval card carries `linkFor(...)`: `${publicUrl}/auth/step-up?link=<token>`. The link
 * token lives in Redis until the approval expires and is NOT single-use, so a person whose MFA
 * was refused can use the same link again. Each visit mints a fresh single-use hop (`state`)
 * holding the PKCE verifier and nonce, and redirects to Auth0 /authorize with the multi-factor
 * `acr_values`, `prompt=login` and `max_age=0`. The callback accepts only an id_token that is
 * valid, carries the nonce, `amr` with `mfa`, an `auth_time` at most five minutes old and the
 * requester's own `sub`; only then does `onVerified` run. Anything else changes nothing.
 */

export const STEP_UP_PATH = '/auth/step-up';
export const MFA_ACR_VALUE = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';
export const STEP_UP_MAX_AUTH_AGE_SECONDS = 300;
const STEP_UP_SCOPE = 'openid profile';

export interface StepUpVerified {
  approvalId: string;
  who: SlackIdentity;
  auth0Sub: string;
  /** When the person authenticated (the id_token's `auth_time`). */
  authTime: Date;
  /** The id_token's `amr` (contains `mfa`). */
  amr: string[];
}

export interface StepUpRefused {
  approvalId: string;
  who: SlackIdentity;
  /** An `IdTokenRejected` reason, `cancelled` (Auth0 `access_denied`), `auth0_error`, or `exchange_failed`. */
  reason: string;
}

/**
 * Thrown by `onVerified` when the verification is valid but cannot be applied (the approval was
 * decided, cancelled or expired meanwhile). Its message, a sentence for the person, is shown on a
 * 409 page instead of "Verified"; any other error shows a generic 500 page.
 */
export class StepUpNotApplied extends Error {
  override readonly name = 'StepUpNotApplied';
}

export interface StepUpOptions {
  redis: Redis;
  keys: Keys;
  hops: HopStore;
  /** Its `redirectUri` must be `${publicUrl}/auth/callback`. */
  oidc: OidcClient;
  /** Base URL browsers reach the bot at, without a trailing slash. */
  publicUrl: string;
  accounts: Pick<LinkedAccountStore, 'get'>;
  /** Runs once per successful step-up. Throw StepUpNotApplied to explain why it changed nothing. */
  onVerified(verified: StepUpVerified): Promise<void>;
  /** Told about a refused or cancelled step-up (the approval stays pending). */
  onRefused?(refused: StepUpRefused): Promise<void> | void;
  logger: Logger;
  now?: () => Date;
}

export interface StepUp {
  /** The step-up URL for an approval card; valid (and reusable) until `expiresAt`. */
  linkFor(request: { approvalId: string; who: SlackIdentity; expiresAt: Date }): Promise<string>;
  /** GET /auth/step-up and GET /auth/callback (the latter handling `step_up` hops only). */
  routes: CustomRoute[];
  /** GET /auth/step-up alone, for an app that builds one shared callback route. */
  startRoute: CustomRoute;
  /** This feature's entry of the shared callback's kind → handler map. */
  callbackHandlers: { step_up: CallbackHandler };
}

interface LinkRecord {
  approvalId: string;
  who: SlackIdentity;
  expiresAt: string;
}

interface StepUpHop {
  approvalId: string;
  who: SlackIdentity;
  auth0Sub: string;
  nonce: string;
  codeVerifier: string;
}

const LINK_SHAPE = /^[A-Za-z0-9_-]{43}$/;
const TRY_AGAIN = 'Nothing was approved or changed. You can use the same link in Slack to try again.';

const EXPIRED_LINK_PAGE: Page = {
  status: 410,
  title: 'This verification link has expired',
  paragraphs: ['This verification link has expired; ask again in Slack.', 'Nothing was approved or changed.'],
};

const NOT_LINKED_PAGE: Page = {
  status: 409,
  title: 'Your Slack account is not linked',
  paragraphs: [
    'The person who asked for this action has no AgentHub sign-in linked to their Slack account, so their identity cannot be verified.',
    'Link your account from Slack (/agenthub), then use this link again. Nothing was approved or changed.',
  ],
};

export function createStepUp(opts: StepUpOptions): StepUp {
  const { redis, keys, hops, oidc, accounts, onVerified, onRefused, now = () => new Date() } = opts;
  const publicUrl = opts.publicUrl.replace(/\/+$/, '');
  const log = opts.logger.child({ component: 'step-up' });
  if (oidc.redirectUri !== callbackUrl(publicUrl)) {
    throw new Error(`The OIDC client's redirect_uri must be ${callbackUrl(publicUrl)} for step-up`);
  }
  const linkKey = (token: string) => keys.key('step-up-link', digestId(token));

  async function linkFor({ approvalId, who, expiresAt }: { approvalId: string; who: SlackIdentity; expiresAt: Date }): Promise<string> {
    if (!approvalId) throw new TypeError('A step-up link needs an approval id');
    const ttlMs = expiresAt.getTime() - now().getTime();
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError('A step-up link must expire in the future');
    const token = randomToken(32);
    const record: LinkRecord = { approvalId, who: { teamId: who.teamId, userId: who.userId }, expiresAt: expiresAt.toISOString() };
    const ok = await redis.set(linkKey(token), JSON.stringify(record), 'PX', Math.ceil(ttlMs), 'NX');
    if (ok !== 'OK') throw new Error('Could not store the step-up link');
    return `${publicUrl}${STEP_UP_PATH}?link=${token}`;
  }

  async function readLink(token: string | null): Promise<LinkRecord | undefined> {
    if (!token || !LINK_SHAPE.test(token)) return undefined;
    const raw = await redis.get(linkKey(token));
    if (!raw) return undefined;
    const record = JSON.parse(raw) as LinkRecord;
    return new Date(record.expiresAt).getTime() > now().getTime() ? record : undefined;
  }

  const startRoute = browserRoute(STEP_UP_PATH, log, async (req) => {
    const link = await readLink(queryOf(req).get('link'));
    if (!link) {
      log.info('step-up link unknown or expired');
      return EXPIRED_LINK_PAGE;
    }
    const { approvalId, who } = link;
    const account = await accounts.get(who);
    if (!account) {
      log.warn({ approvalId, teamId: who.teamId, userId: who.userId }, 'step-up for a Slack user with no linked account');
      return NOT_LINKED_PAGE;
    }
    // The hop never outlives the approval it verifies.
    const secondsLeft = Math.floor((new Date(link.expiresAt).getTime() - now().getTime()) / 1000);
    if (secondsLeft <= 0) return EXPIRED_LINK_PAGE;
    const pkce = createPkce();
    const nonce = createNonce();
    const hop: StepUpHop = { approvalId, who, auth0Sub: account.auth0Sub, nonce, codeVerifier: pkce.verifier };
    const state = await hops.create('step_up', hop, Math.min(DEFAULT_HOP_TTL_SECONDS, secondsLeft));
    log.info({ approvalId }, 'step-up: sending the browser to Auth0');
    return {
      redirect: oidc.authorizeUrl({
        state,
        nonce,
        codeChallenge: pkce.challenge,
        scope: STEP_UP_SCOPE,
        acrValues: MFA_ACR_VALUE,
        prompt: 'login',
        maxAge: 0,
      }),
    };
  });

  async function refused(hop: StepUpHop, reason: string, page: Page): Promise<Page> {
    if (onRefused) {
      try {
        await onRefused({ approvalId: hop.approvalId, who: hop.who, reason });
      } catch (err) {
        log.error({ approvalId: hop.approvalId }, `step-up onRefused failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return page;
  }

  const handleCallback: CallbackHandler = async (payload, { params }) => {
    const hop = asStepUpHop(payload);
    if (!hop) {
      log.error('step-up hop with an unreadable payload');
      return { status: 400, title: 'This link can no longer be used', paragraphs: ['This sign-in link is not valid. Nothing was changed.'] };
    }
    const ctx = { approvalId: hop.approvalId };

    const auth0Error = authorizationError(params);
    if (auth0Error) {
      const cancelled = auth0Error.error === 'access_denied';
      log.info({ ...ctx, error: auth0Error.error }, 'step-up: Auth0 returned an error');
      return refused(hop, cancelled ? 'cancelled' : 'auth0_error', {
        status: 400,
        title: cancelled ? 'Verification cancelled' : 'Verification did not complete',
        paragraphs: [
          cancelled
            ? 'The sign-in was cancelled or refused, so nothing was approved.'
            : `Auth0 could not complete the sign-in (${auth0Error.error}${auth0Error.description ? `: ${auth0Error.description}` : ''}), so nothing was approved.`,
          TRY_AGAIN,
        ],
      });
    }

    const code = params.get('code');
    if (!code) {
      log.warn(ctx, 'step-up callback without a code');
      return { status: 400, title: 'Verification did not complete', paragraphs: ['Auth0 sent the browser back without a sign-in result.', TRY_AGAIN] };
    }

    let idToken: string;
    try {
      ({ idToken } = await oidc.exchangeCode({ code, codeVerifier: hop.codeVerifier }));
    } catch (err) {
      const detail = err instanceof TokenEndpointError ? { status: err.status, error: err.error } : { error: err instanceof Error ? err.name : 'unknown' };
      log.warn({ ...ctx, ...detail }, 'step-up: code exchange failed');
      return refused(hop, 'exchange_failed', {
        status: 502,
        title: 'Verification did not complete',
        paragraphs: [
          err instanceof TokenEndpointError
            ? `Auth0 did not accept the sign-in result (${err.error}).`
            : 'AgentHub could not reach Auth0 to finish the sign-in.',
          TRY_AGAIN,
        ],
      });
    }

    let claims: Awaited<ReturnType<OidcClient['verifyIdToken']>>;
    try {
      claims = await oidc.verifyIdToken(idToken, {
        nonce: hop.nonce,
        requireMfa: true,
        maxAuthAgeSeconds: STEP_UP_MAX_AUTH_AGE_SECONDS,
        expectedSub: hop.auth0Sub,
      });
    } catch (err) {
      if (!(err instanceof IdTokenRejected)) throw err;
      log.warn({ ...ctx, reason: err.reason, detail: err.detail }, 'step-up refused: id_token rejected');
      return refused(hop, err.reason, {
        status: err.reason === 'keys_unavailable' ? 502 : 403,
        title: 'Verification refused',
        paragraphs: [err.message, TRY_AGAIN],
      });
    }

    const verified: StepUpVerified = {
      approvalId: hop.approvalId,
      who: hop.who,
      auth0Sub: claims.sub,
      // verifyIdToken guarantees auth_time when maxAuthAgeSeconds is given.
      authTime: new Date((claims.auth_time ?? 0) * 1000),
      amr: (claims.amr ?? []).filter((a): a is string => typeof a === 'string'),
    };
    try {
      await onVerified(verified);
    } catch (err) {
      if (err instanceof StepUpNotApplied) {
        log.info(ctx, 'step-up verified but not applied');
        return { status: 409, title: 'Nothing to approve', paragraphs: [err.message, 'Nothing was approved or changed.'] };
      }
      log.error(ctx, `step-up verified but onVerified failed: ${err instanceof Error ? err.message : String(err)}`);
      return {
        status: 500,
        title: 'Something went wrong',
        paragraphs: ['Your identity was verified, but AgentHub could not record it, so nothing was approved.', 'Use the same link in Slack to try again.'],
      };
    }
    log.info({ ...ctx, teamId: hop.who.teamId, userId: hop.who.userId }, 'step-up verified');
    return { status: 200, title: 'Verified', paragraphs: ['Verified — you can close this tab and return to Slack.'] };
  };

  const callbackHandlers = { step_up: handleCallback };
  return {
    linkFor,
    startRoute,
    callbackHandlers,
    routes: [startRoute, createCallbackRoute({ hops, handlers: callbackHandlers, logger: opts.logger })],
  };
}

function asStepUpHop(payload: unknown): StepUpHop | undefined {
  if (!payload || typeof payload !== 'object') return undefined;
  const p = payload as Partial<StepUpHop>;
  const str = (v: unknown): v is string => typeof v === 'string' && v !== '';
  if (!str(p.approvalId) || !str(p.auth0Sub) || !str(p.nonce) || !str(p.codeVerifier)) return undefined;
  if (!p.who || !str(p.who.teamId) || !str(p.who.userId)) return undefined;
  return { approvalId: p.approvalId, who: { teamId: p.who.teamId, userId: p.who.userId }, auth0Sub: p.auth0Sub, nonce: p.nonce, codeVerifier: p.codeVerifier };
}
