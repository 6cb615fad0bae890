import { clip, escapeMrkdwn, link as slackLink } from '../../slack/mrkdwn.js';
import { defuseMarkup, linksIn, plainText } from './message-text.js';
import type { SlackMessageRecord } from './read-messages.js';
import { fromSlackTs } from './schemas.js';

/** What was read and how: the conversation's name for the reader, and the window it covers. */
export interface DigestScope {
  channelId: string;
  /** "#general", "your DM with me". */
  conversation: string;
  threadTs?: string;
  sinceHours?: number;
  /** More messages were there than were read. */
  truncated: boolean;
}

/** A conversation digested: quoted data for the model, and what `renderDigest` shows the person. */
export interface ConversationDigest {
  channel_id: string;
  conversation: string;
  thread_ts?: string;
  since_hours?: number;
  message_count: number;
  people_count: number;
  /** First and last message read (ISO 8601), when any were. */
  span?: { from: string; to: string };
  truncated: boolean;
  participants: Array<{ name: string; messages: number }>;
  /** The messages that drew the most replies and reactions. */
  highlights: Array<{ ts: string; author: string; text: string; replies: number; reactions: number }>;
  links: Array<{ url: string; label?: string; shared_by: string; times: number }>;
  messages: Array<{ ts: string; time: string; author: string; text: string; replies?: number; reactions?: number }>;
}

/** Per message, enough for a model to follow the conversation without flooding it. */
const MESSAGE_CHARS = 500;
const HIGHLIGHTS = 3;
const TOP_PEOPLE = 5;
const LINKS_SHOWN = 5;

/**
 * Digests messages (oldest first). `nameOf` gives a display name for a user id (authors and mentions);
 * text becomes plain words (see message-text.ts), so nothing in the digest can ping anyone.
 */
export function digestConversation(
  records: readonly SlackMessageRecord[],
  nameOf: (userId: string) => string | undefined,
  scope: DigestScope,
): ConversationDigest {
  // Display names are chosen by their owners, so they get the same treatment as message text.
  const author = (m: SlackMessageRecord) => defuseMarkup((m.user ? nameOf(m.user) : undefined) ?? m.appName ?? m.user ?? 'someone');
  // In a thread, the first message's reply count is the thread itself, not a sign of interest.
  const replies = (m: SlackMessageRecord) => (scope.threadTs ? 0 : m.replyCount);
  const messages = records.map((m) => ({ record: m, author: author(m), text: plainText(m.text, nameOf) }));

  const counts = new Map<string, { name: string; messages: number }>();
  for (const m of messages) {
    const key = m.record.user ?? `app:${m.author}`;
    const entry = counts.get(key) ?? { name: m.author, messages: 0 };
    entry.messages += 1;
    counts.set(key, entry);
  }
  const participants = [...counts.values()].sort((a, b) => b.messages - a.messages || a.name.localeCompare(b.name));

  const highlights = messages
    .filter((m) => replies(m.record) + m.record.reactionCount > 0)
    .sort((a, b) => replies(b.record) + b.record.reactionCount - (replies(a.record) + a.record.reactionCount) || Number(a.record.ts) - Number(b.record.ts))
    .slice(0, HIGHLIGHTS)
    .map((m) => ({ ts: m.record.ts, author: m.author, text: clip(m.text, MESSAGE_CHARS), replies: replies(m.record), reactions: m.record.reactionCount }));

  const links = new Map<string, ConversationDigest['links'][number]>();
  for (const m of messages) {
    for (const l of linksIn(m.record.text)) {
      const seen = links.get(l.url);
      if (seen) seen.times += 1;
      else links.set(l.url, { url: l.url, ...(l.label ? { label: clip(l.label, 200) } : {}), shared_by: m.author, times: 1 });
    }
  }

  const first = records[0];
  const last = records.at(-1);
  return {
    channel_id: scope.channelId,
    conversation: scope.conversation,
    ...(scope.threadTs ? { thread_ts: scope.threadTs } : {}),
    ...(scope.sinceHours !== undefined ? { since_hours: scope.sinceHours } : {}),
    message_count: records.length,
    people_count: participants.length,
    ...(first && last ? { span: { from: fromSlackTs(first.ts).toISOString(), to: fromSlackTs(last.ts).toISOString() } } : {}),
    truncated: scope.truncated,
    participants,
    highlights,
    links: [...links.values()],
    messages: messages.map((m) => ({
      ts: m.record.ts,
      time: fromSlackTs(m.record.ts).toISOString(),
      author: m.author,
      text: clip(m.text, MESSAGE_CHARS),
      ...(replies(m.record) ? { replies: replies(m.record) } : {}),
      ...(m.record.reactionCount ? { reactions: m.record.reactionCount } : {}),
    })),
  };
}

/**
 * The digest in Slack mrkdwn, the same for the same messages: a headline, the most active people,
 * the most discussed messages quoted, and the links shared. Every name and quote is escaped.
 */
export function renderDigest(d: ConversationDigest): string {
  const where = escapeMrkdwn(d.thread_ts ? `Thread in ${d.conversation}` : capitalise(d.conversation));
  const window = d.since_hours === undefined ? '' : ` ${lastHours(d.since_hours)}`;
  if (d.message_count === 0) return `*${where}*: no messages${window}.`;

  const lines = [`*${where}*: ${plural(d.message_count, 'message')} from ${plural(d.people_count, 'person', 'people')}${window}`];
  const top = d.participants.slice(0, TOP_PEOPLE).map((p) => `${escapeMrkdwn(clip(p.name, 60))} (${p.messages})`);
  const others = d.participants.length - top.length;
  lines.push(`Most active: ${top.join(', ')}${others > 0 ? ` and ${plural(others, 'other')}` : ''}`);
  if (d.highlights.length) {
    lines.push('Most discussed:');
    for (const h of d.highlights) {
      const stats = [h.replies ? plural(h.replies, 'reply', 'replies') : '', h.reactions ? plural(h.reactions, 'reaction') : ''].filter(Boolean).join(', ');
      lines.push(`> *${escapeMrkdwn(clip(h.author, 60))}*: ${escapeMrkdwn(clip(oneLine(h.text), 200))} _(${stats})_`);
    }
  }
  if (d.links.length) {
    lines.push('Links shared:');
    // The address itself is shown, not the words it came with: a label can claim to be any site.
    for (const l of d.links.slice(0, LINKS_SHOWN)) lines.push(`• ${slackLink(l.url, clip(l.url, 80))} (${escapeMrkdwn(clip(l.shared_by, 60))})`);
    if (d.links.length > LINKS_SHOWN) lines.push(`…and ${plural(d.links.length - LINKS_SHOWN, 'more link')}`);
  }
  if (d.truncated) {
    const read = d.message_count === 1 ? 'message was' : `${d.message_count} messages were`;
    lines.push(`_Only the ${d.thread_ts ? 'first' : 'latest'} ${read} read; ask with a higher limit for more._`);
  }
  return lines.join('\n');
}

function lastHours(hours: number): string {
  if (hours === 1) return 'in the last hour';
  if (hours >= 48 && hours % 24 === 0) return `in the last ${hours / 24} days`;
  return `in the last ${hours} hours`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
