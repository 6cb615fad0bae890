import { ConfigError, loadConfig } from './config.js';
import { createDeps } from './deps.js';
import { createLogger } from './logger.js';
import { PolicyFileError } from './policy/policy-file.js';
import { fetchBotIdentity } from './slack/bot-identity.js';
import { createSlackApp } from './slack/create-slack-app.js';
import { waitForRedis } from './store/redis.js';

/** Composition root: config → dependencies → Slack app → listen. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      console.error('See README.md ("Environment") for what each variable means; .env.example lists them all.');
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel });
  let deps: ReturnType<typeof createDeps>;
  try {
    deps = createDeps(config, { logger });
  } catch (err) {
    // A policy that cannot be read must stop the bot: running with a weaker policy than intended is worse.
    if (err instanceof PolicyFileError) {
      console.error(`AgentHub cannot start: the policy file in AGENTHUB_POLICY is invalid:\n${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  try {
    await waitForRedis(deps.redis, 5000);
  } catch {
    logger.error(`Redis is not reachable at the configured REDIS_URL. Start Redis or fix REDIS_URL.`);
    process.exit(1);
  }
  let botIdentity: Awaited<ReturnType<typeof fetchBotIdentity>>;
  try {
    botIdentity = await fetchBotIdentity(config.slack, logger);
  } catch (err) {
    logger.error((err as Error).message);
    await deps.close();
    process.exit(1);
  }
  const slack = createSlackApp({ slack: config.slack, http: config.http, deps, logger, botIdentity });
  const { port } = await slack.start();
  deps.startBackground();
  logger.info(
    { port, mode: config.slack.appToken ? 'socket' : 'http', planner: deps.plannerName },
    config.slack.appToken
      ? `AgentHub is connected to Slack over Socket Mode (health on :${port}/healthz)`
      : `AgentHub is listening on :${port} (POST /slack/events, GET /healthz)`,
  );
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await slack.stop().catch(() => {});
    await deps.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

await main();
