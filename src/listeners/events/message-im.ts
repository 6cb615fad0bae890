import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { cleanRequestText, handleAgentRequest } from '../../slack/handle-agent-request.js';
import type { ListenerDeps } from '../deps.js';

/** A direct message to the bot is a request too. Edits, bot posts and other subtypes are not. */
export function createDirectMessageListener(deps: Pick<ListenerDeps, 'runner' | 'flow' | 'audit' | 'signIn' | 'connected' | 'plannerName' | 'logger'>) {
  return async ({ message, client, context }: SlackEventMiddlewareArgs<'message'> & AllMiddlewareArgs) => {
    if (message.channel_type !== 'im' || message.subtype !== undefined) return;
    if ('bot_id' in message && message.bot_id) return;
    const teamId = context.teamId ?? ('team' in message ? message.team : undefined);
    if (!message.user || !teamId) return;
    await handleAgentRequest(
      client,
      {
        who: { teamId, userId: message.user },
        channel: message.channel,
        threadTs: message.thread_ts ?? message.ts,
        text: cleanRequestText(message.text ?? '', context.botUserId),
      },
      deps,
    );
  };
}
