import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { buildHomeView } from '../../slack/blocks/home.js';
import type { ListenerDeps } from '../deps.js';

export function createAppHomeOpenedListener({ accounts, plannerName }: Pick<ListenerDeps, 'accounts' | 'plannerName'>) {
  return async ({ event, client, context }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs) => {
    if (event.tab !== 'home' || !context.teamId) return;
    const account = await accounts.get({ teamId: context.teamId, userId: event.user });
    await client.views.publish({ user_id: event.user, view: buildHomeView({ linked: Boolean(account), linkedAt: account?.linkedAt, plannerName }) });
  };
}
