import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTPReceiver } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHopStore } from '../../../src/auth/browser-hops.js';
import { callbackUrl } from '../../../src/auth/callback.js';
import { createOidcClient } from '../../../src/auth/oidc-client.js';
import { codeChallengeS256 } from '../../../src/auth/pkce.js';
import { createStepUp, MFA_ACR_VALUE, type StepUp, StepUpNotApplied, type StepUpRefused, type StepUpVerified } from '../../../src/auth/step-up.js';
import { toBoltLogger } from '../../../src/logger.js';
import { createTrackedReads } from '../../../src/store/tracked-reads.js';
import { createLinkedAccountStore } from '../../../src/vault/linked-accounts.js';
import { createSecretBox } from '../../../src/vault/secret-box.js';
import { installOidc, type OidcFake } from '../../fakes/auth0-oidc.js';
import { FakeAuth0 } from '../../fakes/fake-auth0.js';
import { createCapturedLogger } from '../../support/log-capture.js';
import { createTestRedis, type TestRedis } from '../../support/redis.js';

/**
 * Step-up MFA end to end: the bot's real routes served by Bolt's own HTTPReceiver routing, the
 * HTTPS Auth0 fake with OIDC installed, real Redis. The test drives it like a browser: fetch with
 * `redirect: 'manual'`, following each Location by hand.
 */

const ALICE = { teamId: 'T0001', userId: 'U0ALICE' };
const ALICE_SUB = 'auth0|alice';
const BOB_SUB = 'auth0|bob';
const MINUTE = 60_000;

interface Hop {
  /** The bot's redirect to Auth0 /authorize. */
  authorize: URL;
  /** Auth0's redirect back to the bot (undefined when /authorize did not redirect). */
  callback: URL | undefined;
  status: number;
  headers: Headers;
  html: string;
}

