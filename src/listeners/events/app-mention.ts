import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { submitAgentRequest } from '../../intake/submit-request.js';
import { cleanRequestText } from '../../slack/handle-agent-request.js';
import type { RequestDeps } from './message-im.js';

/** `@AgentHub <task>` in a channel: answered in the mention's thread. */
export function createAppMentionListener(deps: RequestDeps) {
  return async ({ event, body, client, context }: SlackEventMiddlewareArgs<'app_mention'> & AllMiddlewareArgs) => {
    const teamId = context.teamId ?? event.team;
    if (!event.user || !teamId) return;
    await submitAgentRequest(
      client,
      {
        who: { teamId, userId: event.user },
        channel: event.channel,
        threadTs: event.thread_ts ?? event.ts,
        text: cleanRequestText(event.text, context.botUserId),
      },
      deps,
      body.event_id,
    );
  };
}
