/**
 * CIBA for the fake Auth0 tenant (auth0.md §4.2, §4.3, §6.7; reliability.md §2.7).
 *
 * `installCiba(fake)` mounts `POST /bc-authorize` and the `urn:openid:params:grant-type:ciba`
 * grant. Like Auth0 it checks client credentials, `scope` ∋ openid, the binding-message character
 * set and length, and the `iss_sub` login_hint; it enforces the polling interval (a poll sooner
 * than the current interval gets `slow_down` + `Retry-After`, and the interval grows by 5 s) and
 * answers `access_denied` once the request has expired, as Auth0 does.
 *
 * Outcomes per request: a script (`script(id | 'next', ['pending', 'slow_down', 'approved'])`,
 * consumed one step per accepted poll), else the state set by `approve(id)` / `deny(id)`, else
 * `authorization_pending`. Every poll's time is recorded per auth_req_id (`polls(id)`), with the
 * clock from `opts.now` so a test can share a virtual clock with the poller.
 *
 * Demo mode: `GET /guardian` (browser-facing) stands in for the Guardian app: it lists the pending
 * requests with their binding message and Approve / Deny buttons, which set the decision once.
 */
import { randomBytes } from 'node:crypto';
import { type Auth0Request, type FakeAuth0, oauthError, redirectTo, standInPage } from './fake-auth0.js';
import { json, type Reply } from './http-recorder.js';

/** The stand-in for the Guardian app (browser-facing) and the path its buttons post to. */
export const GUARDIAN_PATH = '/guardian';
export const GUARDIAN_DECIDE_PATH = '/guardian/decide';

