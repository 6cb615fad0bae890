import { randomUUID } from 'node:crypto';
import type { CustomRoute } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createOrchestratorGraph, type OrchestratorDeps } from './agent/graph.js';
import { createLiveRuns, interruptedRunText } from './agent/live-runs.js';
import { createPlanner } from './agent/planners/create-planner.js';
import type { Planner } from './agent/planners/planner.js';
import { type AgentRunner, createAgentRunner } from './agent/runner.js';
import { type ApprovalFlow, createApprovalFlow } from './approvals/approval-flow.js';
import { type ApprovalRecord, type ApprovalStore, createApprovalStore, SYSTEM } from './approvals/approval-store.js';
import { createCibaClient } from './approvals/ciba/ciba-client.js';
import { type CibaPoller, cibaRequestFromStart, createCibaPoller } from './approvals/ciba/ciba-poller.js';
import { createAuditAnchors, createFileAnchorStore } from './audit/anchor.js';
import { type AuditLog, createAuditLog } from './audit/audit-log.js';
import { createAuditRetention } from './audit/retention.js';
import { deriveAuditKey } from './audit/signing.js';
import { createHopStore } from './auth/browser-hops.js';
import { createAuthRoutes } from './auth/callback.js';
import { type ConnectedAccounts, createConnectedAccounts } from './auth/connected-accounts.js';
import { createOidcClient } from './auth/oidc-client.js';
import { createRefreshTokenRevoker, type RefreshTokenRevoker } from './auth/refresh-token-revoker.js';
import { createSignIn, type SignIn } from './auth/sign-in.js';
import { createStepUp, type StepUp, StepUpNotApplied } from './auth/step-up.js';
import type { Config } from './config.js';
import { createRevocations, type Revocations } from './identity/revocations.js';
import { createAccessRevoker, type RevokeAccess } from './identity/revoke-access.js';
import { watchLoopLoad } from './intake/loop-load.js';
import { createRequestQueue, type QueueHandlers, type RequestQueue } from './intake/request-queue.js';
import { staleRequestText, submitAgentRequest } from './intake/submit-request.js';
import { calendarBinding, calendarTools } from './integrations/calendar/index.js';
import { allGitHubTools, githubBinding } from './integrations/github/index.js';
import { createPeopleDirectory, slackBinding, slackTools } from './integrations/slack/index.js';
import { createGate, createRedisGateFacts, type Gate } from './policy/gate.js';
import { DEFAULT_POLICY, loadPolicyFile } from './policy/policy-file.js';
import type { Policy } from './policy/types.js';
import { createSlackApprovalPresenter } from './slack/approval-presenter.js';
import { slackClientOptions } from './slack/client-options.js';
import { handleAgentRequest } from './slack/handle-agent-request.js';
import { createHomePublisher, type HomePublisher } from './slack/home-publisher.js';
import { createLongReplies, type LongReplies } from './slack/long-replies.js';
import type { ConnectionsView } from './slack/permissions.js';
import { createKeys, type Keys } from './store/keys.js';
import { createRedis } from './store/redis.js';
import { RedisCheckpointSaver } from './store/redis-checkpointer.js';
import { createTrackedReads, type TrackedReads } from './store/tracked-reads.js';
import type { ToolDefinition } from './tools/tool-definition.js';
import { createToolExecutor, type ToolExecutor } from './tools/tool-executor.js';
import { createLinkedAccountStore, type LinkedAccountStore } from './vault/linked-accounts.js';
import { createSecretBox } from './vault/secret-box.js';
import { createTokenCache } from './vault/token-cache.js';
import { createTokenVault, type TokenVault } from './vault/token-vault.js';

