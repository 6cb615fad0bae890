import { buildSignInPrompt } from '../../slack/blocks/sign-in.js';
import type { ListenerDeps } from '../deps.js';
import type { Subcommand } from './subcommands.js';

/** `/agenthub connect`: a private sign-in link that links this Slack user to their Auth0 account. */
export function createConnectSubcommand({ signIn, accounts }: Pick<ListenerDeps, 'signIn' | 'accounts'>): Subcommand {
  return {
    usage: 'connect',
    summary: 'link your Slack account to AgentHub (sign in once)',
    async run({ command }) {
      const who = { teamId: command.team_id, userId: command.user_id };
      const account = await accounts.get(who);
      const prompt = buildSignInPrompt(await signIn.linkFor({ who }));
      if (account) {
        const again = `You're already linked (since ${account.linkedAt.slice(0, 10)}). Sign in again only to switch accounts.`;
        return { text: again, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: again } }, ...prompt.blocks.slice(1)] };
      }
      return prompt;
    },
  };
}
