import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { clip, escapeMrkdwn, neutralizeBroadcasts, link as slackLink } from '../../slack/mrkdwn.js';
import type { Person } from '../../tools/tool-context.js';
import { defineTool, type PreviewLine } from '../../tools/tool-definition.js';
import { openConversation, readConversation } from './channel-access.js';
import { withSlackErrors } from './errors.js';
import { channel, fromSlackTs, messageTs } from './schemas.js';
import { SLACK_SCOPES } from './scopes.js';

const schema = z.object({
  channel,
  text: z
    .string()
    .min(1)
    .max(3000)
    .refine((t) => t.trim() !== '', 'a message with some words in it')
    .describe('The message to post, in Slack mrkdwn (1-3000 characters). @channel/@here pings are removed.'),
  thread_ts: messageTs.optional().describe("Reply in this thread (its first message's ts) instead of the channel"),
});

/**
 * What goes out: who asked (a context line), then the message. Broadcast pings are neutralised (the
 * text may come from a model that read injected content); unfurls are off so nothing is fetched or
 * previewed that the approver didn't see, and link_names is off so a plain "@channel" stays plain.
 */
export function buildPostedMessage(text: string, requesterId: string): { text: string; blocks: KnownBlock[] } {
  const body = neutralizeBroadcasts(text);
  const attribution = `On behalf of <@${requesterId}>:`;
  return {
    text: `${attribution} ${body}`,
    blocks: [
      { type: 'context', elements: [{ type: 'mrkdwn', text: attribution }] },
      { type: 'section', text: { type: 'mrkdwn', text: body } },
    ],
  };
}

export const postMessage = defineTool({
  name: 'slack_post_message',
  description:
    'Post a message in a Slack channel or thread as AgentHub, marked as sent on behalf of the person asking. Only in conversations both they and AgentHub are in (or public channels AgentHub is in).',
  schema,
  service: 'slack',
  scopes: [...SLACK_SCOPES.post, ...SLACK_SCOPES.readConversations],
  risk: 'medium',
  readOnly: false,
  describe: ({ channel, thread_ts }) => (thread_ts ? `post a thread reply in channel ${channel}` : `post a message in channel ${channel}`),
  target: async ({ channel }, slack: WebClient, ctx) => ({ channel: (await readConversation(slack, channel, ctx.who)).facts }),
  async preview({ channel, text, thread_ts }, slack: WebClient, ctx) {
    const conversation = await openConversation(slack, channel, ctx.who, 'post');
    const requester = await ctx.people.get(ctx.who).catch(() => undefined);
    const lines: PreviewLine[] = [{ label: 'Channel', value: `${conversation.label}${conversation.facts.private ? ' (private)' : ''}` }];
    if (thread_ts) lines.push({ label: 'Thread', value: `reply in the thread started ${when(thread_ts, requester)}` });
    lines.push(
      // Exactly what will be posted (pings already neutralised), shortened only for the card.
      { label: 'Message', value: clip(neutralizeBroadcasts(text), 1500) },
      { label: 'Posted as', value: `AgentHub on behalf of ${requester?.name ?? ctx.who.userId}` },
    );
    return lines;
  },
  async run({ channel, text, thread_ts }, slack: WebClient, ctx) {
    const conversation = await openConversation(slack, channel, ctx.who, 'post');
    const message = buildPostedMessage(text, ctx.who.userId);
    const posted = await withSlackErrors(
      conversation.label,
      () =>
        slack.chat.postMessage({
          channel,
          ...message,
          ...(thread_ts ? { thread_ts } : {}),
          link_names: false,
          unfurl_links: false,
          unfurl_media: false,
        }),
      { writing: true },
    );
    const ts = posted.ts ?? '';
    // The message is out; a link that can't be had is no reason to report a failure.
    const permalink = ts
      ? await slack.chat.getPermalink({ channel, message_ts: ts }).then(
          (r) => r.permalink,
          () => undefined,
        )
      : undefined;
    const where = escapeMrkdwn(conversation.label);
    return {
      data: { posted: true, channel, conversation: conversation.label, ts, ...(thread_ts ? { thread_ts } : {}), ...(permalink ? { permalink } : {}) },
      text: permalink ? `Posted in ${where}: ${slackLink(permalink, 'view message')}` : `Posted in ${where}.`,
    };
  },
});

/** "Mon 30 Nov, 10:15 (Central European Time)" in the requester's zone, or UTC. */
function when(ts: string, person: Person | undefined): string {
  const format = (timeZone: string) =>
    new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(
      fromSlackTs(ts),
    );
  try {
    return `${format(person?.timeZone ?? 'UTC')} (${person?.timeZoneLabel ?? person?.timeZone ?? 'UTC'})`;
  } catch {
    // A zone this Node doesn't know.
    return `${format('UTC')} (UTC)`;
  }
}
