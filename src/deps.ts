import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createOrchestratorGraph } from './agent/graph.js';
import { createPlanner } from './agent/planners/create-planner.js';
import type { Planner } from './agent/planners/planner.js';
import { type AgentRunner, createAgentRunner } from './agent/runner.js';
import type { Config } from './config.js';
import { createGitHubClient } from './integrations/github/client.js';
import { githubTools } from './integrations/github/tools.js';
import { createKeys, type Keys } from './store/keys.js';
import { createRedis } from './store/redis.js';
import { RedisCheckpointSaver } from './store/redis-checkpointer.js';
import { createToolExecutor, type ToolExecutor } from './tools/tool-executor.js';
import { createLinkedAccountStore, type LinkedAccountStore } from './vault/linked-accounts.js';
import { createSecretBox } from './vault/secret-box.js';
import { createTokenCache } from './vault/token-cache.js';
import { createTokenVault, type TokenVault } from './vault/token-vault.js';

export interface Deps {
  redis: Redis;
  keys: Keys;
  logger: Logger;
  accounts: LinkedAccountStore;
  vault: TokenVault;
  executor: ToolExecutor;
  planner: Planner;
  runner: AgentRunner;
  plannerName: string;
  close(): Promise<void>;
}

export type DepsConfig = Pick<Config, 'auth0' | 'github' | 'llm' | 'redisUrl' | 'encryptionKey'>;

/** Checkpoints of finished conversations fade after this long; a follow-up weeks later starts afresh. */
const CHECKPOINT_TTL_SECONDS = 30 * 24 * 60 * 60;

/**
 * The composition root's wiring: every long-lived object built once, from config, with the seams
 * tests use (an existing Redis client, a key prefix, a planner) passed in rather than patched.
 */
export function createDeps(config: DepsConfig, overrides: { logger: Logger; redis?: Redis; keys?: Keys; planner?: Planner }): Deps {
  const { logger } = overrides;
  const redis = overrides.redis ?? createRedis(config.redisUrl);
  if (!overrides.redis) redis.on('error', (err) => logger.warn({ err: { message: err.message } }, 'Redis connection problem'));
  const keys = overrides.keys ?? createKeys();
  const accounts = createLinkedAccountStore({ redis, keys, box: createSecretBox(config.encryptionKey) });
  const vault = createTokenVault({
    auth0: { domain: config.auth0.domain, clientId: config.auth0.clientId, clientSecret: config.auth0.clientSecret },
    accounts,
    cache: createTokenCache(),
    serviceNames: { [config.auth0.connections.github]: 'GitHub', [config.auth0.connections.google]: 'Google Calendar' },
  });
  const executor = createToolExecutor({
    tools: githubTools,
    services: {
      github: { connection: config.auth0.connections.github, verifyScopes: false, createClient: (token) => createGitHubClient(token, config.github.apiUrl) },
    },
    vault,
    logger,
  });
  const planner = overrides.planner ?? createPlanner(config.llm);
  const graph = createOrchestratorGraph({ planner, executor, checkpointer: new RedisCheckpointSaver({ redis, keys, ttlSeconds: CHECKPOINT_TTL_SECONDS }) });
  const runner = createAgentRunner({ graph, redis, keys, logger });
  return {
    redis,
    keys,
    logger,
    accounts,
    vault,
    executor,
    planner,
    runner,
    plannerName: planner.name,
    async close() {
      if (!overrides.redis) redis.disconnect();
    },
  };
}
