import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postCommand, slashCommand } from '../../fakes/slack-requests.js';
import { type Harness, SIGNING_SECRET, startHarness, TEAM } from '../../support/harness.js';
import { buttonsOf, cardFor, mention, threadSays } from '../../support/slack-user.js';
import { buttonTexts, createBrowser, formFor, headingOf } from './browser.js';

/**
 * Demo mode's Auth0: the bot's sign-in, step-up and connect links, followed in a "browser" over the
 * stand-in's plain-http pages, clicked by button text, back to the bot's real callback.
 */
const ALICE = { slack: 'U0ALICE', sub: 'auth0|alice', name: 'Alice Lee', email: 'alice@example.com', refreshToken: 'v1.MRrt-alice-demo-0123456789' };
const BOB = { slack: 'U0BOB', sub: 'auth0|bob', name: 'Bob Stone', refreshToken: 'v1.MRrt-bob-demo-0123456789' };

describe('the Auth0 stand-in pages, driven from Slack like a person in demo mode', () => {
  let h: Harness;
  let browser: ReturnType<typeof createBrowser>;
  let commands = 0;

  /** The private "Sign in to AgentHub" link `/agenthub connect` gives an unlinked person. */
  async function signInLink(user: string): Promise<string> {
    const id = `demo-connect-${++commands}`;
    await postCommand(h.eventsUrl, SIGNING_SECRET, slashCommand({ text: 'connect', user, responseUrl: h.slack.responseUrl(id) }));
    const answer = await h.slack.waitFor((c) => c.api === 'response' && c.responseId === id, 5000);
    const url = buttonsOf(answer).find((b) => b.text === 'Sign in to AgentHub')?.url;
    if (!url) throw new Error('no Sign in to AgentHub button');
    return url;
  }

  beforeAll(async () => {
    h = await startHarness({ interactiveAuth0: { users: [ALICE, BOB] } });
    h.github.seedDemo('octo-dev');
    for (const u of [ALICE, BOB]) h.auth0.addUser({ sub: u.sub, refreshToken: u.refreshToken, connections: { github: { scope: '' } } });
    h.auth0.onTokenIssued((t) => {
      if (t.sub === ALICE.sub) h.github.acceptToken(t.token, 'alice-gh');
    });
    browser = createBrowser();
  });
  afterAll(async () => h?.close());

  it('the sign-in link opens a plain-http "Sign in as …" page; choosing a person links them with their Auth0 account', async () => {
    const page = await browser.open(await signInLink(ALICE.slack));
    expect(page.status).toBe(200);
    expect(page.url.startsWith(`${h.auth0BrowserUrl}/authorize?`)).toBe(true);
    expect(page.url).toMatch(/^http:\/\//);
    expect(headingOf(page)).toEqual({ title: 'AgentHub demo — Auth0 (stand-in)', h1: 'Sign in as …' });
    expect(buttonTexts(page)).toEqual(['Sign in as Alice Lee', 'Sign in as Bob Stone', 'Cancel']);

    const done = await browser.click(page, 'Sign in as Alice Lee');
    expect(done.status).toBe(200);
    expect(done.url.startsWith(`${h.baseUrl}/auth/callback`)).toBe(true);
    expect(headingOf(done).h1).toBe('Signed in');
    // The bot verified a signed id_token and stored Alice's real (seeded) refresh token.
    expect(await h.deps.accounts.get({ teamId: TEAM, userId: ALICE.slack })).toMatchObject({ auth0Sub: ALICE.sub, refreshToken: ALICE.refreshToken });
  });

  it('a replayed login form does nothing', async () => {
    const page = await browser.open(await signInLink(BOB.slack));
    const form = formFor(page, 'Sign in as Bob Stone');
    expect(form.fields).toMatchObject({ state: expect.any(String), nonce: expect.any(String), tx: expect.any(String) });
    const first = await browser.post(form);
    expect(headingOf(first).h1).toBe('Signed in');
    const exchanges = h.oidc.codeExchanges.length;

    const replay = await browser.post(form);
    expect(replay.status).toBe(400);
    expect(replay.url).toBe(form.action);
    expect(headingOf(replay).h1).toBe('This sign-in form can no longer be used');
    expect(h.oidc.codeExchanges.length).toBe(exchanges);
  });

  it('Cancel sends the person back to the bot with access_denied and links nobody', async () => {
    const page = await browser.open(await signInLink('U0CAREFUL'));
    const back = await browser.click(page, 'Cancel');
    expect(headingOf(back).h1).toBe('Sign-in cancelled');
    expect(await h.deps.accounts.get({ teamId: TEAM, userId: 'U0CAREFUL' })).toBeUndefined();
  });

  it('step-up shows "Approve with MFA"; signing in without MFA is refused by the bot, approving with MFA merges', async () => {
    const { progressTs } = await mention(h, ALICE.slack, 'merge PR #1 in acme/widgets');
    await threadSays(h, progressTs, /Waiting for <@U0ALICE> to approve/);
    const mfaUrl = buttonsOf(await cardFor(h, ALICE.slack)).find((b) => b.text === 'Approve with MFA')!.url!;

    const page = await browser.open(mfaUrl);
    expect(headingOf(page).h1).toBe('Approve with MFA');
    expect(buttonTexts(page)).toEqual([
      'Approve with MFA as Alice Lee',
      'Sign in as Alice Lee without MFA',
      'Approve with MFA as Bob Stone',
      'Sign in as Bob Stone without MFA',
      'Cancel',
    ]);
    const withoutMfa = await browser.click(page, 'Sign in as Alice Lee without MFA');
    expect(headingOf(withoutMfa).h1).toBe('Verification refused');
    expect(withoutMfa.html).toMatch(/multi-factor/);
    expect(h.github.merges).toHaveLength(0);

    const asBob = await browser.click(await browser.open(mfaUrl), 'Approve with MFA as Bob Stone');
    expect(asBob.html).toMatch(/different person/);
    expect(h.github.merges).toHaveLength(0);

    const ok = await browser.click(await browser.open(mfaUrl), 'Approve with MFA as Alice Lee');
    expect(headingOf(ok).h1).toBe('Verified');
    await threadSays(h, progressTs, /Merged/);
    expect(h.github.merges).toHaveLength(1);
  });

  it('connecting GitHub shows an Allow / Deny consent page on the browser origin; Deny connects nothing, Allow connects', async () => {
    const { sub } = await h.linkUser('U0CONN', { github: false });
    const connectLink = async (id: string) => {
      await postCommand(h.eventsUrl, SIGNING_SECRET, slashCommand({ text: 'connect github', user: 'U0CONN', responseUrl: h.slack.responseUrl(id) }));
      const answer = await h.slack.waitFor((c) => c.api === 'response' && c.responseId === id, 10_000);
      return buttonsOf(answer).find((b) => b.text === 'Connect GitHub')!.url!;
    };

    const consent = await browser.open(await connectLink('demo-cc-1'));
    expect(consent.url.startsWith(`${h.auth0BrowserUrl}/connected-accounts/connect?`)).toBe(true);
    expect(headingOf(consent).title).toBe('AgentHub demo — Auth0 (stand-in)');
    expect(consent.html).toContain('Allow AgentHub to access your GitHub (');
    expect(buttonTexts(consent)).toEqual(['Allow', 'Deny']);
    const denied = await browser.click(consent, 'Deny');
    expect(headingOf(denied).h1).toBe('Connection not completed');
    expect([...h.myAccount.accounts.values()].some((a) => a.sub === sub)).toBe(false);

    const again = await browser.open(await connectLink('demo-cc-2'));
    const allow = formFor(again, 'Allow');
    const allowed = await browser.post(allow);
    expect(headingOf(allowed).h1).toBe('Connected');
    expect([...h.myAccount.accounts.values()].filter((a) => a.sub === sub).map((a) => a.connection)).toEqual(['github']);

    // Replaying the consent changes nothing.
    const replay = await browser.post(allow);
    expect(replay.status).toBe(400);
    expect([...h.myAccount.accounts.values()].filter((a) => a.sub === sub)).toHaveLength(1);
  });
});
