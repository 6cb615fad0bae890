import type { Logger } from 'pino';
import type { AgentRunner } from '../agent/runner.js';
import type { ApprovalFlow } from '../approvals/approval-flow.js';
import type { ApprovalStore } from '../approvals/approval-store.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { ConnectedAccounts } from '../auth/connected-accounts.js';
import type { RefreshTokenRevoker } from '../auth/refresh-token-revoker.js';
import type { SignIn } from '../auth/sign-in.js';
import type { RevokeAccess } from '../identity/revoke-access.js';
import type { RequestQueue } from '../intake/request-queue.js';
import type { Gate } from '../policy/gate.js';
import type { HomePublisher } from '../slack/home-publisher.js';
import type { LongReplies } from '../slack/long-replies.js';
import type { ConnectionsView } from '../slack/permissions.js';
import type { ToolExecutor } from '../tools/tool-executor.js';
import type { LinkedAccountStore } from '../vault/linked-accounts.js';
import type { TokenVault } from '../vault/token-vault.js';

/** What listeners may use; each takes only the parts it needs. */
export interface ListenerDeps {
  /** Where mentions and DMs go after Slack's ack; any process with room runs them. */
  requests: Pick<RequestQueue, 'enqueue'>;
  runner: AgentRunner;
  plannerName: string;
  replies: LongReplies;
  streamReplies?: boolean;
  accounts: LinkedAccountStore;
  flow: ApprovalFlow;
  signIn: SignIn;
  connected: ConnectedAccounts;
  connections: ConnectionsView;
  vault: Pick<TokenVault, 'forget'>;
  revoker: RefreshTokenRevoker;
  revokeAccess: RevokeAccess;
  approvals: ApprovalStore;
  audit: AuditLog;
  home: HomePublisher;
  gate: Gate;
  executor: ToolExecutor;
  logger: Logger;
}
