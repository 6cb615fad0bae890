import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOidcClient } from '../../../src/auth/oidc-client.js';
import { createNonce, createPkce } from '../../../src/auth/pkce.js';
import { CIBA_GRANT, type FakeCiba, installCiba } from '../../fakes/auth0-ciba.js';
import { installMyAccount } from '../../fakes/auth0-my-account.js';
import { installOidc, MFA_ACR, type OidcFake } from '../../fakes/auth0-oidc.js';
import { FakeAuth0 } from '../../fakes/fake-auth0.js';
import { buttonTexts, createBrowser, formFor, headingOf } from './browser.js';

const CALLBACK = 'http://127.0.0.1:9/auth/callback';
const ALICE = { sub: 'auth0|alice', name: 'Alice Lee', email: 'alice@example.com' };

describe('the Auth0 stand-in browser origin', () => {
  const auth0 = new FakeAuth0();
  let oidc: OidcFake;
  let ciba: FakeCiba;
  let http: string;
  const browser = createBrowser();

  /** The bot's own OIDC client, sending browsers to the stand-in's http origin (demo mode's seam). */
  const client = () =>
    createOidcClient({
      domain: auth0.info.domain,
      clientId: auth0.clientId,
      clientSecret: auth0.clientSecret,
      redirectUri: CALLBACK,
      authorizeUrl: `${http}/authorize`,
    });
  const authorize = (opts: { mfa?: boolean } = {}) => {
    const pkce = createPkce();
    const nonce = createNonce();
    const url = client().authorizeUrl({
      state: `st-${nonce.slice(0, 8)}`,
      nonce,
      codeChallenge: pkce.challenge,
      scope: 'openid profile email offline_access',
      ...(opts.mfa ? { acrValues: MFA_ACR } : {}),
    });
    return { url, nonce, verifier: pkce.verifier };
  };
  /** The browser's last stop (the bot's callback, which does not run here) as its query. */
  const callbackQuery = (location: string) => {
    expect(location.startsWith(`${CALLBACK}?`)).toBe(true);
    return new URL(location).searchParams;
  };
  const postForm = (action: string, fields: Record<string, string>) =>
    fetch(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields), redirect: 'manual' });

  beforeAll(async () => {
    await auth0.start();
    http = await auth0.startBrowserOrigin();
    auth0.addUser({ sub: ALICE.sub, refreshToken: 'v1.MRrt-alice', connections: {} });
    oidc = await installOidc(auth0, { interactive: { users: [ALICE] } });
    ciba = installCiba(auth0);
    installMyAccount(auth0, { interactive: true });
  });
  afterAll(() => auth0.stop());

  it('the bot keeps sending browsers to https://<domain>/authorize unless authorizeUrl says otherwise', () => {
    const base = { domain: auth0.info.domain, clientId: 'c', clientSecret: 's', redirectUri: CALLBACK };
    const params = { state: 's', nonce: 'n', codeChallenge: 'c', scope: 'openid' };
    expect(createOidcClient(base).authorizeUrl(params).startsWith(`${auth0.info.url}/authorize?`)).toBe(true);
    expect(
      createOidcClient({ ...base, authorizeUrl: `${http}/authorize` })
        .authorizeUrl(params)
        .startsWith(`${http}/authorize?response_type=code&`),
    ).toBe(true);
    expect(http).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('a click on the http page gives the bot a code whose id_token verifies with issuer https://<domain>/', async () => {
    const { url, nonce, verifier } = authorize();
    const page = await browser.open(url);
    const res = await postForm(formFor(page, 'Sign in as Alice Lee').action, formFor(page, 'Sign in as Alice Lee').fields);
    expect(res.status).toBe(302);
    const q = callbackQuery(res.headers.get('location') ?? '');
    expect(q.get('state')).toBe(new URL(url).searchParams.get('state'));

    const tokens = await client().exchangeCode({ code: q.get('code') ?? '', codeVerifier: verifier });
    const claims = await client().verifyIdToken(tokens.idToken, { nonce });
    expect(claims).toMatchObject({ sub: ALICE.sub, email: ALICE.email, amr: ['pwd'], iss: `${auth0.info.url}/` });
    expect(tokens.refreshToken).toBe('v1.MRrt-alice');
  });

  it('"Approve with MFA as …" signs in with amr pwd+mfa', async () => {
    const { url, nonce, verifier } = authorize({ mfa: true });
    const page = await browser.open(url);
    expect(buttonTexts(page)).toEqual(['Approve with MFA as Alice Lee', 'Sign in as Alice Lee without MFA', 'Cancel']);
    const res = await postForm(formFor(page, 'Approve with MFA as Alice Lee').action, formFor(page, 'Approve with MFA as Alice Lee').fields);
    const tokens = await client().exchangeCode({ code: callbackQuery(res.headers.get('location') ?? '').get('code') ?? '', codeVerifier: verifier });
    expect((await client().verifyIdToken(tokens.idToken, { nonce, requireMfa: true })).amr).toEqual(['pwd', 'mfa']);
  });

  it('both origins share one state: a form shown over https is accepted once over http, and its replay over https does nothing', async () => {
    const { url } = authorize();
    const page = await browser.open(url.replace(http, auth0.info.url));
    expect(page.url.startsWith(`${auth0.info.url}/authorize?`)).toBe(true);
    const { fields } = formFor(page, 'Sign in as Alice Lee');
    const viaHttp = await postForm(`${http}/authorize/login`, fields);
    expect(callbackQuery(viaHttp.headers.get('location') ?? '').get('code')).toBeTruthy();
    const replay = await postForm(`${auth0.info.url}/authorize/login`, fields);
    expect(replay.status).toBe(400);
    expect(replay.headers.get('location')).toBeNull();
  });

  it('a form post with a state or nonce other than the request’s is refused, and burns the form', async () => {
    const { url } = authorize();
    const { action, fields } = formFor(await browser.open(url), 'Sign in as Alice Lee');
    expect((await postForm(action, { ...fields, state: 'forged' })).status).toBe(400);
    expect((await postForm(action, fields)).status).toBe(400);
  });

  it('a queued scripted login still wins: /authorize redirects at once, with no page', async () => {
    oidc.nextLogin({ sub: ALICE.sub });
    const res = await fetch(authorize().url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(callbackQuery(res.headers.get('location') ?? '').get('code')).toBeTruthy();
  });

  it('server-to-server routes are not served on the http origin', async () => {
    const calls: Array<[string, string]> = [
      ['POST', '/oauth/token'],
      ['GET', '/.well-known/jwks.json'],
      ['POST', '/bc-authorize'],
      ['POST', '/oauth/revoke'],
      ['POST', '/me/v1/connected-accounts/connect'],
      ['GET', '/me/v1/connected-accounts/accounts'],
    ];
    for (const [method, path] of calls) {
      const res = await fetch(`${http}${path}`, { method, ...(method === 'POST' ? { body: new URLSearchParams({ grant_type: 'refresh_token' }) } : {}) });
      expect(`${method} ${path} → ${res.status}`).toBe(`${method} ${path} → 404`);
    }
    expect((await fetch(`${auth0.info.url}/.well-known/jwks.json`)).status).toBe(200);
  });

  it('names are escaped on the page', async () => {
    oidc.setInteractive({ users: [{ sub: 'auth0|eve', name: '<script>alert(1)</script> & "Eve"' }] });
    try {
      const page = await browser.open(authorize().url);
      expect(page.html).not.toContain('<script>');
      expect(page.html).toContain('Sign in as &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Eve&quot;');
      expect(buttonTexts(page)).toContain('Sign in as <script>alert(1)</script> & "Eve"');
    } finally {
      oidc.setInteractive({ users: [ALICE] });
    }
  });

  it('/guardian lists a pending backchannel request with its binding message; Approve lets the poll succeed, once', async () => {
    const basic = `Basic ${Buffer.from(`${auth0.clientId}:${auth0.clientSecret}`).toString('base64')}`;
    const started = await fetch(`${auth0.info.url}/bc-authorize`, {
      method: 'POST',
      headers: { authorization: basic },
      body: new URLSearchParams({
        scope: 'openid',
        binding_message: 'Merge PR #7 in acme-api',
        login_hint: JSON.stringify({ format: 'iss_sub', iss: auth0.info.issuer, sub: ALICE.sub }),
      }),
    });
    expect(started.status).toBe(200);
    const { auth_req_id: id } = (await started.json()) as { auth_req_id: string };

    const page = await browser.open(`${http}/guardian`);
    expect(headingOf(page).title).toBe('AgentHub demo — Auth0 (stand-in)');
    expect(page.html).toContain('Merge PR #7 in acme-api');
    const approve = formFor(page, 'Approve');
    expect(approve.fields.auth_req_id).toBe(id);
    const done = await browser.post(approve);
    expect(done.url).toBe(`${http}/guardian`);
    expect(done.html).not.toContain('Merge PR #7 in acme-api');
    expect(ciba.requests.get(id)?.decision).toBe('approved');

    // A replayed Deny cannot overturn the decision.
    expect((await postForm(approve.action, { ...approve.fields, decision: 'deny' })).status).toBe(400);
    ciba.configure({ enforceInterval: false });
    const poll = await fetch(`${auth0.info.url}/oauth/token`, {
      method: 'POST',
      headers: { authorization: basic },
      body: new URLSearchParams({ grant_type: CIBA_GRANT, auth_req_id: id }),
    });
    expect(poll.status).toBe(200);
  });
});
