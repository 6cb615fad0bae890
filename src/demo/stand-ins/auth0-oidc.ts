/**
 * OpenID Connect for the HTTPS Auth0 fake: `GET /.well-known/jwks.json`, `GET /authorize` and the
 * `authorization_code` grant of `POST /oauth/token` (Authorization Code + PKCE S256), enough for
 * the bot's browser hops (sign-in, step-up) to run against the wire format they meet in production.
 *
 * Scripted (tests): `/authorize` "logs in" as the next scripted login (`nextLogin`) and
 * redirects straight back to `redirect_uri?code=…&state=…`. Tests steer what comes back with
 * one-shot knobs: `tamper` (forged or wrong id_tokens), `cancelNext()` (`error=access_denied`).
 *
 * Interactive (demo mode, `interactive: { users }` or `setInteractive`): with no scripted login
 * queued, `/authorize` shows a page with one "Sign in as <name>" button per demo user (for an MFA
 * request: "Approve with MFA as <name>", and "… without MFA" to try a refusal) and Cancel. The
 * form posts to `/authorize/login` with the request's state and nonce and a single-use
 * transaction id; the answer is the same redirect with a code as the scripted path.
 *
 *   const auth0 = new FakeAuth0(); await auth0.start();
 *   const oidc = await installOidc(auth0);
 *   oidc.nextLogin({ sub: 'auth0|alice' });
 *   oidc.tamper.audience = 'someone-else'; // only the next id_token
 */
import { createHash, randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { type Auth0Request, type FakeAuth0, type FormButton, oauthError, redirectTo, standInPage } from './fake-auth0.js';
import { json, type Reply } from './http-recorder.js';

export const MFA_ACR = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';
export const AUTHORIZATION_CODE_GRANT = 'authorization_code';

export interface ScriptedLogin {
  sub: string;
  /** Default `['pwd', 'mfa']` when /authorize asked for the multi-factor acr_values, else `['pwd']`. */
  amr?: string[];
  /** `auth_time` = now + this (negative: an older login). Default 0. */
  authTimeOffsetSeconds?: number;
  email?: string;
  /** Refresh token answered when the scope had `offline_access` (e.g. the user's seeded one). Default: random. */
  refreshToken?: string;
}

/** One-shot overrides for the next id_token; every field is cleared once it has been issued. */
export interface IdTokenTamper {
  /** Sign with a key that is not in the JWKS (same `kid`, so only the signature gives it away). */
  signWithOtherKey?: boolean;
  audience?: string;
  issuer?: string;
  nonce?: string;
  omitAmr?: boolean;
  /** `exp` = now + this (negative: already expired). */
  expiresInSeconds?: number;
}

/** A person the interactive login page offers to sign in as. */
export interface DemoLoginUser {
  sub: string;
  name: string;
  email?: string;
}

export interface InteractiveLogin {
  users: DemoLoginUser[];
}

export interface InstallOidcOptions {
  /** Allowed callback URLs; any http(s) URL when unset. */
  allowedCallbackUrls?: string[];
  /** Lifetime of an authorization code, seconds. Default 60. */
  codeLifetimeSeconds?: number;
  /** Show a login page when no scripted login is queued (demo mode). Off by default. */
  interactive?: InteractiveLogin;
}

export interface OidcFake {
  /** The public JWKS served at /.well-known/jwks.json. */
  readonly jwks: { keys: JWK[] };
  /** Queues who the next /authorize logs in as (FIFO; the user must exist: addUser). /authorize without a queued login answers 400. */
  nextLogin(login: ScriptedLogin): void;
  /** One-shot overrides for the next id_token issued (set fields directly). */
  readonly tamper: IdTokenTamper;
  /** The next /authorize redirects back with `error=access_denied` (user cancelled). */
  cancelNext(): void;
  /** The query of every /authorize request, in order (valid or not). */
  readonly authorizeQueries: Array<Record<string, string>>;
  /** Every `authorization_code` grant request received (successful or not). */
  readonly codeExchanges: Auth0Request[];
  /** Every id_token issued, in order. */
  readonly issuedIdTokens: string[];
  /** Turns the interactive login page on (with these users) or off (`undefined`). */
  setInteractive(interactive: InteractiveLogin | undefined): void;
}

/** The path the interactive login form posts to (browser-facing). */
export const LOGIN_FORM_PATH = '/authorize/login';
/** How long a rendered login form stays usable, ms. */
const LOGIN_FORM_LIFETIME_MS = 10 * 60_000;

interface PendingCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce: string;
  scope: string;
  mfaRequested: boolean;
  login: ScriptedLogin;
  expiresAt: number;
  used: boolean;
}

