import { randomBytes } from 'node:crypto';
import type { FakeAuth0 } from './fake-auth0.js';
import { oauthError, redirectTo, standInPage } from './fake-auth0.js';
import { json, type Reply } from './http-recorder.js';

/**
 * Auth0's My Account API for Connected Accounts on the HTTPS Auth0 stand-in: a My Account token
 * from the refresh token (MRRT, audience https://<domain>/me/), connect → the provider's consent
 * (auto-granted, or in interactive mode a consent page with Allow / Deny) → complete, list and delete.
 * While the tenant's browser origin runs (demo mode), `connect_uri` points there.
 */
export interface FakeMyAccount {
  /** Connected accounts by id. */
  readonly accounts: Map<string, { id: string; sub: string; connection: string; scopes: string[] }>;
  readonly deleted: string[];
  /** The next consent is refused at the provider (the browser comes back with an error). */
  refuseNextConsent(): void;
  /** Interactive mode on: the consent step shows an Allow / Deny page instead of granting at once. */
  setInteractive(on: boolean): void;
}

export interface InstallMyAccountOptions {
  /** Show the consent page (demo mode). Default false: consent is granted at once. */
  interactive?: boolean;
}

/** The path the consent page's form posts to (browser-facing). */
export const CONSENT_FORM_PATH = '/connected-accounts/consent';

/** How the consent page names a connection. */
const SERVICE_NAMES: Record<string, string> = { github: 'GitHub', 'google-oauth2': 'Google Calendar' };

interface ConnectSession {
  sub: string;
  connection: string;
  scopes: string[];
  redirectUri: string;
  state: string;
  code?: string;
  /** The id of the consent form last shown for this session (single use). */
  consentForm?: string;
}

