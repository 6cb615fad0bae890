/**
 * Fake Auth0 tenant over HTTPS.
 *
 * @auth0/ai hard-codes `https://${domain}` (auth0.md §5), so this fake serves TLS with the
 * throwaway cert in test/fixtures; the test process trusts it through
 * `NODE_EXTRA_CA_CERTS=test/fixtures/auth0-test-cert.pem` (read at process start only).
 *
 * Today it serves the Token Vault refresh-token exchange (auth0.md §4.1). Every minted access
 * token carries a canary (`ghu_CANARY_…`, `ya29.CANARY_…`) and is remembered with its owner, so
 * tests can prove which user's token reached GitHub/Google and that none leaked across users.
 *
 * Extending: endpoints live in `routes` (`'<METHOD> <path>'`), `/oauth/token` grants in `grants`
 * (grant_type → handler). authorization_code, refresh_token, CIBA, /authorize, JWKS,
 * /bc-authorize, /oauth/revoke and the My Account API slot in there without restructuring.
 *
 * Demo mode: a person's browser would balk at the self-signed HTTPS origin, so
 * `startBrowserOrigin()` also serves the browser-facing routes (those added with
 * `{ browser: true }`: /authorize, the login form, the consent page, …) over plain
 * `http://127.0.0.1:<port>`, from the same state. Server-to-server routes stay HTTPS-only, as at Auth0.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { asRecord, FakeHttpServer, json, type RecordedRequest, type Reply, type ReplyFn } from './http-recorder.js';
import { STAND_IN_CERT_PATH, STAND_IN_KEY_PATH } from './tls.js';

export const TOKEN_EXCHANGE_GRANT = 'urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token';
export const FEDERATED_TOKEN_TYPE = 'http://auth0.com/oauth/token-type/federated-connection-access-token';
export const REFRESH_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:refresh_token';

/** Self-check endpoint used by start(); never left in `requests`. */
const PING_PATH = '/__fake/ping';

/** Default `scope` answered per connection when a test does not set one. */
const DEFAULT_SCOPES: Record<string, string> = {
  // GitHub Apps take permissions from the app, not per request (auth0.md §7.1).
  github: '',
  'google-oauth2': 'openid https://www.googleapis.com/auth/calendar.events',
};

/** Recognisable prefixes, shaped like the real providers' tokens. */
const CANARY_PREFIX: Record<string, string> = { github: 'ghu_CANARY_', 'google-oauth2': 'ya29.CANARY_' };

export interface Auth0Request extends RecordedRequest {
  /** Parsed JSON or form body (`{}` when empty). */
  params: Record<string, unknown>;
  /** `grant_type` for /oauth/token requests. */
  grantType: string | undefined;
}

export interface FakeAuth0UserSeed {
  sub: string;
  refreshToken: string;
  /** Connected accounts; a connection not listed here is "not connected". */
  connections: Partial<Record<'github' | 'google-oauth2', { scope?: string }>> & Record<string, { scope?: string } | undefined>;
}

export interface IssuedToken {
  token: string;
  sub: string;
  connection: string;
  expiresIn: number;
  scope: string;
  issuedAt: number;
}

export interface FakeAuth0Info {
  /** Host:port as @auth0/ai's `domain` wants it (it prefixes `https://`). */
  domain: string;
  /** `https://127.0.0.1:<port>` */
  url: string;
  /** `https://127.0.0.1:<port>/` (Auth0's issuer has the trailing slash). */
  issuer: string;
}

export interface FakeAuth0Options {
  clientId?: string;
  clientSecret?: string;
}

interface ConnectionState {
  connected: boolean;
  scope: string;
}

interface UserState {
  sub: string;
  refreshToken: string;
  connections: Map<string, ConnectionState>;
}

interface ClientCredentials {
  clientId: string | undefined;
  clientSecret: string | undefined;
}

export type Route = (req: Auth0Request) => Reply | Promise<Reply>;

export interface RouteOptions {
  /** Browser-facing (a page or a form post): also served on the plain-http browser origin. */
  browser?: boolean;
}
export type GrantHandler = (req: Auth0Request) => Reply | Promise<Reply>;

export const oauthError = (status: number, error: string, description: string): Reply => json(status, { error, error_description: description });

/** The title of every page the stand-in shows a person. */
export const STAND_IN_PAGE_TITLE = 'AgentHub demo — Auth0 (stand-in)';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Escapes text for HTML element content and double-quoted attributes. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);