export interface Deps {
  redis: Redis;
  keys: Keys;
  logger: Logger;
  policy: Policy;
  accounts: LinkedAccountStore;
  vault: TokenVault;
  executor: ToolExecutor;
  gate: Gate;
  approvals: ApprovalStore;
  planner: Planner;
  runner: AgentRunner;
  /** Acked requests waiting for a process with room (shared through Redis). */
  requests: RequestQueue;
  flow: ApprovalFlow;
  stepUp: StepUp;
  revocations: Revocations;
  /** The per-call link and revocation checks' memory, kept current by Redis (its state shows on /healthz). */
  trackedReads: TrackedReads;
  revokeAccess: RevokeAccess;
  revoker: RefreshTokenRevoker;
  signIn: SignIn;
  connected: ConnectedAccounts;
  /** Reads a person's connected accounts at Auth0 (for permissions). */
  connections: ConnectionsView;
  /** Browser routes: step-up and sign-in starts, and their shared callback. */
  authRoutes: CustomRoute[];
  ciba: CibaPoller;
  audit: AuditLog;
  home: HomePublisher;
  /** Everything the orchestrator graph needs but persistence (LangGraph Studio brings its own). */
  graphDeps: Omit<OrchestratorDeps, 'checkpointer'>;
  plannerName: string;
  /** Long answers: their start, then "Show more". */
  replies: LongReplies;
  /** Stream model text into threads (Slack chat streaming). */
  streamReplies: boolean;
  /** Background work every process shares through Redis: approval expiry, the Auth0 CIBA poller. */
  startBackground(): void;
  close(): Promise<void>;
}

export type DepsConfig = Pick<Config, 'auth0' | 'github' | 'google' | 'llm' | 'redisUrl' | 'encryptionKey' | 'slack' | 'http' | 'policyPath' | 'audit'>;

/** Checkpoints of finished conversations fade after this long; a follow-up weeks later starts afresh. */
const CHECKPOINT_TTL_SECONDS = 30 * 24 * 60 * 60;
const EXPIRY_SWEEP_MS = 5_000;
const ANCHOR_INTERVAL_MS = 5 * 60_000;
const REVOKE_RETRY_MS = 60_000;
const RETENTION_INTERVAL_MS = 6 * 60 * 60_000;

export const ALL_TOOLS: readonly ToolDefinition[] = [...allGitHubTools, ...calendarTools, ...slackTools];

/**
 * The composition root's wiring: every long-lived object built once, from config, with the seams
 * tests use (an existing Redis client, a key prefix, a planner, a policy) passed in rather than patched.
 */
