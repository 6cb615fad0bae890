import type { KnownBlock } from '@slack/types';
import type { RevocationScope } from '../../identity/revocations.js';
import { describeRevocation, type RevokeAccess } from '../../identity/revoke-access.js';
import { ACTIONS } from '../../slack/ids.js';
import type { Subcommand } from './subcommands.js';

const SCOPES: Record<string, RevocationScope> = { github: 'github', google: 'google', calendar: 'google', all: 'all', everything: 'all' };

/** The choices of a bare `/agenthub revoke` (and App Home); "everything" asks for confirmation first. */
export function buildRevokeChoices(): KnownBlock[] {
  return [
    { type: 'section', text: { type: 'mrkdwn', text: 'What should AgentHub stop doing for you? It takes effect at once, on every bot process.' } },
    {
      type: 'actions',
      block_id: 'revoke',
      elements: [
        { type: 'button', action_id: ACTIONS.revoke, text: { type: 'plain_text', text: 'Revoke GitHub' }, value: 'github' },
        { type: 'button', action_id: ACTIONS.revoke, text: { type: 'plain_text', text: 'Revoke Google Calendar' }, value: 'google' },
        {
          type: 'button',
          action_id: ACTIONS.revoke,
          text: { type: 'plain_text', text: 'Revoke everything' },
          style: 'danger',
          value: 'all',
          confirm: {
            title: { type: 'plain_text', text: 'Revoke everything?' },
            text: {
              type: 'mrkdwn',
              text: 'Every agent loses your access, waiting approvals are cancelled, and you are signed out (your refresh token is revoked at Auth0).',
            },
            confirm: { type: 'plain_text', text: 'Revoke everything' },
            deny: { type: 'plain_text', text: 'Keep access' },
            style: 'danger',
          },
        },
      ],
    },
  ];
}

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
