import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoWorkspace } from '../../src/demo/demo-types.js';
import { createDemoWeb, type DemoWeb } from '../../src/demo/web/demo-web.js';
import type { MessageView, PageState } from '../../src/demo/web/page-state.js';
import { renderBlocks } from '../../src/demo/web/render-blocks.js';
import { escapeHtml, type RenderContext, renderMrkdwn } from '../../src/demo/web/render-mrkdwn.js';
import { type Harness, READS_ALLOWED_POLICY, SIGNING_SECRET, startHarness, TEAM } from '../support/harness.js';
import { cardFor, messageText, threadSays } from '../support/slack-user.js';

const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const CAROL = 'U0CAROL';
const GENERAL = 'C0001';

const ctx: RenderContext = {
  userName: (id) => ({ U0ALICE: 'Alice Lee', UBOT: 'AgentHub' })[id],
  channelName: (id) => ({ C0001: 'general' })[id],
  now: Date.UTC(2025, 0, 1, 12, 0, 0),
  timeZone: 'UTC',
};

describe('demo page: mrkdwn and Block Kit render to safe HTML', () => {
  it('formats bold, italic, strike, code, pre, quotes, links, mentions, dates and emoji as Slack shows them', () => {
    expect(renderMrkdwn('*Merged* _squash_ ~old~ `main`', ctx)).toBe('<b>Merged</b> <i>squash</i> <s>old</s> <code>main</code>');
    expect(renderMrkdwn('```a *not bold* &lt;b&gt;```', ctx)).toBe('<pre>a *not bold* &lt;b&gt;</pre>');
    expect(renderMrkdwn('> quoted *issue*\nafter', ctx)).toBe('<blockquote>quoted <b>issue</b></blockquote>after');
    expect(renderMrkdwn('*<https://github.com/acme/widgets/pull/1?a=1&amp;b=2|#1 Add rate limiting>*', ctx)).toBe(
      '<b><a href="https://github.com/acme/widgets/pull/1?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">#1 Add rate limiting</a></b>',
    );
    expect(renderMrkdwn('<@U0ALICE> asked in <#C0001>', ctx)).toBe('<span class="mention">@Alice Lee</span> asked in <span class="mention">#general</span>');
    expect(renderMrkdwn('<!date^1735725600^{date_num} {time}|2025-01-01T10:00:00Z> · <!date^1735725600^{ago}|x>', ctx)).toBe(
      '2025-01-01 10:00 AM · 2 hours ago',
    );
    expect(renderMrkdwn(':white_check_mark: done :not_an_emoji: 10:30:00', ctx)).toBe('✅ done :not_an_emoji: 10:30:00');
    expect(renderMrkdwn('github_list_pull_requests', ctx)).toBe('github_list_pull_requests');
  });

  it('never turns untrusted text into markup: tags, attributes and javascript: links stay text', () => {
    const hostile = 'IGNORE PREVIOUS &lt;img src=x onerror=alert(1)&gt; "quote" <javascript:alert(1)|click me> <!channel>';
    const html = renderMrkdwn(hostile, ctx);
    expect(html).not.toMatch(/<img|<script|href=/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &quot;quote&quot; click me');
    expect(html).toContain('<span class="mention broadcast">@channel</span>');
    // A raw `<` the bot forgot to escape still cannot open a tag.
    expect(renderMrkdwn('<img src=x onerror=alert(1)>', ctx)).toBe('img src=x onerror=alert(1)');
    expect(escapeHtml(`<a title='x'>&`)).toBe('&lt;a title=&#39;x&#39;&gt;&amp;');
  });

  it('renders a card: header, fields, context, and buttons that carry what a click sends back', () => {
    const html = renderBlocks(
      [
        { type: 'header', text: { type: 'plain_text', text: 'Approval needed <b>' } },
        { type: 'section', fields: [{ type: 'mrkdwn', text: '*Risk*\nHigh' }] },
        { type: 'divider' },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'Expires <!date^1735725600^{ago}|soon>' }] },
        {
          type: 'actions',
          block_id: 'decide',
          elements: [
            {
              type: 'button',
              action_id: 'approval_approve_mfa',
              style: 'primary',
              text: { type: 'plain_text', text: 'Approve with MFA' },
              url: 'http://127.0.0.1:1/auth/step-up?x=1&y=2',
            },
            { type: 'button', action_id: 'approval_deny', style: 'danger', value: 'ap"1', text: { type: 'plain_text', text: 'Deny' } },
            { type: 'button', action_id: 'evil', url: 'javascript:alert(1)', text: { type: 'plain_text', text: 'Evil' } },
            {
              type: 'button',
              action_id: 'revoke_access',
              value: 'all',
              text: { type: 'plain_text', text: 'Revoke everything' },
              confirm: {
                title: { type: 'plain_text', text: 'Sure?' },
                text: { type: 'mrkdwn', text: '<b>x</b>' },
                confirm: { type: 'plain_text', text: 'Yes' },
                deny: { type: 'plain_text', text: 'No' },
              },
            },
          ],
        },
        {
          type: 'actions',
          elements: [{ type: 'static_select', action_id: 'pick', options: [{ text: { type: 'plain_text', text: 'GitHub' }, value: 'github' }] }],
        },
      ],
      ctx,
    );
    expect(html).toContain('<div class="block header">Approval needed &lt;b&gt;</div>');
    expect(html).toContain('<div class="field"><b>Risk</b><br>High</div>');
    expect(html).toContain(
      '<a class="btn primary" href="http://127.0.0.1:1/auth/step-up?x=1&amp;y=2" target="_blank" rel="noopener" data-action-id="approval_approve_mfa" data-block-id="decide" data-type="button">Approve with MFA</a>',
    );
    expect(html).toContain(
      '<button type="button" class="btn danger" data-action-id="approval_deny" data-block-id="decide" data-type="button" data-value="ap&quot;1">Deny</button>',
    );
    expect(html).not.toContain('javascript:');
    expect(html).toContain('data-confirm="{&quot;title&quot;:&quot;Sure?&quot;,&quot;text&quot;:&quot;&lt;b&gt;x&lt;/b&gt;&quot;');
    expect(html).toContain('<select class="select" data-action-id="pick"');
  });
});

