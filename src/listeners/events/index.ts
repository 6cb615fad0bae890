import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { ListenerDeps } from '../deps.js';
import { createAppHomeOpenedListener } from './app-home-opened.js';
import { createAssistant } from './assistant.js';
import { createDirectMessageListener } from './message-im.js';

type EventArgs<T extends string> = SlackEventMiddlewareArgs<T> & AllMiddlewareArgs;

export function registerEventListeners(app: App, deps: ListenerDeps): void {
  // The assistant middleware goes first: it takes assistant events and IM thread messages, and passes on the rest.
  app.assistant(createAssistant(deps));
  // One listener for the other event types we handle, dispatching on the type: Bolt runs every request
  // through every registered listener's chain, so each extra listener costs every request. Mentions
  // never get here: the mention intake (app-mention.ts) queues them first.
  const onHomeOpened = createAppHomeOpenedListener(deps);
  const onMessage = createDirectMessageListener(deps);
  app.event(/^(app_home_opened|message)$/, async (args) => {
    switch (args.event.type) {
      case 'app_home_opened':
        return onHomeOpened(args as EventArgs<'app_home_opened'>);
      case 'message':
        return onMessage(args as EventArgs<'message'>);
    }
  });
}
