import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { TurnProgress } from '../agent/turn-progress.js';
import type { SlackIdentity } from '../identity.js';
import type { SlackMessage } from './blocks/reply.js';
import { clip, escapeMrkdwn } from './mrkdwn.js';

export interface ReplyProgress extends TurnProgress {
  /** Shows the final reply: it ends the stream when one started, otherwise it replaces the progress message. */
  finish(reply: SlackMessage): Promise<void>;
  /** Ends a started stream without a reply (the run paused); the progress message stays for what comes next. */
  settle(): Promise<void>;
}

/** Longest pause between progress-message updates, so Slack's rate limits are never approached. */
const STEP_INTERVAL_MS = 1000;

/**
 * Progress of one request in its Slack thread. Each tool step updates the "Working on it…"
 * message; the model's text streams into the thread with Slack's chat streaming (chat.startStream
 * / appendStream / stopStream) where the workspace supports it. When streaming is refused, the
 * progress message alone carries the steps and then the answer: the person always gets one reply.
 */
export function createReplyProgress({
  client,
  channel,
  threadTs,
  who,
  progressTs,
  logger,
  stream = true,
}: {
  client: WebClient;
  channel: string;
  threadTs: string;
  who: SlackIdentity;
  /** The "Working on it…" message. */
  progressTs: string | undefined;
  logger: Logger;
  stream?: boolean;
}): ReplyProgress {
  let queue: Promise<unknown> = Promise.resolve();
  const enqueue = (fn: () => Promise<unknown>) => {
    queue = queue.then(fn).catch((err) => logger.debug({ err }, 'progress update failed'));
  };
  let streamer: ReturnType<WebClient['chatStream']> | undefined;
  let streaming = stream;
  let streamStarted = false;
  let lastStepAt = 0;
  let pendingStep: string | undefined;
  let finished = false;

  const stepMessage = (description: string): SlackMessage => ({
    text: `Working: ${description}…`,
    blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: `:hourglass_flowing_sand: Working: ${escapeMrkdwn(clip(description, 200))}…` }] }],
  });

  const showStep = () => {
    const description = pendingStep;
    pendingStep = undefined;
    if (!description || !progressTs || finished) return Promise.resolve();
    lastStepAt = Date.now();
    return client.chat.update({ channel, ts: progressTs, ...stepMessage(description) });
  };

  async function updateOrPost(reply: SlackMessage) {
    try {
      if (!progressTs) throw new Error('no progress message');
      await client.chat.update({ channel, ts: progressTs, text: reply.text, blocks: reply.blocks as KnownBlock[] });
    } catch (err) {
      logger.warn({ err }, 'could not update the progress message; posting the answer instead');
      await client.chat.postMessage({ channel, thread_ts: threadTs, text: reply.text, blocks: reply.blocks as KnownBlock[] });
    }
  }

  async function stopStream(blocks?: KnownBlock[]): Promise<boolean> {
    if (!streamer || !streamStarted) return false;
    try {
      await streamer.stop(blocks ? { blocks } : {});
      return true;
    } catch (err) {
      logger.warn({ err }, 'could not end the streamed reply');
      return false;
    } finally {
      streamer = undefined;
    }
  }

  return {
    step(description) {
      pendingStep = description;
      const wait = Math.max(0, lastStepAt + STEP_INTERVAL_MS - Date.now());
      if (wait === 0) enqueue(showStep);
      else setTimeout(() => enqueue(showStep), wait).unref();
    },
    token(text) {
      if (!streaming || finished) return;
      streamer ??= client.chatStream({ channel, thread_ts: threadTs, recipient_team_id: who.teamId, recipient_user_id: who.userId, buffer_size: 64 });
      const s = streamer;
      enqueue(async () => {
        try {
          const sent = await s.append({ markdown_text: text });
          if (sent) streamStarted = true;
        } catch (err) {
          // Streaming is not available here (plan, scope, old client): the answer arrives as one message.
          logger.info({ err }, 'chat streaming unavailable; falling back to a final message');
          streaming = false;
          streamer = undefined;
        }
      });
    },
    async settle() {
      // The message now belongs to the approval flow: a late step must never overwrite what it shows.
      finished = true;
      await queue;
      await stopStream();
    },
    async finish(reply) {
      finished = true;
      await queue;
      if (await stopStream(reply.blocks as KnownBlock[])) {
        // The streamed message now holds the answer; the progress message has nothing left to say.
        if (progressTs) await client.chat.delete({ channel, ts: progressTs }).catch((err) => logger.debug({ err }, 'could not delete the progress message'));
        return;
      }
      await updateOrPost(reply);
    },
  };
}
