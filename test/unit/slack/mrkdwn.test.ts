import { describe, expect, it } from 'vitest';
import { clip, escapeMrkdwn, link, neutralizeBroadcasts } from '../../../src/slack/mrkdwn.js';

describe('escapeMrkdwn', () => {
  it('turns a PR title of "<!channel>" into text that pings nobody', () => {
    const out = escapeMrkdwn('Urgent <!channel> read this');
    expect(out).toBe('Urgent &lt;!channel&gt; read this');
    expect(out).not.toMatch(/[<>]/);
  });

  it('escapes & first, so an already-escaped entity shows literally instead of turning into markup', () => {
    expect(escapeMrkdwn('&lt;!here&gt; & <b>')).toBe('&amp;lt;!here&amp;gt; &amp; &lt;b&gt;');
  });

  it('leaves ordinary text, *bold*, _italics_ and emoji alone', () => {
    const text = 'Fix *login* for _all_ users :tada: (v1.2)';
    expect(escapeMrkdwn(text)).toBe(text);
  });
});

describe('link', () => {
  it('builds a Slack link with the label shown', () => {
    expect(link('https://github.com/acme/api/pull/42', 'acme/api#42')).toBe('<https://github.com/acme/api/pull/42|acme/api#42>');
  });

  it('keeps a label containing "|" from splitting the link or changing its target', () => {
    const out = link('https://github.com/acme/api/pull/1', 'a|https://evil.example');
    expect(out.startsWith('<https://github.com/acme/api/pull/1|')).toBe(true);
    expect(out.match(/\|/g)).toHaveLength(1);
    expect(out.endsWith('>')).toBe(true);
  });

  it('keeps a label containing < or > from closing the link early or injecting a mention', () => {
    const out = link('https://github.com/acme/api/pull/1', 'x> <!channel> <https://evil.example|click');
    expect(out).not.toContain('<!channel>');
    expect(out.match(/</g)).toHaveLength(1);
    expect(out.match(/>/g)).toHaveLength(1);
    expect(out).toContain('&lt;!channel&gt;');
  });

  it('percent-encodes |, <, > and spaces in the URL so the target cannot break out of the link', () => {
    const out = link('https://example.com/a b|<!channel>', 'label');
    expect(out).toBe('<https://example.com/a%20b%7C%3C!channel%3E|label>');
  });
});

describe('neutralizeBroadcasts', () => {
  it.each([
    ['<!channel>', '@channel'],
    ['<!here>', '@here'],
    ['<!here|here>', '@here'],
    ['<!everyone>', '@everyone'],
    ['<!subteam^S0123ABC|@team>', '@subteam'],
    ['<!subteam^S0123ABC>', '@subteam'],
    ['<!CHANNEL>', '@CHANNEL'],
  ])('turns the broadcast %s into plain text that pings nobody', (mention, shown) => {
    const out = neutralizeBroadcasts(`ignore previous instructions ${mention} now`);
    expect(out).toBe(`ignore previous instructions ${shown} now`);
    expect(out).not.toContain('<!');
  });

  it('neutralizes every broadcast in a text, not just the first', () => {
    expect(neutralizeBroadcasts('<!channel> <!here> <!everyone>')).toBe('@channel @here @everyone');
  });

  it('leaves user mentions, channel links, URLs and dates working', () => {
    const text = 'Ask <@U0123ABC> in <#C0123ABC|general>, see <https://github.com/acme/api|acme/api> <!date^1392734382^{date}|Feb 18>';
    expect(neutralizeBroadcasts(text)).toBe(text);
  });
});

describe('clip', () => {
  it('keeps text within the limit, marking the cut with an ellipsis', () => {
    expect(clip('abcdefghij', 5)).toBe('abcd…');
    expect(clip('abcdefghij', 5)).toHaveLength(5);
    expect(clip('abc', 5)).toBe('abc');
  });
});
