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
import { ConfigError, loadConfig } from '../src/config.js';
import { createDeps, type Deps } from '../src/deps.js';
import { createGitHubClient } from '../src/integrations/github/client.js';
import { githubTools } from '../src/integrations/github/tools.js';
import { createLogger } from '../src/logger.js';
import { createToolExecutor } from '../src/tools/tool-executor.js';
import type { LinkedAccountStore } from '../src/vault/linked-accounts.js';
import { createTokenCache } from '../src/vault/token-cache.js';
import { createTokenVault } from '../src/vault/token-vault.js';

/** A linked-account store with nobody in it: every Token Vault request answers "not linked". */
function createEmptyLinkedAccountStore(): LinkedAccountStore {
  return {
    get: async () => undefined,
    link: async () => {
      throw new Error('Linking accounts is not available in the unconfigured Studio graph');
    },
    unlink: async () => false,
  };
}

function createUnconfiguredGraph(): OrchestratorGraph {
  const logger = createLogger({ level: 'info', name: 'agenthub-studio' });
  const connection = 'github';
  const vault = createTokenVault({
    // Never contacted: the empty account store makes every request fail as "not linked" first.
    auth0: { domain: 'auth0.invalid', clientId: 'studio-unconfigured', clientSecret: 'studio-unconfigured' },
    accounts: createEmptyLinkedAccountStore(),
    cache: createTokenCache(),
    serviceNames: { [connection]: 'GitHub' },
  });
  const executor = createToolExecutor({
    tools: githubTools,
    services: { github: { connection, verifyScopes: false, createClient: (token) => createGitHubClient(token, 'https://api.github.com') } },
    vault,
    logger,
  });
  return createOrchestratorGraph({ planner: createBuiltinPlanner(), executor });
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
  return createOrchestratorGraph({ planner: configuredDeps.planner, executor: configuredDeps.executor });
}
