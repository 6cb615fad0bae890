import { randomBytes } from 'node:crypto';
import type { KnownBlock } from '@slack/types';
import type { Redis } from 'ioredis';
import type { TurnResult } from '../agent/runner.js';
import type { Keys } from '../store/keys.js';
import { buildReply, type SlackMessage } from './blocks/reply.js';
import { ACTIONS } from './ids.js';

/** Replies longer than this show their first lines and a "Show more" button. */
export const SHORT_REPLY_LINES = 12;
export const SHORT_REPLY_CHARS = 2500;
const KEEP_SECONDS = 30 * 24 * 3600;

export interface LongReplies {
  /** The thread reply for a result: whole when short, otherwise its start with a "Show more" button. */
  compose(result: TurnResult): Promise<SlackMessage>;
  /** The whole reply behind a "Show more" button; undefined once it has expired. */
  expand(id: string): Promise<SlackMessage | undefined>;
}

/**
 * Long answers (forty pull requests, a week of meetings) stay readable in a channel: short by
 * default, the rest one click away. The full text is kept in Redis so any process can expand it.
 */
export function createLongReplies({ redis, keys, planner }: { redis: Redis; keys: Keys; planner: string }): LongReplies {
  const keyOf = (id: string) => keys.key('reply', id);
  return {
    async compose(result) {
      const lines = result.text.split('\n');
      if (result.status !== 'answered' || (lines.length <= SHORT_REPLY_LINES && result.text.length <= SHORT_REPLY_CHARS))
        return buildReply(result, { planner });
      const id = randomBytes(12).toString('base64url');
      await redis.set(keyOf(id), JSON.stringify(result), 'EX', KEEP_SECONDS);
      const head = clipLines(lines.slice(0, SHORT_REPLY_LINES - 2).join('\n'), SHORT_REPLY_CHARS);
      const hidden = lines.length - head.split('\n').length;
      const short = buildReply({ ...result, text: head }, { planner });
      const more: KnownBlock = {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: ACTIONS.showMore,
            value: id,
            text: { type: 'plain_text', text: hidden > 0 ? `Show ${hidden} more line${hidden === 1 ? '' : 's'}` : 'Show more' },
          },
        ],
      };
      // The button goes before the context line, under the text it expands.
      return { text: short.text, blocks: [...short.blocks.slice(0, -1), more, ...short.blocks.slice(-1)] };
    },
    async expand(id) {
      if (!/^[A-Za-z0-9_-]{16}$/.test(id)) return undefined;
      const stored = await redis.get(keyOf(id));
      return stored ? buildReply(JSON.parse(stored) as TurnResult, { planner }) : undefined;
    },
  };
}

function clipLines(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf('\n', max);
  return text.slice(0, cut > 0 ? cut : max);
}
