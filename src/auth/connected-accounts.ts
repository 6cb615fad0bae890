import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { SlackIdentity } from '../identity.js';
import type { Logger } from '../logger.js';
import type { Keys } from '../store/keys.js';
import type { LinkedAccountStore } from '../vault/linked-accounts.js';
import type { HopStore } from './browser-hops.js';
import { authorizationError, type CallbackHandler, callbackUrl } from './callback.js';
import { browserRoute, type Page } from './pages.js';

/** Where the request that needed the connection continues once it is connected. */
export interface ConnectResume {
  channel: string;
  threadTs: string;
  text: string;
}

export interface Connected {
  who: SlackIdentity;
  connection: string;
  resume?: ConnectResume;
}

export const CONNECT_PATH = '/auth/connect';
const LINK_TTL_SECONDS = 600;
const START_AGAIN = 'Nothing was connected. Ask again in Slack for a new link.';

interface LinkRecord {
  who: SlackIdentity;
  connection: string;
  scopes: string[];
  resume?: ConnectResume;
}

interface ConnectHop extends LinkRecord {
  auth0Sub: string;
}

/**
 * Connect GitHub / Google from Slack through Auth0's My Account API (Connected Accounts for Token
 * Vault): a My Account token from the person's refresh token, `connect` for exactly the scopes the
 * tool needs, the provider's consent in the browser, then `complete` on the shared callback.
 */
