import { buildConnectPrompt, buildSignInPrompt } from '../../slack/blocks/sign-in.js';
import type { ListenerDeps } from '../deps.js';
import type { Subcommand } from './subcommands.js';

const SERVICES: Record<string, { service: 'github' | 'calendar'; name: string; scopes: string[] }> = {
  github: { service: 'github', name: 'GitHub', scopes: [] }, // a GitHub App's permissions are set on the app
  google: { service: 'calendar', name: 'Google Calendar', scopes: ['https://www.googleapis.com/auth/calendar.events'] },
};

/**
 * `/agenthub connect`: a private sign-in link (links this Slack user to their Auth0 account).
 * `/agenthub connect github|google`: once signed in, a private link to connect that service.
 */
export function createConnectSubcommand({
  signIn,
  accounts,
  connected,
  connections,
}: Pick<ListenerDeps, 'signIn' | 'accounts' | 'connected' | 'connections'>): Subcommand {
  return {
    usage: 'connect [github|google]',
    summary: 'sign in to AgentHub, or connect GitHub / Google Calendar',
    async run({ command, args }) {
      const who = { teamId: command.team_id, userId: command.user_id };
      const target = args[0]?.toLowerCase();
      if (target !== undefined && !SERVICES[target])
        return { text: 'Connect what? Use `/agenthub connect`, `/agenthub connect github` or `/agenthub connect google`. Nothing was changed.' };
      const account = await accounts.get(who);
      const signInPrompt = async () => buildSignInPrompt(await signIn.linkFor({ who }));
      if (!target) {
        if (!account) return signInPrompt();
        const again = `You're already linked (since ${account.linkedAt.slice(0, 10)}). Sign in again only to switch accounts; \`/agenthub connect github\` connects GitHub.`;
        return { text: again, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: again } }, ...(await signInPrompt()).blocks.slice(1)] };
      }
      if (!account) {
        const prompt = await signInPrompt();
        return { ...prompt, text: `Sign in to AgentHub first; then run \`/agenthub connect ${target}\` again.` };
      }
      const { service, name, scopes } = SERVICES[target]!;
      const connection = connections.names[service]!;
      return buildConnectPrompt(name, await connected.linkFor({ who, connection, scopes }));
    },
  };
}
