import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps.js';
import { createAgentHubCommand } from './agenthub.js';
import { createAuditSubcommand } from './audit-summary.js';
import { createConnectSubcommand } from './connect.js';
import { createDisconnectSubcommand } from './disconnect.js';
import { createPermissionsSubcommand } from './permissions.js';
import { createPolicySubcommand } from './policy-dry-run.js';
import { createRevokeSubcommand } from './revoke.js';
import { createSubcommands } from './subcommands.js';

export const SLASH_COMMAND = '/agenthub';

export function registerCommandListeners(app: App, deps: ListenerDeps): void {
  const registry = createSubcommands({
    connect: createConnectSubcommand(deps),
    disconnect: createDisconnectSubcommand(deps),
    revoke: createRevokeSubcommand(deps),
    permissions: createPermissionsSubcommand(deps),
    policy: createPolicySubcommand(deps),
    audit: createAuditSubcommand({ audit: deps.audit, policy: deps.gate.policy }),
  });
  app.command(SLASH_COMMAND, createAgentHubCommand({ registry, logger: deps.logger }));
}