/** A validated /authorize request, waiting for its login (a scripted one, or a click on the page). */
interface AuthorizeRequest {
  clientId: string;
  redirect: URL;
  /** As sent (the code exchange must repeat it exactly). */
  redirectUri: string;
  state: string;
  codeChallenge: string;
  nonce: string;
  scope: string;
  mfaRequested: boolean;
}

/** A rendered login form: single use, bound to the request's state and nonce. */
interface LoginForm {
  request: AuthorizeRequest;
  expiresAt: number;
}

const s256 = (verifier: string) => createHash('sha256').update(verifier, 'ascii').digest('base64url');
const page = (status: number, text: string): Reply => ({ status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: text });

/** `redirect_uri` with these parameters and the request's state: how Auth0 answers a browser. */
function backTo(request: Pick<AuthorizeRequest, 'redirect' | 'state'>, params: Record<string, string>): Reply {
  const to = new URL(request.redirect);
  for (const [k, v] of Object.entries(params)) to.searchParams.set(k, v);
  to.searchParams.set('state', request.state);
  return redirectTo(to.toString());
}

/** The login page: one button per demo user (and per MFA choice), plus Cancel. */
function loginPage(users: DemoLoginUser[], formId: string, request: AuthorizeRequest): Reply {
  const hidden = { tx: formId, state: request.state, nonce: request.nonce };
  const choices: FormButton[] = users.flatMap((u): FormButton[] =>
    request.mfaRequested
      ? [
          { text: `Approve with MFA as ${u.name}`, name: 'login', value: `mfa:${u.sub}`, primary: true },
          { text: `Sign in as ${u.name} without MFA`, name: 'login', value: `pwd:${u.sub}` },
        ]
      : [{ text: `Sign in as ${u.name}`, name: 'login', value: `pwd:${u.sub}`, primary: true }],
  );
  const heading = request.mfaRequested ? 'Approve with MFA' : 'Sign in as …';
  const explain = request.mfaRequested
    ? 'AgentHub asks you to confirm a risky action with multi-factor authentication. Pick who you are; this demo stands in for your authenticator.'
    : 'AgentHub asks you to sign in. Pick a demo person; no password is needed in the demo.';
  return standInPage(
    200,
    heading,
    [explain],
    [
      { action: LOGIN_FORM_PATH, hidden, buttons: choices },
      { action: LOGIN_FORM_PATH, hidden, buttons: [{ text: 'Cancel', name: 'login', value: 'cancel' }] },
    ],
  );
}

