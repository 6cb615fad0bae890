import type { KnownBlock } from '@slack/types';
import { ACTIONS } from '../ids.js';

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
