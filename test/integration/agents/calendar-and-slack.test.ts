import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../../support/harness.js';
import { buttonsOf, cardFor, click, mention, messageText, sendClick, threadSays } from '../../support/slack-user.js';

/** Monday 30 November 2026, 09:00 in Paris: "tomorrow" is Tuesday 1 December. */
const NOW = new Date('2026-11-30T08:00:00Z');
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const MALLORY = 'U0MALLORY';

describe('the Calendar and Slack agents, asked in plain English (built-in planner)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: () => new Date(NOW) });
    h.github.seedDemo('octo-dev');
    h.calendar.seedDemo(NOW);
    h.slack.addUser({ id: ALICE, real_name: 'Alice Lee', email: 'alice@acme.test', tz: 'Europe/Paris', tz_label: 'Central European Time' });
    h.slack.addUser({ id: BOB, real_name: 'Bob Stone', email: 'bob@acme.test', tz: 'Europe/Paris' });
    h.slack.addUser({ id: MALLORY, real_name: 'Mallory', email: 'mallory@acme.test', tz: 'America/New_York' });
    h.slack.addChannel({ id: 'C0GEN', name: 'general', members: [ALICE, BOB, MALLORY, h.slack.botUserId] });
    h.slack.addChannel({ id: 'C0SECRET', name: 'secret-plans', kind: 'private', members: [BOB, h.slack.botUserId] });
    // Said an hour and half an hour before NOW, so "the last 24 hours" holds them.
    const ago = (minutes: number) => (NOW.getTime() / 1000 - minutes * 60).toFixed(6);
    h.slack.addMessage({ channel: 'C0GEN', user: BOB, ts: ago(60), text: 'The release is on Wednesday, see https://example.com/release-notes' });
    h.slack.addMessage({ channel: 'C0GEN', user: ALICE, ts: ago(30), text: 'Thanks! <!channel> please review PR #42' });
    h.slack.addMessage({ channel: 'C0SECRET', user: BOB, ts: ago(20), text: 'the acquisition closes Friday' });
    await h.linkUser(ALICE, { googleEmail: 'alice@acme.test' });
    await h.linkUser(MALLORY, { googleEmail: 'mallory@acme.test' });
  });
  afterAll(async () => h?.close());

  it("shows tomorrow's agenda in the asker's own time zone", async () => {
    const { progressTs } = await mention(h, ALICE, "what's on my calendar tomorrow?");
    const text = await threadSays(h, progressTs, /Roadmap planning/);
    // Roadmap planning is 10:00–11:30 UTC: 11:00–12:30 in Paris.
    expect(text).toMatch(/11:00.{1,3}12:30/);
    expect(text).not.toContain('Design review'); // that was Monday
    expect(h.calendar.requests.every((r) => r.token !== undefined)).toBe(true);
  });

  it('finds a free hour with a colleague and books it, after the requester approves the invitation', async () => {
    const { progressTs } = await mention(h, ALICE, `find a free hour with <@${BOB}> tomorrow and book a review of PR #42 in acme/widgets`);
    await threadSays(h, progressTs, /Waiting for <@U0ALICE> to approve/);
    const card = await cardFor(h, ALICE);
    const shown = messageText(card);
    expect(shown).toContain('bob@acme.test');
    expect(h.calendar.created).toHaveLength(0);

    await click(h, card, 'Approve', ALICE);
    const answer = await threadSays(h, progressTs, /^(?!:pause_button:)[\s\S]*Review of PR #42/);
    expect(h.calendar.created).toHaveLength(1);
    const event = h.calendar.eventJson(h.calendar.created[0]!.eventId) as {
      start: { dateTime: string };
      end: { dateTime: string };
      attendees: Array<{ email: string }>;
    };
    // Both are free 09:00–10:00 Paris (08:00–09:00 UTC) before the standup: the first common hour.
    expect(new Date(event.start.dateTime).toISOString()).toBe('2026-12-01T08:00:00.000Z');
    expect(new Date(event.end.dateTime).toISOString()).toBe('2026-12-01T09:00:00.000Z');
    expect(event.attendees.map((a) => a.email)).toContain('bob@acme.test');
    // The answer tells both steps: the slots found, then what was booked.
    expect(answer).toMatch(/Free 60-minute slots with Bob Stone/);
    expect(answer).toMatch(/tomorrow \(Tue 1 Dec\) 09:00.10:00/);
  });

  it('summarises a channel the asker is in, without pinging anyone', async () => {
    const { progressTs } = await mention(h, ALICE, 'summarise <#C0GEN|general>');
    const text = await threadSays(h, progressTs, /general/);
    expect(text).toMatch(/2 messages/);
    expect(text).toContain('Bob Stone');
    expect(text).not.toContain('<!channel>');
  });

  it("refuses to read a private channel the asker isn't in, and reads nothing from it", async () => {
    const before = h.slack.callsTo('conversations.history').filter((c) => c.params.channel === 'C0SECRET').length;
    const { progressTs } = await mention(h, ALICE, 'summarise <#C0SECRET|secret-plans>');
    await threadSays(h, progressTs, /aren't a member of that channel/);
    expect(h.slack.callsTo('conversations.history').filter((c) => c.params.channel === 'C0SECRET')).toHaveLength(before);
    expect(JSON.stringify(h.slack.requests.map((r) => r.params))).not.toContain('acquisition');
  });

  it('posts a message on the asker’s behalf only after they approved the exact text', async () => {
    // Long enough that a one-line preview would hide its end: the approver must see all of it.
    const tail = 'and the rollback plan is in the runbook, section four.';
    const words = `Deploy done, thanks all. ${'Dashboards are green across every region we checked this morning, '.repeat(5)}${tail}`;
    const { progressTs } = await mention(h, ALICE, `post '${words}' in <#C0GEN|general>`);
    await threadSays(h, progressTs, /Waiting for <@U0ALICE> to approve/);
    const card = await cardFor(h, ALICE);
    expect(messageText(card)).toContain('Deploy done, thanks all');
    expect(messageText(card)).toContain(tail);
    const posted = () => h.slack.callsTo('chat.postMessage').filter((c) => c.params.channel === 'C0GEN');
    expect(posted()).toHaveLength(0);

    await click(h, card, 'Approve', ALICE);
    await threadSays(h, progressTs, /[Pp]osted/);
    expect(posted()).toHaveLength(1);
    const text = messageText(posted()[0]!);
    expect(text).toContain('Deploy done, thanks all');
    expect(text).toContain(`<@${ALICE}>`);
  });

  it('a post whose answer Slack lost is not sent again: one message, and the asker is told it may have gone out', async () => {
    const { progressTs } = await mention(h, ALICE, `post 'Standup moved to 10:00' in <#C0GEN|general>`);
    await threadSays(h, progressTs, /Waiting for <@U0ALICE> to approve/);
    const card = await cardFor(h, ALICE);
    const isThePost = (c: { api: string; params: Record<string, unknown> }) =>
      c.api === 'chat.postMessage' && c.params.channel === 'C0GEN' && /Standup moved/.test(JSON.stringify(c.params));
    // Slack receives the post, then the connection drops before its answer arrives.
    h.slack.once((c) => isThePost(c), { dropConnection: true });
    await click(h, card, 'Approve', ALICE);
    await threadSays(h, progressTs, /can't tell whether/);
    // A retry would have posted twice; the bot's own thread messages still go through.
    expect(h.slack.requests.filter(isThePost)).toHaveLength(1);
  });

  it('a long answer shows its first lines and a "Show more" button that expands it in place', async () => {
    const { progressTs } = await mention(h, ALICE, 'what is on my calendar this week?');
    const short = await h.slack.waitFor(
      (c) => c.api === 'chat.update' && c.params.ts === progressTs && buttonsOf(c).some((b) => /^Show \d+ more lines?$/.test(b.text)),
      10_000,
    );
    const hiddenBefore = messageText(short);
    expect(hiddenBefore).not.toContain('Retro');
    const more = buttonsOf(short).find((b) => /^Show/.test(b.text))!;
    const before = h.slack.requests.length;
    await sendClick(h, Object.assign(short, { ts: progressTs }), more, MALLORY);
    const full = await h.slack.waitFor((c) => c.api === 'chat.update' && c.params.ts === progressTs && h.slack.requests.indexOf(c) >= before, 10_000);
    expect(buttonsOf(full).some((b) => /^Show/.test(b.text))).toBe(false);
    expect(messageText(full).length).toBeGreaterThan(hiddenBefore.length);
    expect(messageText(full)).toMatch(/[Rr]etro/);
  });
});
