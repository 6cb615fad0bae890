import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTPReceiver } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHopStore, type HopStore } from '../../../src/auth/browser-hops.js';
import { callbackUrl, createAuthRoutes } from '../../../src/auth/callback.js';
import { createOidcClient, type OidcClient } from '../../../src/auth/oidc-client.js';
import { codeChallengeS256 } from '../../../src/auth/pkce.js';
import { createSignIn, SIGN_IN_PATH, type SignedIn, type SignIn } from '../../../src/auth/sign-in.js';
import { createStepUp, type StepUp, type StepUpVerified } from '../../../src/auth/step-up.js';
import type { SlackIdentity } from '../../../src/identity.js';
import { toBoltLogger } from '../../../src/logger.js';
import { createTrackedReads } from '../../../src/store/tracked-reads.js';
import { createLinkedAccountStore, type LinkedAccountStore } from '../../../src/vault/linked-accounts.js';
import { createSecretBox } from '../../../src/vault/secret-box.js';
import { installOidc, type OidcFake } from '../../fakes/auth0-oidc.js';
import { FakeAuth0 } from '../../fakes/fake-auth0.js';
import { createCapturedLogger } from '../../support/log-capture.js';
import { createTestRedis, type TestRedis } from '../../support/redis.js';

/**
 * Sign-in (linking a Slack user to Auth0, keeping the refresh token) end to end: the bot's real
 * routes, built by createAuthRoutes (step-up and sign-in behind ONE /auth/callback) and served by
 * Bolt's own HTTPReceiver routing, the HTTPS Auth0 fake with OIDC installed, real Redis. The test
 * drives it like a browser: fetch with `redirect: 'manual'`, following each Location by hand.
 */

const TEAM = 'T0001';
const ALICE_SUB = 'auth0|alice';
const BOB_SUB = 'auth0|bob';
const RESUME = { channel: 'C0001', threadTs: '1700000000.000100', text: 'list my open pull requests' };

interface Hop {
  /** The bot's redirect to Auth0 /authorize. */
  authorize: URL;
  /** Auth0's redirect back to the bot. */
  callback: URL;
  status: number;
  headers: Headers;
  html: string;
}

