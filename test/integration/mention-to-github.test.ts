import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appMention, postEvent } from '../fakes/slack-requests.js';
import { dumpRedis, expectSecretAbsent } from '../support/canary.js';
import { type Harness, READS_ALLOWED_POLICY, SIGNING_SECRET, startHarness } from '../support/harness.js';
import { isAnswerUpdate, messageText } from '../support/slack-user.js';

const CHANNEL = 'C0001';

/** Sends a signed mention and waits for the answer that replaces the "Working on it…" message. */
async function mention(h: Harness, user: string, text: string, opts: { threadTs?: string; ts?: string } = {}) {
  const before = h.slack.callsTo('chat.update').length;
  const streamsBefore = h.slack.callsTo('chat.stopStream').length;
  const delivery = appMention({ text: `<@UBOT> ${text}`, user, channel: CHANNEL, ...opts });
  const res = await postEvent(h.eventsUrl, SIGNING_SECRET, delivery);
  expect(res.status).toBe(200);
  // The answer replaces the progress message, or ends the stream the model's text was written into.
  const update = await h.slack.waitFor(
    (c) =>
      (isAnswerUpdate(c) && h.slack.callsTo('chat.update').indexOf(c) >= before) ||
      (c.api === 'chat.stopStream' && h.slack.callsTo('chat.stopStream').indexOf(c) >= streamsBefore),
    10_000,
  );
  const event = delivery.event as { ts: string };
  return { text: messageText(update), update, ts: event.ts };
}

