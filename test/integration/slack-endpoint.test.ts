import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { appMention, postCommand, postEvent, slashCommand } from '../fakes/slack-requests.js';
import { type Harness, READS_ALLOWED_POLICY, SIGNING_SECRET, startHarness } from '../support/harness.js';
import { isAnswerUpdate } from '../support/slack-user.js';

const now = () => Math.floor(Date.now() / 1000);
const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

describe('only Slack can talk to the Slack endpoint', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ policy: READS_ALLOWED_POLICY });
    h.github.seedDemo('octo-dev');
    await h.linkUser('U0001');
  });
  afterAll(async () => h?.close());

  const cases: Array<[string, Parameters<typeof postEvent>[3]]> = [
    ['a request signed with the wrong secret', { wrongSecret: true }],
    ['an unsigned request', { unsigned: true }],
    ['a request signed six minutes ago (stale)', { ts: now() - 360 }],
    ['a request dated six minutes in the future', { ts: now() + 360 }],
    ['a request dated an hour in the future', { ts: now() + 3600 }],
  ];
  for (const [name, opts] of cases) {
    it(`refuses ${name} with 401 and does nothing`, async () => {
      const before = h.slack.requests.length;
      const res = await postEvent(h.eventsUrl, SIGNING_SECRET, appMention({ text: '<@UBOT> list open pull requests in acme/widgets', user: 'U0001' }), opts);
      expect(res.status).toBe(401);
      await settle();
      expect(h.slack.requests.length).toBe(before);
    });
  }

  it('accepts a request within the allowed clock skew (four minutes ahead)', async () => {
    const delivery = appMention({ text: '<@UBOT> list open pull requests in acme/widgets', user: 'U0001' });
    const res = await postEvent(h.eventsUrl, SIGNING_SECRET, delivery, { ts: now() + 240 });
    expect(res.status).toBe(200);
    await h.slack.waitFor((c) => isAnswerUpdate(c) && c.params.channel === 'C0001', 10_000);
  });

  it('refuses a valid signature moved onto a different body', async () => {
    const real = JSON.stringify(appMention({ text: '<@UBOT> list my repositories', user: 'U0001' }));
    const { 'X-Slack-Request-Timestamp': ts, 'X-Slack-Signature': sig } = await import('../fakes/slack-requests.js').then((m) =>
      m.signSlackRequest(SIGNING_SECRET, real),
    );
    const forged = appMention({ text: '<@UBOT> list open pull requests in acme/widgets', user: 'U0001' });
    const res = await fetch(h.eventsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': ts!, 'x-slack-signature': sig! },
      body: JSON.stringify(forged),
    });
    expect(res.status).toBe(401);
  });

  it('processes an event delivered three times (Slack retries) exactly once', async () => {
    const delivery = appMention({ text: '<@UBOT> list open pull requests in acme/widgets', user: 'U0001' });
    const threadTs = (delivery.event as { ts: string }).ts;
    const githubBefore = h.github.requests.length;
    const responses = await Promise.all([
      postEvent(h.eventsUrl, SIGNING_SECRET, delivery),
      postEvent(h.eventsUrl, SIGNING_SECRET, delivery, { retry: { num: 1, reason: 'http_timeout' } }),
      postEvent(h.eventsUrl, SIGNING_SECRET, delivery, { retry: { num: 2, reason: 'http_timeout' } }),
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    await h.slack.waitFor((c) => isAnswerUpdate(c) && c.params.text !== undefined && h.slack.messagesIn('C0001', threadTs).length > 0, 10_000);
    await settle(500);
    const replies = h.slack.callsTo('chat.postMessage').filter((c) => c.params.thread_ts === threadTs);
    expect(replies).toHaveLength(1);
    // One plan, one set of upstream calls: the repository check and the list, once each.
    expect(h.github.requests.slice(githubBefore).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /repos/acme/widgets', 'GET /repos/acme/widgets/pulls']);
  });

  it('processes a retry delivered to a second bot process once, across processes', async () => {
    const second = await h.startSecondProcess();
    try {
      const delivery = appMention({ text: '<@UBOT> list open pull requests in acme/widgets', user: 'U0001' });
      const threadTs = (delivery.event as { ts: string }).ts;
      const [a, b] = await Promise.all([
        postEvent(h.eventsUrl, SIGNING_SECRET, delivery),
        postEvent(second.eventsUrl, SIGNING_SECRET, delivery, { retry: { num: 1, reason: 'http_timeout' } }),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
      await h.slack.waitFor((c) => c.api === 'chat.postMessage' && c.params.thread_ts === threadTs, 10_000);
      await settle(500);
      expect(h.slack.callsTo('chat.postMessage').filter((c) => c.params.thread_ts === threadTs)).toHaveLength(1);
    } finally {
      await second.close();
    }
  });

  it('acknowledges a mention before the agent’s slow work finishes, and shows progress meanwhile', async () => {
    h.github.once('GET /repos/acme/widgets/pulls', { delayMs: 1500, body: [] });
    const delivery = appMention({ text: '<@UBOT> list open pull requests in acme/widgets', user: 'U0001' });
    const threadTs = (delivery.event as { ts: string }).ts;
    const res = await postEvent(h.eventsUrl, SIGNING_SECRET, delivery);
    expect(res.status).toBe(200);
    // Slack got its answer while GitHub was still being waited on: no final reply exists yet.
    const progress = await h.slack.waitFor((c) => c.api === 'chat.postMessage' && c.params.thread_ts === threadTs, 5000);
    expect(String(progress.params.text)).toMatch(/Working on it/);
    const updatesForThread = () =>
      h.slack.callsTo('chat.update').filter((c) => isAnswerUpdate(c) && c.params.ts === (progress.responseBody as { ts: string }).ts);
    expect(updatesForThread()).toHaveLength(0);
    const final = await h.slack.waitFor((c) => isAnswerUpdate(c) && c.params.ts === (progress.responseBody as { ts: string }).ts, 10_000);
    expect(String(final.params.text)).toMatch(/no open pull requests/);
  });

  it('answers GET /healthz with 200, Redis reachability and whether per-call checks are tracked reads', async () => {
    const res = await fetch(`${h.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', redis: 'up' });
    // Tracking starts in the background once the app is up: the per-call checks move to memory when it is proven.
    await vi.waitFor(async () => expect(await fetch(`${h.baseUrl}/healthz`).then((r) => r.json())).toMatchObject({ trackedReads: 'tracking' }), {
      timeout: 5000,
    });
  });
});

describe('bad input gets a helpful answer and changes nothing', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ groq: true, policy: READS_ALLOWED_POLICY });
    h.github.seedDemo('octo-dev');
    await h.linkUser('U0001');
  });
  afterAll(async () => h?.close());

  async function replyTo(text: string) {
    const delivery = appMention({ text, user: 'U0001' });
    const threadTs = (delivery.event as { ts: string }).ts;
    await postEvent(h.eventsUrl, SIGNING_SECRET, delivery);
    const reply = await h.slack.waitFor((c) => c.api === 'chat.postMessage' && c.params.thread_ts === threadTs, 5000);
    return String(reply.params.text);
  }

  it('an empty mention gets a short how-to, without running the agent', async () => {
    const text = await replyTo('<@UBOT>   ');
    expect(text).toMatch(/Tell me what to do/);
    expect(text).toMatch(/list open pull requests in/);
    expect(h.groq!.bodies).toHaveLength(0);
    expect(h.github.requests).toHaveLength(0);
    expect(h.auth0.exchangeCount).toBe(0);
  });

  it('40 kB of text is refused with its size and the limit; the model and GitHub are not called', async () => {
    const text = await replyTo(`<@UBOT> ${'please list pull requests in acme/widgets '.repeat(1000).slice(0, 40_000)}`);
    expect(text).toMatch(/40,000 characters long; I take up to 4,000/);
    expect(text).toMatch(/Nothing was done/);
    expect(h.groq!.bodies).toHaveLength(0);
    expect(h.github.requests).toHaveLength(0);
  });

  it('an unknown subcommand gets an ephemeral list of the real ones, and nothing else happens', async () => {
    const before = h.slack.requests.length;
    const res = await postCommand(h.eventsUrl, SIGNING_SECRET, slashCommand({ text: 'frobnicate <!channel>', responseUrl: h.slack.responseUrl('cmd-1') }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toMatch(/I don't know the command `frobnicate`/);
    expect(body.text).toContain('/agenthub help');
    await settle();
    expect(h.slack.requests.length).toBe(before);
  });

  it('/agenthub help lists the commands privately, in the ack itself (no second request)', async () => {
    const before = h.slack.requests.length;
    const res = await postCommand(h.eventsUrl, SIGNING_SECRET, slashCommand({ text: 'help', responseUrl: h.slack.responseUrl('cmd-2') }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('/agenthub help');
    expect(body.text).toContain('/agenthub revoke');
    await settle();
    expect(h.slack.requests.length).toBe(before);
  });

  it('odd text (control characters, RTL marks, emoji, a broadcast mention) is handled and never pings the channel', async () => {
    h.groq!.reply({ content: 'I can only help with GitHub for now. <!channel> <!here>' });
    const delivery = appMention({ text: '<@UBOT> \u202e\u0000\u0007 🤖 <!channel> hello', user: 'U0001' });
    await postEvent(h.eventsUrl, SIGNING_SECRET, delivery);
    const threadTs = (delivery.event as { ts: string }).ts;
    const progress = await h.slack.waitFor((c) => c.api === 'chat.postMessage' && c.params.thread_ts === threadTs, 5000);
    const final = await h.slack.waitFor((c) => isAnswerUpdate(c) && c.params.ts === (progress.responseBody as { ts: string }).ts, 10_000);
    expect(String(final.params.text)).toContain('I can only help with GitHub');
    expect(JSON.stringify(final.params)).not.toMatch(/<!channel>|<!here>/);
  });
});
