import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps.js';
import { createAppHomeOpenedListener } from './app-home-opened.js';
import { createAppMentionListener } from './app-mention.js';
import { createAssistant } from './assistant.js';
import { createDirectMessageListener } from './message-im.js';

export function registerEventListeners(app: App, deps: ListenerDeps): void {
  // The assistant middleware goes first: it takes assistant events and IM thread messages, and passes on the rest.
  app.assistant(createAssistant(deps));
  app.event('app_mention', createAppMentionListener(deps));
  app.event('app_home_opened', createAppHomeOpenedListener(deps));
  app.message(createDirectMessageListener(deps));
}
