import { beforeAll, describe, expect, it } from 'vitest';
import { appMention, postEvent } from '../../fakes/slack-requests.js';
import type { BotFleet } from '../../support/bot-processes.js';
import { SIGNING_SECRET } from '../../support/harness.js';
import { buttonsOf, cardFor, click, currentCard, isAnswerUpdate, mention, messageText, sendClick, threadSays } from '../../support/slack-user.js';
import { featurePull, settle, useFleet } from './fleet-policy.js';

describe('three real bot processes behind one load balancer', () => {
  const fleetOf = useFleet(3);
  let fleet: BotFleet;
  beforeAll(() => {
    fleet = fleetOf();
  });

  const pull = (title: string) => featurePull(fleet, title);

  it('an event delivered to every process, and retried through the load balancer, is planned, run and answered once', async () => {
    await fleet.linkUser('U0DEDUPE');
    const delivery = appMention({ text: '<@UBOT> list open pull requests in acme/widgets', user: 'U0DEDUPE' });
    const threadTs = (delivery.event as { ts: string }).ts;
    const githubBefore = fleet.github.requests.length;
    const responses = await Promise.all([
      ...fleet.processes.map((p) => postEvent(p.eventsUrl, SIGNING_SECRET, delivery)),
      ...[1, 2, 3].map((num) => postEvent(fleet.eventsUrl, SIGNING_SECRET, delivery, { retry: { num, reason: 'http_timeout' } })),
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const progress = await fleet.slack.waitFor((c) => c.api === 'chat.postMessage' && c.params.thread_ts === threadTs, 15_000);
    const progressTs = (progress.responseBody as { ts: string }).ts;
    await fleet.slack.waitFor((c) => isAnswerUpdate(c) && c.params.ts === progressTs, 15_000);
    await settle(1000);
    expect(fleet.slack.callsTo('chat.postMessage').filter((c) => c.params.thread_ts === threadTs)).toHaveLength(1);
    expect(fleet.slack.callsTo('chat.update').filter((c) => isAnswerUpdate(c) && c.params.ts === progressTs)).toHaveLength(1);
    // One plan, one set of upstream calls: the repository check and the list, once each.
    expect(fleet.github.requests.slice(githubBefore).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /repos/acme/widgets', 'GET /repos/acme/widgets/pulls']);
  });

  it('an approval requested through one process and clicked through the load balancer on another resumes there and merges once', async () => {
    await fleet.linkUser('U0HOP');
    const pr = pull('Tidy the rate limiter docs');
    // A is any process but the one the load balancer picks next, so the click lands elsewhere.
    const a = fleet.processes.find((p) => p.index !== fleet.nextBackend())!;
    const { progressTs } = await mention(fleet.asHarness(a.eventsUrl), 'U0HOP', `merge PR #${pr} in acme/widgets`);
    await threadSays(fleet.asHarness(), progressTs, /Waiting for <@U0HOP>/, 15_000);
    const card = await cardFor(fleet.asHarness(), 'U0HOP');

    const servedBefore = fleet.proxied.length;
    const clicked = await click(fleet.asHarness(), card, 'Approve', 'U0HOP');
    expect(clicked.status).toBe(200);
    expect(fleet.proxied.slice(servedBefore)).toHaveLength(1);
    expect(fleet.proxied[servedBefore]?.backend).not.toBe(a.index);
    await threadSays(fleet.asHarness(), progressTs, /Merged/, 15_000);
    await settle();
    expect(fleet.github.merges.filter((m) => m.number === pr)).toHaveLength(1);
    expect(messageText(currentCard(fleet.asHarness(), card))).toMatch(/Approved\* by <@U0HOP>/);
  });

  it('20 concurrent Approve clicks spread over every process merge exactly once', async () => {
    await fleet.linkUser('U0RACE');
    const pr = pull('Speed up the widget cache');
    const h = fleet.asHarness();
    const { progressTs } = await mention(h, 'U0RACE', `merge PR #${pr} in acme/widgets`);
    await threadSays(h, progressTs, /Waiting for <@U0RACE>/, 15_000);
    const card = await cardFor(h, 'U0RACE');
    const approve = buttonsOf(card).find((b) => b.text === 'Approve')!;
    const servedBefore = fleet.proxied.length;
    const clicks = await Promise.all(Array.from({ length: 20 }, () => sendClick(h, card, approve, 'U0RACE')));
    expect(clicks.every((c) => c.status === 200)).toBe(true);
    expect(new Set(fleet.proxied.slice(servedBefore).map((p) => p.backend)).size).toBe(fleet.processes.length);
    await threadSays(h, progressTs, /Merged/, 15_000);
    await settle(1500);
    expect(fleet.github.merges.filter((m) => m.number === pr)).toHaveLength(1);
    expect(fleet.github.requests.filter((r) => r.method === 'PUT' && r.path === `/repos/acme/widgets/pulls/${pr}/merge`)).toHaveLength(1);
    expect(fleet.slack.callsTo('chat.update').filter((c) => c.params.ts === progressTs && /Merged/.test(messageText(c)))).toHaveLength(1);
  });
});
