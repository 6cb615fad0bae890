/** Plain-English Slack requests → Slack tool calls: summarise a conversation, post a message. */
import { ask, callTool, type Reader, type Request } from './interpretation.js';
import { findChannelId, findUnlinkedChannel } from './references.js';
import { restoreQuotes } from './request-text.js';
import { hoursSinceMidnight } from './time-words.js';

type Conversation = { channel: string; threadTs?: string } | { ask: string } | undefined;

const THIS_THREAD = /\b(?:this|the|our|current)\s+thread\b|\bin\s+(?:the\s+)?thread\b/i;
const THIS_CHANNEL = /\b(?:this|the|our|current)\s+(?:channel|conversation|chat|dm|discussion)\b|\b(?:in\s+)?here\b/i;

/** The conversation a request names: a channel link, "this channel/thread" (where it was asked), or "there" (the last one). */
function conversationOf(req: Request): Conversation {
  const linked = findChannelId(req.text);
  if (linked) return { channel: linked };
  const thread = THIS_THREAD.test(req.text);
  if (thread || THIS_CHANNEL.test(req.text)) {
    if (!req.context?.channel) return { ask: 'Which channel? Link it with #, for example: "summarise #general".' };
    return { channel: req.context.channel, ...(thread && req.context.threadTs ? { threadTs: req.context.threadTs } : {}) };
  }
  if (/\b(?:there|that\s+channel|the\s+same\s+channel)\b/i.test(req.text) && req.memory.channel) return { channel: req.memory.channel.id };
  const unlinked = findUnlinkedChannel(req.text);
  if (unlinked) return { ask: `Which channel is #${unlinked}? Type # and pick it from Slack's list so it becomes a link, then ask again.` };
  return undefined;
}

const POST = /\b(post|send|tell|say|announce|message|write|share|notify|let\b.+\bknow|broadcast|reply)\b/i;

/** What to post: a quoted passage, or what follows "that"/":"/"saying". Slack formatting is kept as typed. */
function messageOf(req: Request): string | undefined {
  const text = req.text.replace(/<#[A-Z0-9]+(?:\|[^>]*)?>/g, ' ');
  const said = req.quotes[0] ?? /(?:\bthat\b|:|\bsaying\b)\s*(.+)$/i.exec(text)?.[1];
  return said?.trim() ? restoreQuotes(said, req.quotes) : undefined;
}

const postMessage: Reader = (req) => {
  if (!POST.test(req.text)) return undefined;
  const where = conversationOf(req);
  if (!where) return undefined;
  if ('ask' in where) return ask(where.ask);
  const text = messageOf(req);
  if (!text) return ask(`What should I post? For example: "post 'deploy done' in <#${where.channel}>".`);
  return callTool('slack_post_message', { channel: where.channel, text, ...(where.threadTs ? { thread_ts: where.threadTs } : {}) });
};

const SUMMARIZE =
  /\b(summari[sz]e|summary|recap|catch\s+me\s+up|tl;?dr|digest|what\s+happened|what\s+did\s+i\s+miss|what'?s\s+been\s+(?:said|discussed)|what\s+are\s+people\s+(?:saying|discussing)|highlights)\b/i;

function sinceHours(req: Request): number | undefined {
  const hours = /\b(?:last|past)\s+(\d{1,3})\s*(?:hours?|hrs?|h)\b/i.exec(req.text)?.[1];
  if (hours) return Number(hours);
  if (/\b(?:last|past)\s+hour\b/i.test(req.text)) return 1;
  const days = /\b(?:last|past)\s+(\d{1,2})\s+days?\b/i.exec(req.text)?.[1];
  if (days) return Number(days) * 24;
  if (/\b(?:last|past)\s+day\b|\bsince\s+yesterday\b/i.test(req.text)) return 24;
  if (/\b(?:last|past)\s+week\b/i.test(req.text)) return 168;
  if (/\btoday\b/i.test(req.text)) return hoursSinceMidnight(req.clock);
  return undefined;
}

const summarizeConversation: Reader = (req) => {
  if (!SUMMARIZE.test(req.text) || req.repo || req.item) return undefined;
  const where = conversationOf(req);
  if (!where) return /\b(channel|thread|conversation)\b/i.test(req.text) ? ask('Which channel? Link it with #, for example: "summarise #general".') : undefined;
  if ('ask' in where) return ask(where.ask);
  const since = sinceHours(req);
  const limit = /\b(?:last|past)\s+(\d{1,4})\s+messages?\b/i.exec(req.text)?.[1];
  return callTool('slack_summarize_conversation', {
    channel: where.channel,
    ...(where.threadTs ? { thread_ts: where.threadTs } : {}),
    ...(since ? { since_hours: since } : {}),
    ...(limit ? { limit: Number(limit) } : {}),
  });
};

/** Posting needs a conversation named outright, so it is checked first; summaries after the GitHub writes. */
export const slackPostReaders: Reader[] = [postMessage];
export const slackReadReaders: Reader[] = [summarizeConversation];