describe('step-up MFA browser hop', () => {
  let auth0: FakeAuth0;
  let oidcFake: OidcFake;
  let testRedis: TestRedis;
  let server: Server;
  let publicUrl: string;
  let stepUp: StepUp;
  const captured = createCapturedLogger('debug');
  const verified: StepUpVerified[] = [];
  const refused: StepUpRefused[] = [];
  let nextOnVerifiedError: Error | undefined;
  /** Every secret value seen on the wire during the run, searched for in the logs at the end. */
  const secrets = new Set<string>();

  const approvalId = () => `appr_${randomBytes(4).toString('hex')}`;
  const newLink = (id = approvalId(), expiresAt = new Date(Date.now() + 10 * MINUTE)) => stepUp.linkFor({ approvalId: id, who: ALICE, expiresAt });
  const get = (url: string | URL) => fetch(url, { redirect: 'manual' });

  /** The bot's step-up link → Auth0 /authorize → back to the bot's callback, as a browser would. */
  async function runHop(link: string): Promise<Hop> {
    secrets.add(new URL(link).searchParams.get('link') ?? '');
    const start = await get(link);
    expect(start.status, await start.clone().text()).toBe(302);
    const authorize = new URL(start.headers.get('location') ?? '');
    for (const k of ['state', 'nonce', 'code_challenge']) secrets.add(authorize.searchParams.get(k) ?? '');
    const atAuth0 = await get(authorize);
    const back = atAuth0.headers.get('location');
    expect(back, `Auth0 fake did not redirect: ${atAuth0.status} ${await atAuth0.clone().text()}`).toBeTruthy();
    const callback = new URL(back ?? '');
    secrets.add(callback.searchParams.get('code') ?? '');
    const res = await get(callback);
    return { authorize, callback, status: res.status, headers: res.headers, html: await res.text() };
  }

  beforeAll(async () => {
    auth0 = new FakeAuth0();
    const { domain } = await auth0.start();
    auth0.addUser({ sub: ALICE_SUB, refreshToken: 'rt-alice-1', connections: {} });
    auth0.addUser({ sub: BOB_SUB, refreshToken: 'rt-bob-1', connections: {} });
    testRedis = await createTestRedis();
    const { redis, keys } = testRedis;

    // Listen first (the public URL needs the port), then route every request through Bolt's receiver.
    let receiver: HTTPReceiver | undefined;
    server = createServer((req, res) => {
      try {
        if (!receiver) throw new Error('not ready');
        receiver.requestListener(req, res);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    oidcFake = await installOidc(auth0, { allowedCallbackUrls: [callbackUrl(publicUrl)] });
    const accounts = createLinkedAccountStore({
      redis,
      keys,
      box: createSecretBox(randomBytes(32)),
      reads: createTrackedReads({ redis, logger: createCapturedLogger().logger, canaryKey: keys.key('tracking-canary', 'step-up') }),
    });
    await accounts.link(ALICE, { auth0Sub: ALICE_SUB, refreshToken: 'rt-alice-1' });
    stepUp = createStepUp({
      redis,
      keys,
      hops: createHopStore({ redis, keys }),
      oidc: createOidcClient({ domain, clientId: auth0.clientId, clientSecret: auth0.clientSecret, redirectUri: callbackUrl(publicUrl) }),
      publicUrl,
      accounts,
      logger: captured.logger,
      onVerified: async (v) => {
        const err = nextOnVerifiedError;
        nextOnVerifiedError = undefined;
        if (err) throw err;
        verified.push(v);
      },
      onRefused: (r) => {
        refused.push(r);
      },
    });
    receiver = new HTTPReceiver({ signingSecret: 'not-used-here', customRoutes: stepUp.routes, logger: toBoltLogger(captured.logger) });
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await auth0?.stop();
    await testRedis?.close();
  });

  beforeEach(() => {
    verified.length = 0;
    refused.length = 0;
  });

  it('sends the browser to Auth0 /authorize asking for MFA with PKCE S256, state, nonce, prompt=login', async () => {
    const start = await get(await newLink());
    expect(start.status).toBe(302);
    expect(start.headers.get('cache-control')).toBe('no-store');
    expect(start.headers.get('referrer-policy')).toBe('no-referrer');
    const to = new URL(start.headers.get('location') ?? '');
    expect(`${to.origin}${to.pathname}`).toBe(`${auth0.url}/authorize`);
    const q = to.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(auth0.clientId);
    expect(q.get('redirect_uri')).toBe(`${publicUrl}/auth/callback`);
    expect(q.get('scope')?.split(' ')).toContain('openid');
    expect(q.get('acr_values')).toBe(MFA_ACR_VALUE);
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('prompt')).toBe('login');
    expect(q.get('max_age')).toBe('0');
    for (const k of ['state', 'nonce', 'code_challenge']) secrets.add(q.get(k) ?? '');
  });

  it('mints a fresh state on every visit of the same link', async () => {
    const link = await newLink();
    const a = new URL((await get(link)).headers.get('location') ?? '').searchParams;
    const b = new URL((await get(link)).headers.get('location') ?? '').searchParams;
    expect(a.get('state')).not.toBe(b.get('state'));
    expect(a.get('nonce')).not.toBe(b.get('nonce'));
    expect(a.get('code_challenge')).not.toBe(b.get('code_challenge'));
  });

  it('verifies a fresh MFA login by the requester and calls onVerified once', async () => {
    const id = approvalId();
    oidcFake.nextLogin({ sub: ALICE_SUB });
    const exchangesBefore = oidcFake.codeExchanges.length;
    const before = Date.now();
    const hop = await runHop(await newLink(id));

    expect(hop.status).toBe(200);
    expect(hop.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(hop.headers.get('cache-control')).toBe('no-store');
    expect(hop.headers.get('referrer-policy')).toBe('no-referrer');
    expect(hop.headers.get('set-cookie')).toBeNull();
    expect(hop.html).toContain('Verified — you can close this tab and return to Slack');

    expect(verified).toHaveLength(1);
    const v = verified[0]!;
    expect(v.approvalId).toBe(id);
    expect(v.who).toEqual(ALICE);
    expect(v.auth0Sub).toBe(ALICE_SUB);
    expect(v.amr).toContain('mfa');
    expect(v.authTime.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(v.authTime.getTime()).toBeLessThanOrEqual(Date.now());

    // One code exchange, with the verifier of the challenge sent to /authorize and the same redirect_uri.
    expect(oidcFake.codeExchanges.length - exchangesBefore).toBe(1);
    const exchange = oidcFake.codeExchanges.at(-1)!;
    expect(exchange.status).toBe(200);
    expect(exchange.params.grant_type).toBe('authorization_code');
    expect(exchange.params.code).toBe(hop.callback?.searchParams.get('code'));
    expect(exchange.params.redirect_uri).toBe(`${publicUrl}/auth/callback`);
    expect(codeChallengeS256(String(exchange.params.code_verifier))).toBe(hop.authorize.searchParams.get('code_challenge'));
    secrets.add(String(exchange.params.code_verifier));
  });

  it('ignores a replayed callback URL: 400, no second code exchange, onVerified not called again', async () => {
    oidcFake.nextLogin({ sub: ALICE_SUB });
    const hop = await runHop(await newLink());
    expect(hop.status).toBe(200);
    expect(verified).toHaveLength(1);
    const exchanges = oidcFake.codeExchanges.length;

    const replay = await get(hop.callback!);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('This sign-in link was already used or has expired. Nothing was changed.');
    expect(oidcFake.codeExchanges.length).toBe(exchanges);
    expect(verified).toHaveLength(1);
  });

  it('refuses a login without MFA, and the same link then works on a second try', async () => {
    const id = approvalId();
    const link = await newLink(id);
    oidcFake.nextLogin({ sub: ALICE_SUB, amr: ['pwd'] });
    const first = await runHop(link);
    expect(first.status).toBe(403);
    expect(first.html).toContain('The sign-in did not include multi-factor authentication');
    expect(first.html).toContain('same link in Slack');
    expect(verified).toHaveLength(0);
    expect(refused).toEqual([{ approvalId: id, who: ALICE, reason: 'no_mfa' }]);

    oidcFake.nextLogin({ sub: ALICE_SUB });
    const second = await runHop(link);
    expect(second.status).toBe(200);
    expect(verified.map((v) => v.approvalId)).toEqual([id]);
  });

  const refusals: Array<[string, () => void, string, string]> = [
    ['another person signs in', () => oidcFake.nextLogin({ sub: BOB_SUB }), 'wrong_user', 'You signed in as a different person than the one who asked'],
    [
      'the login is ten minutes old',
      () => oidcFake.nextLogin({ sub: ALICE_SUB, authTimeOffsetSeconds: -600 }),
      'stale_auth',
      'The sign-in was not recent enough',
    ],
    [
      'the id_token has no amr',
      () => {
        oidcFake.nextLogin({ sub: ALICE_SUB });
        oidcFake.tamper.omitAmr = true;
      },
      'no_mfa',
      'The sign-in did not include multi-factor authentication',
    ],
    [
      'the id_token is signed with a key Auth0 does not publish',
      () => {
        oidcFake.nextLogin({ sub: ALICE_SUB });
        oidcFake.tamper.signWithOtherKey = true;
      },
      'bad_signature',
      'its signature did not check out',
    ],
    [
      'the id_token was issued for another application',
      () => {
        oidcFake.nextLogin({ sub: ALICE_SUB });
        oidcFake.tamper.audience = 'some-other-client';
      },
      'wrong_audience',
      'a different application',
    ],
    [
      'the id_token comes from another issuer',
      () => {
        oidcFake.nextLogin({ sub: ALICE_SUB });
        oidcFake.tamper.issuer = 'https://evil.example/';
      },
      'wrong_issuer',
      'a different Auth0 tenant',
    ],
    [
      'the id_token carries another nonce',
      () => {
        oidcFake.nextLogin({ sub: ALICE_SUB });
        oidcFake.tamper.nonce = 'not-the-nonce-we-sent';
      },
      'wrong_nonce',
      'does not belong to this verification request',
    ],
    [
      'the id_token has expired',
      () => {
        oidcFake.nextLogin({ sub: ALICE_SUB });
        oidcFake.tamper.expiresInSeconds = -300;
      },
      'expired',
      'had already expired',
    ],
  ];
  for (const [name, arrange, reason, sentence] of refusals) {
    it(`refuses when ${name} (${reason}), changes nothing, and the link still works`, async () => {
      const id = approvalId();
      const link = await newLink(id);
      arrange();
      const hop = await runHop(link);
      expect(hop.status).toBe(403);
      expect(hop.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(hop.html).toContain(sentence);
      expect(hop.html).toContain('Nothing was approved or changed');
      expect(verified).toHaveLength(0);
      expect(refused).toEqual([{ approvalId: id, who: ALICE, reason }]);
      expect(Object.keys(oidcFake.tamper)).toEqual([]); // one-shot

      oidcFake.nextLogin({ sub: ALICE_SUB });
      expect((await runHop(link)).status).toBe(200);
      expect(verified.map((v) => v.approvalId)).toEqual([id]);
    });
  }

  it('answers 410 for an expired link, and for an unknown one', async () => {
    const link = await newLink(approvalId(), new Date(Date.now() + 1000));
    await new Promise((r) => setTimeout(r, 1200));
    const res = await get(link);
    expect(res.status).toBe(410);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toContain('This verification link has expired; ask again in Slack');

    for (const bogus of ['', '?link=', `?link=${randomBytes(32).toString('base64url')}`, '?link=%3Cscript%3E']) {
      const r = await get(`${publicUrl}/auth/step-up${bogus}`);
      expect(r.status).toBe(410);
      await r.text();
    }
    expect(verified).toHaveLength(0);
  });

  it('shows a page and approves nothing when the person cancels at Auth0 (error=access_denied)', async () => {
    const id = approvalId();
    const exchanges = oidcFake.codeExchanges.length;
    oidcFake.cancelNext();
    const hop = await runHop(await newLink(id));
    expect(hop.callback?.searchParams.get('error')).toBe('access_denied');
    expect(hop.status).toBe(400);
    expect(hop.html).toContain('nothing was approved');
    expect(verified).toHaveLength(0);
    expect(oidcFake.codeExchanges.length).toBe(exchanges);
    expect(refused).toEqual([{ approvalId: id, who: ALICE, reason: 'cancelled' }]);
  });

  it('HTML-escapes what Auth0 sends back in error_description', async () => {
    const start = await get(await newLink());
    const state = new URL(start.headers.get('location') ?? '').searchParams.get('state') ?? '';
    secrets.add(state);
    const cb = new URL(`${publicUrl}/auth/callback`);
    cb.searchParams.set('state', state);
    cb.searchParams.set('error', 'server_error');
    cb.searchParams.set('error_description', '<script>alert("x")</script>');
    const res = await get(cb);
    const html = await res.text();
    expect(res.status).toBe(400);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
    expect(verified).toHaveLength(0);
  });

  it('answers 400 to a callback without a state or with one it never issued', async () => {
    for (const query of ['?code=abc', `?code=abc&state=${randomBytes(32).toString('base64url')}`, '']) {
      const res = await get(`${publicUrl}/auth/callback${query}`);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('This sign-in link was already used or has expired. Nothing was changed.');
    }
  });

  it('answers 409 when the requester has no linked account', async () => {
    const link = await stepUp.linkFor({ approvalId: approvalId(), who: { teamId: 'T0001', userId: 'U0NOBODY' }, expiresAt: new Date(Date.now() + MINUTE) });
    const res = await get(link);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('not linked');
  });

  it('shows an error page when onVerified fails, and the link can be used again', async () => {
    const id = approvalId();
    const link = await newLink(id);
    nextOnVerifiedError = new Error('approvals store unavailable');
    oidcFake.nextLogin({ sub: ALICE_SUB });
    const first = await runHop(link);
    expect(first.status).toBe(500);
    expect(first.html).toContain('nothing was approved');
    oidcFake.nextLogin({ sub: ALICE_SUB });
    expect((await runHop(link)).status).toBe(200);
    expect(verified.map((v) => v.approvalId)).toEqual([id]);
  });

  it('shows why a valid verification changed nothing when onVerified says so (StepUpNotApplied)', async () => {
    nextOnVerifiedError = new StepUpNotApplied('This request was already decided in Slack.');
    oidcFake.nextLogin({ sub: ALICE_SUB });
    const hop = await runHop(await newLink());
    expect(hop.status).toBe(409);
    expect(hop.html).toContain('This request was already decided in Slack.');
    expect(hop.html).not.toContain('Verified —');
  });

  it('never writes a link token, state, nonce, code, verifier or token to the logs', () => {
    for (const idToken of oidcFake.issuedIdTokens) secrets.add(idToken);
    for (const r of auth0.requests) {
      const body = r.responseBody as Record<string, unknown> | undefined;
      for (const k of ['access_token', 'id_token', 'refresh_token'] as const) if (typeof body?.[k] === 'string') secrets.add(body[k] as string);
    }
    secrets.delete('');
    expect(secrets.size).toBeGreaterThan(20);
    const logs = captured.text();
    expect(logs).toContain('step-up verified');
    expect(logs).toContain('step-up refused');
    for (const secret of secrets) expect(logs, 'a secret value appears in the logs').not.toContain(secret);
  });
});
