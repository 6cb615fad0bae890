import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postCommand, slashCommand } from '../fakes/slack-requests.js';
import { type Harness, READS_ALLOWED_POLICY, SIGNING_SECRET, startHarness, TEAM } from '../support/harness.js';
import { buttonsOf, followBrowser, mention, messageText, threadSays } from '../support/slack-user.js';

const follow = followBrowser;

describe('connecting GitHub from Slack through Auth0 Connected Accounts', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ policy: READS_ALLOWED_POLICY });
    h.github.seedDemo('octo-dev');
  });
  afterAll(async () => h?.close());

  it('a person without GitHub connected gets a private Connect button; after consent the request carries on', async () => {
    const { sub } = await h.linkUser('U0CONN', { github: false });
    const { progressTs } = await mention(h, 'U0CONN', 'list open pull requests in acme/widgets');
    await threadSays(h, progressTs, /sent you a private "Connect GitHub" button/);
    const ephemeral = await h.slack.waitFor((c) => c.api === 'chat.postEphemeral' && c.params.user === 'U0CONN', 5000);
    const connect = buttonsOf(ephemeral).find((b) => b.text === 'Connect GitHub');
    expect(connect?.url).toMatch(/\/auth\/connect\?link=/);

    const done = await follow(connect!.url!);
    expect(done.status).toBe(200);
    expect(done.page).toMatch(/Connected/);
    expect([...h.myAccount.accounts.values()]).toEqual([expect.objectContaining({ sub, connection: 'github' })]);

    const answer = await h.slack.waitFor((c) => c.api === 'chat.update' && /Add rate limiting to widget API/.test(messageText(c)), 10_000);
    expect(answer.params.channel).toBe('C0001');
    expect((await h.deps.audit.read(TEAM)).some((r) => r.kind === 'connection_change' && r.userId === 'U0CONN')).toBe(true);
  });

  it('/agenthub connect github gives a signed-in person a private Connect link that connects GitHub', async () => {
    const { sub } = await h.linkUser('U0CMD', { github: false });
    await postCommand(h.eventsUrl, SIGNING_SECRET, slashCommand({ text: 'connect github', user: 'U0CMD', responseUrl: h.slack.responseUrl('cc-1') }));
    const answer = await h.slack.waitFor((c) => c.api === 'response' && c.responseId === 'cc-1', 10_000);
    expect(answer.params.response_type).toBe('ephemeral');
    const url = buttonsOf(answer).find((b) => b.text === 'Connect GitHub')!.url!;
    expect((await follow(url)).status).toBe(200);
    expect([...h.myAccount.accounts.values()].some((a) => a.sub === sub && a.connection === 'github')).toBe(true);
  });

  it('/agenthub permissions tells a connected GitHub from one that is not', async () => {
    const ask = async (user: string, id: string) => {
      await postCommand(h.eventsUrl, SIGNING_SECRET, slashCommand({ text: 'permissions', user, responseUrl: h.slack.responseUrl(id) }));
      return messageText(await h.slack.waitFor((c) => c.api === 'response' && c.responseId === id, 10_000));
    };
    expect(await ask('U0CONN', 'perm-c1')).toMatch(/\*GitHub\* — :large_green_circle: ready/);
    await h.linkUser('U0UNCONN', { github: false });
    expect(await ask('U0UNCONN', 'perm-c2')).toMatch(/\*GitHub\* — :white_circle: not connected/);
  });

  it('a refused consent at the provider connects nothing', async () => {
    await h.linkUser('U0NOPE', { github: false });
    const { progressTs } = await mention(h, 'U0NOPE', 'list open pull requests in acme/widgets');
    await threadSays(h, progressTs, /Connect GitHub/);
    const ephemeral = await h.slack.waitFor((c) => c.api === 'chat.postEphemeral' && c.params.user === 'U0NOPE', 5000);
    const url = buttonsOf(ephemeral).find((b) => b.text === 'Connect GitHub')!.url!;
    const before = h.myAccount.accounts.size;
    h.myAccount.refuseNextConsent();
    const refused = await follow(url);
    expect(refused.status).toBe(400);
    expect(refused.page).toMatch(/did not grant access/);
    expect(h.myAccount.accounts.size).toBe(before);
  });

  it('revoking GitHub deletes the connected account at Auth0; when that fails it says so and retries', async () => {
    const command = async (user: string, id: string) => {
      await postCommand(h.eventsUrl, SIGNING_SECRET, slashCommand({ text: 'revoke github', user, responseUrl: h.slack.responseUrl(id) }));
      return String((await h.slack.waitFor((c) => c.api === 'response' && c.responseId === id, 10_000)).params.text);
    };
    const id = [...h.myAccount.accounts.values()].find((a) => a.connection === 'github')!.id;
    expect(await command('U0CONN', 'rev-gh-1')).toMatch(/GitHub connection is deleted at Auth0 \(Token Vault\) too/);
    expect(h.myAccount.deleted).toContain(id);

    // Another person, whose deletion fails once.
    const { sub: failSub } = await h.linkUser('U0FAIL', { github: false });
    const { progressTs } = await mention(h, 'U0FAIL', 'list open pull requests in acme/widgets');
    await threadSays(h, progressTs, /Connect GitHub/);
    const ephemeral = await h.slack.waitFor((c) => c.api === 'chat.postEphemeral' && c.params.user === 'U0FAIL', 5000);
    await follow(buttonsOf(ephemeral).find((b) => b.text === 'Connect GitHub')!.url!);
    const failId = [...h.myAccount.accounts.values()].find((a) => a.sub === failSub)!.id;
    h.auth0.once('GET /me/v1/connected-accounts/accounts', { status: 503, body: { title: 'Service Unavailable' } });
    expect(await command('U0FAIL', 'rev-gh-2')).toMatch(/Deleting your GitHub connection at Auth0 failed \(Auth0 answered HTTP 503\).*keep retrying/s);
    expect(h.myAccount.deleted).not.toContain(failId);
    expect(await h.deps.revoker.retryPending()).toBe(1);
    expect(h.myAccount.deleted).toContain(failId);
  });
});
