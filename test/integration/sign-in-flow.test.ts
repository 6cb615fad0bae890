import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postCommand, slashCommand } from '../fakes/slack-requests.js';
import { dumpRedis, expectSecretAbsent } from '../support/canary.js';
import { type Harness, READS_ALLOWED_POLICY, SIGNING_SECRET, startHarness, TEAM } from '../support/harness.js';
import { buttonsOf, mention, messageText, passStepUp, threadSays } from '../support/slack-user.js';

const NEWCOMER = 'U0NEW';

describe('signing in from Slack links the person and carries on with what they asked', () => {
  let h: Harness;
  const sub = 'github|777';
  const refreshToken = 'v1.MRrt-newcomer-refresh-token-0123456789';
  beforeAll(async () => {
    h = await startHarness({ policy: READS_ALLOWED_POLICY });
    h.github.seedDemo('octo-dev');
    h.auth0.addUser({ sub, refreshToken, connections: { github: { scope: '' } } });
    h.auth0.onTokenIssued((t) => {
      if (t.sub === sub) h.github.acceptToken(t.token, 'octo-dev');
    });
  });
  afterAll(async () => h?.close());

  it('an unlinked person gets a private sign-in link, and after signing in their request runs without being asked again', async () => {
    const githubBefore = h.github.requests.length;
    const { ts, progressTs } = await mention(h, NEWCOMER, 'list open pull requests in acme/widgets');
    await threadSays(h, progressTs, /sent you a private sign-in link/);
    expect(h.github.requests.length).toBe(githubBefore);

    const ephemeral = await h.slack.waitFor((c) => c.api === 'chat.postEphemeral' && c.params.user === NEWCOMER, 5000);
    const signIn = buttonsOf(ephemeral).find((b) => b.text === 'Sign in to AgentHub');
    expect(signIn?.url).toMatch(/\/auth\/sign-in\?state=/);

    const done = await passStepUp(h, signIn!.url!, { sub, refreshToken });
    expect(done.status).toBe(200);
    expect(done.page).toMatch(/Signed in/);
    expect(await h.deps.accounts.get({ teamId: TEAM, userId: NEWCOMER })).toMatchObject({ auth0Sub: sub, refreshToken });

    // The request that needed the sign-in continues in its thread.
    const answer = await h.slack.waitFor((c) => c.api === 'chat.update' && /Add rate limiting to widget API/.test(messageText(c)), 10_000);
    expect(answer.params.channel).toBe('C0001');
    const confirmation = h.slack.callsTo('chat.postMessage').find((c) => c.params.channel === h.slack.dmChannelFor(NEWCOMER));
    expect(messageText(confirmation!)).toMatch(/now linked/);
    expect(h.slack.callsTo('chat.postMessage').some((c) => c.params.thread_ts === ts && /Working on it/.test(messageText(c)))).toBe(true);

    const records = await h.deps.audit.read(TEAM);
    expect(records.find((r) => r.kind === 'sign_in')).toMatchObject({ userId: NEWCOMER, target: sub });
    expectSecretAbsent(refreshToken, {
      redis: await dumpRedis(h.store.redis, h.store.keys.prefix),
      logs: h.logs.text(),
      slack: h.slack.requests.map((r) => r.rawBody).join('\n'),
    });
  });

  it('replaying the sign-in link after use changes nothing', async () => {
    const ephemeral = h.slack.callsTo('chat.postEphemeral').find((c) => c.params.user === NEWCOMER)!;
    const url = buttonsOf(ephemeral).find((b) => b.text === 'Sign in to AgentHub')!.url!;
    const again = await fetch(url, { redirect: 'manual' });
    expect(again.status).toBe(410);
  });

  it('/agenthub connect answers privately with a sign-in button; /agenthub permissions shows what the agents may do', async () => {
    await postCommand(h.eventsUrl, SIGNING_SECRET, slashCommand({ text: 'connect', user: 'U0OTHER', responseUrl: h.slack.responseUrl('connect-1') }));
    const connect = await h.slack.waitFor((c) => c.api === 'response' && c.responseId === 'connect-1', 5000);
    expect(connect.params.response_type).toBe('ephemeral');
    expect(buttonsOf(connect).map((b) => b.text)).toEqual(['Sign in to AgentHub']);

    await postCommand(h.eventsUrl, SIGNING_SECRET, slashCommand({ text: 'permissions', user: NEWCOMER, responseUrl: h.slack.responseUrl('perm-1') }));
    const perms = await h.slack.waitFor((c) => c.api === 'response' && c.responseId === 'perm-1', 5000);
    const text = messageText(perms);
    expect(text).toMatch(/linked to AgentHub/);
    expect(text).toMatch(/\*GitHub\* — :large_green_circle: ready · last used/);
    expect(text).toMatch(/merge a pull request — high risk, asks you, with MFA/);
    // Signed in with GitHub connected only: the calendar agent exists but waits for Google to be connected.
    expect(text).toMatch(/Google Calendar\* — :white_circle: not connected/);
    expect(text).toMatch(/delete a calendar event — high risk, asks you, with MFA/);
    expect(text).toMatch(/\*Slack\* — :large_green_circle: ready/);
    expect(text).toMatch(/No approvals are waiting for you/);
  });
});
