import { buildPermissionsBlocks, permissionsText, summarizePermissions } from '../../slack/permissions.js';
import type { ListenerDeps } from '../deps.js';
import type { Subcommand } from './subcommands.js';

/** `/agenthub permissions`: per agent, whether it is ready, what it may do at which risk, and what waits for you. */
export function createPermissionsSubcommand(deps: Pick<ListenerDeps, 'accounts' | 'audit' | 'approvals' | 'gate' | 'executor' | 'connections'>): Subcommand {
  return {
    usage: 'permissions',
    summary: 'what each agent may do for you, and what waits for your approval',
    async run({ command }) {
      const summary = await summarizePermissions({
        who: { teamId: command.team_id, userId: command.user_id },
        accounts: deps.accounts,
        audit: deps.audit,
        approvals: deps.approvals,
        policy: deps.gate.policy,
        tools: deps.executor.tools,
        connections: deps.connections,
      });
      return { text: permissionsText(summary), blocks: buildPermissionsBlocks(summary) };
    },
  };
}
