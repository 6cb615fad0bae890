import type { ApprovalFlow } from '../approvals/approval-flow.js';
import type { ApprovalStore } from '../approvals/approval-store.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { RefreshTokenRevoker } from '../auth/refresh-token-revoker.js';
import type { SlackIdentity } from '../identity.js';
import type { ServiceId } from '../tools/tool-definition.js';
import type { LinkedAccountStore } from '../vault/linked-accounts.js';
import type { TokenVault } from '../vault/token-vault.js';
import type { RevocationScope, Revocations } from './revocations.js';

export interface RevocationReport {
  scope: RevocationScope;
  wasLinked: boolean;
  cancelledApprovals: number;
  /** What Auth0 said: about the refresh token (`all`) or the connected account (one service). */
  upstream?: { revoked: true } | { revoked: false; reason: string };
}

const SERVICE_OF: Record<ServiceId, RevocationScope> = { github: 'github', calendar: 'google', slack: 'all' };

/**
 * Cuts access off, in the order that makes it immediate: the revocation record first (every tool
 * call on every process reads it), then cached tokens, waiting approvals (their cards update and the
 * paused runs end), and for `all` the link, the stored refresh token and its revocation at Auth0.
 */
export function createAccessRevoker(deps: {
  revocations: Revocations;
  vault: Pick<TokenVault, 'forget'>;
  approvals: Pick<ApprovalStore, 'pendingFor'>;
  flow: Pick<ApprovalFlow, 'decide'>;
  accounts: LinkedAccountStore;
  revoker: RefreshTokenRevoker;
  audit: AuditLog;
  /** The Auth0 connection name of a service (for deleting the connected account). */
  connectionOf: (scope: 'github' | 'google') => string;
}) {
  return async function revokeAccess(who: SlackIdentity, scope: RevocationScope): Promise<RevocationReport> {
    const account = await deps.accounts.get(who);
    await deps.revocations.revoke(who, scope);
    deps.vault.forget(who);
    let cancelledApprovals = 0;
    for (const approval of await deps.approvals.pendingFor(who.teamId, who.userId)) {
      if (scope !== 'all' && SERVICE_OF[approval.service] !== scope) continue;
      const outcome = await deps.flow.decide(approval.id, 'cancel', who.userId, who.teamId);
      if (outcome.result === 'updated') cancelledApprovals++;
    }
    let upstream: RevocationReport['upstream'];
    if (scope === 'all' && account) {
      await deps.accounts.unlink(who);
      upstream = await deps.revoker.revoke(account.refreshToken, who);
    } else if (scope !== 'all' && account) {
      upstream = await deps.revoker.removeConnection(account.refreshToken, deps.connectionOf(scope), who);
    }
    await deps.audit
      .append({
        teamId: who.teamId,
        userId: who.userId,
        agent: scope === 'github' ? 'github' : scope === 'google' ? 'calendar' : 'agenthub',
        kind: 'revocation',
        action: scope === 'all' ? 'revoked all AgentHub access and signed out' : `revoked AgentHub access to ${scope}`,
        target: account?.auth0Sub,
        outcome: upstream && !upstream.revoked ? 'pending' : 'ok',
        summary: upstream
          ? upstream.revoked
            ? scope === 'all'
              ? 'refresh token revoked at Auth0'
              : 'connected account deleted at Auth0'
            : `Auth0 revocation queued for retry: ${upstream.reason}`
          : undefined,
      })
      .catch(() => undefined); // the revocation itself already took effect
    return { scope, wasLinked: Boolean(account), cancelledApprovals, upstream };
  };
}

export type RevokeAccess = ReturnType<typeof createAccessRevoker>;

const NAMES = { github: 'GitHub', google: 'Google Calendar', all: 'everything' } as const;

/** The honest account of what was revoked where, for Slack. */
export function describeRevocation(r: RevocationReport): string {
  const cancelled = r.cancelledApprovals ? ` ${r.cancelledApprovals} waiting approval${r.cancelledApprovals === 1 ? ' was' : 's were'} cancelled.` : '';
  const lines = [
    `:white_check_mark: *Revoked ${NAMES[r.scope]}* in AgentHub, on every bot process, effective now: no agent can use ${r.scope === 'all' ? 'any of your access' : `your ${NAMES[r.scope]} access`}; cached tokens are dropped.${cancelled}`,
  ];
  if (r.scope === 'all') {
    if (!r.wasLinked) lines.push('You were not signed in, so there was no Auth0 refresh token to revoke.');
    else if (r.upstream?.revoked) lines.push(':white_check_mark: You are signed out, and your refresh token is revoked at Auth0 too.');
    else
      lines.push(
        `:warning: You are signed out here, but revoking the refresh token at Auth0 failed (${r.upstream?.reason}). I keep retrying until Auth0 accepts it.`,
      );
  } else if (!r.wasLinked) {
    lines.push('You were not signed in, so there was no connected account to remove at Auth0.');
  } else if (r.upstream?.revoked) {
    lines.push(`:white_check_mark: Your ${NAMES[r.scope]} connection is deleted at Auth0 (Token Vault) too.`);
  } else {
    lines.push(
      `:warning: Deleting your ${NAMES[r.scope]} connection at Auth0 failed (${r.upstream?.reason}). AgentHub refuses to use it meanwhile, and I keep retrying the deletion.`,
    );
  }
  lines.push('Run `/agenthub connect` to sign in again and lift the revocation.');
  return lines.join('\n');
}
