import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { LongReplies } from '../../slack/long-replies.js';

/** "Show more" under a long answer: the message grows to the whole answer, in place. */
export function createShowMoreListener({ replies }: { replies: LongReplies }) {
  return async ({ ack, body, action, client, respond }: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs) => {
    await ack();
    const channel = body.container?.channel_id ?? body.channel?.id;
    const ts = body.container?.message_ts ?? body.message?.ts;
    const full = await replies.expand(action.value ?? '');
    if (!full) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: 'That answer is too old to expand now. Ask me again for a fresh one.' });
      return;
    }
    if (channel && ts) await client.chat.update({ channel, ts, text: full.text, blocks: full.blocks });
  };
}
