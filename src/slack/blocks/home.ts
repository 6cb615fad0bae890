import type { HomeView, KnownBlock } from '@slack/types';
import { EXAMPLE_REQUESTS } from '../../agent/planners/builtin-planner.js';

/** The top of App Home: what AgentHub is and how to ask (permissions and the audit trail follow). */
export function buildHomeView({ plannerName }: { plannerName: string }): HomeView {
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'AgentHub' } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: 'Mention *@AgentHub* with a task in any channel I am in, or message me here. I act on GitHub with short-lived tokens from Auth0 Token Vault, only for you and only with the access each action needs.',
      },
    },
    { type: 'section', text: { type: 'mrkdwn', text: `*Try asking:*\n${EXAMPLE_REQUESTS.map((e) => `• _${e}_`).join('\n')}` } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `Planner: ${plannerName} · \`/agenthub help\` lists the commands` }] },
  ];
  return { type: 'home', blocks };
}
