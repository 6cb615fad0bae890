import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps.js';
import { createAgentHubCommand } from './agenthub.js';
import { createSubcommands } from './subcommands.js';

export const SLASH_COMMAND = '/agenthub';

export function registerCommandListeners(app: App, deps: ListenerDeps): void {
  app.command(SLASH_COMMAND, createAgentHubCommand({ registry: createSubcommands(), logger: deps.logger }));
}
