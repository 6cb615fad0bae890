import type { App } from '@slack/bolt';
import { registerActionListeners } from './actions/index.js';
import { registerCommandListeners } from './commands/index.js';
import type { ListenerDeps } from './deps.js';
import { registerEventListeners } from './events/index.js';

export type { ListenerDeps } from './deps.js';

export function registerListeners(app: App, deps: ListenerDeps): void {
  registerEventListeners(app, deps);
  registerCommandListeners(app, deps);
  registerActionListeners(app, deps);
}