/** A submit button of a stand-in form: `name=value` is posted with the hidden fields. */
export interface FormButton {
  text: string;
  name: string;
  value: string;
  /** Styled as the main choice. */
  primary?: boolean;
}

/** One form of a stand-in page: hidden fields plus one submit button per choice. */
export interface PageForm {
  /** Path on the same origin, e.g. `/authorize/login`. */
  action: string;
  hidden: Record<string, string>;
  buttons: FormButton[];
  /** A line above the buttons (escaped). */
  caption?: string;
}

const PAGE_CSS =
  'body{font:16px/1.5 system-ui,sans-serif;background:#f4f5f7;color:#1d1c1d;margin:0}' +
  'main{max-width:28rem;margin:3rem auto;background:#fff;border-radius:8px;padding:1.5rem 2rem;box-shadow:0 1px 4px #0002}' +
  'h1{font-size:1.25rem}.note{color:#616061;font-size:.875rem}form{margin:1rem 0}' +
  'button{display:block;width:100%;margin:.5rem 0;padding:.6rem;border:1px solid #bbb;border-radius:6px;background:#fff;font:inherit;cursor:pointer}' +
  'button.primary{background:#635dff;border-color:#635dff;color:#fff}';

/**
 * A self-contained page (no external assets, inline CSS only, everything escaped) for a person
 * using the demo. `no-store` and a strict CSP: the forms carry single-use values.
 */
