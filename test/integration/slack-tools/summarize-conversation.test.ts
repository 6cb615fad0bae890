import type { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationDigest } from '../../../src/integrations/slack/conversation-digest.js';
import { summarizeConversation } from '../../../src/integrations/slack/summarize-conversation.js';
import type { ToolContext } from '../../../src/tools/tool-context.js';
import type { FakeSlack } from '../../fakes/fake-slack.js';
import { minutesAgo, PEOPLE, rejection, startSlackWorld } from './slack-world.js';

let fake: FakeSlack;
let slack: WebClient;
let ctx: ToolContext;

beforeEach(async () => {
  ({ fake, slack, ctx } = await startSlackWorld());
});
afterEach(() => fake.stop());

type Args = Parameters<typeof summarizeConversation.run>[0];
const args = (raw: Record<string, unknown>) => summarizeConversation.schema.parse(raw) as Args;
/** Runs the tool; its data is the digest (ToolResult types it as unknown). */
const summarize = async (raw: Record<string, unknown>) => {
  const { data, text } = await summarizeConversation.run(args(raw), slack, ctx);
  return { data: data as ConversationDigest, text };
};
const reads = () => fake.requests.filter((c) => c.api === 'conversations.history' || c.api === 'conversations.replies');
const { alice, bob, carol, requester } = PEOPLE;

/** A morning in #general: six messages in the window, one from yesterday, a join and a thread. */
function seedGeneral(): { thread: string } {
  const say = (user: string, minutes: number, text: string, extra: Record<string, unknown> = {}) =>
    fake.addMessage({ channel: 'C0GENERAL', user, ts: minutesAgo(minutes), text, ...extra });
  say(alice.id, 30 * 60, 'Yesterday’s news, outside the window');
  say(bob.id, 180, '', { subtype: 'channel_join' });
  const thread = say(alice.id, 170, 'Shall we ship v2 on Friday? <!channel> please weigh in', {
    reactions: [{ name: 'eyes', count: 2, users: [bob.id, carol.id] }],
  }).ts;
  for (const [i, who] of [bob.id, carol.id, alice.id].entries()) {
    fake.addMessage({ channel: 'C0GENERAL', user: who, ts: minutesAgo(160 - i), thread_ts: thread, text: `reply ${i}` });
  }
  say(bob.id, 120, 'Spec is at <https://docs.acme.test/v2?a=1&amp;b=2|the v2 spec>, thanks <@U0ALICE>');
  say(carol.id, 90, 'Love it', { reactions: [{ name: 'tada', count: 5, users: [] }] });
  say(alice.id, 60, 'Same spec: <https://docs.acme.test/v2?a=1&amp;b=2>');
  say(requester.id, 30, 'I can review <!subteam^S0DESIGN|@design> notes &lt;tomorrow&gt;');
  return { thread };
}

