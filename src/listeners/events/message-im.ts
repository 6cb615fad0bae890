import type { AllMiddlewareArgs, Context, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { type SubmitDeps, submitAgentRequest } from '../../intake/submit-request.js';
import { type AgentRequest, cleanRequestText } from '../../slack/handle-agent-request.js';

/** Listeners only queue requests (after Slack's ack); whichever process has room runs them. */
export type RequestDeps = SubmitDeps;

type DirectMessage = SlackEventMiddlewareArgs<'message'>['message'];

/** A person's direct message as a request; undefined for edits, bot posts and other subtypes. */
export function requestFromDirectMessage(message: DirectMessage, context: Context): AgentRequest | undefined {
  if (message.channel_type !== 'im' || message.subtype !== undefined) return undefined;
  if ('bot_id' in message && message.bot_id) return undefined;
  const teamId = context.teamId ?? ('team' in message ? message.team : undefined);
  if (!message.user || !teamId) return undefined;
  return {
    who: { teamId, userId: message.user },
    channel: message.channel,
    threadTs: message.thread_ts ?? message.ts,
    text: cleanRequestText(message.text ?? '', context.botUserId),
  };
}

/** Queues a direct message (a plain DM or a message in an assistant thread) as a request. */
export async function handleDirectMessage(
  client: WebClient,
  message: DirectMessage,
  context: Context,
  deps: RequestDeps,
  deliveryId: string | undefined,
): Promise<boolean> {
  const request = requestFromDirectMessage(message, context);
  if (!request) return false;
  await submitAgentRequest(client, request, deps, deliveryId);
  return true;
}

/** A direct message to the bot is a request too. */
export function createDirectMessageListener(deps: RequestDeps) {
  return async ({ message, body, client, context }: SlackEventMiddlewareArgs<'message'> & AllMiddlewareArgs) => {
    await handleDirectMessage(client, message, context, deps, body.event_id);
  };
}
