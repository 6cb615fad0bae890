import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { ToolContext } from '../../tools/tool-context.js';
import { defineTool } from '../../tools/tool-definition.js';
import { openConversation, readConversation } from './channel-access.js';
import { digestConversation, renderDigest } from './conversation-digest.js';
import { mentionedUserIds } from './message-text.js';
import { readMessages, type SlackMessageRecord } from './read-messages.js';
import { channel, messageTs, toSlackTs } from './schemas.js';
import { SLACK_SCOPES } from './scopes.js';

/** A channel summary without a window covers the last day. */
const DEFAULT_CHANNEL_HOURS = 24;

const schema = z.object({
  channel,
  thread_ts: messageTs.optional().describe("Summarise only this thread (its first message's ts)"),
  limit: z.number().int().min(1).max(200).default(50).describe('How many messages to read at most (1-200)'),
  since_hours: z
    .number()
    .positive()
    .max(24 * 90)
    .optional()
    .describe('Only messages from the last N hours (default: 24 for a channel, the whole thread for a thread)'),
});

export const summarizeConversation = defineTool({
  name: 'slack_summarize_conversation',
  description:
    'Summarise a Slack channel (recent messages) or one thread: how many messages from whom, the most replied-to and reacted-to messages, links shared. Only conversations the person asking can see.',
  schema,
  service: 'slack',
  scopes: [...SLACK_SCOPES.readConversations, ...SLACK_SCOPES.readHistory, ...SLACK_SCOPES.readPeople],
  risk: 'low',
  readOnly: true,
  describe: ({ channel, thread_ts }) => (thread_ts ? `summarise a thread in channel ${channel}` : `summarise recent messages in channel ${channel}`),
  target: async ({ channel }, slack: WebClient, ctx) => ({ channel: (await readConversation(slack, channel, ctx.who)).facts }),
  async run({ channel, thread_ts, limit, since_hours }, slack: WebClient, ctx) {
    const conversation = await openConversation(slack, channel, ctx.who, 'read');
    const sinceHours = since_hours ?? (thread_ts ? undefined : DEFAULT_CHANNEL_HOURS);
    const oldest = sinceHours === undefined ? undefined : toSlackTs(ctx.now().getTime() - sinceHours * 3_600_000);
    const { messages, truncated } = await readMessages(
      slack,
      { channel, limit, ...(thread_ts ? { threadTs: thread_ts } : {}), ...(oldest ? { oldest } : {}) },
      conversation.label,
    );
    const names = await namesOf(messages, ctx);
    const digest = digestConversation(messages, (id) => names.get(id), {
      channelId: channel,
      conversation: conversation.label,
      truncated,
      ...(thread_ts ? { threadTs: thread_ts } : {}),
      ...(sinceHours !== undefined ? { sinceHours } : {}),
    });
    return { data: digest, text: renderDigest(digest) };
  },
});

/**
 * Names of everyone who wrote or was mentioned, through the (cached) people directory. A name that
 * can't be found is left out rather than failing the summary: the digest falls back to the id.
 */
async function namesOf(messages: readonly SlackMessageRecord[], ctx: ToolContext): Promise<Map<string, string>> {
  const ids = new Set(messages.flatMap((m) => [...(m.user ? [m.user] : []), ...mentionedUserIds(m.text)]));
  const found = await Promise.all(
    [...ids].map((userId) =>
      ctx.people.get({ teamId: ctx.who.teamId, userId }).then(
        (p) => [userId, p.name] as const,
        () => undefined,
      ),
    ),
  );
  return new Map(found.filter((entry) => entry !== undefined));
}