export function createConnectedAccounts({
  domain,
  clientId,
  clientSecret,
  redis,
  keys,
  hops,
  accounts,
  publicUrl,
  logger,
  onConnected,
}: {
  domain: string;
  clientId: string;
  clientSecret: string;
  redis: Redis;
  keys: Keys;
  hops: HopStore;
  accounts: Pick<LinkedAccountStore, 'get'>;
  publicUrl: string;
  logger: Logger;
  onConnected(connected: Connected): Promise<void>;
}) {
  const base = `https://${domain}`;
  const redirectUri = callbackUrl(publicUrl.replace(/\/+$/, ''));
  const log = logger.child({ component: 'connect' });

  async function call<T>(path: string, init: { method: string; token?: string; form?: Record<string, string>; json?: unknown }): Promise<T | undefined> {
    const res = await fetch(`${base}${path}`, {
      method: init.method,
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        'content-type': init.form ? 'application/x-www-form-urlencoded' : 'application/json',
      },
      body: init.form ? new URLSearchParams(init.form).toString() : init.json === undefined ? undefined : JSON.stringify(init.json),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`Auth0 answered HTTP ${res.status}`);
    return res.status === 204 ? undefined : ((await res.json()) as T);
  }

  /** A token for the My Account API, from the person's refresh token (Multi-Resource Refresh Token). */
  async function myAccountToken(refreshToken: string): Promise<string> {
    const body = await call<{ access_token: string }>('/oauth/token', {
      method: 'POST',
      form: {
        grant_type: 'refresh_token',
        client_id: clientId,
        client_secret: clientSecret,
        refresh_token: refreshToken,
        audience: `${base}/me/`,
        scope: 'create:me:connected_accounts read:me:connected_accounts delete:me:connected_accounts',
      },
    });
    if (!body?.access_token) throw new Error('Auth0 returned no My Account token');
    return body.access_token;
  }

  const linkKey = (token: string) => keys.key('connect-link', token);
  const sessionKey = (state: string) => keys.key('connect-link', 'session', state);

  const startRoute = browserRoute(CONNECT_PATH, log, async (req) => {
    const token = new URL(req.url ?? '/', 'http://localhost').searchParams.get('link') ?? '';
    const raw = /^[A-Za-z0-9_-]{43}$/.test(token) ? await redis.get(linkKey(token)) : null;
    if (!raw) return { status: 410, title: 'This link has expired', paragraphs: [START_AGAIN] } satisfies Page;
    const link = JSON.parse(raw) as LinkRecord;
    const account = await accounts.get(link.who);
    if (!account)
      return { status: 409, title: 'Sign in first', paragraphs: ['Link your Slack account with /agenthub connect, then ask again.'] } satisfies Page;
    const meToken = await myAccountToken(account.refreshToken);
    // The single-use hop the shared callback consumes; Auth0 returns its state with the connect code.
    const state = await hops.create('connect', { ...link, auth0Sub: account.auth0Sub } satisfies ConnectHop, LINK_TTL_SECONDS);
    const started = await call<{ auth_session: string; connect_uri: string; connect_params: { ticket: string } }>('/me/v1/connected-accounts/connect', {
      method: 'POST',
      token: meToken,
      json: { connection: link.connection, redirect_uri: redirectUri, state, scopes: link.scopes },
    });
    if (!started) throw new Error('Auth0 did not start the connection');
    await redis.set(sessionKey(state), started.auth_session, 'EX', LINK_TTL_SECONDS);
    const target = new URL(started.connect_uri);
    target.searchParams.set('ticket', started.connect_params.ticket);
    return { redirect: target.toString() };
  });

  const connectHandler: CallbackHandler = async (payload, { params }) => {
    const hop = payload as ConnectHop;
    const error = authorizationError(params);
    if (error) return { status: 400, title: 'Connection not completed', paragraphs: [`The provider did not grant access (${error.error}).`, START_AGAIN] };
    const code = params.get('connect_code');
    if (!code) return { status: 400, title: 'Connection not completed', paragraphs: ['The browser came back without a connection code.', START_AGAIN] };
    const account = await accounts.get(hop.who);
    if (!account || account.auth0Sub !== hop.auth0Sub)
      return { status: 409, title: 'Connection not completed', paragraphs: ['Your AgentHub sign-in changed meanwhile.', START_AGAIN] };
    try {
      const meToken = await myAccountToken(account.refreshToken);
      const authSession = await redis.getdel(sessionKey(params.get('state') ?? ''));
      if (!authSession) throw new Error('no connect session for this state');
      await call('/me/v1/connected-accounts/complete', {
        method: 'POST',
        token: meToken,
        json: { auth_session: authSession, connect_code: code, redirect_uri: redirectUri },
      });
    } catch (err) {
      log.warn({ err: { message: (err as Error).message } }, 'connected account completion failed');
      return { status: 502, title: 'Connection not completed', paragraphs: ['Auth0 did not accept the connection.', START_AGAIN] };
    }
    await onConnected({ who: hop.who, connection: hop.connection, resume: hop.resume });
    return { status: 200, title: 'Connected', paragraphs: ['You can close this tab and return to Slack; your request continues there.'] };
  };

  return {
    /** A link (valid 10 minutes) that connects `connection` with exactly `scopes` for this Slack user. */
    async linkFor(request: LinkRecord): Promise<string> {
      const token = randomBytes(32).toString('base64url');
      await redis.set(linkKey(token), JSON.stringify(request), 'EX', LINK_TTL_SECONDS);
      return `${publicUrl.replace(/\/+$/, '')}${CONNECT_PATH}?link=${token}`;
    },
    startRoute,
    callbackHandlers: { connect: connectHandler },
    /** The person's connected accounts at Auth0 (connection → granted scopes), or undefined when Auth0 can't say. */
    async list(refreshToken: string): Promise<Map<string, string[]> | undefined> {
      try {
        const token = await myAccountToken(refreshToken);
        const list = await call<{ accounts: Array<{ connection: string; scopes?: string[] }> }>('/me/v1/connected-accounts/accounts', { method: 'GET', token });
        return new Map((list?.accounts ?? []).map((a) => [a.connection, a.scopes ?? []]));
      } catch {
        return undefined;
      }
    },
    /**
     * Deletes the person's connected account(s) for one connection at Auth0 (revoking one service).
     * Returns how many were deleted, or why it failed.
     */
    async disconnect(refreshToken: string, connection: string): Promise<{ ok: true; deleted: number } | { ok: false; reason: string }> {
      try {
        const token = await myAccountToken(refreshToken);
        const list = await call<{ accounts: Array<{ id: string; connection: string }> }>('/me/v1/connected-accounts/accounts', { method: 'GET', token });
        const mine = (list?.accounts ?? []).filter((a) => a.connection === connection);
        for (const a of mine) await call(`/me/v1/connected-accounts/accounts/${encodeURIComponent(a.id)}`, { method: 'DELETE', token });
        return { ok: true, deleted: mine.length };
      } catch (err) {
        return { ok: false, reason: (err as Error).name === 'TimeoutError' ? 'Auth0 did not answer in time' : (err as Error).message };
      }
    },
  };
}

export type ConnectedAccounts = ReturnType<typeof createConnectedAccounts>;
