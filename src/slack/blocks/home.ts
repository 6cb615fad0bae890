import type { HomeView, KnownBlock } from '@slack/types';
import { capabilitiesText } from '../../agent/planners/builtin-planner.js';

/** The top of App Home: what AgentHub is and how to ask (permissions and the audit trail follow). */
export function buildHomeView({ plannerName }: { plannerName: string }): HomeView {
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'AgentHub' } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: 'Mention *@AgentHub* with a task in any channel I am in, or message me here. I act on GitHub and Google Calendar with short-lived tokens from Auth0 Token Vault, only for you and only with the access each action needs, and on Slack with my own bot token, only in conversations you can see.',
      },
    },
    { type: 'section', text: { type: 'mrkdwn', text: capabilitiesText() } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `Planner: ${plannerName} · \`/agenthub help\` lists the commands` }] },
  ];
  return { type: 'home', blocks };
}
