import type { RefreshTokenRevoker } from '../../auth/refresh-token-revoker.js';
import type { TokenVault } from '../../vault/token-vault.js';
import type { ListenerDeps } from '../deps.js';
import type { Subcommand } from './subcommands.js';

/**
 * `/agenthub disconnect`: sign out. Locally at once — cached tokens dropped, waiting approvals
 * cancelled, the link and the stored refresh token deleted — and upstream at Auth0, reporting
 * honestly what happened where.
 */
export function createDisconnectSubcommand(
  deps: Pick<ListenerDeps, 'accounts' | 'approvals' | 'flow' | 'audit'> & { vault: Pick<TokenVault, 'forget'>; revoker: RefreshTokenRevoker },
): Subcommand {
  return {
    usage: 'disconnect',
    summary: 'sign out: unlink your account and revoke AgentHub’s access everywhere',
    async run({ command }) {
      const who = { teamId: command.team_id, userId: command.user_id };
      const account = await deps.accounts.get(who);
      if (!account) return { text: "You're not signed in to AgentHub, so there is nothing to disconnect." };
      deps.vault.forget(who);
      let cancelled = 0;
      for (const approval of await deps.approvals.pendingFor(who.teamId, who.userId)) {
        const outcome = await deps.flow.decide(approval.id, 'cancel', who.userId, who.teamId);
        if (outcome.result === 'updated') cancelled++;
      }
      await deps.accounts.unlink(who);
      const upstream = await deps.revoker.revoke(account.refreshToken, who);
      await deps.audit
        .append({
          teamId: who.teamId,
          userId: who.userId,
          agent: 'agenthub',
          kind: 'revocation',
          action: 'signed out and revoked AgentHub access',
          target: account.auth0Sub,
          outcome: upstream.revoked ? 'ok' : 'pending',
          summary: upstream.revoked ? 'refresh token revoked at Auth0' : `Auth0 revocation queued for retry: ${upstream.reason}`,
        })
        .catch(() => undefined);
      const lines = [
        ':white_check_mark: *Signed out of AgentHub.* Your link and the stored refresh token are deleted here, cached access tokens are dropped' +
          (cancelled ? `, and ${cancelled} waiting approval${cancelled === 1 ? ' was' : 's were'} cancelled.` : '.'),
        upstream.revoked
          ? ':white_check_mark: The refresh token is revoked at Auth0 too.'
          : `:warning: Revoking the refresh token at Auth0 failed (${upstream.reason}). It can no longer be used from here, and I keep retrying the revocation at Auth0 until it succeeds.`,
        'Run `/agenthub connect` to sign in again.',
      ];
      return { text: lines.join('\n') };
    },
  };
}
