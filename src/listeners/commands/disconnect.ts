import { describeRevocation, type RevokeAccess } from '../../identity/revoke-access.js';
import type { ListenerDeps } from '../deps.js';
import type { Subcommand } from './subcommands.js';

/** `/agenthub disconnect`: sign out — the same as revoking everything. */
export function createDisconnectSubcommand({ accounts, revokeAccess }: Pick<ListenerDeps, 'accounts'> & { revokeAccess: RevokeAccess }): Subcommand {
  return {
    usage: 'disconnect',
    summary: 'sign out: unlink your account and revoke AgentHub’s access everywhere',
    async run({ command }) {
      const who = { teamId: command.team_id, userId: command.user_id };
      if (!(await accounts.get(who))) return { text: "You're not signed in to AgentHub, so there is nothing to disconnect." };
      return { text: describeRevocation(await revokeAccess(who, 'all')) };
    },
  };
}