export function installMyAccount(fake: FakeAuth0, opts: InstallMyAccountOptions = {}): FakeMyAccount {
  const tokens = new Map<string, string>(); // My Account access token → sub
  const sessions = new Map<string, ConnectSession>();
  const accounts: FakeMyAccount['accounts'] = new Map();
  const deleted: string[] = [];
  let refuse = false;
  let interactive = opts.interactive ?? false;
  /** The provider's answer to the browser: a connect code, or `access_denied`. */
  const answer = (s: ConnectSession, granted: boolean): Reply => {
    const back = new URL(s.redirectUri);
    back.searchParams.set('state', s.state);
    if (granted) {
      s.code = `cc_${randomBytes(8).toString('hex')}`;
      back.searchParams.set('connect_code', s.code);
    } else back.searchParams.set('error', 'access_denied');
    return redirectTo(back.toString());
  };
  /** Records a connected account, with its DELETE route (the fake matches exact paths). */
  const register = (a: { id: string; sub: string; connection: string; scopes: string[] }) => {
    accounts.set(a.id, a);
    fake.addRoute(`DELETE /me/v1/connected-accounts/accounts/${a.id}`, (d) => {
      const owner = bearer(d.authorization);
      const account = accounts.get(a.id);
      if (!owner || !account || account.sub !== owner) return json(404, { title: 'Not Found' });
      accounts.delete(a.id);
      deleted.push(a.id);
      fake.disconnect(owner, account.connection);
      return { status: 204, body: '' };
    });
  };
  const bearer = (authorization: string | undefined) => tokens.get((authorization ?? '').replace(/^Bearer\s+/i, ''));

  fake.addGrant('refresh_token', (r) => {
    const sub = fake.subOfRefreshToken(String(r.params.refresh_token ?? ''));
    if (!sub) return oauthError(403, 'invalid_grant', 'Unknown or invalid refresh token.');
    if (r.params.audience !== `${fake.info.url}/me/`) return oauthError(403, 'access_denied', 'This fake only issues My Account API tokens.');
    const token = `mya_${randomBytes(12).toString('hex')}`;
    tokens.set(token, sub);
    return json(200, { access_token: token, token_type: 'Bearer', expires_in: 600, scope: String(r.params.scope ?? '') });
  });
  fake.addRoute('POST /me/v1/connected-accounts/connect', (r) => {
    const sub = bearer(r.authorization);
    if (!sub) return json(401, { title: 'Unauthorized' });
    const p = r.params as { connection?: string; redirect_uri?: string; state?: string; scopes?: string[] };
    if (!p.connection || !p.redirect_uri || !p.state) return json(400, { title: 'Bad Request', detail: 'connection, redirect_uri and state are required' });
    const authSession = `as_${randomBytes(8).toString('hex')}`;
    const ticket = `tk_${randomBytes(8).toString('hex')}`;
    sessions.set(ticket, { sub, connection: p.connection, scopes: p.scopes ?? [], redirectUri: p.redirect_uri, state: p.state });
    sessions.set(authSession, sessions.get(ticket)!);
    const origin = fake.browserUrl ?? fake.info.url;
    return json(201, { auth_session: authSession, connect_uri: `${origin}/connected-accounts/connect`, connect_params: { ticket }, expires_in: 300 });
  });
  fake.addRoute(
    'GET /connected-accounts/connect',
    (r) => {
      const ticket = String(r.query.ticket ?? '');
      const s = sessions.get(ticket);
      if (!s) return json(400, { error: 'invalid_ticket' });
      if (refuse) {
        refuse = false;
        return answer(s, false);
      }
      if (!interactive) return answer(s, true);
      s.consentForm = randomBytes(18).toString('base64url');
      const service = SERVICE_NAMES[s.connection] ?? s.connection;
      const scopes = s.scopes.length > 0 ? `scopes ${s.scopes.join(', ')}` : `the permissions of the ${service} app`;
      return standInPage(
        200,
        `Allow AgentHub to access your ${service}?`,
        [`Allow AgentHub to access your ${service} (${scopes}).`, 'AgentHub keeps no password; Auth0 Token Vault holds the connection.'],
        [
          {
            action: CONSENT_FORM_PATH,
            hidden: { ticket, form: s.consentForm },
            buttons: [
              { text: 'Allow', name: 'decision', value: 'allow', primary: true },
              { text: 'Deny', name: 'decision', value: 'deny' },
            ],
          },
        ],
      );
    },
    { browser: true },
  );
  // The consent page's answer: valid once, for the form last shown for that ticket.
  fake.addRoute(
    `POST ${CONSENT_FORM_PATH}`,
    (r) => {
      const s = sessions.get(String(r.params.ticket ?? ''));
      const form = s?.consentForm;
      if (s) s.consentForm = undefined;
      if (!s || !form || r.params.form !== form)
        return standInPage(400, 'This consent form can no longer be used', ['It was already used or has expired. Start again from Slack.']);
      return answer(s, r.params.decision === 'allow');
    },
    { browser: true },
  );
  fake.addRoute('POST /me/v1/connected-accounts/complete', (r) => {
    const sub = bearer(r.authorization);
    const p = r.params as { auth_session?: string; connect_code?: string; redirect_uri?: string };
    const s = sessions.get(String(p.auth_session ?? ''));
    if (!sub || !s || s.sub !== sub) return json(401, { title: 'Unauthorized' });
    if (!s.code || s.code !== p.connect_code || s.redirectUri !== p.redirect_uri) return json(400, { title: 'Bad Request', detail: 'invalid connect_code' });
    s.code = undefined; // single use
    const id = `cac_${randomBytes(6).toString('hex')}`;
    register({ id, sub, connection: s.connection, scopes: s.scopes });
    fake.connect(sub, s.connection, { scope: s.scopes.join(' ') });
    return json(201, { id, connection: s.connection, scopes: s.scopes, access_type: 'offline', created_at: new Date().toISOString() });
  });
  fake.addRoute('GET /me/v1/connected-accounts/accounts', (r) => {
    const sub = bearer(r.authorization);
    if (!sub) return json(401, { title: 'Unauthorized' });
    // Connections seeded with addUser count as connected accounts too.
    for (const c of fake.connectedConnections(sub)) {
      if (![...accounts.values()].some((a) => a.sub === sub && a.connection === c.connection)) {
        register({ id: `cac_seed_${randomBytes(4).toString('hex')}`, sub, connection: c.connection, scopes: c.scope ? c.scope.split(' ') : [] });
      }
    }
    return json(200, { accounts: [...accounts.values()].filter((a) => a.sub === sub).map(({ id, connection, scopes }) => ({ id, connection, scopes })) });
  });
  return {
    accounts,
    deleted,
    refuseNextConsent: () => {
      refuse = true;
    },
    setInteractive: (on) => {
      interactive = on;
    },
  };
}
