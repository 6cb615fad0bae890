import type { RevocationScope } from '../../identity/revocations.js';
import { describeRevocation, type RevokeAccess } from '../../identity/revoke-access.js';
import { buildRevokeChoices } from '../../slack/blocks/revoke.js';
import type { Subcommand } from './subcommands.js';

const SCOPES: Record<string, RevocationScope> = { github: 'github', google: 'google', calendar: 'google', all: 'all', everything: 'all' };

/** `/agenthub revoke [github|google|all]`. */
export function createRevokeSubcommand({ revokeAccess }: { revokeAccess: RevokeAccess }): Subcommand {
  return {
    usage: 'revoke [github|google|all]',
    summary: 'cut off an agent’s access (or everything) at once',
    async run({ command, args }) {
      if (args.length === 0) return { text: 'What should AgentHub stop doing for you?', blocks: buildRevokeChoices() };
      const scope = SCOPES[(args[0] ?? '').toLowerCase()];
      if (!scope || args.length > 1)
        return {
          text: 'Revoke what? Use `/agenthub revoke github`, `/agenthub revoke google` or `/agenthub revoke all` — or `/agenthub revoke` for buttons. Nothing was changed.',
        };
      return { text: describeRevocation(await revokeAccess({ teamId: command.team_id, userId: command.user_id }, scope)) };
    },
  };
}