describe('an @mention answered with GitHub data fetched through Token Vault', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ policy: READS_ALLOWED_POLICY });
    h.github.seedDemo('octo-dev');
  });
  afterAll(async () => h?.close());

  it('answers "list open pull requests" in the thread with the PR titles, replacing a progress message', async () => {
    await h.linkUser('U0001');
    const { text, update, ts } = await mention(h, 'U0001', 'list open pull requests in acme/widgets');

    for (const title of ['Add rate limiting to widget API', 'Fix flaky checkout test', 'Bump typescript to 5.9']) expect(text).toContain(title);
    expect(text).not.toContain('Closed'); // the closed PR is not listed
    const progress = h.slack.callsTo('chat.postMessage').find((c) => c.params.thread_ts === ts);
    expect(progress).toBeDefined();
    expect(progress!.params.text).toMatch(/Working on it/);
    expect(update.params.ts).toBe((progress!.responseBody as { ts: string }).ts);
    expect(update.params.channel).toBe(CHANNEL);
  });

  it('calls GitHub with the Token Vault token minted for this user, and that token appears nowhere else', async () => {
    const { sub } = await h.linkUser('U0042');
    await mention(h, 'U0042', 'show PR #1 in acme/widgets');
    const issued = h.auth0.issuedTokens.filter((t) => t.sub === sub);
    expect(issued).toHaveLength(1);
    const token = issued[0]!.token;
    expect(h.github.requestsWithToken(token).map((r) => r.path)).toEqual(
      expect.arrayContaining(['/repos/acme/widgets/pulls/1', '/repos/acme/widgets/pulls/1/files']),
    );

    const exchange = h.auth0.exchanges.find((r) => r.params.subject_token !== undefined && h.auth0.tokenInfo(token));
    expect(exchange?.params.connection).toBe('github');

    expectSecretAbsent(token, {
      'Slack Web API requests': h.slack.requests.map((r) => r.rawBody).join('\n'),
      'log lines': h.logs.text(),
      'Redis (checkpoints, links, dedupe)': await dumpRedis(h.store.redis, h.store.keys.prefix),
    });
  });

  it('keeps the refresh token encrypted at rest', async () => {
    const { refreshToken } = await h.linkUser('U0043');
    expectSecretAbsent(refreshToken, { redis: await dumpRedis(h.store.redis, h.store.keys.prefix), logs: h.logs.text() });
  });

  it('reuses a cached token for the same user instead of exchanging again', async () => {
    const { sub } = await h.linkUser('U0044');
    await mention(h, 'U0044', 'list open pull requests in acme/widgets');
    // The same scopes again (the cache is keyed by them): no second exchange.
    await mention(h, 'U0044', 'list closed pull requests in acme/widgets');
    expect(h.auth0.issuedTokens.filter((t) => t.sub === sub)).toHaveLength(1);
  });

  it('gives each person in a shared Slack thread their own token, never the first person’s', async () => {
    const alice = await h.linkUser('U0100');
    const bob = await h.linkUser('U0101');
    const first = await mention(h, 'U0100', 'list open pull requests in acme/widgets');
    await mention(h, 'U0101', 'list open pull requests in acme/widgets', { threadTs: first.ts });

    const aliceTokens = h.auth0.issuedTokens.filter((t) => t.sub === alice.sub).map((t) => t.token);
    const bobTokens = h.auth0.issuedTokens.filter((t) => t.sub === bob.sub).map((t) => t.token);
    expect(aliceTokens).toHaveLength(1);
    expect(bobTokens).toHaveLength(1);
    expect(aliceTokens[0]).not.toBe(bobTokens[0]);
    const exchangesForBob = h.auth0.exchanges.filter((r) => r.params.subject_token === bob.refreshToken);
    expect(exchangesForBob).toHaveLength(1);
  });

  it('a second person in the thread without GitHub connected is told to connect, and nothing runs with the first person’s token', async () => {
    await h.linkUser('U0200');
    await h.linkUser('U0201', { github: false });
    const first = await mention(h, 'U0200', 'list open pull requests in acme/widgets');
    const githubCallsBefore = h.github.requests.length;
    const reply = await mention(h, 'U0201', 'list open pull requests in acme/widgets', { threadTs: first.ts });

    expect(reply.text).toMatch(/GitHub account isn't connected/);
    expect(h.github.requests.length).toBe(githubCallsBefore);
  });

  it('tells an unlinked person to sign in, without calling Auth0 or GitHub', async () => {
    const exchanges = h.auth0.exchangeCount;
    const githubCalls = h.github.requests.length;
    const reply = await mention(h, 'U0999', 'list open pull requests in acme/widgets');
    expect(reply.text).toMatch(/isn't linked to AgentHub/);
    expect(reply.text).not.toMatch(/at .*\(.*\.ts:\d+/); // no stack trace
    expect(h.auth0.exchangeCount).toBe(exchanges);
    expect(h.github.requests.length).toBe(githubCalls);
  });

  it('when GitHub rejects the token, drops it and asks the person to reconnect', async () => {
    const { sub } = await h.linkUser('U0300');
    await mention(h, 'U0300', 'list open pull requests in acme/widgets');
    const token = h.auth0.issuedTokens.find((t) => t.sub === sub)!.token;
    h.github.revokeToken(token);

    const reply = await mention(h, 'U0300', 'list open pull requests in acme/widgets');
    expect(reply.text).toMatch(/GitHub account isn't connected/);
    // The rejected token was dropped: the next request exchanges again and works.
    const again = await mention(h, 'U0300', 'list open pull requests in acme/widgets');
    expect(again.text).toContain('Add rate limiting to widget API');
    expect(h.auth0.issuedTokens.filter((t) => t.sub === sub)).toHaveLength(2);
  });

  it('explains a repository GitHub does not know in one sentence with a reference', async () => {
    await h.linkUser('U0400');
    const reply = await mention(h, 'U0400', 'list open pull requests in acme/nope');
    expect(reply.text).toMatch(/couldn't find acme\/nope on GitHub/);
  });

  it('remembers the repository of the thread for a follow-up', async () => {
    await h.linkUser('U0500');
    const first = await mention(h, 'U0500', 'list open pull requests in acme/widgets');
    const follow = await mention(h, 'U0500', 'show #2', { threadTs: first.ts });
    expect(follow.text).toContain('Fix flaky checkout test');
    expect(follow.text).toMatch(/acme\/widgets/);
  });
});

describe('with the Groq planner (scripted model over the real ChatGroq client)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ groq: true, policy: READS_ALLOWED_POLICY });
    h.github.seedDemo('octo-dev');
  });
  afterAll(async () => h?.close());
  afterEach(() => expect(h.groq!.pending).toBe(0));

  it('runs the tool the model asks for and posts the model’s answer; the model never sees the token', async () => {
    await h.linkUser('U0001');
    h.groq!.reply({ toolCalls: [{ name: 'github_list_pull_requests', args: { owner: 'acme', repo: 'widgets' } }] });
    let toolResultSeen = '';
    h.groq!.reply((body) => {
      const messages = (body as { messages: Array<{ role: string; content: string }> }).messages;
      toolResultSeen = messages
        .filter((m) => m.role === 'tool')
        .map((m) => m.content)
        .join('\n');
      return { content: 'There are *3* open PRs in acme/widgets, oldest: Add rate limiting to widget API.' };
    });

    const reply = await mention(h, 'U0001', 'what PRs are open in acme/widgets?');
    expect(reply.text).toContain('There are *3* open PRs');
    expect(toolResultSeen).toContain('Fix flaky checkout test');
    expect(toolResultSeen).toMatch(/<tool_output tool="github_list_pull_requests" note="untrusted data/);

    const token = h.auth0.issuedTokens[0]!.token;
    expect(h.github.requestsWithToken(token).length).toBeGreaterThan(0);
    expectSecretAbsent(token, {
      'model requests': JSON.stringify(h.groq!.bodies),
      'Slack Web API requests': h.slack.requests.map((r) => r.rawBody).join('\n'),
      'log lines': h.logs.text(),
      checkpoints: await dumpRedis(h.store.redis, h.store.keys.prefix),
    });
  });

  it('sends the person’s request to the model, with the tools and their schemas', async () => {
    await h.linkUser('U0002');
    h.groq!.reply({ content: 'Hello!' });
    await mention(h, 'U0002', 'hello there');
    const body = h.groq!.bodies.at(-1) as {
      messages: Array<{ role: string; content: string }>;
      tools: Array<{ function: { name: string; parameters: { properties: Record<string, unknown> } } }>;
    };
    expect(body.messages.at(-1)).toMatchObject({ role: 'user', content: 'hello there' });
    const names = body.tools.map((t) => t.function.name);
    expect(names).toEqual(expect.arrayContaining(['github_list_my_repositories', 'github_list_pull_requests', 'github_get_pull_request']));
    const getPr = body.tools.find((t) => t.function.name === 'github_get_pull_request');
    expect(Object.keys(getPr!.function.parameters.properties)).toEqual(expect.arrayContaining(['owner', 'repo', 'pull_number']));
  });

  it('rejects a tool call whose arguments break the tool’s schema, without calling GitHub', async () => {
    await h.linkUser('U0003');
    const githubCalls = h.github.requests.length;
    h.groq!.reply({ toolCalls: [{ name: 'github_list_pull_requests', args: { owner: '../../etc', repo: 'x y' } }] });
    let errorSeen = '';
    h.groq!.reply((body) => {
      errorSeen = (body as { messages: Array<{ role: string; content: string }> }).messages
        .filter((m) => m.role === 'tool')
        .map((m) => m.content)
        .join('');
      return { content: 'Sorry, that repository name is not valid.' };
    });
    const reply = await mention(h, 'U0003', 'list PRs in ../../etc/x y');
    expect(reply.text).toContain('not valid');
    expect(errorSeen).toMatch(/invalid arguments/);
    expect(h.github.requests.length).toBe(githubCalls);
  });
});
