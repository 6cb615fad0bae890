import type { WebClient } from '@slack/web-api';
import { withSlackErrors } from './errors.js';
import { slackPages } from './pagination.js';

/** One message as Slack returned it, reduced to what the Slack tools use. */
export interface SlackMessageRecord {
  ts: string;
  /** The author's user id; absent for some app messages. */
  user?: string;
  /** Name an app posted under, when there is no user. */
  appName?: string;
  /** Raw Slack text, markup and entities included (see message-text.ts). */
  text: string;
  /** Replies in its thread (history only lists a thread's first message). */
  replyCount: number;
  /** All reactions added together. */
  reactionCount: number;
}

/** The fields read from conversations.history/replies messages (the SDK's two message types differ). */
interface RawMessage {
  ts?: string;
  user?: string;
  username?: string;
  bot_profile?: { name?: string };
  subtype?: string;
  text?: string;
  reply_count?: number;
  reactions?: Array<{ count?: number }>;
}

/** Subtypes that are someone saying something; joins, topic changes and the like are left out. */
const SPOKEN = new Set([undefined, 'bot_message', 'thread_broadcast', 'file_share', 'me_message']);
/** Slack suggests no more than 200 a page; 100 keeps each call quick. */
const PAGE_SIZE = 100;

/**
 * Up to `limit` messages, oldest first: a channel's latest top-level messages (conversations.history),
 * or a thread from its first message on (conversations.replies), since `oldest` when given. Pages
 * through Slack's cursors; `truncated` says there was more than `limit`.
 */
export async function readMessages(
  slack: WebClient,
  { channel, threadTs, oldest, limit }: { channel: string; threadTs?: string; oldest?: string; limit: number },
  where: string,
): Promise<{ messages: SlackMessageRecord[]; truncated: boolean }> {
  const range = { channel, ...(oldest ? { oldest } : {}) };
  const fetch = (cursor: string | undefined, pageLimit: number) => {
    const page = { ...range, limit: pageLimit, ...(cursor ? { cursor } : {}) };
    return withSlackErrors(where, () => (threadTs ? slack.conversations.replies({ ...page, ts: threadTs }) : slack.conversations.history(page))) as Promise<{
      messages?: RawMessage[];
      response_metadata?: { next_cursor?: string };
    }>;
  };

  const out: SlackMessageRecord[] = [];
  const seen = new Set<string>();
  let truncated = false;
  for await (const page of slackPages((cursor) => fetch(cursor, Math.min(PAGE_SIZE, limit - out.length)))) {
    for (const m of page.messages ?? []) {
      // Slack may repeat a thread's first message on every page of replies.
      if (!m.ts || seen.has(m.ts) || !SPOKEN.has(m.subtype)) continue;
      if (out.length === limit) {
        truncated = true;
        break;
      }
      seen.add(m.ts);
      out.push(toRecord(m, m.ts));
    }
    if (out.length >= limit) {
      truncated ||= Boolean(page.response_metadata?.next_cursor);
      break;
    }
  }
  // History comes newest first; a thread oldest first.
  if (!threadTs) out.reverse();
  return { messages: out, truncated };
}

function toRecord(m: RawMessage, ts: string): SlackMessageRecord {
  const record: SlackMessageRecord = {
    ts,
    text: m.text ?? '',
    replyCount: m.reply_count ?? 0,
    reactionCount: (m.reactions ?? []).reduce((sum, r) => sum + (r.count ?? 0), 0),
  };
  if (m.user) record.user = m.user;
  const appName = m.bot_profile?.name ?? m.username;
  if (appName) record.appName = appName;
  return record;
}
