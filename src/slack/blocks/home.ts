import type { HomeView, KnownBlock } from '@slack/types';
import { EXAMPLE_REQUESTS } from '../../agent/planners/builtin-planner.js';

export interface HomeState {
  linked: boolean;
  linkedAt?: string;
  plannerName: string;
}

/** The App Home tab: what AgentHub is, whether it can act for this person, and how to ask. */
export function buildHomeView(state: HomeState): HomeView {
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'AgentHub' } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: 'Mention *@AgentHub* with a task in any channel I am in, or message me here. I act on GitHub with short-lived tokens from Auth0 Token Vault, only for you and only with the access each action needs.',
      },
    },
    { type: 'divider' },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: state.linked
          ? `:white_check_mark: *Your account is linked*${state.linkedAt ? ` (since ${state.linkedAt.slice(0, 10)})` : ''}. I can request GitHub access on your behalf through Token Vault.`
          : ":warning: *Your account isn't linked yet.* Until it is, I can't act on GitHub for you.",
      },
    },
    { type: 'section', text: { type: 'mrkdwn', text: `*Try asking:*\n${EXAMPLE_REQUESTS.map((e) => `• _${e}_`).join('\n')}` } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `Planner: ${state.plannerName} · \`/agenthub help\` lists the commands` }] },
  ];
  return { type: 'home', blocks };
}
