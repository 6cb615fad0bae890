import { ACTIONS } from '../ids.js';
import type { SlackMessage } from './reply.js';

/** The private message with the sign-in button (an ephemeral, or the answer to /agenthub connect). */
export function buildSignInPrompt(url: string): SlackMessage {
  const text = 'Sign in to AgentHub with your company account to let agents act for you. The link is yours alone and works once, for 10 minutes.';
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `:key: ${text}` } },
      {
        type: 'actions',
        block_id: 'sign_in',
        elements: [{ type: 'button', action_id: ACTIONS.openSignIn, text: { type: 'plain_text', text: 'Sign in to AgentHub' }, style: 'primary', url }],
      },
    ],
  };
}

/** The private message with the "Connect GitHub" button: Auth0 asks the provider for exactly the access needed. */
export function buildConnectPrompt(service: string, url: string): SlackMessage {
  const text = `Connect your ${service} account to AgentHub through Auth0 Token Vault. You'll be asked to grant exactly the access this request needs.`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `:link: ${text}` } },
      {
        type: 'actions',
        block_id: 'connect',
        elements: [{ type: 'button', action_id: ACTIONS.openConnect, text: { type: 'plain_text', text: `Connect ${service}` }, style: 'primary', url }],
      },
    ],
  };
}
