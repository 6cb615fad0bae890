import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { AgentRequest } from '../slack/handle-agent-request.js';
import type { RequestQueue } from './request-queue.js';

export const STATE_UNAVAILABLE_TEXT = ":warning: I can't reach my state store right now, so I did nothing with this request. Please try again in a minute.";
export const QUEUE_FULL_TEXT = ":hourglass: I'm handling too many requests right now, so I did nothing with this one. Please ask again in a few minutes.";

export interface SubmitDeps {
  requests: Pick<RequestQueue, 'enqueue'>;
  logger: Logger;
}

/**
 * Hands a request (already acked) to the queue that any bot process serves; `deliveryId` is the
 * Slack event_id, claimed in the same step (retries and replays are dropped there). When it cannot
 * be queued, the person hears why in the thread, and nothing is done.
 */
export async function submitAgentRequest(client: WebClient, request: AgentRequest, { requests, logger }: SubmitDeps, deliveryId?: string): Promise<void> {
  let refusal: string;
  try {
    const result = await requests.enqueue(request, deliveryId ? { deliveryId } : {});
    if (result === 'queued') return;
    if (result === 'duplicate') {
      logger.info({ deliveryId }, 'duplicate event delivery ignored');
      return;
    }
    logger.warn({ team: request.who.teamId, user: request.who.userId }, 'request queue full: request refused');
    refusal = QUEUE_FULL_TEXT;
  } catch (err) {
    logger.error({ err }, 'could not queue a request: state store unreachable; doing nothing');
    refusal = STATE_UNAVAILABLE_TEXT;
  }
  await client.chat.postMessage({ channel: request.channel, thread_ts: request.threadTs, text: refusal });
}

export function staleRequestText(waitedMs: number): string {
  const minutes = Math.round(waitedMs / 60_000);
  return `:warning: This request waited ${minutes} minutes before I could start it (AgentHub was unavailable or overloaded), so I did nothing. Ask again if it's still needed.`;
}
