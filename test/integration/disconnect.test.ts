import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postCommand, slashCommand } from '../fakes/slack-requests.js';
import { type Harness, SIGNING_SECRET, startHarness, TEAM } from '../support/harness.js';
import { buttonsOf, cardFor, currentCard, mention, messageText, threadSays } from '../support/slack-user.js';

describe('/agenthub disconnect signs out locally and at Auth0, and says what happened where', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    h.github.seedDemo('octo-dev');
  });
  afterAll(async () => h?.close());

  async function disconnect(user: string, id: string) {
    await postCommand(h.eventsUrl, SIGNING_SECRET, slashCommand({ text: 'disconnect', user, responseUrl: h.slack.responseUrl(id) }));
    return String((await h.slack.waitFor((c) => c.api === 'response' && c.responseId === id, 10_000)).params.text);
  }

  it('cancels waiting approvals, removes the link and the stored token, and revokes the refresh token at Auth0', async () => {
    const { refreshToken } = await h.linkUser('U0BYE');
    const { progressTs } = await mention(h, 'U0BYE', 'merge PR #1 in acme/widgets');
    await threadSays(h, progressTs, /Waiting for/);
    const card = await cardFor(h, 'U0BYE');

    const text = await disconnect('U0BYE', 'bye-1');
    expect(text).toMatch(/Revoked everything\* in AgentHub/);
    expect(text).toMatch(/1 waiting approval was cancelled/);
    expect(text).toMatch(/signed out, and your refresh token is revoked at Auth0 too/);
    expect(h.auth0.revokedRefreshTokens).toContain(refreshToken);
    expect(await h.deps.accounts.get({ teamId: TEAM, userId: 'U0BYE' })).toBeUndefined();
    expect(messageText(currentCard(h, card))).toMatch(/Cancelled/);
    expect(buttonsOf(currentCard(h, card))).toEqual([]);
    await threadSays(h, progressTs, /so I did nothing|cancelled\. Nothing was done/);
    expect(h.github.merges).toHaveLength(0);
    expect((await h.deps.audit.read(TEAM)).some((r) => r.kind === 'revocation' && r.userId === 'U0BYE' && r.outcome === 'ok')).toBe(true);

    // Afterwards the person is simply not linked: the next request offers sign-in and touches nothing.
    const again = await mention(h, 'U0BYE', 'list open pull requests in acme/widgets');
    await threadSays(h, again.progressTs, /private sign-in link/);
  });

  it('when Auth0 cannot revoke, it says so and keeps retrying until it can', async () => {
    const { refreshToken } = await h.linkUser('U0RETRY');
    h.auth0.once('POST /oauth/revoke', { status: 503, body: { error: 'temporarily_unavailable' } });
    const text = await disconnect('U0RETRY', 'bye-2');
    expect(text).toMatch(/revoking the refresh token at Auth0 failed \(Auth0 answered HTTP 503\)/);
    expect(text).toMatch(/keep retrying/);
    expect(h.auth0.revokedRefreshTokens).not.toContain(refreshToken);
    expect(await h.deps.accounts.get({ teamId: TEAM, userId: 'U0RETRY' })).toBeUndefined();

    expect(await h.deps.revoker.retryPending()).toBe(1);
    expect(h.auth0.revokedRefreshTokens).toContain(refreshToken);
    expect(await h.deps.revoker.retryPending()).toBe(0);
  });

  it('someone not signed in is told there is nothing to disconnect', async () => {
    expect(await disconnect('U0NEVER', 'bye-3')).toMatch(/not signed in/);
  });
});
