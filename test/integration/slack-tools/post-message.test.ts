import type { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { postMessage } from '../../../src/integrations/slack/post-message.js';
import type { ToolContext } from '../../../src/tools/tool-context.js';
import type { FakeSlack } from '../../fakes/fake-slack.js';
import { rejection, startSlackWorld } from './slack-world.js';

let fake: FakeSlack;
let slack: WebClient;
let ctx: ToolContext;

beforeEach(async () => {
  ({ fake, slack, ctx } = await startSlackWorld());
});
afterEach(() => fake.stop());

type Args = Parameters<typeof postMessage.run>[0];
const args = (raw: Record<string, unknown>) => postMessage.schema.parse(raw) as Args;
const post = (raw: Record<string, unknown>) => postMessage.run(args(raw), slack, ctx);
const posts = () => fake.callsTo('chat.postMessage');

describe('slack_post_message', () => {
  it('declares a medium-risk write with chat:write, and describes itself from its arguments', () => {
    expect(postMessage).toMatchObject({ name: 'slack_post_message', service: 'slack', risk: 'medium', readOnly: false });
    expect(postMessage.scopes).toContain('chat:write');
    expect(postMessage.scopes).not.toContain('channels:history');
    expect(postMessage.describe(args({ channel: '<#C0GENERAL|general>', text: 'hi' }))).toBe('post a message in channel C0GENERAL');
    expect(postMessage.describe(args({ channel: 'C0GENERAL', text: 'hi', thread_ts: '1700000000.000100' }))).toBe('post a thread reply in channel C0GENERAL');
  });

  it('rejects bad channels and empty, blank or over-long messages', () => {
    const ok = { channel: 'C0GENERAL', text: 'Build is green' };
    expect(postMessage.schema.safeParse(ok).success).toBe(true);
    expect(postMessage.schema.safeParse({ ...ok, text: 'x'.repeat(3000) }).success).toBe(true);
    const bad: Array<Record<string, unknown>> = [
      { ...ok, text: '' },
      { ...ok, text: ' \n ' },
      { ...ok, text: 'x'.repeat(3001) },
      { ...ok, text: 'x'.repeat(5000) },
      { ...ok, channel: '#general' },
      { ...ok, channel: 'general' },
      { ...ok, channel: '<#general>' },
      { ...ok, thread_ts: '12' },
      { channel: 'C0GENERAL' },
    ];
    for (const raw of bad) expect(postMessage.schema.safeParse(raw).success, JSON.stringify(raw).slice(0, 80)).toBe(false);
  });

  it('previews the channel, the exact message and who it is posted for', async () => {
    const lines = await postMessage.preview!(args({ channel: 'C0TEAM', text: 'Deploy at 5 <!here>', thread_ts: '1796025600.000000' }), slack, ctx);
    expect(lines).toEqual([
      { label: 'Channel', value: '#team (private)' },
      { label: 'Thread', value: 'reply in the thread started Mon 30 Nov, 09:00 (Central European Time)' },
      { label: 'Message', value: 'Deploy at 5 @here' },
      { label: 'Posted as', value: 'AgentHub on behalf of Rae Requester' },
    ]);
    const long = await postMessage.preview!(args({ channel: 'C0GENERAL', text: 'y'.repeat(3000) }), slack, ctx);
    expect(long.find((l) => l.label === 'Message')!.value).toHaveLength(1500);
    expect(posts()).toHaveLength(0);
  });

  it('posts the message attributed to the requester, with pings neutralised and no unfurls, and links to it', async () => {
    const { data, text } = await post({ channel: '<#C0GENERAL|general>', text: 'Release is out <!channel> <!subteam^S0QA|@qa> — thanks <@U0ALICE>!' });
    const [call] = posts();
    expect(posts()).toHaveLength(1);
    const body = 'Release is out @channel @subteam — thanks <@U0ALICE>!';
    expect(call!.params).toMatchObject({
      channel: 'C0GENERAL',
      text: `On behalf of <@U0REQ>: ${body}`,
      blocks: [
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'On behalf of <@U0REQ>:' }] },
        { type: 'section', text: { type: 'mrkdwn', text: body } },
      ],
      link_names: 'false',
      unfurl_links: 'false',
      unfurl_media: 'false',
    });
    expect(call!.params.thread_ts).toBeUndefined();
    const [stored] = fake.messagesIn('C0GENERAL');
    expect(stored!.text).not.toContain('<!');
    const permalink = `https://acme.slack.com/archives/C0GENERAL/p${stored!.ts.replace('.', '')}`;
    expect(data).toEqual({ posted: true, channel: 'C0GENERAL', conversation: '#general', ts: stored!.ts, permalink });
    expect(text).toBe(`Posted in #general: <${permalink}|view message>`);
  });

  it('replies in a thread when asked', async () => {
    await post({ channel: 'C0GENERAL', text: 'Fixed in #42', thread_ts: '1796025600.000000' });
    expect(posts()[0]!.params.thread_ts).toBe('1796025600.000000');
    expect(fake.messagesIn('C0GENERAL', '1796025600.000000')).toHaveLength(1);
  });

  it("refuses a private channel or DM the requester isn't in, posting nothing", async () => {
    for (const channel of ['C0SECRET', 'D0ALICE']) {
      const err = await rejection(post({ channel, text: 'hello from Rae' }));
      expect(err).toMatchObject({ code: 'upstream_rejected', userMessage: "You aren't a member of that channel, so I can't post in it for you." });
      await expect(postMessage.preview!(args({ channel, text: 'hello' }), slack, ctx)).rejects.toMatchObject({ code: 'upstream_rejected' });
    }
    expect(posts()).toHaveLength(0);
  });

  it("asks to be invited where the bot isn't a member, posting nothing", async () => {
    const err = await rejection(post({ channel: 'C0OUTSIDE', text: 'hello' }));
    expect(err.userMessage).toBe("I'm not in #outside. Invite me with /invite @AgentHub first.");
    expect(posts()).toHaveLength(0);
  });

  it('explains an archived channel', async () => {
    const err = await rejection(post({ channel: 'C0OLD', text: 'anyone here?' }));
    expect(err).toMatchObject({ code: 'upstream_rejected', userMessage: '#old is archived, so nothing can be posted in it.' });
    expect(fake.messagesIn('C0OLD')).toHaveLength(0);
  });

  it("warns that it can't tell whether a message went out when Slack fails mid-post", async () => {
    fake.once('chat.postMessage', { status: 500, body: 'upstream error' });
    const err = await rejection(post({ channel: 'C0GENERAL', text: 'hello' }));
    expect(err).toMatchObject({
      code: 'upstream_unavailable',
      userMessage: "Slack failed while I was posting in #general, so I can't tell whether the message went out. Check #general before asking again.",
    });
  });

  it('still reports the post when the link to it is unavailable', async () => {
    fake.once('chat.getPermalink', { body: { ok: false, error: 'internal_error' } });
    const { data, text } = await post({ channel: 'D0REQ', text: 'note to self' });
    expect(data).toMatchObject({ posted: true, channel: 'D0REQ' });
    expect(data).not.toHaveProperty('permalink');
    expect(text).toBe('Posted in your DM with me.');
    expect(fake.messagesIn('D0REQ')).toHaveLength(1);
  });
});
