import { randomBytes } from 'node:crypto';
import type { FakeAuth0 } from './fake-auth0.js';
import { oauthError } from './fake-auth0.js';
import { json } from './http-recorder.js';

/**
 * Auth0's My Account API for Connected Accounts on the HTTPS Auth0 stand-in: a My Account token
 * from the refresh token (MRRT, audience https://<domain>/me/), connect → the provider's consent
 * (auto-granted here) → complete, list and delete.
 */
export interface FakeMyAccount {
  /** Connected accounts by id. */
  readonly accounts: Map<string, { id: string; sub: string; connection: string; scopes: string[] }>;
  readonly deleted: string[];
  /** The next consent is refused at the provider (the browser comes back with an error). */
  refuseNextConsent(): void;
}

export function installMyAccount(fake: FakeAuth0): FakeMyAccount {
  const tokens = new Map<string, string>(); // My Account access token → sub
  const sessions = new Map<string, { sub: string; connection: string; scopes: string[]; redirectUri: string; state: string; code?: string }>();
  const accounts: FakeMyAccount['accounts'] = new Map();
  const deleted: string[] = [];
  let refuse = false;
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
    return json(201, { auth_session: authSession, connect_uri: `${fake.info.url}/connected-accounts/connect`, connect_params: { ticket }, expires_in: 300 });
  });
  fake.addRoute('GET /connected-accounts/connect', (r) => {
    const s = sessions.get(String(r.query.ticket ?? ''));
    if (!s) return json(400, { error: 'invalid_ticket' });
    const back = new URL(s.redirectUri);
    back.searchParams.set('state', s.state);
    if (refuse) {
      refuse = false;
      back.searchParams.set('error', 'access_denied');
    } else {
      s.code = `cc_${randomBytes(8).toString('hex')}`;
      back.searchParams.set('connect_code', s.code);
    }
    return { status: 302, headers: { location: back.toString() }, body: '' };
  });
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
  };
}
