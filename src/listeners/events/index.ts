import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { ListenerDeps } from '../deps.js';
import { createAppHomeOpenedListener } from './app-home-opened.js';
import { createAppMentionListener } from './app-mention.js';
import { createAssistant } from './assistant.js';
import { createDirectMessageListener } from './message-im.js';

type EventArgs<T extends string> = SlackEventMiddlewareArgs<T> & AllMiddlewareArgs;

export function registerEventListeners(app: App, deps: ListenerDeps): void {
  // The assistant middleware goes first: it takes assistant events and IM thread messages, and passes on the rest.
  app.assistant(createAssistant(deps));
  // One listener for every event type we handle, dispatching on the type: Bolt runs every request
  // through every registered listener's chain, so each extra listener costs every request (mentions included).
  const onMention = createAppMentionListener(deps);
  const onHomeOpened = createAppHomeOpenedListener(deps);
  const onMessage = createDirectMessageListener(deps);
  app.event(/^(app_mention|app_home_opened|message)$/, async (args) => {
    switch (args.event.type) {
      case 'app_mention':
        return onMention(args as EventArgs<'app_mention'>);
      case 'app_home_opened':
        return onHomeOpened(args as EventArgs<'app_home_opened'>);
      case 'message':
        return onMessage(args as EventArgs<'message'>);
    }
  });
}