export function standInPage(status: number, heading: string, paragraphs: string[], forms: PageForm[] = []): Reply {
  const formHtml = forms
    .map((f) => {
      const hidden = Object.entries(f.hidden)
        .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
        .join('');
      const buttons = f.buttons
        .map(
          (b) =>
            `<button type="submit" name="${escapeHtml(b.name)}" value="${escapeHtml(b.value)}"${b.primary ? ' class="primary"' : ''}>${escapeHtml(b.text)}</button>`,
        )
        .join('');
      const caption = f.caption ? `<p>${escapeHtml(f.caption)}</p>` : '';
      return `<form method="post" action="${escapeHtml(f.action)}">${caption}${hidden}${buttons}</form>`;
    })
    .join('');
  const body =
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(STAND_IN_PAGE_TITLE)}</title><style>${PAGE_CSS}</style></head><body><main>` +
    `<p class="note">${escapeHtml(STAND_IN_PAGE_TITLE)}</p><h1>${escapeHtml(heading)}</h1>` +
    paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('') +
    `${formHtml}</main></body></html>`;
  return {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // form-action is left open: the login form's answer redirects to the bot's callback.
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      'referrer-policy': 'no-referrer',
    },
    body,
  };
}

/** A 302 to `url` (browser hops). */
export const redirectTo = (url: string): Reply => ({ status: 302, headers: { location: url }, body: '' });

/** The recorded-request shape shared by both origins. */
function toAuth0Request(base: RecordedRequest): Auth0Request {
  const params = asRecord(base.body);
  return { ...base, params, grantType: typeof params.grant_type === 'string' ? params.grant_type : undefined };
}

/**
 * The plain-http origin for browser-facing routes. It has its own request log (`browserRequests`;
 * `onRecord` listeners of the tenant hear it too), and `once()` overrides of the HTTPS server do not
 * apply to it; the routes and their state are shared.
 */
class BrowserOrigin extends FakeHttpServer<Auth0Request> {
  constructor(private readonly route: (r: Auth0Request) => Reply | Promise<Reply>) {
    super();
  }
  start(): Promise<string> {
    return this.listen();
  }
  protected overrideKey(r: Auth0Request): string {
    return `${r.method} ${r.path}`;
  }
  protected enrich(base: RecordedRequest): Auth0Request {
    return toAuth0Request(base);
  }
  protected handle(r: Auth0Request): Reply | Promise<Reply> {
    return this.route(r);
  }
}

const noRoute = (r: Auth0Request): Reply => json(404, { statusCode: 404, error: 'Not Found', message: `fake-auth0: no route ${r.method} ${r.path}` });

export class FakeAuth0 extends FakeHttpServer<Auth0Request> {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Every token minted by a successful exchange, oldest first. */
  readonly issuedTokens: IssuedToken[] = [];
  /** Token Vault exchange requests received (successful or not): what the SDK's cache saved or cost. */
  exchangeCount = 0;
  private expiresIn = 3600;
  private readonly users = new Map<string, UserState>();
  private readonly listeners: Array<(t: IssuedToken) => void> = [];
  /** Route keys also served on the browser origin. */
  private readonly browserRoutes = new Set<string>();
  private browserOrigin: BrowserOrigin | undefined;
  private readonly recordListeners = new Set<(r: Auth0Request) => void>();

  /** `'<METHOD> <path>'` → handler. Add endpoints here. */
  private readonly routes: Record<string, Route> = {
    'POST /oauth/token': (r) => this.oauthToken(r),
    // RFC 7009: 200 whether or not the token was valid; 401 for bad client credentials.
    'POST /oauth/revoke': (r) => {
      const { clientId, clientSecret } = this.clientCredentials(r);
      if (clientId !== this.clientId || clientSecret !== this.clientSecret) return oauthError(401, 'access_denied', 'Unauthorized');
      if (typeof r.params.token === 'string') this.revokedRefreshTokens.push(r.params.token);
      return { status: 200, body: '' };
    },
    [`GET ${PING_PATH}`]: () => ({ status: 204 }),
  };

  /** `grant_type` → handler for POST /oauth/token (client already authenticated). Add grants here. */
  private readonly grants: Record<string, GrantHandler> = {
    [TOKEN_EXCHANGE_GRANT]: (r) => this.tokenVaultExchange(r),
  };

  constructor(opts: FakeAuth0Options = {}) {
    super({
      key: readFileSync(STAND_IN_KEY_PATH),
      cert: readFileSync(STAND_IN_CERT_PATH),
    });
    this.clientId = opts.clientId ?? 'agenthub-test-client';
    this.clientSecret = opts.clientSecret ?? 'agenthub-test-secret';
  }

  /**
   * Starts listening and checks that this process trusts the test cert (through global fetch,
   * the path @auth0/ai uses), so a missing NODE_EXTRA_CA_CERTS fails here with a clear message
   * instead of as an obscure `fetch failed` inside a tool.
   */
  async start(): Promise<FakeAuth0Info> {
    await this.listen();
    try {
      await (await fetch(`${this.url}${PING_PATH}`)).text();
    } catch (err) {
      await this.stop();
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? String(err);
      throw new Error(
        `FakeAuth0: this process does not trust test/fixtures/auth0-test-cert.pem (${cause}). Run with NODE_EXTRA_CA_CERTS=test/fixtures/auth0-test-cert.pem (read at process start).`,
      );
    } finally {
      const i = this.requests.findIndex((r) => r.path === PING_PATH);
      if (i >= 0) this.requests.splice(i, 1);
    }
    return this.info;
  }

  /**
   * Also serves the browser-facing routes over plain `http://127.0.0.1:<port>` (demo mode: no
   * certificate warning in a person's browser), sharing this tenant's state. Returns that origin.
   * While it runs, the My Account API's `connect_uri` points there.
   */
  async startBrowserOrigin(): Promise<string> {
    if (!this.browserOrigin) {
      const origin = new BrowserOrigin((r) => this.handleBrowser(r));
      origin.onRecord((r) => {
        for (const listener of this.recordListeners) listener(r);
      });
      await origin.start();
      this.browserOrigin = origin;
    }
    return this.browserOrigin.url;
  }

  /** `http://127.0.0.1:<port>` of the browser origin, when started. */
  get browserUrl(): string | undefined {
    return this.browserOrigin?.url;
  }

  /** Requests the browser origin received (it has its own log). */
  get browserRequests(): Auth0Request[] {
    return this.browserOrigin?.requests ?? [];
  }

  /** Also reports the browser origin's requests (which have their own log, `browserRequests`). */
  override onRecord(listener: (r: Auth0Request) => void): () => void {
    const off = super.onRecord(listener);
    this.recordListeners.add(listener);
    return () => {
      off();
      this.recordListeners.delete(listener);
    };
  }

  override async stop(): Promise<void> {
    const origin = this.browserOrigin;
    this.browserOrigin = undefined;
    await origin?.stop();
    await super.stop();
  }

  get info(): FakeAuth0Info {
    if (!this.url) throw new Error('FakeAuth0 not started');
    return { domain: this.url.replace(/^https:\/\//, ''), url: this.url, issuer: `${this.url}/` };
  }

  /**
   * Mounts another endpoint (`'GET /authorize'`, `'POST /bc-authorize'`, …). Protocol pieces live
   * in their own modules under test/fakes/ and plug in here, so this file stays the Token Vault core.
   */
  addRoute(key: string, route: Route, opts: RouteOptions = {}): this {
    this.routes[key] = route;
    if (opts.browser) this.browserRoutes.add(key);
    else this.browserRoutes.delete(key);
    return this;
  }

  /** Handles another `grant_type` at POST /oauth/token; the client is authenticated before it runs. */
  addGrant(grantType: string, handler: GrantHandler): this {
    this.grants[grantType] = handler;
    return this;
  }

  /** Refresh tokens revoked through POST /oauth/revoke; exchanges with them fail like Auth0's. */
  readonly revokedRefreshTokens: string[] = [];

  /** The connections this user has connected (Token Vault would exchange for them). */
  connectedConnections(sub: string): Array<{ connection: string; scope: string }> {
    const u = this.users.get(sub);
    return u ? [...u.connections].filter(([, c]) => c.connected).map(([connection, c]) => ({ connection, scope: c.scope })) : [];
  }

  /** The `sub` whose (unrevoked) refresh token this is, if any. */
  subOfRefreshToken(token: string): string | undefined {
    if (this.revokedRefreshTokens.includes(token)) return undefined;
    return [...this.users.values()].find((u) => u.refreshToken === token)?.sub;
  }

  /** The refresh token seeded for this user (what a login with `offline_access` answers), if any. */
  refreshTokenOf(sub: string): string | undefined {
    return this.users.get(sub)?.refreshToken;
  }

  /** Whether a user with this `sub` exists (seeded with addUser). */
  hasUser(sub: string): boolean {
    return this.users.has(sub);
  }

  addUser(seed: FakeAuth0UserSeed): this {
    const connections = new Map<string, ConnectionState>();
    for (const [name, c] of Object.entries(seed.connections)) {
      if (c) connections.set(name, { connected: true, scope: c.scope ?? DEFAULT_SCOPES[name] ?? '' });
    }
    this.users.set(seed.sub, { sub: seed.sub, refreshToken: seed.refreshToken, connections });
    return this;
  }

  /** `expires_in` (seconds) of tokens minted from now on. @auth0/ai uses it as its cache TTL. */
  setExpiresIn(seconds: number): this {
    this.expiresIn = seconds;
    return this;
  }

  /** Marks a connection as not connected → 401 `federated_connection_refresh_token_not_found`. */
  disconnect(sub: string, connection: string): this {
    const c = this.user(sub).connections.get(connection);
    if (c) c.connected = false;
    return this;
  }

  /** (Re)connects an account, e.g. after a simulated Connected Accounts flow. */
  connect(sub: string, connection: string, opts: { scope?: string } = {}): this {
    const u = this.user(sub);
    const prev = u.connections.get(connection);
    u.connections.set(connection, { connected: true, scope: opts.scope ?? prev?.scope ?? DEFAULT_SCOPES[connection] ?? '' });
    return this;
  }

  /** Overrides the granted `scope` answered for a connection (to provoke missing-scope interrupts). */
  setScope(sub: string, connection: string, scope: string): this {
    const c = this.user(sub).connections.get(connection);
    if (!c) throw new Error(`FakeAuth0: ${sub} has no ${connection} connection`);
    c.scope = scope;
    return this;
  }

  /** One-shot answer for the next Token Vault exchange only (other grants pass through). Default: 500 server_error. */
  failNextExchange(reply: Reply | ReplyFn<Auth0Request> = oauthError(500, 'server_error', 'fake-auth0: injected failure')): this {
    return this.once(
      (r) => r.path === '/oauth/token' && r.grantType === TOKEN_EXCHANGE_GRANT,
      (r) => {
        this.exchangeCount++;
        return typeof reply === 'function' ? reply(r) : reply;
      },
    );
  }

  /** Called for every minted token, e.g. `auth0.onTokenIssued(t => github.acceptToken(t.token, loginOf(t.sub)))`. */
  onTokenIssued(listener: (t: IssuedToken) => void): this {
    this.listeners.push(listener);
    return this;
  }

  /** Who a minted token belongs to. */
  tokenInfo(token: string): IssuedToken | undefined {
    return this.issuedTokens.find((t) => t.token === token);
  }

  /** The Token Vault exchange requests received. */
  get exchanges(): Auth0Request[] {
    return this.requests.filter((r) => r.path === '/oauth/token' && r.grantType === TOKEN_EXCHANGE_GRANT);
  }

  protected overrideKey(r: Auth0Request): string {
    return `${r.method} ${r.path}`;
  }

  protected override describe(r: Auth0Request): string {
    return `${r.method} ${r.path} grant=${r.grantType ?? '-'} connection=${String(r.params.connection ?? '-')} → ${r.status}`;
  }

  protected enrich(base: RecordedRequest): Auth0Request {
    return toAuth0Request(base);
  }

  protected handle(r: Auth0Request): Reply | Promise<Reply> {
    const route = this.routes[`${r.method} ${r.path}`];
    return route ? route(r) : noRoute(r);
  }

  /** The browser origin answers browser-facing routes only; the rest is 404 there, as if absent. */
  private handleBrowser(r: Auth0Request): Reply | Promise<Reply> {
    const key = `${r.method} ${r.path}`;
    const route = this.browserRoutes.has(key) ? this.routes[key] : undefined;
    return route ? route(r) : noRoute(r);
  }

  private user(sub: string): UserState {
    const u = this.users.get(sub);
    if (!u) throw new Error(`FakeAuth0: unknown user ${sub}; addUser first`);
    return u;
  }

  /** client_secret_post (body) or client_secret_basic (Authorization: Basic). */
  private clientCredentials(r: Auth0Request): ClientCredentials {
    const basic = /^Basic\s+(\S+)$/i.exec(r.authorization ?? '');
    if (basic?.[1]) {
      const [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
      return { clientId: id && decodeURIComponent(id), clientSecret: secret && decodeURIComponent(secret) };
    }
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    return { clientId: str(r.params.client_id), clientSecret: str(r.params.client_secret) };
  }

  private oauthToken(r: Auth0Request): Reply | Promise<Reply> {
    if (typeof r.body === 'string') return oauthError(400, 'invalid_request', 'Could not parse the request body');
    const c = this.clientCredentials(r);
    if (c.clientId !== this.clientId || c.clientSecret !== this.clientSecret) {
      if (r.grantType === TOKEN_EXCHANGE_GRANT) this.exchangeCount++;
      return oauthError(401, 'access_denied', 'Unauthorized');
    }
    const grant = r.grantType ? this.grants[r.grantType] : undefined;
    if (!grant) return oauthError(403, 'unsupported_grant_type', `Grant type '${r.grantType ?? ''}' not allowed for the client.`);
    return grant(r);
  }

  private tokenVaultExchange(r: Auth0Request): Reply {
    this.exchangeCount++;
    const p = r.params;
    if (p.subject_token_type !== REFRESH_TOKEN_TYPE)
      return oauthError(400, 'invalid_request', `Unsupported subject_token_type: ${String(p.subject_token_type)}`);
    if (p.requested_token_type !== FEDERATED_TOKEN_TYPE)
      return oauthError(400, 'invalid_request', `Unsupported requested_token_type: ${String(p.requested_token_type)}`);
    if (typeof p.connection !== 'string' || !p.connection) return oauthError(400, 'invalid_request', "Missing required parameter: 'connection'");
    if (typeof p.subject_token !== 'string' || !p.subject_token) return oauthError(400, 'invalid_request', "Missing required parameter: 'subject_token'");

    const user = this.revokedRefreshTokens.includes(String(p.subject_token))
      ? undefined
      : [...this.users.values()].find((u) => u.refreshToken === p.subject_token);
    if (!user) return oauthError(401, 'invalid_grant', 'Unknown or invalid refresh token.');
    const conn = user.connections.get(p.connection);
    if (!conn?.connected) return oauthError(401, 'federated_connection_refresh_token_not_found', 'Federated connection Refresh Token not found.');

    const issued: IssuedToken = {
      token: `${CANARY_PREFIX[p.connection] ?? `${p.connection}_CANARY_`}${randomBytes(12).toString('hex')}`,
      sub: user.sub,
      connection: p.connection,
      expiresIn: this.expiresIn,
      scope: conn.scope,
      issuedAt: Date.now(),
    };
    this.issuedTokens.push(issued);
    for (const l of this.listeners) l(issued);
    return json(200, {
      access_token: issued.token,
      expires_in: issued.expiresIn,
      scope: issued.scope,
      token_type: 'Bearer',
      issued_token_type: FEDERATED_TOKEN_TYPE,
    });
  }
}