export const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';
export const BINDING_MESSAGE_RULE = /^[A-Za-z0-9 +\-_.,:#]{1,64}$/;

export type CibaOutcomeName = 'pending' | 'slow_down' | 'approved' | 'denied' | 'expired' | 'invalid_grant';
/** A script step: an outcome, optionally with a response delay (to hold a poll in flight) or a Retry-After. */
export type CibaStep = CibaOutcomeName | { outcome: CibaOutcomeName; delayMs?: number; retryAfter?: number };

export interface InstallCibaOptions {
  /** `expires_in` answered by /bc-authorize (default: the requested_expiry, else 300). */
  expiresIn?: number;
  /** `interval` answered (default 5); `null` omits the field (clients must then use 5). */
  interval?: number | null;
  /** Clock for poll timestamps, interval enforcement and expiry (default Date.now). */
  now?: () => number;
  /** Enforce the interval with `slow_down` (default true). */
  enforceInterval?: boolean;
}

export interface CibaPoll {
  at: number;
  /** What the fake answered: an outcome, or 'too_fast' for an interval violation (slow_down). */
  outcome: CibaOutcomeName | 'too_fast' | 'consumed';
}

export interface FakeCibaRequest {
  authReqId: string;
  sub: string;
  scope: string;
  bindingMessage: string;
  audience: string | undefined;
  requestedExpiry: string | undefined;
  createdAt: number;
  expiresAt: number;
  /** Current minimum spacing (s); grows by 5 on every slow_down. */
  interval: number;
  lastPollAt: number;
  script: CibaStep[];
  decision: 'approved' | 'denied' | undefined;
  /** Tokens were issued: the auth_req_id is single-use (auth0.md §4.3). */
  consumed: boolean;
  polls: CibaPoll[];
}

export interface FakeCiba {
  /** Every request created, by auth_req_id. */
  readonly requests: Map<string, FakeCibaRequest>;
  /** Access/id tokens minted for approved requests (canaries for leak checks). */
  readonly issuedTokens: string[];
  /** Scripts the next /bc-authorize request (FIFO), or an existing one. */
  script(authReqId: string | 'next', steps: CibaStep[]): FakeCiba;
  approveNext(): FakeCiba;
  denyNext(): FakeCiba;
  approve(authReqId: string): FakeCiba;
  deny(authReqId: string): FakeCiba;
  /** Users who exist but have no Guardian enrolment → `invalid_request` at /bc-authorize. */
  withoutGuardian(sub: string): FakeCiba;
  configure(opts: Pick<InstallCibaOptions, 'expiresIn' | 'interval' | 'enforceInterval'>): FakeCiba;
  /** Poll timestamps for one auth_req_id (clock of `opts.now`). */
  polls(authReqId: string): number[];
  pollLog(authReqId: string): CibaPoll[];
  /** auth_req_id of the most recent /bc-authorize. */
  readonly lastAuthReqId: string | undefined;
  /** Resolves with the n-th (1-based) poll of a request. */
  waitForPoll(authReqId: string, n: number, timeoutMs?: number): Promise<CibaPoll>;
  reset(): void;
}

const DENIED = 'The end-user denied the authorization request or it has been expired';

export function installCiba(fake: FakeAuth0, opts: InstallCibaOptions = {}): FakeCiba {
  const now = opts.now ?? Date.now;
  const settings = { expiresIn: opts.expiresIn, interval: opts.interval === undefined ? 5 : opts.interval, enforceInterval: opts.enforceInterval ?? true };
  const requests = new Map<string, FakeCibaRequest>();
  const issuedTokens: string[] = [];
  const nextConfigs: Array<Pick<FakeCibaRequest, 'script' | 'decision'>> = [];
  const noGuardian = new Set<string>();
  let waiters: Array<{ id: string; n: number; resolve: (p: CibaPoll) => void }> = [];
  let last: string | undefined;

  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

  function clientOk(r: Auth0Request): boolean {
    const basic = /^Basic\s+(\S+)$/i.exec(r.authorization ?? '');
    if (basic?.[1]) {
      const [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
      return decodeURIComponent(id ?? '') === fake.clientId && decodeURIComponent(secret ?? '') === fake.clientSecret;
    }
    return str(r.params.client_id) === fake.clientId && str(r.params.client_secret) === fake.clientSecret;
  }

  function bcAuthorize(r: Auth0Request): Reply {
    if (typeof r.body !== 'object' || r.body === null) return oauthError(400, 'invalid_request', 'Could not parse the request body');
    if (!clientOk(r)) return oauthError(401, 'access_denied', 'Unauthorized');
    const p = r.params;
    const scope = str(p.scope) ?? '';
    if (!scope.split(/\s+/).includes('openid')) return oauthError(400, 'invalid_request', 'The scope parameter must include openid');
    const bindingMessage = str(p.binding_message) ?? '';
    if (!BINDING_MESSAGE_RULE.test(bindingMessage))
      return oauthError(400, 'invalid_request', 'binding_message must be 1-64 characters of alphanumerics, spaces and +-_.,:#');
    let hint: Record<string, unknown>;
    try {
      hint = JSON.parse(str(p.login_hint) ?? '') as Record<string, unknown>;
    } catch {
      return oauthError(400, 'invalid_request', 'login_hint must be a JSON object');
    }
    if (hint.format !== 'iss_sub' || hint.iss !== fake.info.issuer || typeof hint.sub !== 'string')
      return oauthError(400, 'invalid_request', 'login_hint must be {"format":"iss_sub","iss":"<issuer>","sub":"<user id>"}');
    if (!fake.hasUser(hint.sub)) return oauthError(400, 'unknown_user_id', 'The user was not found');
    if (noGuardian.has(hint.sub)) return oauthError(400, 'invalid_request', 'User does not have push notifications enabled');

    const requested = Number(str(p.requested_expiry) ?? '300');
    const expiresIn = settings.expiresIn ?? (Number.isFinite(requested) && requested > 0 ? requested : 300);
    const authReqId = `cibareq_${randomBytes(12).toString('hex')}`;
    const next = nextConfigs.shift();
    const t = now();
    const interval = settings.interval ?? 5;
    requests.set(authReqId, {
      authReqId,
      sub: hint.sub,
      scope,
      bindingMessage,
      audience: str(p.audience),
      requestedExpiry: str(p.requested_expiry),
      createdAt: t,
      expiresAt: t + expiresIn * 1000,
      interval,
      // The client must wait one interval before its first poll too.
      lastPollAt: t,
      script: next?.script ?? [],
      decision: next?.decision,
      consumed: false,
      polls: [],
    });
    last = authReqId;
    return json(200, { auth_req_id: authReqId, expires_in: expiresIn, ...(settings.interval === null ? {} : { interval: settings.interval }) });
  }

  function record(req: FakeCibaRequest, poll: CibaPoll): void {
    req.polls.push(poll);
    waiters = waiters.filter((w) => {
      if (w.id !== req.authReqId || req.polls.length < w.n) return true;
      w.resolve(req.polls[w.n - 1]!);
      return false;
    });
  }

  function slowDown(req: FakeCibaRequest, retryAfter?: number): Reply {
    req.interval += 5;
    return json(
      429,
      { error: 'slow_down', error_description: `You are polling faster than allowed. Try again in ${req.interval} seconds.` },
      { 'retry-after': String(retryAfter ?? req.interval) },
    );
  }

  function grant(r: Auth0Request): Reply {
    const id = str(r.params.auth_req_id) ?? '';
    const req = requests.get(id);
    if (!req) return oauthError(400, 'invalid_grant', 'Invalid or expired auth_req_id');
    const t = now();
    if (req.consumed) {
      record(req, { at: t, outcome: 'consumed' });
      return oauthError(400, 'invalid_grant', 'Invalid or expired auth_req_id');
    }
    const tooFast = settings.enforceInterval && t - req.lastPollAt < req.interval * 1000;
    req.lastPollAt = t;
    if (tooFast) {
      record(req, { at: t, outcome: 'too_fast' });
      return slowDown(req);
    }
    if (t >= req.expiresAt) {
      record(req, { at: t, outcome: 'expired' });
      return oauthError(400, 'access_denied', DENIED);
    }
    const step = req.script.shift();
    const outcome: CibaOutcomeName = step === undefined ? (req.decision ?? 'pending') : typeof step === 'string' ? step : step.outcome;
    const extra: { delayMs?: number; retryAfter?: number } = typeof step === 'object' ? step : {};
    record(req, { at: t, outcome });
    const reply = answer(req, outcome, extra.retryAfter);
    return extra.delayMs ? { ...reply, delayMs: extra.delayMs } : reply;
  }

  function answer(req: FakeCibaRequest, outcome: CibaOutcomeName, retryAfter?: number): Reply {
    switch (outcome) {
      case 'pending':
        return oauthError(400, 'authorization_pending', 'The end-user authorization is pending');
      case 'slow_down':
        return slowDown(req, retryAfter);
      case 'denied':
        return oauthError(400, 'access_denied', DENIED);
      case 'expired':
        return oauthError(400, 'expired_token', 'The auth_req_id has expired');
      case 'invalid_grant':
        return oauthError(400, 'invalid_grant', 'Invalid or expired auth_req_id');
      case 'approved': {
        req.consumed = true;
        const accessToken = `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify({ sub: req.sub, canary: randomBytes(6).toString('hex') })).toString('base64url')}.CIBA_AT_CANARY`;
        const idToken = `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify({ sub: req.sub, nonce: randomBytes(6).toString('hex') })).toString('base64url')}.CIBA_ID_CANARY`;
        issuedTokens.push(accessToken, idToken);
        return json(200, { access_token: accessToken, id_token: idToken, expires_in: 86400, scope: req.scope, token_type: 'Bearer' });
      }
    }
  }

  fake.addRoute('POST /bc-authorize', bcAuthorize);
  fake.addGrant(CIBA_GRANT, grant);

  /** Per pending request, the id of the Guardian form last shown for it (single use). */
  const guardianForms = new Map<string, string>();
  const undecided = () => [...requests.values()].filter((q) => !q.consumed && q.decision === undefined && q.script.length === 0 && now() < q.expiresAt);

  fake.addRoute(
    `GET ${GUARDIAN_PATH}`,
    () => {
      const pending = undecided();
      const forms = pending.map((q) => {
        const form = randomBytes(18).toString('base64url');
        guardianForms.set(q.authReqId, form);
        return {
          action: GUARDIAN_DECIDE_PATH,
          caption: `“${q.bindingMessage}” — for ${q.sub}`,
          hidden: { auth_req_id: q.authReqId, form },
          buttons: [
            { text: 'Approve', name: 'decision', value: 'approve', primary: true },
            { text: 'Deny', name: 'decision', value: 'deny' },
          ],
        };
      });
      const intro =
        pending.length > 0 ? 'Check that the message matches what you were asked in Slack.' : 'No requests are waiting. Reload this page after AgentHub asks.';
      return standInPage(200, 'Guardian (stand-in): requests to approve', [intro], forms);
    },
    { browser: true },
  );

  fake.addRoute(
    `POST ${GUARDIAN_DECIDE_PATH}`,
    (r) => {
      const id = str(r.params.auth_req_id) ?? '';
      const form = guardianForms.get(id);
      guardianForms.delete(id);
      const req = requests.get(id);
      if (!req || !form || r.params.form !== form || !undecided().includes(req))
        return standInPage(400, 'This request can no longer be decided', ['It was already decided or has expired.']);
      req.decision = r.params.decision === 'approve' ? 'approved' : 'denied';
      return redirectTo(GUARDIAN_PATH);
    },
    { browser: true },
  );

  const get = (id: string) => {
    const req = requests.get(id);
    if (!req) throw new Error(`fake CIBA: unknown auth_req_id ${id}`);
    return req;
  };

  const api: FakeCiba = {
    requests,
    issuedTokens,
    script(id, steps) {
      if (id === 'next') nextConfigs.push({ script: [...steps], decision: undefined });
      else get(id).script.push(...steps);
      return api;
    },
    approveNext() {
      nextConfigs.push({ script: [], decision: 'approved' });
      return api;
    },
    denyNext() {
      nextConfigs.push({ script: [], decision: 'denied' });
      return api;
    },
    approve(id) {
      get(id).decision = 'approved';
      return api;
    },
    deny(id) {
      get(id).decision = 'denied';
      return api;
    },
    withoutGuardian(sub) {
      noGuardian.add(sub);
      return api;
    },
    configure(o) {
      if ('expiresIn' in o) settings.expiresIn = o.expiresIn;
      if ('interval' in o && o.interval !== undefined) settings.interval = o.interval;
      if (o.enforceInterval !== undefined) settings.enforceInterval = o.enforceInterval;
      return api;
    },
    polls: (id) => (requests.get(id)?.polls ?? []).map((p) => p.at),
    pollLog: (id) => [...(requests.get(id)?.polls ?? [])],
    get lastAuthReqId() {
      return last;
    },
    waitForPoll(id, n, timeoutMs = 5000) {
      const have = requests.get(id)?.polls[n - 1];
      if (have) return Promise.resolve(have);
      return new Promise<CibaPoll>((resolve, reject) => {
        const waiter = {
          id,
          n,
          resolve: (p: CibaPoll) => {
            clearTimeout(timer);
            resolve(p);
          },
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter);
          reject(new Error(`fake CIBA: poll #${n} of ${id} not seen within ${timeoutMs} ms (saw ${requests.get(id)?.polls.length ?? 0})`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    reset() {
      requests.clear();
      issuedTokens.length = 0;
      nextConfigs.length = 0;
      noGuardian.clear();
      last = undefined;
    },
  };
  return api;
}