describe('sign-in browser hop', () => {
  let auth0: FakeAuth0;
  let oidcFake: OidcFake;
  let testRedis: TestRedis;
  let server: Server;
  let publicUrl: string;
  let hops: HopStore;
  let oidc: OidcClient;
  let accounts: LinkedAccountStore;
  let signIn: SignIn;
  /** Same Redis and hop store, links living 2 s: its hops are served by `signIn`'s routes. */
  let shortSignIn: SignIn;
  let stepUp: StepUp;
  const captured = createCapturedLogger('debug');
  const signedIn: SignedIn[] = [];
  const verified: StepUpVerified[] = [];
  let nextOnSignedInError: Error | undefined;
  /** Every secret value seen on the wire during the run, searched for in the logs at the end. */
  const secrets = new Set<string>();

  const newUser = (): SlackIdentity => ({ teamId: TEAM, userId: `U${randomBytes(4).toString('hex').toUpperCase()}` });
  const newRefreshToken = () => `rt-signin-${randomBytes(12).toString('hex')}`;
  const get = (url: string | URL) => fetch(url, { redirect: 'manual' });
  const stateOf = (link: string) => new URL(link).searchParams.get('state') ?? '';

  /** The bot's sign-in link → Auth0 /authorize → back to the bot's callback, as a browser would. */
  async function runHop(link: string, { editAuthorize }: { editAuthorize?: (q: URLSearchParams) => void } = {}): Promise<Hop> {
    secrets.add(stateOf(link));
    const start = await get(link);
    expect(start.status, await start.clone().text()).toBe(302);
    const authorize = new URL(start.headers.get('location') ?? '');
    for (const k of ['state', 'nonce', 'code_challenge']) secrets.add(authorize.searchParams.get(k) ?? '');
    editAuthorize?.(authorize.searchParams);
    const atAuth0 = await get(authorize);
    const back = atAuth0.headers.get('location');
    expect(back, `Auth0 fake did not redirect: ${atAuth0.status} ${await atAuth0.clone().text()}`).toBeTruthy();
    const callback = new URL(back ?? '');
    secrets.add(callback.searchParams.get('code') ?? '');
    const res = await get(callback);
    return { authorize, callback, status: res.status, headers: res.headers, html: await res.text() };
  }

  /** Every value under this test's Redis prefix, as text (strings and hashes; anything else dumped). */
  async function rawRedisValues(): Promise<string[]> {
    const { redis, keys } = testRedis;
    const values: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${keys.prefix}:*`, 'COUNT', 500);
      cursor = next;
      for (const key of found) {
        values.push(key);
        const type = await redis.type(key);
        if (type === 'string') values.push((await redis.get(key)) ?? '');
        else if (type === 'hash') values.push(JSON.stringify(await redis.hgetall(key)));
        else values.push((await redis.dumpBuffer(key))?.toString('latin1') ?? '');
      }
    } while (cursor !== '0');
    return values;
  }

  beforeAll(async () => {
    auth0 = new FakeAuth0();
    const { domain } = await auth0.start();
    auth0.addUser({ sub: ALICE_SUB, refreshToken: 'rt-alice-seeded', connections: {} });
    auth0.addUser({ sub: BOB_SUB, refreshToken: 'rt-bob-seeded', connections: {} });
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
    oidc = createOidcClient({ domain, clientId: auth0.clientId, clientSecret: auth0.clientSecret, redirectUri: callbackUrl(publicUrl) });
    hops = createHopStore({ redis, keys });
    accounts = createLinkedAccountStore({
      redis,
      keys,
      box: createSecretBox(randomBytes(32)),
      reads: createTrackedReads({ redis, logger: createCapturedLogger().logger, canaryKey: keys.key('tracking-canary', 'sign-in') }),
    });
    const onSignedIn = async (s: SignedIn) => {
      const err = nextOnSignedInError;
      nextOnSignedInError = undefined;
      if (err) throw err;
      signedIn.push(s);
    };
    signIn = createSignIn({ redis, keys, hops, oidc, accounts, publicUrl, logger: captured.logger, onSignedIn });
    shortSignIn = createSignIn({ redis, keys, hops, oidc, accounts, publicUrl, logger: captured.logger, onSignedIn, ttlSeconds: 2 });
    stepUp = createStepUp({
      redis,
      keys,
      hops,
      oidc,
      publicUrl,
      accounts,
      logger: captured.logger,
      onVerified: async (v) => {
        verified.push(v);
      },
    });
    const customRoutes = createAuthRoutes({ hops, logger: captured.logger, features: [stepUp, signIn] });
    receiver = new HTTPReceiver({ signingSecret: 'not-used-here', customRoutes, logger: toBoltLogger(captured.logger) });
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await auth0?.stop();
    await testRedis?.close();
  });

  beforeEach(() => {
    signedIn.length = 0;
    verified.length = 0;
  });

  it('sends the browser to Auth0 /authorize with PKCE S256, the link state, a nonce, offline_access and prompt=login; a reload works', async () => {
    const link = await signIn.linkFor({ who: newUser() });
    expect(link).toMatch(new RegExp(`^${publicUrl}${SIGN_IN_PATH}\\?state=[A-Za-z0-9_-]{43}$`));
    const start = await get(link);
    expect(start.status).toBe(302);
    expect(start.headers.get('cache-control')).toBe('no-store');
    expect(start.headers.get('referrer-policy')).toBe('no-referrer');
    expect(start.headers.get('set-cookie')).toBeNull();
    const to = new URL(start.headers.get('location') ?? '');
    expect(`${to.origin}${to.pathname}`).toBe(`${auth0.url}/authorize`);
    const q = to.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(auth0.clientId);
    expect(q.get('redirect_uri')).toBe(`${publicUrl}/auth/callback`);
    expect(q.get('redirect_uri')?.startsWith(publicUrl)).toBe(true);
    expect(q.get('scope')?.split(' ').sort()).toEqual(['email', 'offline_access', 'openid', 'profile']);
    expect(q.get('state')).toBe(stateOf(link));
    expect(q.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('prompt')).toBe('login');
    expect(q.get('acr_values')).toBeNull();
    for (const k of ['state', 'nonce', 'code_challenge']) secrets.add(q.get(k) ?? '');

    // The link does not consume the hop: a reload sends the browser to the same /authorize request.
    const reload = await get(link);
    expect(reload.status).toBe(302);
    expect(reload.headers.get('location')).toBe(start.headers.get('location'));
  });

  it('links the Slack user: code exchanged with the verifier, refresh token stored only encrypted, onSignedIn resumes', async () => {
    const who = newUser();
    const refreshToken = newRefreshToken();
    secrets.add(refreshToken);
    oidcFake.nextLogin({ sub: ALICE_SUB, refreshToken, email: 'alice@example.com' });
    const exchangesBefore = oidcFake.codeExchanges.length;
    const link = await signIn.linkFor({ who, resume: RESUME });
    const hop = await runHop(link);

    expect(hop.status).toBe(200);
    expect(hop.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(hop.headers.get('cache-control')).toBe('no-store');
    expect(hop.headers.get('referrer-policy')).toBe('no-referrer');
    expect(hop.headers.get('set-cookie')).toBeNull();
    expect(hop.html).toContain('Signed in — you can close this tab and return to Slack');

    // One code exchange, with the verifier of the challenge sent to /authorize and the same redirect_uri.
    expect(oidcFake.codeExchanges.length - exchangesBefore).toBe(1);
    const exchange = oidcFake.codeExchanges.at(-1)!;
    expect(exchange.status).toBe(200);
    expect(exchange.params.grant_type).toBe('authorization_code');
    expect(exchange.params.code).toBe(hop.callback.searchParams.get('code'));
    expect(exchange.params.redirect_uri).toBe(`${publicUrl}/auth/callback`);
    expect(String(exchange.params.code_verifier)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(codeChallengeS256(String(exchange.params.code_verifier))).toBe(hop.authorize.searchParams.get('code_challenge'));
    secrets.add(String(exchange.params.code_verifier));

    const account = await accounts.get(who);
    expect(account?.auth0Sub).toBe(ALICE_SUB);
    expect(account?.refreshToken).toBe(refreshToken);
    expect(signedIn).toEqual([{ who, auth0Sub: ALICE_SUB, email: 'alice@example.com', resume: RESUME }]);

    // Redis holds the refresh token only sealed: no raw value (nor key) contains it.
    const raw = await rawRedisValues();
    expect(raw.length).toBeGreaterThan(0);
    expect(raw.some((v) => v.includes(ALICE_SUB))).toBe(true); // the search does see the link record
    for (const v of raw) expect(v, 'the refresh token is stored in clear').not.toContain(refreshToken);
    for (const v of raw) expect(v).not.toContain(stateOf(link));

    // The link is spent: reopening it now says so instead of starting a sign-in.
    const reopen = await get(link);
    expect(reopen.status).toBe(410);
    expect(await reopen.text()).toContain('This sign-in link has expired; run /agenthub connect in Slack for a new one');
  });

  it('ignores a replayed callback URL: 400, no second code exchange, nothing changed', async () => {
    const who = newUser();
    const first = newRefreshToken();
    secrets.add(first);
    oidcFake.nextLogin({ sub: ALICE_SUB, refreshToken: first });
    const hop = await runHop(await signIn.linkFor({ who }));
    expect(hop.status).toBe(200);
    expect(signedIn).toHaveLength(1);
    const exchanges = oidcFake.codeExchanges.length;
    const linkedAt = (await accounts.get(who))?.linkedAt;

    const replay = await get(hop.callback);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('This sign-in link was already used or has expired. Nothing was changed.');
    expect(oidcFake.codeExchanges.length).toBe(exchanges);
    expect(signedIn).toHaveLength(1);
    expect((await accounts.get(who))?.linkedAt).toBe(linkedAt);
  });

  const refusals: Array<[string, () => void, string]> = [
    [
      'the id_token is signed with a key Auth0 does not publish',
      () => {
        oidcFake.tamper.signWithOtherKey = true;
      },
      'its signature did not check out',
    ],
    [
      'the id_token carries another nonce',
      () => {
        oidcFake.tamper.nonce = 'not-the-nonce-we-sent';
      },
      'does not belong to this verification request',
    ],
    [
      'the id_token was issued for another application',
      () => {
        oidcFake.tamper.audience = 'some-other-client';
      },
      'a different application',
    ],
    [
      'the id_token comes from another issuer',
      () => {
        oidcFake.tamper.issuer = 'https://evil.example/';
      },
      'a different Auth0 tenant',
    ],
  ];
  for (const [name, tamper, sentence] of refusals) {
    it(`refuses when ${name}, and stores nothing`, async () => {
      const who = newUser();
      oidcFake.nextLogin({ sub: ALICE_SUB, refreshToken: newRefreshToken() });
      tamper();
      const hop = await runHop(await signIn.linkFor({ who, resume: RESUME }));
      expect(hop.status).toBe(403);
      expect(hop.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(hop.html).toContain('Sign-in refused');
      expect(hop.html).toContain(sentence);
      expect(hop.html).toContain('Nothing was linked');
      expect(Object.keys(oidcFake.tamper)).toEqual([]); // one-shot
      expect(await accounts.get(who)).toBeUndefined();
      expect(signedIn).toHaveLength(0);
    });
  }

  it('stores nothing when the person cancels at Auth0 (error=access_denied), and exchanges no code', async () => {
    const who = newUser();
    const exchanges = oidcFake.codeExchanges.length;
    oidcFake.cancelNext();
    const hop = await runHop(await signIn.linkFor({ who }));
    expect(hop.callback.searchParams.get('error')).toBe('access_denied');
    expect(hop.status).toBe(400);
    expect(hop.html).toContain('Sign-in cancelled');
    expect(hop.html).toContain('Nothing was linked');
    expect(oidcFake.codeExchanges.length).toBe(exchanges);
    expect(await accounts.get(who)).toBeUndefined();
    expect(signedIn).toHaveLength(0);
  });

  it('stores nothing when Auth0 returns no refresh token, and says offline access must be allowed', async () => {
    const who = newUser();
    oidcFake.nextLogin({ sub: ALICE_SUB });
    const exchanges = oidcFake.codeExchanges.length;
    // As if the Auth0 application did not grant offline access: the token response has no refresh_token.
    const hop = await runHop(await signIn.linkFor({ who }), {
      editAuthorize: (q) => q.set('scope', (q.get('scope') ?? '').replace('offline_access', '').trim()),
    });
    expect(oidcFake.codeExchanges.length - exchanges).toBe(1);
    expect((oidcFake.codeExchanges.at(-1)!.responseBody as Record<string, unknown>).refresh_token).toBeUndefined();
    expect(hop.status).toBe(502);
    expect(hop.html).toContain('did not return a refresh token');
    expect(hop.html).toContain('must allow offline access');
    expect(await accounts.get(who)).toBeUndefined();
    expect(signedIn).toHaveLength(0);
  });

  it('answers 410 for an unknown or expired sign-in link, and 400 at the callback of an expired one, storing nothing', async () => {
    for (const bogus of ['', '?state=', `?state=${randomBytes(32).toString('base64url')}`, '?state=%3Cscript%3E']) {
      const r = await get(`${publicUrl}${SIGN_IN_PATH}${bogus}`);
      expect(r.status).toBe(410);
      expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await r.text()).toContain('This sign-in link has expired; run /agenthub connect in Slack for a new one');
    }

    // A link of 2 s: the browser reaches Auth0 in time, but comes back after the link expired.
    const who = newUser();
    const link = await shortSignIn.linkFor({ who });
    secrets.add(stateOf(link));
    oidcFake.nextLogin({ sub: ALICE_SUB, refreshToken: newRefreshToken() });
    const start = await get(link);
    expect(start.status).toBe(302);
    const atAuth0 = await get(start.headers.get('location') ?? '');
    const callback = new URL(atAuth0.headers.get('location') ?? '');
    secrets.add(callback.searchParams.get('code') ?? '');
    await new Promise((r) => setTimeout(r, 2200));

    const exchanges = oidcFake.codeExchanges.length;
    const late = await get(callback);
    expect(late.status).toBe(400);
    expect(await late.text()).toContain('This sign-in link was already used or has expired. Nothing was changed.');
    expect(oidcFake.codeExchanges.length).toBe(exchanges);
    const reopen = await get(link);
    expect(reopen.status).toBe(410);
    await reopen.text();
    expect(await accounts.get(who)).toBeUndefined();
    expect(signedIn).toHaveLength(0);
  });

  it('links the Slack user the link was made for, whatever the browser claims or whoever signs in at Auth0', async () => {
    const userA = newUser();
    const userB = newUser();
    const refreshToken = newRefreshToken();
    secrets.add(refreshToken);
    // A's link, completed in a browser signed in to Auth0 as Bob, whose callback also claims to be B.
    oidcFake.nextLogin({ sub: BOB_SUB, refreshToken });
    const link = await signIn.linkFor({ who: userA, resume: RESUME });
    secrets.add(stateOf(link));
    const start = await get(link);
    const atAuth0 = await get(start.headers.get('location') ?? '');
    const callback = new URL(atAuth0.headers.get('location') ?? '');
    secrets.add(callback.searchParams.get('code') ?? '');
    for (const [k, v] of Object.entries({ team_id: userB.teamId, user_id: userB.userId, teamId: userB.teamId, userId: userB.userId }))
      callback.searchParams.set(k, v);
    const res = await get(callback);
    expect(res.status).toBe(200);
    await res.text();

    expect(await accounts.get(userB)).toBeUndefined();
    const a = await accounts.get(userA);
    expect(a?.auth0Sub).toBe(BOB_SUB);
    expect(a?.refreshToken).toBe(refreshToken);
    expect(signedIn.map((s) => s.who)).toEqual([userA]);
  });

  it('keeps the link when onSignedIn fails, and still tells the person they are signed in', async () => {
    const who = newUser();
    nextOnSignedInError = new Error('slack unavailable');
    oidcFake.nextLogin({ sub: ALICE_SUB, refreshToken: newRefreshToken() });
    const hop = await runHop(await signIn.linkFor({ who }));
    expect(hop.status).toBe(200);
    expect(hop.html).toContain('Signed in — you can close this tab and return to Slack');
    expect(hop.html).toContain('could not post back in Slack');
    expect((await accounts.get(who))?.auth0Sub).toBe(ALICE_SUB);
  });

  it('serves step-up through the same /auth/callback: a freshly signed-in user passes MFA', async () => {
    const who = newUser();
    oidcFake.nextLogin({ sub: ALICE_SUB, refreshToken: newRefreshToken() });
    expect((await runHop(await signIn.linkFor({ who }))).status).toBe(200);

    oidcFake.nextLogin({ sub: ALICE_SUB });
    const stepUpLink = await stepUp.linkFor({ approvalId: 'appr_signin', who, expiresAt: new Date(Date.now() + 60_000) });
    secrets.add(new URL(stepUpLink).searchParams.get('link') ?? '');
    const hop = await runHop(stepUpLink);
    expect(hop.status).toBe(200);
    expect(hop.html).toContain('Verified — you can close this tab and return to Slack');
    expect(verified.map((v) => [v.approvalId, v.who, v.auth0Sub])).toEqual([['appr_signin', who, ALICE_SUB]]);
  });

  it('refuses to build routes where two features claim the same hop kind or start path', () => {
    expect(() => createAuthRoutes({ hops, logger: captured.logger, features: [signIn, signIn] })).toThrow(/Two/);
    expect(() =>
      createAuthRoutes({ hops, logger: captured.logger, features: [stepUp, { startRoute: signIn.startRoute, callbackHandlers: stepUp.callbackHandlers }] }),
    ).toThrow(/kind step_up/);
    expect(createAuthRoutes({ hops, logger: captured.logger, features: [stepUp, signIn] }).map((r) => r.path)).toEqual([
      '/auth/step-up',
      '/auth/sign-in',
      '/auth/callback',
    ]);
  });

  it('never writes a state, nonce, code, verifier or token to the logs', () => {
    for (const idToken of oidcFake.issuedIdTokens) secrets.add(idToken);
    for (const r of auth0.requests) {
      const body = r.responseBody as Record<string, unknown> | undefined;
      for (const k of ['access_token', 'id_token', 'refresh_token'] as const) if (typeof body?.[k] === 'string') secrets.add(body[k] as string);
      if (typeof r.params?.code_verifier === 'string') secrets.add(r.params.code_verifier);
    }
    secrets.delete('');
    expect(secrets.size).toBeGreaterThan(30);
    const logs = captured.text();
    expect(logs).toContain('sign-in: Slack user linked');
    expect(logs).toContain('sign-in refused');
    for (const secret of secrets) expect(logs, 'a secret value appears in the logs').not.toContain(secret);
  });
});