export function createDeps(
  config: DepsConfig,
  overrides: {
    logger: Logger;
    redis?: Redis;
    keys?: Keys;
    planner?: Planner;
    policy?: Policy;
    /** The agents' clock ("tomorrow"); tests fix it. */
    now?: () => Date;
    /** Where browsers sign in (demo mode's plain-http Auth0 stand-in page); default https://AUTH0_DOMAIN/authorize. */
    authorizeUrl?: string;
  },
): Deps {
  const { logger } = overrides;
  const redis = overrides.redis ?? createRedis(config.redisUrl);
  if (!overrides.redis) redis.on('error', (err) => logger.warn({ err: { message: err.message } }, 'Redis connection problem'));
  const keys = overrides.keys ?? createKeys();
  const policy = overrides.policy ?? (config.policyPath ? loadPolicyFile(config.policyPath, { knownTools: ALL_TOOLS.map((t) => t.name) }) : DEFAULT_POLICY);
  const box = createSecretBox(config.encryptionKey);
  // Whether a person is revoked or linked is read before every token use: from memory while Redis tracks the keys.
  const trackedReads = createTrackedReads({ redis, logger, canaryKey: keys.key('tracking-canary', randomUUID()) });
  const accounts = createLinkedAccountStore({ redis, keys, box, reads: trackedReads });
  const revoker = createRefreshTokenRevoker({
    ...config.auth0,
    redis,
    keys,
    box,
    logger,
    removeConnection: () => async (token, connection) => {
      const r = await connected.disconnect(token, connection);
      return r.ok ? { ok: true } : r;
    },
  });
  const audit = createAuditLog({ redis, keys, logger });
  // Checkpoints (count, head) written outside Redis make truncation of the newest records detectable.
  const auditKey = deriveAuditKey(config.encryptionKey);
  const anchorStore = createFileAnchorStore(config.audit.anchorDir);
  const anchors = createAuditAnchors({ auditLog: audit, store: anchorStore, key: auditKey, logger });
  const retention = createAuditRetention({ redis, auditLog: audit, anchors, anchorStore, key: auditKey, logger });
  const revocations = createRevocations({ redis, keys, logger, reads: trackedReads });
  const revocationScopeOf = (connection: string) =>
    connection === config.auth0.connections.google ? 'google' : connection === config.auth0.connections.github ? 'github' : 'all';
  const vault = createTokenVault({
    // Read before every token use, cached or not: a revocation stops the call on every process.
    beforeUse: (r) => revocations.assertActive(r.who, revocationScopeOf(r.connection)),
    auth0: { domain: config.auth0.domain, clientId: config.auth0.clientId, clientSecret: config.auth0.clientSecret },
    accounts,
    cache: createTokenCache(),
    serviceNames: { [config.auth0.connections.github]: 'GitHub', [config.auth0.connections.google]: 'Google Calendar' },
    // An exchange is recorded before it happens (connection and scopes, never the token).
    beforeExchange: async (r) => {
      await audit.append({
        teamId: r.who.teamId,
        userId: r.who.userId,
        agent: r.connection === config.auth0.connections.google ? 'calendar' : 'github',
        kind: 'token_exchange',
        action: `Token Vault exchange for ${r.connection}${r.singleUse ? ' (single use)' : ''}`,
        connection: r.connection,
        scopes: [...r.scopes],
        outcome: 'pending',
      });
    },
  });
  const slackClient = new WebClient(config.slack.botToken, slackClientOptions(config.slack, logger));
  const people = createPeopleDirectory({ client: slackClient });
  // The Slack agent posts on people's behalf: a post whose answer was lost must not be sent again
  // (a retry would post twice), so its client never retries; the bot's own messages keep retrying.
  const slackAgentClient = new WebClient(config.slack.botToken, slackClientOptions(config.slack, logger, { retries: 0 }));
  const executor = createToolExecutor({
    tools: ALL_TOOLS,
    services: {
      github: githubBinding(config),
      calendar: calendarBinding(config),
      // Slack tools use the bot's own token; a person who revoked everything still gets nothing done.
      slack: slackBinding(slackAgentClient, { beforeUse: (who) => revocations.assertActive(who, 'all') }),
    },
    vault,
    people,
    logger,
    ...(overrides.now ? { now: overrides.now } : {}),
  });
  const gate = createGate({ policy, facts: createRedisGateFacts({ redis, keys }) });
  const approvals = createApprovalStore({ redis, keys });
  const planner = overrides.planner ?? createPlanner(config.llm);
  const graphDeps: Omit<OrchestratorDeps, 'checkpointer'> = {
    planner,
    executor,
    gate,
    approvals,
    audit,
    people,
    ...(overrides.now ? { now: overrides.now } : {}),
    approvalTtlMs: () => policy.approvals.expiresInMinutes * 60_000,
  };
  const graph = createOrchestratorGraph({ ...graphDeps, checkpointer: new RedisCheckpointSaver({ redis, keys, ttlSeconds: CHECKPOINT_TTL_SECONDS }) });
  const liveRuns = createLiveRuns({
    redis,
    keys,
    logger,
    report: async (run) => {
      await slackClient.chat.postMessage({ channel: run.channel, thread_ts: run.threadTs, text: interruptedRunText(run) });
    },
  });
  const runner = createAgentRunner({ graph, redis, keys, logger, liveRuns });
  const replies = createLongReplies({ redis, keys, planner: planner.name });
  const loopLoad = watchLoopLoad();
  const requests = createRequestQueue({ redis, keys, logger, runs: liveRuns, load: loopLoad });

  const oidc = createOidcClient({
    domain: config.auth0.domain,
    clientId: config.auth0.clientId,
    clientSecret: config.auth0.clientSecret,
    redirectUri: `${config.http.publicUrl}/auth/callback`,
    ...(overrides.authorizeUrl ? { authorizeUrl: overrides.authorizeUrl } : {}),
  });
  const hops = createHopStore({ redis, keys });
  const stepUp = createStepUp({
    redis,
    keys,
    hops,
    oidc,
    publicUrl: config.http.publicUrl,
    accounts,
    logger,
    onVerified: async ({ approvalId, who }) => {
      const outcome = await flow.decide(approvalId, 'step_up', who.userId, who.teamId);
      if (outcome.result === 'not_found') throw new StepUpNotApplied('That approval no longer exists. Nothing was done.');
      if (outcome.result === 'forbidden') throw new StepUpNotApplied(`This verification could not be used: ${outcome.why}.`);
      if (outcome.result === 'not_pending') throw new StepUpNotApplied(`This request is already ${outcome.record.status}; the verification changed nothing.`);
    },
  });

  const cibaClient = createCibaClient({
    domain: config.auth0.domain,
    clientId: config.auth0.clientId,
    clientSecret: config.auth0.clientSecret,
    audience: config.auth0.audience,
  });
  const ciba = createCibaPoller({
    redis,
    keys,
    client: cibaClient,
    logger,
    onResult: async (request, result) => {
      const kind =
        result.status === 'approved' ? 'ciba_approved' : result.status === 'expired' ? 'expire' : result.status === 'cancelled' ? 'cancel' : 'ciba_denied';
      await flow.decide(request.id, kind, SYSTEM);
    },
  });
  const startCiba = async (record: ApprovalRecord) => {
    const account = await accounts.get({ teamId: record.teamId, userId: record.requesterId });
    if (!account) throw new Error('The requester has no linked Auth0 account');
    const startedAt = Date.now();
    const requestedExpiry = Math.max(30, Math.min(300, Math.floor((record.expiresAt - startedAt) / 1000)));
    const start = await cibaClient.start({ auth0Sub: account.auth0Sub, bindingMessage: `AgentHub: ${record.description}`, requestedExpiry });
    await ciba.enqueue(cibaRequestFromStart({ id: record.id, start, payload: {}, startedAt }));
  };

  /** The request that needed a sign-in or a connection carries on in its thread, as if just asked. */
  const continueRequest = (who: { teamId: string; userId: string }, resume: { channel: string; threadTs: string; text: string }) =>
    submitAgentRequest(slackClient, { who, ...resume }, { requests, logger });
  /** A queued request starts here, in whichever process took it. */
  const queueHandlers: QueueHandlers = {
    run: ({ request }, live) =>
      handleAgentRequest(
        slackClient,
        request,
        { runner, flow, audit, plannerName: planner.name, replies, logger, signIn, connected, streamReplies: true },
        live,
      ),
    stale: async ({ request }, waitedMs) => {
      await slackClient.chat.postMessage({ channel: request.channel, thread_ts: request.threadTs, text: staleRequestText(waitedMs) });
    },
  };
  const signIn = createSignIn({
    redis,
    keys,
    hops,
    oidc,
    accounts,
    publicUrl: config.http.publicUrl,
    logger,
    // Linked: say so, record it, and carry on with the request that needed it, without asking again.
    onSignedIn: async ({ who, auth0Sub, resume }) => {
      await revocations.clear(who);
      await audit.append({
        teamId: who.teamId,
        userId: who.userId,
        agent: 'agenthub',
        kind: 'sign_in',
        action: 'linked Slack account to Auth0',
        target: auth0Sub,
        outcome: 'ok',
      });
      const dm = await slackClient.conversations.open({ users: who.userId });
      if (dm.channel?.id) {
        await slackClient.chat.postMessage({
          channel: dm.channel.id,
          text: ':white_check_mark: Your Slack account is now linked to AgentHub. Agents can act for you with short-lived Token Vault tokens; `/agenthub permissions` shows what they may do.',
        });
      }
      if (resume) await continueRequest(who, resume);
    },
  });
  const connected = createConnectedAccounts({
    ...config.auth0,
    redis,
    keys,
    hops,
    accounts,
    publicUrl: config.http.publicUrl,
    logger,
    // Connected: lift a revocation of that service, record it, and carry on with the request.
    onConnected: async ({ who, connection, resume }) => {
      await revocations.clear(who, revocationScopeOf(connection));
      vault.forget(who);
      await audit.append({
        teamId: who.teamId,
        userId: who.userId,
        agent: connection === config.auth0.connections.google ? 'calendar' : 'github',
        kind: 'connection_change',
        action: `connected ${connection}`,
        connection,
        outcome: 'ok',
      });
      if (resume) await continueRequest(who, resume);
    },
  });
  const authRoutes = createAuthRoutes({ hops, logger, features: [stepUp, signIn, connected] });
  const presenter = createSlackApprovalPresenter({
    client: slackClient,
    approvals,
    logger,
    replies,
    stepUpUrl: (r) => stepUp.linkFor({ approvalId: r.id, who: { teamId: r.teamId, userId: r.requesterId }, expiresAt: new Date(r.expiresAt) }),
    flow: () => flow,
  });
  const baseFlow = createApprovalFlow({ approvals, runner, presenter, logger, startCiba, audit });
  // Cancelling a Guardian request in Slack also stops polling Auth0 for it.
  const flow: ApprovalFlow = {
    ...baseFlow,
    async decide(approvalId, kind, by, teamId) {
      const outcome = await baseFlow.decide(approvalId, kind, by, teamId);
      if (outcome.result === 'updated' && outcome.final && outcome.record.requirements.ciba && kind !== 'ciba_approved' && kind !== 'ciba_denied') {
        await ciba.cancel(approvalId).catch((err) => logger.warn({ err, approvalId }, 'could not stop polling Auth0'));
      }
      return outcome;
    },
  };

  const revokeAccess = createAccessRevoker({
    revocations,
    vault,
    approvals,
    flow,
    accounts,
    revoker,
    audit,
    connectionOf: (scope) => (scope === 'google' ? config.auth0.connections.google : config.auth0.connections.github),
  });
  const connections: ConnectionsView = {
    names: { github: config.auth0.connections.github, calendar: config.auth0.connections.google, slack: undefined },
    list: (refreshToken) => connected.list(refreshToken),
  };
  let sweeper: NodeJS.Timeout | undefined;
  let revocationFeed: Promise<{ close(): Promise<void> }> | undefined;
  let retentionTimer: NodeJS.Timeout | undefined;
  let revokeRetry: NodeJS.Timeout | undefined;
  let checkpointing: { stop(): Promise<void> } | undefined;
  return {
    redis,
    keys,
    logger,
    policy,
    accounts,
    vault,
    executor,
    gate,
    approvals,
    planner,
    runner,
    requests,
    flow,
    stepUp,
    revocations,
    trackedReads,
    revokeAccess,
    revoker,
    signIn,
    connected,
    authRoutes,
    ciba,
    audit,
    home: createHomePublisher({ accounts, audit, approvals, tools: ALL_TOOLS, policy, plannerName: planner.name, connections }),
    connections,
    graphDeps,
    plannerName: planner.name,
    replies,
    streamReplies: true,
    startBackground() {
      requests.start(queueHandlers).catch((err) => logger.error({ err }, 'could not start taking queued requests'));
      void trackedReads.start();
      ciba.start();
      // Other processes' revocations drop this process's cached tokens at once (the Redis check stays the authority).
      revocationFeed = revocations.subscribe((who) => vault.forget(who));
      revocationFeed.catch((err) => logger.warn({ err }, 'could not subscribe to revocations; the per-call check still applies'));
      sweeper = setInterval(() => {
        flow.sweepExpired().catch((err) => logger.warn({ err }, 'approval expiry sweep failed'));
        // Runs whose process died (their lease ran out) are reported in their thread by whichever process claims them.
        liveRuns.sweep().catch((err) => logger.warn({ err }, 'interrupted-run sweep failed'));
      }, EXPIRY_SWEEP_MS);
      sweeper.unref();
      checkpointing = anchors.startCheckpointing(ANCHOR_INTERVAL_MS);
      revokeRetry = setInterval(() => revoker.retryPending().catch((err) => logger.warn({ err }, 'revocation retry failed')), REVOKE_RETRY_MS);
      revokeRetry.unref();
      const days = config.audit.retentionDays;
      if (days) {
        // One workspace that cannot be trimmed (say, a broken chain) must not stop the others.
        const trimAll = async () => {
          for (const teamId of await audit.workspaces()) {
            await retention.trim(teamId, { keepDays: days }).catch((err) => logger.warn({ err, teamId }, 'audit retention refused for a workspace'));
          }
        };
        retentionTimer = setInterval(() => trimAll().catch((err) => logger.warn({ err }, 'audit retention failed')), RETENTION_INTERVAL_MS);
        retentionTimer.unref();
      }
    },
    async close() {
      await requests.stop();
      loopLoad.stop();
      if (sweeper) clearInterval(sweeper);
      liveRuns.stop();
      await revocationFeed?.then((f) => f.close()).catch(() => undefined);
      await trackedReads.close();
      if (retentionTimer) clearInterval(retentionTimer);
      if (revokeRetry) clearInterval(revokeRetry);
      await checkpointing?.stop();
      await ciba.stop();
      if (!overrides.redis) redis.disconnect();
    },
  };
}
