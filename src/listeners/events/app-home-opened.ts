import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { ListenerDeps } from '../deps.js';

export function createAppHomeOpenedListener({ home }: Pick<ListenerDeps, 'home'>) {
  return async ({ event, client, context }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs) => {
    if (event.tab !== 'home' || !context.teamId) return;
    await home.publish(client, { teamId: context.teamId, userId: event.user });
  };
}
