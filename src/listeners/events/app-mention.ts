import type { AllMiddlewareArgs, AnyMiddlewareArgs, Middleware, SlackEventMiddlewareArgs } from '@slack/bolt';
import { submitAgentRequest } from '../../intake/submit-request.js';
import { cleanRequestText } from '../../slack/handle-agent-request.js';
import type { RequestDeps } from './message-im.js';

type MentionArgs = SlackEventMiddlewareArgs<'app_mention'> & AllMiddlewareArgs;

/** `@AgentHub <task>` in a channel: queued, then answered in the mention's thread. */
export function createAppMentionListener(deps: RequestDeps) {
  return async ({ event, body, client, context }: MentionArgs) => {
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

/**
 * Mentions are the hot path, so the first global middleware takes them into the request queue and
 * ends Bolt's chain there: event dedupe (the queue claims the `event_id` itself), the assistant (it
 * never handles mentions) and every listener would each cost every mention more than queueing it does
 * (measured: about a fifth of the ack throughput). Bolt has acked the event already; everything else
 * passes on.
 */
export function createMentionIntake(deps: RequestDeps): Middleware<AnyMiddlewareArgs> {
  const onMention = createAppMentionListener(deps);
  return async (args) => {
    const { body, next } = args as AnyMiddlewareArgs & { next: () => Promise<void> };
    if (body.type === 'event_callback' && (body as { event?: { type?: string } }).event?.type === 'app_mention') {
      await onMention(args as unknown as MentionArgs);
      return;
    }
    await next();
  };
}
