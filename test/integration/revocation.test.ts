import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appMention, blockAction, eventCallback, postCommand, postEvent, postInteraction, slashCommand } from '../fakes/slack-requests.js';
import { type Harness, READS_ALLOWED_POLICY, SIGNING_SECRET, startHarness, TEAM } from '../support/harness.js';
import { buttonsOf, cardFor, currentCard, isAnswerUpdate, mention, messageText, threadSays } from '../support/slack-user.js';

describe('revocation is immediate and total, on every bot process', () => {
  let h: Harness;
  let second: Awaited<ReturnType<Harness['startSecondProcess']>>;
  beforeAll(async () => {
    h = await startHarness({ policy: READS_ALLOWED_POLICY });
    h.github.seedDemo('octo-dev');
    second = await h.startSecondProcess();
  });
  afterAll(async () => {
    await second?.close();
    await h?.close();
  });

  async function command(text: string, user: string, id: string) {
    await postCommand(h.eventsUrl, SIGNING_SECRET, slashCommand({ text, user, responseUrl: h.slack.responseUrl(id) }));
    return h.slack.waitFor((c) => c.api === 'response' && c.responseId === id, 10_000);
  }

  /** Mentions on both processes at once; resolves when every thread has its final answer. */
  async function burst(user: string, n: number): Promise<string[]> {
    const deliveries = Array.from({ length: n }, () => appMention({ text: '<@UBOT> list open pull requests in acme/widgets', user }));
    await Promise.all(deliveries.map((d, i) => postEvent(i % 2 ? second.eventsUrl : h.eventsUrl, SIGNING_SECRET, d)));
    return Promise.all(
      deliveries.map(async (d) => {
        const ts = (d.event as { ts: string }).ts;
        const progress = await h.slack.waitFor((c) => c.api === 'chat.postMessage' && c.params.thread_ts === ts, 10_000);
        const progressTs = (progress.responseBody as { ts: string }).ts;
        const final = await h.slack.waitFor((c) => isAnswerUpdate(c) && c.params.ts === progressTs, 10_000);
        return messageText(final);
      }),
    );
  }

  it('after "revoke github" returns, no tool call with that person’s access starts on either process, even with tokens cached', async () => {
    await h.linkUser('U0REV');
    const before = await burst('U0REV', 6);
    expect(before.every((t) => t.includes('Add rate limiting to widget API'))).toBe(true);

    const reply = await command('revoke github', 'U0REV', 'rev-1');
    expect(String(reply.params.text)).toMatch(/Revoked GitHub\* in AgentHub, on every bot process, effective now/);
    const githubCalls = h.github.requests.length;
    const exchanges = h.auth0.exchangeCount;

    const after = await burst('U0REV', 6);
    expect(after.every((t) => /You revoked AgentHub's access to GitHub, so I did nothing/.test(t))).toBe(true);
    expect(h.github.requests.length).toBe(githubCalls);
    expect(h.auth0.exchangeCount).toBe(exchanges);
    expect((await h.deps.audit.read(TEAM)).some((r) => r.kind === 'revocation' && r.userId === 'U0REV')).toBe(true);
  });

  it('revoking during a paused run cancels its approval, updates the card and ends the run', async () => {
    await h.linkUser('U0PAUSE');
    const { progressTs } = await mention(h, 'U0PAUSE', 'merge PR #1 in acme/widgets');
    await threadSays(h, progressTs, /Waiting for/);
    const card = await cardFor(h, 'U0PAUSE');
    const reply = await command('revoke github', 'U0PAUSE', 'rev-2');
    expect(String(reply.params.text)).toMatch(/1 waiting approval was cancelled/);
    // The paused run ends: resumed, it meets the revocation before anything runs.
    await threadSays(h, progressTs, /You revoked AgentHub's access to GitHub, so I did nothing|cancelled\. Nothing was done/);
    expect(messageText(currentCard(h, card))).toMatch(/Cancelled/);
    expect(buttonsOf(currentCard(h, card))).toEqual([]);
    expect(h.github.merges).toHaveLength(0);
  });

  it('a bare "/agenthub revoke" offers buttons, and "everything" asks for confirmation first', async () => {
    const reply = await command('revoke', 'U0ANY', 'rev-3');
    const buttons = buttonsOf(reply);
    expect(buttons.map((b) => b.text)).toEqual(['Revoke GitHub', 'Revoke Google Calendar', 'Revoke everything']);
    expect((buttons[2] as unknown as { confirm?: unknown }).confirm).toBeDefined();
  });

  it('"revoke all" signs the person out, revokes the refresh token at Auth0, and signing in again lifts it', async () => {
    const { refreshToken } = await h.linkUser('U0ALL');
    const reply = await command('revoke all', 'U0ALL', 'rev-4');
    expect(String(reply.params.text)).toMatch(/signed out, and your refresh token is revoked at Auth0 too/);
    expect(h.auth0.revokedRefreshTokens).toContain(refreshToken);
    expect(await h.deps.accounts.get({ teamId: TEAM, userId: 'U0ALL' })).toBeUndefined();
    expect(await h.deps.revocations.isRevoked({ teamId: TEAM, userId: 'U0ALL' }, 'github')).toBe(true);
    await h.deps.revocations.clear({ teamId: TEAM, userId: 'U0ALL' }); // what a new sign-in does
    expect(await h.deps.revocations.isRevoked({ teamId: TEAM, userId: 'U0ALL' }, 'github')).toBe(false);
  });

  it('App Home offers revoke buttons; clicking one revokes for the clicker, answers in a DM and refreshes Home', async () => {
    await h.linkUser('U0HOME');
    await postEvent(h.eventsUrl, SIGNING_SECRET, eventCallback({ type: 'app_home_opened', user: 'U0HOME', channel: 'DU0HOME', tab: 'home', event_ts: '1.1' }));
    const home = await h.slack.waitFor((c) => c.api === 'views.publish' && c.params.user_id === 'U0HOME', 10_000);
    const view = home.params.view as { blocks: Array<{ type: string; elements?: Array<Record<string, unknown>> }> };
    const revokeGitHub = view.blocks.flatMap((b) => b.elements ?? []).find((e) => (e.text as { text?: string })?.text === 'Revoke GitHub')!;
    expect(view.blocks.flatMap((b) => b.elements ?? []).find((e) => (e.text as { text?: string })?.text === 'Revoke everything')?.confirm).toBeDefined();
    const publishes = h.slack.callsTo('views.publish').length;
    const payload = blockAction({ user: 'U0HOME', actionId: String(revokeGitHub.action_id), value: String(revokeGitHub.value) });
    Object.assign(payload, { container: { type: 'view', view_id: 'VHOME' }, view: { id: 'VHOME', type: 'home' } });
    delete payload.response_url;
    await postInteraction(h.eventsUrl, SIGNING_SECRET, payload);
    const dm = await h.slack.waitFor(
      (c) => c.api === 'chat.postMessage' && c.params.channel === h.slack.dmChannelFor('U0HOME') && /Revoked GitHub/.test(messageText(c)),
      10_000,
    );
    expect(messageText(dm)).toMatch(/effective now/);
    await h.slack.waitFor(
      (c) => c.api === 'views.publish' && c.params.user_id === 'U0HOME' && h.slack.callsTo('views.publish').indexOf(c) >= publishes,
      10_000,
    );
    expect(await h.deps.revocations.isRevoked({ teamId: TEAM, userId: 'U0HOME' }, 'github')).toBe(true);
  });

  it('an unknown revoke target changes nothing', async () => {
    await h.linkUser('U0TYPO');
    const reply = await command('revoke githib', 'U0TYPO', 'rev-5');
    expect(String(reply.params.text)).toMatch(/Revoke what\?.*Nothing was changed/);
    expect(await h.deps.revocations.isRevoked({ teamId: TEAM, userId: 'U0TYPO' }, 'github')).toBe(false);
  });
});
