import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { RevocationScope } from '../../identity/revocations.js';
import { describeRevocation, type RevokeAccess } from '../../identity/revoke-access.js';
import type { HomePublisher } from '../../slack/home-publisher.js';

/** A revoke button (slash-command answer or App Home): revokes for whoever clicked, never anyone else. */
export function createRevokeButtonListener({ revokeAccess, home }: { revokeAccess: RevokeAccess; home: HomePublisher }) {
  return async ({ ack, body, action, respond, client }: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs) => {
    await ack();
    const scope = action.value as RevocationScope;
    const teamId = body.team?.id ?? body.user.team_id;
    if (!teamId || !['github', 'google', 'all'].includes(scope)) return;
    const text = describeRevocation(await revokeAccess({ teamId, userId: body.user.id }, scope));
    const who = { teamId, userId: body.user.id };
    if (body.response_url) await respond({ response_type: 'ephemeral', replace_original: false, text });
    else {
      // Clicked in App Home: the answer goes to a DM, and Home shows the new state.
      const dm = await client.conversations.open({ users: body.user.id });
      if (dm.channel?.id) await client.chat.postMessage({ channel: dm.channel.id, text });
      await home.publish(client, who);
    }
  };
}