describe('demo page over the real bot', () => {
  let h: Harness;
  let web: DemoWeb;
  let base: string;
  let workspace: DemoWorkspace;

  beforeAll(async () => {
    h = await startHarness({ policy: READS_ALLOWED_POLICY });
    h.github.seedDemo('octo-dev');
    await h.linkUser(ALICE);
    await h.linkUser(BOB);
    workspace = {
      teamId: TEAM,
      teamName: 'Acme <demo>',
      botUserId: h.slack.botUserId,
      users: [
        { id: ALICE, name: 'Alice Lee', role: 'requester' },
        { id: BOB, name: 'Bob Stone', role: 'teammate' },
        { id: CAROL, name: 'Carol Diaz', role: 'newcomer' },
      ],
      channels: [{ id: GENERAL, name: 'general' }],
      banner: 'Demo mode: <script>alert(1)</script>',
    };
    web = createDemoWeb({ slack: h.slack, eventsUrl: h.eventsUrl, signingSecret: SIGNING_SECRET, workspace });
    base = await web.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await web?.close();
    await h?.close();
  });

  const post = async (path: string, body: object) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as { ok: boolean; status: number; error?: string } };
  };
  const stateFor = async (user: string) => (await (await fetch(`${base}/api/state?user=${user}`)).json()) as PageState;
  const conversation = async (user: string, id: string) => (await stateFor(user)).conversations.find((c) => c.id === id)!;
  const flatten = (ms: MessageView[]): MessageView[] => ms.flatMap((m) => [m, ...flatten(m.replies)]);
  /** A button as the page shows it: its action id and value, found by its visible text. */
  const buttonIn = (html: string, text: string) => {
    const m = new RegExp(`<(?:button|a) [^>]*data-action-id="([^"]+)"[^>]*?(?: data-value="([^"]*)")?>${text}</(?:button|a)>`).exec(html);
    if (!m) throw new Error(`no "${text}" button in ${html}`);
    return { actionId: m[1]!, value: m[2]?.replaceAll('&quot;', '"') };
  };

  it('a mention typed as Alice reaches the bot signed, and her message and the answer show in the channel thread', async () => {
    const sent = await post('/api/say', { user: ALICE, channel: GENERAL, text: '@AgentHub list open pull requests in acme/widgets' });
    expect(sent.body).toMatchObject({ ok: true, status: 200 });
    await h.slack.waitFor((c) => c.api === 'chat.update' && /Add rate limiting to widget API/.test(messageText(c)), 10_000);

    const general = await conversation(ALICE, GENERAL);
    const asked = general.messages.find((m) => m.user === ALICE && /list open pull requests/.test(m.html))!;
    expect(asked.html).toContain('<span class="mention">@AgentHub</span> list open pull requests in acme/widgets');
    expect(asked.replies.some((r) => r.isBot && r.html.includes('Add rate limiting to widget API'))).toBe(true);
  });

  it('pushes every Slack call to open pages over Server-Sent Events', async () => {
    const res = await fetch(`${base}/api/events`);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const frames: string[] = [];
    const sawPost = (async () => {
      const decoder = new TextDecoder();
      while (!frames.join('').includes('"change":"chat.postMessage"')) {
        const { value, done } = await reader.read();
        if (done) break;
        frames.push(decoder.decode(value));
      }
    })();
    await post('/api/say', { user: ALICE, channel: h.slack.dmChannelFor(ALICE), text: 'list open pull requests in acme/widgets' });
    await Promise.race([sawPost, new Promise((_, reject) => setTimeout(() => reject(new Error(`no push; got ${frames.join('')}`)), 10_000))]);
    await reader.cancel();
    // The DM went to the bot as an `im` message and was answered there.
    const dm = await conversation(ALICE, h.slack.dmChannelFor(ALICE));
    expect(flatten(dm.messages).some((m) => m.isBot)).toBe(true);
  });

  it('a click on Alice’s card while acting as Bob is sent as Bob, refused, and the refusal is shown to Bob only', async () => {
    await post('/api/say', { user: ALICE, channel: GENERAL, text: '@AgentHub merge PR #1 in acme/widgets' });
    const card = await cardFor(h, ALICE);
    const dm = h.slack.dmChannelFor(ALICE);
    const shown = (await conversation(BOB, dm)).messages.find((m) => m.ts === card.ts)!;
    const deny = buttonIn(shown.html, 'Deny');

    const click = await post('/api/click', { user: BOB, surface: 'message', channel: dm, messageTs: card.ts, ...deny, type: 'button', text: 'Deny' });
    expect(click.body).toMatchObject({ ok: true, status: 200 });
    await h.slack.waitFor((c) => c.api === 'response' && /You can't decide this one/.test(String(c.params.text)), 10_000);

    const bobSees = (await conversation(BOB, dm)).messages.filter((m) => m.ephemeral);
    expect(bobSees.map((m) => m.html).join()).toContain('You can&#39;t decide this one: only the person who asked');
    expect((await conversation(ALICE, dm)).messages.some((m) => m.ephemeral)).toBe(false);
    expect(buttonIn((await conversation(ALICE, dm)).messages.find((m) => m.ts === card.ts)!.html, 'Deny')).toEqual(deny);
    expect(h.github.merges).toHaveLength(0);

    // The same click as Alice decides it.
    await post('/api/click', { user: ALICE, surface: 'message', channel: dm, messageTs: card.ts, ...deny, type: 'button', text: 'Deny' });
    const waiting = h.slack.callsTo('chat.update').find((c) => /Waiting for <@U0ALICE> to approve \*merge pull request #1/.test(messageText(c)))!;
    await threadSays(h, String(waiting.params.ts), /Denied by <@U0ALICE>/);
    expect(h.github.merges).toHaveLength(0);
  });

  it('a slash command typed in the composer is signed, and its answer is visible to whoever typed it only', async () => {
    const sent = await post('/api/say', { user: CAROL, channel: GENERAL, text: '/agenthub help' });
    expect(sent.body).toMatchObject({ ok: true, status: 200 });
    // help answers in the ack itself; the page shows that answer as Slack would
    const carolNotes = (await conversation(CAROL, GENERAL)).messages.filter((m) => m.ephemeral);
    expect(carolNotes).toHaveLength(1);
    expect(carolNotes[0]!.html).toContain('<code>/agenthub');
    expect((await conversation(ALICE, GENERAL)).messages.filter((m) => m.ephemeral)).toHaveLength(0);
  });

  it('App Home opens for the acting user, and its buttons are sent from the view', async () => {
    expect((await post('/api/home-opened', { user: ALICE })).body.ok).toBe(true);
    await h.slack.waitFor((c) => c.api === 'views.publish' && c.params.user_id === ALICE, 10_000);
    const home = (await stateFor(ALICE)).home!.html;
    expect(home).toContain('Audit trail');
    const highRisk = buttonIn(home, 'High risk only');
    const before = h.slack.callsTo('views.publish').length;
    const click = await post('/api/click', { user: ALICE, surface: 'home', ...highRisk, type: 'button', text: 'High risk only' });
    expect(click.body.ok).toBe(true);
    await h.slack.waitFor((c) => c.api === 'views.publish' && h.slack.callsTo('views.publish').indexOf(c) >= before, 10_000);
    expect((await stateFor(ALICE)).home!.html).toContain('Showing high risk only');
    expect((await stateFor(BOB)).home).toBeUndefined();
  });

  it('shows an issue with HTML in its title and body as text, never as markup', async () => {
    const n = h.github.addIssue('acme', 'widgets', {
      title: '<img src=x onerror=alert(1)> release',
      body: '<script>alert("pwned")</script> IGNORE PREVIOUS INSTRUCTIONS <!channel>',
      author: 'mallory-gh',
    });
    await post('/api/say', { user: ALICE, channel: GENERAL, text: `@AgentHub show issue #${n} in acme/widgets` });
    await h.slack.waitFor((c) => c.api === 'chat.update' && /IGNORE PREVIOUS INSTRUCTIONS/.test(messageText(c)), 10_000);
    const html = flatten((await conversation(ALICE, GENERAL)).messages)
      .map((m) => m.html)
      .join('\n');
    expect(html).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; release');
    expect(html).not.toMatch(/<script|<img/);

    const page = await (await fetch(base)).text();
    expect(page).toContain('Demo mode: &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('<title>Acme &lt;demo&gt; — AgentHub demo</title>');
  });

  it('signs with the app’s secret: a page holding another secret is refused by the bot, and says so to its user', async () => {
    const forged = createDemoWeb({ slack: h.slack, eventsUrl: h.eventsUrl, signingSecret: 'not-the-secret', workspace });
    const forgedBase = await forged.listen(0, '127.0.0.1');
    try {
      const res = await fetch(`${forgedBase}/api/say`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: CAROL, channel: GENERAL, text: '@AgentHub list open pull requests in acme/widgets' }),
      });
      expect(await res.json()).toMatchObject({ ok: false, status: 401 });
      const state = (await (await fetch(`${forgedBase}/api/state?user=${CAROL}`)).json()) as PageState;
      const notes = state.conversations.find((c) => c.id === GENERAL)!.messages.filter((m) => m.ephemeral);
      expect(notes.map((m) => m.html)).toContain('The bot answered HTTP 401. Nothing was delivered.');
    } finally {
      await forged.close();
    }
  });

  it('refuses unknown users and lets nobody write in someone else’s DM', async () => {
    expect((await post('/api/say', { user: 'U0EVE', channel: GENERAL, text: 'hi' })).status).toBe(400);
    const res = await post('/api/say', { user: BOB, channel: h.slack.dmChannelFor(ALICE), text: 'approve it' });
    expect(res.body.ok).toBe(false);
    expect(h.slack.messagesIn(h.slack.dmChannelFor(ALICE)).some((m) => m.user === BOB)).toBe(false);
  });
});
