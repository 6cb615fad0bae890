import type { KnownBlock } from '@slack/types';
import type { ApprovalRecord, ApprovalStore } from '../approvals/approval-store.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { SlackIdentity } from '../identity.js';
import { decide } from '../policy/decide.js';
import { describeTool } from '../policy/describe-tool.js';
import type { Decision, Policy } from '../policy/types.js';
import type { ServiceId, ToolDefinition } from '../tools/tool-definition.js';
import type { LinkedAccountStore } from '../vault/linked-accounts.js';
import { escapeMrkdwn } from './mrkdwn.js';

export interface AgentPermissions {
  service: ServiceId;
  name: string;
  /** Whether this AgentHub can act for the person with this agent right now. */
  status: 'ready' | 'not_connected' | 'not_linked' | 'not_available';
  /** Scopes granted at the provider, when Auth0 reports the connection (undefined: unknown). */
  granted?: string[];
  access: string[];
  actions: Array<{ words: string; risk: string; outcome: Decision['outcome'] }>;
  lastUse?: { at: string; action: string };
}

/** How to read a person's connected accounts at Auth0, per service. */
export interface ConnectionsView {
  names: Record<ServiceId, string | undefined>;
  list(refreshToken: string): Promise<Map<string, string[]> | undefined>;
}

export interface PermissionsSummary {
  linked?: { auth0Sub: string; linkedAt: string };
  agents: AgentPermissions[];
  pending: ApprovalRecord[];
}

const AGENTS: Array<{ service: ServiceId; name: string }> = [
  { service: 'github', name: 'GitHub' },
  { service: 'calendar', name: 'Google Calendar' },
  { service: 'slack', name: 'Slack' },
];

const OUTCOME_WORDS: Record<Decision['outcome'], string> = {
  allow: 'runs right away',
  approve: 'asks you first',
  step_up: 'asks you, with MFA',
  ciba: 'asks you in Auth0 Guardian',
  deny: 'never',
};

/** What each agent may do for this person: status, access, actions with their default outcome, last use, pending approvals. */
export async function summarizePermissions({
  who,
  accounts,
  audit,
  approvals,
  policy,
  tools,
  connections,
}: {
  /** The person's connected accounts at Auth0 by Token Vault connection, when that can be read. */
  connections?: ConnectionsView;
  who: SlackIdentity;
  accounts: LinkedAccountStore;
  audit: AuditLog;
  approvals: ApprovalStore;
  policy: Policy;
  tools: readonly ToolDefinition[];
}): Promise<PermissionsSummary> {
  const [account, pending] = await Promise.all([accounts.get(who), approvals.pendingFor(who.teamId, who.userId)]);
  const connected = account && connections ? await connections.list(account.refreshToken) : undefined;
  const agents = await Promise.all(
    AGENTS.map(async ({ service, name }) => {
      const own = tools.filter((t) => t.service === service);
      const used = own.length ? await audit.latest(who.teamId, 1, { userId: who.userId, agent: service }, 2000) : [];
      const actions = own.map((t) => {
        // The decision for a plain request, before facts about a particular repository are known.
        const d = decide(
          { tool: t.name, service, risk: t.risk, scopes: t.scopes, args: {}, readOnly: t.readOnly },
          who,
          { now: new Date(), recentHighRiskCount: 0 },
          policy,
        );
        return { words: describeTool(t.name), risk: d.risk, outcome: d.outcome };
      });
      const connection = connections?.names[service];
      const granted = connection && connected ? connected.get(connection) : undefined;
      const status: AgentPermissions['status'] =
        own.length === 0 ? 'not_available' : !account ? 'not_linked' : connection && connected && !connected.has(connection) ? 'not_connected' : 'ready';
      return {
        service,
        name,
        status,
        granted,
        access: [...new Set(own.flatMap((t) => t.scopes))],
        actions,
        lastUse: used[0] ? { at: used[0].at, action: used[0].action } : undefined,
      };
    }),
  );
  return { linked: account ? { auth0Sub: account.auth0Sub, linkedAt: account.linkedAt } : undefined, agents, pending };
}

/** The same summary as Block Kit, for `/agenthub permissions` and App Home. */
export function buildPermissionsBlocks(s: PermissionsSummary): KnownBlock[] {
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'What your agents may do' } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: s.linked
          ? `:white_check_mark: Your Slack account is linked to AgentHub (since ${s.linked.linkedAt.slice(0, 10)}). Agents get a short-lived token for each action from Auth0 Token Vault; they never hold your password or a long-lived key.`
          : ":warning: Your Slack account isn't linked to AgentHub yet, so no agent can act for you.",
      },
    },
  ];
  for (const a of s.agents) {
    const status = {
      ready: ':large_green_circle: ready',
      not_connected: ':white_circle: not connected (I offer a Connect button when you ask for something)',
      not_linked: ':white_circle: not linked',
      not_available: ':heavy_minus_sign: not available on this AgentHub yet',
    }[a.status];
    const lines = [`*${a.name}* — ${status}${a.lastUse ? ` · last used <!date^${Math.floor(Date.parse(a.lastUse.at) / 1000)}^{ago}|${a.lastUse.at}>` : ''}`];
    if (a.actions.length) {
      lines.push(...a.actions.map((x) => `• ${escapeMrkdwn(x.words)} — ${x.risk} risk, ${OUTCOME_WORDS[x.outcome]}`));
      lines.push(`_Access it asks for: ${a.access.map((x) => `\`${x}\``).join(', ')}_`);
      if (a.granted)
        lines.push(
          `_Granted at the provider: ${a.granted.length ? a.granted.map((x) => `\`${x}\``).join(', ') : 'set by the GitHub App (not reported per scope)'}_`,
        );
    }
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n').slice(0, 3000) } });
  }
  blocks.push({
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: s.pending.length
        ? `*Waiting for your decision:*\n${s.pending
            .slice(0, 10)
            .map(
              (p) =>
                `• ${escapeMrkdwn(p.description)} (asked <!date^${Math.floor(p.createdAt / 1000)}^{ago}|${new Date(p.createdAt).toISOString()}>) — see your DMs`,
            )
            .join('\n')}`
        : 'No approvals are waiting for you.',
    },
  });
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: 'The actual decision also depends on the repository (private, protected branch) and the time; `/agenthub policy <request>` explains one.',
      },
    ],
  });
  return blocks;
}

export function permissionsText(s: PermissionsSummary): string {
  const ready = s.agents.filter((a) => a.status === 'ready').map((a) => a.name);
  return s.linked
    ? `Your agents: ${ready.join(', ') || 'none ready'}. ${s.pending.length} approval(s) waiting for you.`
    : "Your account isn't linked to AgentHub yet.";
}