export async function installOidc(fake: FakeAuth0, opts: InstallOidcOptions = {}): Promise<OidcFake> {
  const codeLifetimeMs = (opts.codeLifetimeSeconds ?? 60) * 1000;
  const kid = `fake-${randomBytes(6).toString('hex')}`;
  const signing = await generateKeyPair('RS256', { extractable: true });
  const other = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = { ...(await exportJWK(signing.publicKey)), kid, alg: 'RS256', use: 'sig' };
  const jwks = { keys: [publicJwk] };

  const logins: ScriptedLogin[] = [];
  const codes = new Map<string, PendingCode>();
  const tamper: IdTokenTamper = {};
  const authorizeQueries: Array<Record<string, string>> = [];
  const codeExchanges: Auth0Request[] = [];
  const issuedIdTokens: string[] = [];
  let cancelNext = false;
  let interactive = opts.interactive;
  const loginForms = new Map<string, LoginForm>();

  fake.addRoute('GET /.well-known/jwks.json', () => json(200, jwks, { 'cache-control': 'public, max-age=15' }));

  /** Issues a code for a login and sends the browser back with it. */
  const issueCode = (request: AuthorizeRequest, login: ScriptedLogin): Reply => {
    const code = randomBytes(24).toString('base64url');
    codes.set(code, {
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      nonce: request.nonce,
      scope: request.scope,
      mfaRequested: request.mfaRequested,
      login,
      expiresAt: Date.now() + codeLifetimeMs,
      used: false,
    });
    return backTo(request, { code });
  };

  fake.addRoute(
    'GET /authorize',
    (r) => {
      const q = r.query;
      authorizeQueries.push({ ...q });
      if (q.client_id !== fake.clientId) return page(400, `fake-auth0: unknown client_id ${String(q.client_id)}`);
      let redirect: URL;
      try {
        redirect = new URL(q.redirect_uri ?? '');
      } catch {
        return page(400, 'fake-auth0: redirect_uri missing or not a URL');
      }
      if (!/^https?:$/.test(redirect.protocol)) return page(400, 'fake-auth0: redirect_uri must be http(s)');
      if (opts.allowedCallbackUrls && !opts.allowedCallbackUrls.includes(q.redirect_uri ?? ''))
        return page(400, `fake-auth0: callback URL mismatch (${String(q.redirect_uri)} is not allowed)`);
      // From here on, errors go back to the client like Auth0 does.
      const back = (params: Record<string, string>): Reply => {
        const to = new URL(redirect);
        for (const [k, v] of Object.entries(params)) to.searchParams.set(k, v);
        if (q.state !== undefined) to.searchParams.set('state', q.state);
        return redirectTo(to.toString());
      };
      const invalid = (description: string) => back({ error: 'invalid_request', error_description: description });
      if (q.response_type !== 'code')
        return back({ error: 'unsupported_response_type', error_description: `Unsupported response type: ${String(q.response_type)}` });
      if (!q.state) return page(400, 'fake-auth0: state is required by this fake');
      if (!q.nonce) return invalid('nonce is required by this fake');
      if (!q.code_challenge) return invalid('code_challenge is required by this fake');
      if (q.code_challenge_method !== 'S256') return invalid('code_challenge_method must be S256');
      if (!(q.scope ?? '').split(/\s+/).includes('openid')) return invalid('scope must contain openid');
      if (cancelNext) {
        cancelNext = false;
        return back({ error: 'access_denied', error_description: 'User cancelled the login' });
      }
      const request: AuthorizeRequest = {
        clientId: q.client_id,
        redirect,
        redirectUri: q.redirect_uri ?? '',
        state: q.state,
        codeChallenge: q.code_challenge,
        nonce: q.nonce,
        scope: q.scope ?? '',
        mfaRequested: (q.acr_values ?? '').split(/\s+/).includes(MFA_ACR),
      };
      const login = logins.shift();
      if (login) return issueCode(request, login);
      if (!interactive) return page(400, 'fake-auth0: no scripted login; call nextLogin() first');
      const formId = randomBytes(18).toString('base64url');
      loginForms.set(formId, { request, expiresAt: Date.now() + LOGIN_FORM_LIFETIME_MS });
      return loginPage(interactive.users, formId, request);
    },
    { browser: true },
  );

  // The login page's answer. Single use: the form is forgotten before anything else is checked.
  fake.addRoute(
    `POST ${LOGIN_FORM_PATH}`,
    (r) => {
      const p = r.params;
      const formId = typeof p.tx === 'string' ? p.tx : '';
      const form = loginForms.get(formId);
      loginForms.delete(formId);
      const stale = () => standInPage(400, 'This sign-in form can no longer be used', ['It was already used or has expired. Start again from Slack.']);
      if (!form || Date.now() > form.expiresAt) return stale();
      const { request } = form;
      if (p.state !== request.state || p.nonce !== request.nonce) return stale();
      const choice = typeof p.login === 'string' ? p.login : '';
      if (choice === 'cancel') return backTo(request, { error: 'access_denied', error_description: 'User cancelled the login' });
      const [kind, ...rest] = choice.split(':');
      const sub = rest.join(':');
      const user = interactive?.users.find((u) => u.sub === sub);
      if (!user || (kind !== 'mfa' && kind !== 'pwd')) return stale();
      return issueCode(request, {
        sub: user.sub,
        amr: kind === 'mfa' ? ['pwd', 'mfa'] : ['pwd'],
        ...(user.email ? { email: user.email } : {}),
        ...(fake.refreshTokenOf(user.sub) ? { refreshToken: fake.refreshTokenOf(user.sub) } : {}),
      });
    },
    { browser: true },
  );

  fake.addGrant(AUTHORIZATION_CODE_GRANT, async (r) => {
    codeExchanges.push(r);
    const p = r.params;
    const code = typeof p.code === 'string' ? codes.get(p.code) : undefined;
    if (!code) return oauthError(403, 'invalid_grant', 'Invalid authorization code');
    if (code.used) return oauthError(403, 'invalid_grant', 'Invalid authorization code');
    code.used = true;
    if (Date.now() > code.expiresAt) return oauthError(403, 'invalid_grant', 'Invalid authorization code');
    if (code.clientId !== fake.clientId) return oauthError(403, 'invalid_grant', 'Invalid authorization code');
    if (p.redirect_uri !== code.redirectUri) return oauthError(403, 'invalid_grant', 'Redirect URI mismatch');
    if (typeof p.code_verifier !== 'string' || s256(p.code_verifier) !== code.codeChallenge)
      return oauthError(403, 'invalid_grant', 'Failed to verify code verifier');

    const now = Math.floor(Date.now() / 1000);
    const t = { ...tamper };
    for (const k of Object.keys(tamper)) delete tamper[k as keyof IdTokenTamper];
    const amr = code.login.amr ?? (code.mfaRequested ? ['pwd', 'mfa'] : ['pwd']);
    const claims: Record<string, unknown> = {
      nonce: t.nonce ?? code.nonce,
      auth_time: now + (code.login.authTimeOffsetSeconds ?? 0),
      ...(t.omitAmr ? {} : { amr }),
      ...(code.login.email ? { email: code.login.email, email_verified: true } : {}),
    };
    const idToken = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid })
      .setIssuer(t.issuer ?? fake.info.issuer)
      .setAudience(t.audience ?? fake.clientId)
      .setSubject(code.login.sub)
      .setIssuedAt(now)
      .setExpirationTime(now + (t.expiresInSeconds ?? 36_000))
      .sign(t.signWithOtherKey ? other.privateKey : signing.privateKey);
    issuedIdTokens.push(idToken);
    const offline = code.scope.split(/\s+/).includes('offline_access');
    return json(200, {
      access_token: `fake_at_${randomBytes(16).toString('hex')}`,
      id_token: idToken,
      token_type: 'Bearer',
      expires_in: 86_400,
      scope: code.scope,
      ...(offline ? { refresh_token: code.login.refreshToken ?? `fake_rt_${randomBytes(16).toString('hex')}` } : {}),
    });
  });

  return {
    jwks,
    tamper,
    authorizeQueries,
    codeExchanges,
    issuedIdTokens,
    nextLogin(login) {
      if (!fake.hasUser(login.sub)) throw new Error(`installOidc: unknown user ${login.sub}; addUser first`);
      logins.push(login);
    },
    cancelNext() {
      cancelNext = true;
    },
    setInteractive(next) {
      interactive = next;
    },
  };
}
