import { describe, expect, it } from 'vitest';
import { linksIn, mentionedUserIds, plainText } from '../../../src/integrations/slack/message-text.js';

const names: Record<string, string> = { U0ALICE: 'Alice Lee', U0EVIL: 'Eve <!channel>' };
const nameOf = (id: string) => names[id];

describe('reading Slack message text', () => {
  it('turns mentions into names, and unknown ones into their label or id', () => {
    expect(plainText('ping <@U0ALICE> and <@U0BOB|bob> and <@W0CAROL>', nameOf)).toBe('ping @Alice Lee and @bob and @W0CAROL');
  });

  it('turns broadcasts and group pings into plain words that notify nobody', () => {
    expect(plainText('<!channel> <!here|here> <!everyone> <!subteam^S0DESIGN|@design> <!subteam^S0X>', nameOf)).toBe('@channel @here @everyone @design @group');
  });

  it('shows channels by name and dates by their fallback text', () => {
    expect(plainText('see <#C0GENERAL|general> or <#C0OTHER|> on <!date^1700000000^{date_short}|Nov 14>', nameOf)).toBe('see #general or #C0OTHER on Nov 14');
  });

  it('writes links out with their address, and decodes entities', () => {
    expect(plainText('<https://x.test/a?b=1&amp;c=2|the doc> <https://x.test/> <mailto:a@b.test|a@b.test> 1 &lt; 2 &amp;&amp; 3 &gt; 2', nameOf)).toBe(
      'the doc (https://x.test/a?b=1&c=2) https://x.test/ a@b.test 1 < 2 && 3 > 2',
    );
  });

  it('defuses markup that was typed as text, or smuggled in through a display name', () => {
    expect(plainText('&lt;!channel&gt; and &lt;@U0ALICE&gt; but &lt;b&gt; stays', nameOf)).toBe('@channel and @Alice Lee but <b> stays');
    expect(plainText('hi <@U0EVIL>', nameOf)).toBe('hi @Eve @channel');
  });

  it('finds web links (not mail or channels) and mentioned people once each', () => {
    expect(
      linksIn('<https://a.test/x|A> <mailto:a@b.test> <#C0GENERAL|general> <http://b.test/y> <https://c.test/|https://c.test/> <javascript:alert(1)|x>'),
    ).toEqual([{ url: 'https://a.test/x', label: 'A' }, { url: 'http://b.test/y' }, { url: 'https://c.test/' }]);
    expect(mentionedUserIds('<@U0ALICE> <@U0BOB|bob> <@U0ALICE> <#C0GENERAL> <!here>')).toEqual(['U0ALICE', 'U0BOB']);
  });
});
