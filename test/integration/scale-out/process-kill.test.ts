import { beforeAll, describe, expect, it } from 'vitest';
import { appMention, postEvent } from '../../fakes/slack-requests.js';
import type { BotFleet } from '../../support/bot-processes.js';
import { SIGNING_SECRET } from '../../support/harness.js';
import { cardFor, click, isAnswerUpdate, mention, mentionInThread, messageText, threadSays } from '../../support/slack-user.js';
import { featurePull, settle, useFleet } from './fleet-policy.js';

describe('a bot process killed in the middle of a run', () => {
  const fleetOf = useFleet(3);
  let fleet: BotFleet;
  beforeAll(() => {
    fleet = fleetOf();
  });

  const pull = (title: string) => featurePull(fleet, title);
  const mergeCalls = (pr: number) => fleet.github.requests.filter((r) => r.method === 'PUT' && r.path === `/repos/acme/widgets/pulls/${pr}/merge`);

  it('killed while the run waits for approval: the click lands on another process, which resumes the run and merges once', async () => {
    await fleet.linkUser('U0KILLA');
    const pr = pull('Retry widget writes');
    const h = fleet.asHarness();
    const servedBefore = fleet.proxied.length;
    const { progressTs } = await mention(h, 'U0KILLA', `merge PR #${pr} in acme/widgets`);
    await threadSays(h, progressTs, /Waiting for <@U0KILLA>/, 15_000);
    const card = await cardFor(h, 'U0KILLA');
    const requester = fleet.proxied[servedBefore]!.backend;
    await fleet.processes.find((p) => p.index === requester)!.kill('SIGKILL');

    const clickedAt = fleet.proxied.length;
    expect((await click(h, card, 'Approve', 'U0KILLA')).status).toBe(200);
    expect(fleet.proxied[clickedAt]?.backend).not.toBe(requester);
    await threadSays(h, progressTs, /Merged/, 15_000);
    await settle(1000);
    expect(fleet.github.merges.filter((m) => m.number === pr)).toHaveLength(1);
    expect(mergeCalls(pr)).toHaveLength(1);

    // The orchestrator restarts it; the new process joins the rotation.
    const restartAt = Date.now();
    await fleet.startProcess();
    console.log(`[scale-out] a restarted bot process answered /healthz after ${Date.now() - restartAt} ms`);
  });

  it('killed while its merge is in flight: the thread is told what may have happened, and nothing is merged twice', async () => {
    await fleet.linkUser('U0KILLB');
    const pr = pull('Cache widget prices');
    const h = fleet.asHarness();
    const { ts, progressTs } = await mention(h, 'U0KILLB', `merge PR #${pr} in acme/widgets`);
    await threadSays(h, progressTs, /Waiting for <@U0KILLB>/, 15_000);
    const card = await cardFor(h, 'U0KILLB');
    // GitHub takes its time answering the merge; the process that sent it dies meanwhile.
    fleet.github.once((r) => r.method === 'PUT' && r.path === `/repos/acme/widgets/pulls/${pr}/merge`, {
      delayMs: 5000,
      body: { sha: 'a'.repeat(40), merged: true, message: 'Pull Request successfully merged' },
    });
    const clickedAt = fleet.proxied.length;
    expect((await click(h, card, 'Approve', 'U0KILLB')).status).toBe(200);
    const runner = fleet.proxied[clickedAt]!.backend;
    await fleet.github.waitFor((r) => r.method === 'PUT' && r.path === `/repos/acme/widgets/pulls/${pr}/merge`, 15_000);
    await fleet.processes.find((p) => p.index === runner)!.kill('SIGKILL');

    const killedAt = Date.now();
    // Not lost silently: the thread is told the request was interrupted, during what, and that it may have happened.
    const notice = await fleet.slack.waitFor((c) => c.api === 'chat.postMessage' && c.params.thread_ts === ts && /interrupted/.test(messageText(c)), 30_000);
    const said = messageText(notice);
    expect(said).toMatch(new RegExp(`merge pull request #${pr} in acme/widgets`));
    expect(said).toMatch(/may have happened or not/);
    expect(fleet.slack.callsTo('chat.postMessage').filter((c) => c.params.thread_ts === ts && /interrupted/.test(messageText(c)))).toHaveLength(1);
    // A new request in the thread is served, not refused as "still working".
    const next = await mentionInThread(h, 'U0KILLB', ts, `show PR #${pr} in acme/widgets`);
    const answer = await threadSays(h, next.progressTs, /Cache widget prices/, 15_000);
    expect(answer).not.toMatch(/still working/);
    await settle(1000);
    expect(mergeCalls(pr)).toHaveLength(1);
    console.log(`[scale-out] killed mid-merge: the thread was told ${notice.at - killedAt} ms after the kill`);
  }, 60_000);

  it('killed in the middle of a burst: every request is answered or reported, by the processes still up, and none twice', async () => {
    await fleet.startProcess();
    await fleet.linkUser('U0BURST');
    const N = 30;
    const deliveries = Array.from({ length: N }, () =>
      appMention({ text: '<@UBOT> list open pull requests in acme/widgets', user: 'U0BURST', channel: 'C0001' }),
    );
    const threads = deliveries.map((d) => (d.event as { ts: string }).ts);
    const sentAt = fleet.proxied.length;
    const acks = await Promise.all(deliveries.map((d) => postEvent(fleet.eventsUrl, SIGNING_SECRET, d)));
    expect(acks.map((r) => r.status)).toEqual(Array(N).fill(200));
    // The process that acked the first of them dies while the work behind the acks is under way.
    const victim = fleet.processes.find((p) => p.index === fleet.proxied[sentAt]!.backend)!;
    await victim.kill('SIGKILL');
    const killedAt = Date.now();

    const outcomes = (threadTs: string) => {
      const progress = fleet.slack
        .callsTo('chat.postMessage')
        .filter((c) => c.params.thread_ts === threadTs && /Working on it/.test(messageText(c)))
        .map((c) => (c.responseBody as { ts: string }).ts);
      const answers = fleet.slack.callsTo('chat.update').filter((c) => progress.includes(String(c.params.ts)) && isAnswerUpdate(c));
      const notices = fleet.slack.callsTo('chat.postMessage').filter((c) => c.params.thread_ts === threadTs && /interrupted/.test(messageText(c)));
      return { answers: answers.length, notices: notices.length };
    };
    const deadline = Date.now() + 40_000;
    while (threads.some((t) => outcomes(t).answers + outcomes(t).notices === 0) && Date.now() < deadline) await settle(250);
    await settle(1000);
    const all = threads.map(outcomes);
    const answered = all.filter((o) => o.answers > 0).length;
    const reported = all.filter((o) => o.notices > 0).length;
    console.log(
      `[scale-out] burst of ${N} with a process killed: ${answered} answered, ${reported} reported as interrupted, ${Date.now() - killedAt} ms after the kill`,
    );
    expect(all.filter((o) => o.answers + o.notices === 0)).toEqual([]); // none lost
    expect(all.filter((o) => o.answers > 1 || o.notices > 1)).toEqual([]); // none answered or reported twice
  }, 90_000);
});