describe('slack_summarize_conversation', () => {
  it('declares a low-risk read with history scopes, and describes itself in plain words', () => {
    expect(summarizeConversation).toMatchObject({ name: 'slack_summarize_conversation', service: 'slack', risk: 'low', readOnly: true });
    expect(summarizeConversation.scopes).toEqual(expect.arrayContaining(['channels:history', 'groups:history', 'im:history', 'channels:read']));
    expect(summarizeConversation.describe(args({ channel: 'C0GENERAL' }))).toBe('summarise recent messages in channel C0GENERAL');
    expect(summarizeConversation.describe(args({ channel: '<#C0GENERAL|general>', thread_ts: '1700000000.000100' }))).toBe(
      'summarise a thread in channel C0GENERAL',
    );
  });

  it('accepts channel ids and mentions, and rejects anything else or out-of-range limits', () => {
    expect(args({ channel: ' <#C0GENERAL|general> ' })).toEqual({ channel: 'C0GENERAL', limit: 50 });
    expect(args({ channel: '<#G0HIDDEN|>', limit: 200, since_hours: 2 })).toEqual({ channel: 'G0HIDDEN', limit: 200, since_hours: 2 });
    for (const channel of ['general', '#general', 'c0general', 'C0', 'U0ALICE', '<@U0ALICE>', 'C0GENERAL/../x', '']) {
      expect(summarizeConversation.schema.safeParse({ channel }).success, channel).toBe(false);
    }
    for (const bad of [{ limit: 0 }, { limit: 201 }, { limit: 2.5 }, { since_hours: 0 }, { thread_ts: 'yesterday' }]) {
      expect(summarizeConversation.schema.safeParse({ channel: 'C0GENERAL', ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('digests the last 24 hours of a channel: who talked, what drew replies and reactions, links', async () => {
    seedGeneral();
    const { data, text } = await summarize({ channel: '<#C0GENERAL|general>' });
    expect(text).toBe(
      [
        '*#general*: 5 messages from 4 people in the last 24 hours',
        'Most active: Alice Lee (2), Bob Builder (1), Carol @here Chen (1), Rae Requester (1)',
        'Most discussed:',
        '> *Alice Lee*: Shall we ship v2 on Friday? @channel please weigh in _(3 replies, 2 reactions)_',
        '> *Carol @here Chen*: Love it _(5 reactions)_',
        'Links shared:',
        '• <https://docs.acme.test/v2?a=1&b=2|https://docs.acme.test/v2?a=1&amp;b=2> (Bob Builder)',
      ].join('\n'),
    );
    expect(data).toMatchObject({
      channel_id: 'C0GENERAL',
      conversation: '#general',
      since_hours: 24,
      message_count: 5,
      people_count: 4,
      truncated: false,
      span: { from: '2026-11-30T06:10:00.000Z', to: '2026-11-30T08:30:00.000Z' },
      links: [{ url: 'https://docs.acme.test/v2?a=1&b=2', label: 'the v2 spec', shared_by: 'Bob Builder', times: 2 }],
    });
    expect(data.messages.map((m) => [m.author, m.text])).toEqual([
      ['Alice Lee', 'Shall we ship v2 on Friday? @channel please weigh in'],
      ['Bob Builder', 'Spec is at the v2 spec (https://docs.acme.test/v2?a=1&b=2), thanks @Alice Lee'],
      ['Carol @here Chen', 'Love it'],
      ['Alice Lee', 'Same spec: https://docs.acme.test/v2?a=1&b=2'],
      ['Rae Requester', 'I can review @design notes <tomorrow>'],
    ]);
    // Only the window was asked for (NOW − 24 h), and nothing anywhere can ping.
    expect(reads().map((c) => [c.api, c.params.oldest])).toEqual([['conversations.history', '1795942800.000000']]);
    expect(JSON.stringify(data)).not.toMatch(/<[!@#]/);
    expect(text).not.toMatch(/<[!@#]/);
  });

  it('reads only the hours asked for, and says so when nothing was said', async () => {
    seedGeneral();
    const { data, text } = await summarize({ channel: 'C0GENERAL', since_hours: 1.5 });
    expect(data.messages.map((m) => m.text)).toEqual(['Same spec: https://docs.acme.test/v2?a=1&b=2', 'I can review @design notes <tomorrow>']);
    expect(text.split('\n')[0]).toBe('*#general*: 2 messages from 2 people in the last 1.5 hours');
    expect((await summarize({ channel: 'C0GENERAL', since_hours: 0.25 })).text).toBe('*#general*: no messages in the last 0.25 hours.');
  });

  it('pages through history with the cursor and keeps the latest messages, in order', async () => {
    for (let i = 0; i < 230; i++) fake.addMessage({ channel: 'C0GENERAL', user: i % 2 ? alice.id : bob.id, ts: minutesAgo(300 - i), text: `update ${i}` });
    const { data, text } = await summarize({ channel: 'C0GENERAL', limit: 150 });
    const calls = fake.callsTo('conversations.history');
    expect(calls.map((c) => [c.params.limit, c.params.cursor === undefined])).toEqual([
      ['100', true],
      ['50', false],
    ]);
    expect(data.message_count).toBe(150);
    expect(data.messages[0]!.text).toBe('update 80');
    expect(data.messages.at(-1)!.text).toBe('update 229');
    expect(data.truncated).toBe(true);
    expect(text).toContain('_Only the latest 150 messages were read; ask with a higher limit for more._');
    // Each person is looked up once, however many messages they wrote.
    expect(fake.callsTo('users.info').map((c) => c.params.user)).toEqual([bob.id, alice.id]);
  });

  it('summarises a whole thread across reply pages, from its first message', async () => {
    const { thread } = seedGeneral();
    for (let i = 0; i < 120; i++)
      fake.addMessage({ channel: 'C0GENERAL', user: i % 3 ? bob.id : carol.id, ts: minutesAgo(100, i + 1), thread_ts: thread, text: `more ${i}` });
    const { data, text } = await summarize({ channel: 'C0GENERAL', thread_ts: thread, limit: 200 });
    const calls = fake.callsTo('conversations.replies');
    expect(calls).toHaveLength(2);
    expect(calls.every((c) => c.params.ts === thread && c.params.oldest === undefined)).toBe(true);
    expect(calls[1]!.params.cursor).toEqual(expect.any(String));
    expect(data).toMatchObject({ thread_ts: thread, message_count: 124, truncated: false });
    expect(data.messages[0]!.text).toBe('Shall we ship v2 on Friday? @channel please weigh in');
    // In a thread the first message's reply count is the thread itself: reactions decide.
    expect(text.split('\n')).toEqual([
      '*Thread in #general*: 124 messages from 3 people',
      'Most active: Bob Builder (81), Carol @here Chen (41), Alice Lee (2)',
      'Most discussed:',
      '> *Alice Lee*: Shall we ship v2 on Friday? @channel please weigh in _(2 reactions)_',
    ]);
  });

  it('reads only the start of a long thread and says so', async () => {
    const { thread } = seedGeneral();
    const { data, text } = await summarize({ channel: 'C0GENERAL', thread_ts: thread, limit: 2 });
    expect(data.messages.map((m) => m.text)).toEqual(['Shall we ship v2 on Friday? @channel please weigh in', 'reply 0']);
    expect(text).toContain('_Only the first 2 messages were read; ask with a higher limit for more._');
  });

  it("refuses a private channel the requester isn't in, without reading a single message", async () => {
    fake.addMessage({ channel: 'C0SECRET', user: alice.id, ts: minutesAgo(10), text: 'the acquisition is on' });
    const err = await rejection(summarize({ channel: 'C0SECRET' }));
    expect(err).toMatchObject({ code: 'upstream_rejected', userMessage: "You aren't a member of that channel, so I can't read it for you." });
    expect(reads()).toHaveLength(0);
    // The gate is told, without learning the channel's name.
    await expect(summarizeConversation.target!(args({ channel: 'C0SECRET' }), slack, ctx)).resolves.toEqual({
      channel: { id: 'C0SECRET', name: 'C0SECRET', private: true, botIsMember: true, requesterIsMember: false },
    });
  });

  it("refuses someone else's DM with the bot, and reads the requester's own", async () => {
    fake.addMessage({ channel: 'D0ALICE', user: alice.id, ts: minutesAgo(5), text: 'my salary question' });
    fake.addMessage({ channel: 'D0REQ', user: requester.id, ts: minutesAgo(5), text: 'remind me about the offsite' });
    expect((await rejection(summarize({ channel: 'D0ALICE' }))).userMessage).toBe("You aren't a member of that channel, so I can't read it for you.");
    expect(reads()).toHaveLength(0);
    const { text } = await summarize({ channel: 'D0REQ' });
    expect(text.split('\n')[0]).toBe('*Your DM with me*: 1 message from 1 person in the last 24 hours');
  });

  it('finds the requester in a private channel past the first page of members', async () => {
    fake.addMessage({ channel: 'C0TEAM', user: requester.id, ts: minutesAgo(5), text: 'standup moved to 10' });
    const { data } = await summarize({ channel: 'C0TEAM' });
    expect(data.message_count).toBe(1);
    expect(fake.callsTo('conversations.members')).toHaveLength(2);
    await expect(summarizeConversation.target!(args({ channel: 'C0TEAM' }), slack, ctx)).resolves.toEqual({
      channel: { id: 'C0TEAM', name: 'team', private: true, botIsMember: true, requesterIsMember: true },
    });
  });

  it("asks to be invited where the bot isn't a member", async () => {
    const outside = await rejection(summarize({ channel: 'C0OUTSIDE' }));
    expect(outside).toMatchObject({ code: 'upstream_rejected', userMessage: "I'm not in #outside. Invite me with /invite @AgentHub first." });
    const hidden = await rejection(summarize({ channel: 'G0HIDDEN' }));
    expect(hidden).toMatchObject({
      code: 'not_found',
      userMessage: "I can't see that channel: it doesn't exist, or it's private and I'm not in it. Invite me with /invite @AgentHub first.",
    });
    expect(reads()).toHaveLength(0);
    expect(fake.callsTo('conversations.members')).toHaveLength(0);
  });

  it("says so when the thread doesn't exist", async () => {
    fake.once('conversations.replies', { body: { ok: false, error: 'thread_not_found' } });
    const err = await rejection(summarize({ channel: 'C0GENERAL', thread_ts: '1700000000.000100' }));
    expect(err).toMatchObject({ code: 'not_found', userMessage: "I couldn't find that thread in #general." });
  });
});
