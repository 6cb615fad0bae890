import type { WebClient } from '@slack/web-api';
import type { ApprovalStore } from '../approvals/approval-store.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { SlackIdentity } from '../identity.js';
import type { Policy } from '../policy/types.js';
import type { ToolDefinition } from '../tools/tool-definition.js';
import type { LinkedAccountStore } from '../vault/linked-accounts.js';
import { AUDIT_PAGE_SIZE, type AuditViewState, buildAuditBlocks } from './blocks/audit-home.js';
import { buildHomeView } from './blocks/home.js';
import { buildRevokeChoices } from './blocks/revoke.js';
import { buildPermissionsBlocks, type ConnectionsView, summarizePermissions } from './permissions.js';

export interface HomePublisher {
  publish(client: WebClient, who: SlackIdentity, state?: AuditViewState): Promise<void>;
}

/** Reads the state a Home view carries (filters, paging); anything unreadable means "defaults". */
export function readViewState(privateMetadata: string | undefined): AuditViewState {
  try {
    const parsed = JSON.parse(privateMetadata ?? '{}') as AuditViewState;
    return typeof parsed === 'object' && parsed ? parsed : {};
  } catch {
    return {};
  }
}

/**
 * App Home: the person's link status and the audit trail. Everyone sees their own records; the
 * admins the policy names see the whole workspace.
 */
export function createHomePublisher({
  accounts,
  audit,
  approvals,
  tools,
  policy,
  plannerName,
  connections,
}: {
  accounts: LinkedAccountStore;
  audit: AuditLog;
  approvals: ApprovalStore;
  tools: readonly ToolDefinition[];
  policy: Policy;
  plannerName: string;
  connections?: ConnectionsView;
}): HomePublisher {
  return {
    async publish(client, who, state = {}) {
      const admin = policy.admins.includes(who.userId);
      const [permissions, records] = await Promise.all([
        summarizePermissions({ who, accounts, audit, approvals, policy, tools, connections }),
        audit.latest(who.teamId, AUDIT_PAGE_SIZE + 1, {
          userId: admin ? undefined : who.userId,
          agent: state.agent,
          outcome: state.outcome,
          highRiskOnly: state.highRiskOnly,
          before: state.before,
        }),
      ]);
      const home = buildHomeView({ plannerName });
      const auditBlocks = buildAuditBlocks(records, state, { scope: admin ? 'workspace' : 'mine', hasOlder: records.length > AUDIT_PAGE_SIZE });
      await client.views.publish({
        user_id: who.userId,
        view: {
          ...home,
          blocks: [
            ...home.blocks,
            { type: 'divider' },
            ...buildPermissionsBlocks(permissions),
            ...(permissions.linked ? buildRevokeChoices() : []),
            { type: 'divider' },
            ...auditBlocks,
          ],
          private_metadata: JSON.stringify(state).slice(0, 3000),
        },
      });
    },
  };
}
