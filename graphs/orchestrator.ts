/**
 * LangGraph Studio / `langgraph dev` entry point (see langgraph.json). `graph` is a factory: nothing
 * is built at module load, and no checkpointer is passed because the LangGraph server supplies its
 * own persistence.
 *
 * Two modes:
 * - **Configured** — when `loadConfig(process.env)` succeeds (Slack, Auth0, encryption key… set, e.g.
 *   from `.env`), the graph uses the bot's real planner and tool executor from `createDeps`, so runs
 *   in Studio reach Token Vault and GitHub exactly as the bot does. Pass the Slack identity as
 *   `configurable.who = { teamId, userId }`.
 * - **Unconfigured** — otherwise the graph uses the built-in planner and the GitHub tools over a
 *   Token Vault whose account store is always empty. Studio can still show and step through
 *   plan ⇄ act, and every tool call answers with the clear "your Slack account isn't linked"
 *   message before any network call is made.
 */
import { createOrchestratorGraph, type OrchestratorGraph } from '../src/agent/graph.js';
import { createBuiltinPlanner } from '../src/agent/planners/builtin-planner.js';
import { type ApprovalRecord, createApprovalStore } from '../src/approvals/approval-store.js';
import type { AuditLog } from '../src/audit/audit-log.js';
import type { AuditInput, AuditRecord } from '../src/audit/record.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { ALL_TOOLS, createDeps, type Deps } from '../src/deps.js';
import { calendarBinding } from '../src/integrations/calendar/index.js';
import { githubBinding } from '../src/integrations/github/index.js';
import { createLogger } from '../src/logger.js';
import { createGate, type GateFacts } from '../src/policy/gate.js';
import { DEFAULT_POLICY } from '../src/policy/policy-file.js';
import { createKeys } from '../src/store/keys.js';
import type { PeopleDirectory } from '../src/tools/tool-context.js';
import { createToolExecutor } from '../src/tools/tool-executor.js';
import type { LinkedAccountStore } from '../src/vault/linked-accounts.js';
import { createTokenCache } from '../src/vault/token-cache.js';
import { createTokenVault } from '../src/vault/token-vault.js';

/** A linked-account store with nobody in it: every Token Vault request answers "not linked". */
function createEmptyLinkedAccountStore(): LinkedAccountStore {
  return {
    get: async () => undefined,
    has: async () => false,
    link: async () => {
      throw new Error('Linking accounts is not available in the unconfigured Studio graph');
    },
    unlink: async () => false,
  };
}

/** Gate facts kept in memory: the unconfigured graph must not need Redis. */
function createMemoryGateFacts(): GateFacts {
  const reads = new Set<string>();
  return {
    privateReadAuthorized: async (who, repo) => reads.has(`${who.teamId}:${who.userId}:${repo}`),
    rememberPrivateRead: async (who, repo) => void reads.add(`${who.teamId}:${who.userId}:${repo}`),
    countHighRisk: async () => 1,
  };
}

/** Audit records kept in memory, for exploring the graph without Redis; the bot itself uses the Redis stream. */
function createMemoryAudit(): AuditLog {
  let seq = 0;
  return {
    append: async (input: AuditInput) => ({ ...input, id: `${Date.now()}-${seq}`, seq: ++seq, at: new Date().toISOString() }) as AuditRecord,
  } as unknown as AuditLog;
}

function createUnconfiguredGraph(): OrchestratorGraph {
  const logger = createLogger({ level: 'info', name: 'agenthub-studio' });
  const connection = 'github';
  const studioConfig = {
    auth0: {
      domain: 'auth0.invalid',
      clientId: 'studio',
      clientSecret: 'studio',
      audience: undefined,
      connections: { github: connection, google: 'google-oauth2' },
    },
    github: { apiUrl: 'https://api.github.com' },
    google: { apiUrl: 'https://www.googleapis.com/' },
  };
  const vault = createTokenVault({
    // Never contacted: the empty account store makes every request fail as "not linked" first.
    auth0: { domain: 'auth0.invalid', clientId: 'studio-unconfigured', clientSecret: 'studio-unconfigured' },
    accounts: createEmptyLinkedAccountStore(),
    cache: createTokenCache(),
    serviceNames: { [connection]: 'GitHub' },
  });
  // Studio has no Slack workspace: nobody's profile is known, so times read as UTC.
  const people: PeopleDirectory = { get: async ({ userId }) => ({ id: userId, name: userId, timeZone: 'UTC' }) };
  const executor = createToolExecutor({
    tools: ALL_TOOLS,
    services: { github: githubBinding(studioConfig), calendar: calendarBinding(studioConfig) },
    vault,
    people,
    logger,
  });
  // Every tool call stops at "not linked" before an approval could be needed, so this store is never written.
  const approvals = {
    ...createApprovalStore({ redis: undefined as never, keys: createKeys('agenthub-studio') }),
    get: async (): Promise<ApprovalRecord | undefined> => undefined,
  };
  return createOrchestratorGraph({
    planner: createBuiltinPlanner(),
    executor,
    gate: createGate({ policy: DEFAULT_POLICY, facts: createMemoryGateFacts() }),
    approvals,
    approvalTtlMs: () => DEFAULT_POLICY.approvals.expiresInMinutes * 60_000,
    audit: createMemoryAudit(),
  });
}

/** The configured dependencies (and their Redis connection) are built once, on first use. */
let configuredDeps: Deps | undefined;

export async function graph(): Promise<OrchestratorGraph> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) return createUnconfiguredGraph();
    throw err;
  }
  configuredDeps ??= createDeps(config, { logger: createLogger({ level: config.logLevel, name: 'agenthub-studio' }) });
  return createOrchestratorGraph(configuredDeps.graphDeps);
}
