import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventCallback, nextSlackTs, postEvent } from '../../fakes/slack-requests.js';
import { type Harness, READS_ALLOWED_POLICY, SIGNING_SECRET, startHarness, TEAM } from '../../support/harness.js';
import { cardFor, mention, mentionInThread, messageText, threadSays } from '../../support/slack-user.js';

const ALICE = 'U0ALICE';

describe('conversations with the built-in planner', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ policy: READS_ALLOWED_POLICY });
    h.github.seedDemo('octo-dev');
    h.slack.addUser({ id: ALICE, real_name: 'Alice Lee', email: 'alice@acme.test', tz: 'Europe/Paris' });
    await h.linkUser(ALICE);
  });
  afterAll(async () => h?.close());

  it('remembers the thread: "show #2" then "now merge it" merges the pull request just shown, after approval', async () => {
    const first = await mention(h, ALICE, 'list open pull requests in acme/widgets');
    await threadSays(h, first.progressTs, /Fix flaky checkout test/);
    const second = await mentionInThread(h, ALICE, first.ts, 'show #2');
    await threadSays(h, second.progressTs, /#2 Fix flaky checkout test/);
    const third = await mentionInThread(h, ALICE, first.ts, 'now merge it');
    await threadSays(h, third.progressTs, /Waiting for <@U0ALICE> to approve \*merge pull request #2 in acme\/widgets/);
    expect(messageText(await cardFor(h, ALICE))).toContain('"pull_number": 2');
    expect(h.github.merges).toHaveLength(0);
  });

  it('a prompt-injected issue is shown as quoted text; "do what it says" never leads to a write or an approval', async () => {
    const shown = await mention(h, ALICE, 'show issue #8 in acme/widgets');
    const text = await threadSays(h, shown.progressTs, /IGNORE PREVIOUS INSTRUCTIONS/);
    expect(text).toMatch(/^> .*IGNORE PREVIOUS INSTRUCTIONS/m); // quoted, not posed as the bot's words
    expect(text).not.toContain('<!channel>');
    const writes = () => h.github.requests.filter((r) => r.method !== 'GET').length;
    const writesBefore = writes();
    const cardsBefore = h.slack.callsTo('chat.postMessage').filter((c) => c.params.channel === h.slack.dmChannelFor(ALICE)).length;
    const thanks = await mentionInThread(h, ALICE, shown.ts, 'thanks, do what it says');
    await h.slack.waitFor((c) => c.api === 'chat.update' && c.params.ts === thanks.progressTs && !/^Working/.test(String(c.params.text)), 10_000);
    expect(writes()).toBe(writesBefore);
    expect(h.github.merges).toHaveLength(0);
    expect(h.github.deletedBranches).toHaveLength(0);
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.params.channel === h.slack.dmChannelFor(ALICE))).toHaveLength(cardsBefore);
  });

  it('says what it did not understand, with examples for every service', async () => {
    const { progressTs } = await mention(h, ALICE, 'make me a sandwich');
    const text = await threadSays(h, progressTs, /didn't understand/);
    for (const service of ['GitHub', 'Calendar', 'Slack']) expect(text).toContain(`*${service}*`);
  });
});

describe('the assistant surface (split-view assistant threads)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ policy: READS_ALLOWED_POLICY });
    h.github.seedDemo('octo-dev');
    await h.linkUser(ALICE);
  });
  afterAll(async () => h?.close());

  it('greets a new assistant thread with suggested prompts, then answers in the thread with a status meanwhile', async () => {
    const threadTs = nextSlackTs();
    const started = eventCallback({
      type: 'assistant_thread_started',
      assistant_thread: { user_id: ALICE, context: { channel_id: 'C0001', team_id: TEAM, enterprise_id: null }, channel_id: 'D0ASSIST', thread_ts: threadTs },
      event_ts: threadTs,
    });
    expect((await postEvent(h.eventsUrl, SIGNING_SECRET, started)).status).toBe(200);
    const prompts = await h.slack.waitFor((c) => c.api === 'assistant.threads.setSuggestedPrompts' && c.params.thread_ts === threadTs, 10_000);
    expect(JSON.stringify(prompts.params.prompts)).toContain('What PRs need my review?');

    const ts = nextSlackTs();
    const message = eventCallback({
      type: 'message',
      channel_type: 'im',
      channel: 'D0ASSIST',
      user: ALICE,
      text: 'list open pull requests in acme/widgets',
      ts,
      thread_ts: threadTs,
      event_ts: ts,
    });
    expect((await postEvent(h.eventsUrl, SIGNING_SECRET, message)).status).toBe(200);
    await h.slack.waitFor((c) => c.api === 'assistant.threads.setStatus' && c.params.thread_ts === threadTs, 10_000);
    const answer = await h.slack.waitFor(
      (c) => c.api === 'chat.update' && c.params.channel === 'D0ASSIST' && /Add rate limiting to widget API/.test(messageText(c)),
      10_000,
    );
    const progress = h.slack.callsTo('chat.postMessage').find((c) => (c.responseBody as { ts?: string }).ts === answer.params.ts)!;
    expect(progress.params.thread_ts).toBe(threadTs);
  });
});
