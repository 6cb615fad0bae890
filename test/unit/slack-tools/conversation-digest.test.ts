import { describe, expect, it } from 'vitest';
import { type DigestScope, digestConversation, renderDigest } from '../../../src/integrations/slack/conversation-digest.js';
import type { SlackMessageRecord } from '../../../src/integrations/slack/read-messages.js';

const names: Record<string, string> = { U1: 'Ann', U2: 'Ben', U3: 'Cat', U4: 'Dee', U5: 'Eli', U6: 'Fay', U7: 'Gus <b>*bold*</b>' };
const nameOf = (id: string) => names[id];
const scope: DigestScope = { channelId: 'C0GENERAL', conversation: '#general', sinceHours: 24, truncated: false };

let seq = 0;
function msg(user: string | undefined, text: string, extra: Partial<SlackMessageRecord> = {}): SlackMessageRecord {
  seq += 1;
  return { ts: `${1796000000 + seq * 60}.000000`, ...(user ? { user } : {}), text, replyCount: 0, reactionCount: 0, ...extra };
}

describe('conversation digest', () => {
  it('ranks people by messages, then by name, and counts the rest', () => {
    const users = ['U3', 'U1', 'U1', 'U2', 'U2', 'U4', 'U5', 'U6', 'U6', 'U6'];
    const d = digestConversation(
      users.map((u) => msg(u, 'hi')),
      nameOf,
      scope,
    );
    expect(d.participants.map((p) => [p.name, p.messages])).toEqual([
      ['Fay', 3],
      ['Ann', 2],
      ['Ben', 2],
      ['Cat', 1],
      ['Dee', 1],
      ['Eli', 1],
    ]);
    expect(renderDigest(d).split('\n')).toEqual([
      '*#general*: 10 messages from 6 people in the last 24 hours',
      'Most active: Fay (3), Ann (2), Ben (2), Cat (1), Dee (1) and 1 other',
    ]);
  });

  it('quotes the three messages with most replies and reactions, escaped and on one line', () => {
    const d = digestConversation(
      [
        msg('U1', 'quiet'),
        msg('U2', 'popular', { reactionCount: 4 }),
        msg('U3', 'debated\nat length', { replyCount: 6 }),
        msg('U7', 'tie &lt;script&gt; &amp; co', { replyCount: 2, reactionCount: 2 }),
        msg('U4', 'also 4 but later', { reactionCount: 4 }),
      ],
      nameOf,
      scope,
    );
    expect(renderDigest(d).split('\n').slice(2)).toEqual([
      'Most discussed:',
      '> *Cat*: debated at length _(6 replies)_',
      '> *Ben*: popular _(4 reactions)_',
      '> *Gus &lt;b&gt;*bold*&lt;/b&gt;*: tie &lt;script&gt; &amp; co _(2 replies, 2 reactions)_',
    ]);
  });

  it("in a thread, weighs reactions only (the first message's replies are the thread)", () => {
    const thread = digestConversation([msg('U1', 'start', { replyCount: 9 }), msg('U2', 'good point', { reactionCount: 1 })], nameOf, {
      ...scope,
      threadTs: '1796000060.000000',
    });
    expect(thread.highlights).toEqual([expect.objectContaining({ author: 'Ben', text: 'good point', replies: 0, reactions: 1 })]);
    expect(thread.messages[0]).not.toHaveProperty('replies');
  });

  it('lists each link once, with who shared it first, showing the address rather than its label', () => {
    const d = digestConversation(
      [
        msg('U1', '<https://evil.test/login|https://bank.test>'),
        msg('U2', 'again <https://evil.test/login>'),
        msg(undefined, '<https://ci.test/run/1>', { appName: 'CI Bot' }),
      ],
      nameOf,
      scope,
    );
    expect(d.links).toEqual([
      { url: 'https://evil.test/login', label: 'https://bank.test', shared_by: 'Ann', times: 2 },
      { url: 'https://ci.test/run/1', shared_by: 'CI Bot', times: 1 },
    ]);
    expect(renderDigest(d).split('\n').slice(-3)).toEqual([
      'Links shared:',
      '• <https://evil.test/login|https://evil.test/login> (Ann)',
      '• <https://ci.test/run/1|https://ci.test/run/1> (CI Bot)',
    ]);
  });

  it('clips long messages for the model and notes when more was there than was read', () => {
    const d = digestConversation([msg('U1', 'z'.repeat(2000))], nameOf, { ...scope, sinceHours: 72, truncated: true });
    expect(d.messages[0]!.text).toHaveLength(500);
    expect(renderDigest(d).split('\n')).toEqual([
      '*#general*: 1 message from 1 person in the last 3 days',
      'Most active: Ann (1)',
      '_Only the latest message was read; ask with a higher limit for more._',
    ]);
  });

  it('says plainly when there was nothing to read', () => {
    expect(renderDigest(digestConversation([], nameOf, { ...scope, sinceHours: 1 }))).toBe('*#general*: no messages in the last hour.');
    expect(renderDigest(digestConversation([], nameOf, { channelId: 'C0GENERAL', conversation: '#general', threadTs: '1.000001', truncated: false }))).toBe(
      '*Thread in #general*: no messages.',
    );
  });
});
