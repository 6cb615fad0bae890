import { ConfigError, chooseMode, loadConfig } from './config.js';
import { createDeps } from './deps.js';
import { createLogger } from './logger.js';
import { PolicyFileError } from './policy/policy-file.js';
import { fetchBotIdentity } from './slack/bot-identity.js';
import { createSlackApp } from './slack/create-slack-app.js';
import { waitForRedis } from './store/redis.js';

/** Demo mode: the same bot against local stand-ins, shown in a local page. */
async function demo(): Promise<void> {
  // Loaded only here: production never imports the stand-ins.
  const { relaunchTrustingStandIns } = await import('./demo/start-demo-process.js');
  if (relaunchTrustingStandIns()) return;
  const { startDemo } = await import('./demo/run-demo.js');
  const port = process.env.PORT && /^\d{1,5}$/.test(process.env.PORT) ? Number(process.env.PORT) : 3000;
  const running = await startDemo({ port, host: process.env.HOST || '127.0.0.1' });
  const planner = process.env.GROQ_API_KEY ? 'Groq' : process.env.OPENAI_API_KEY ? 'OpenAI' : 'the built-in planner (no LLM key set)';
  console.log(
    [
      '',
      `  AgentHub demo is running: open ${running.url.replace('127.0.0.1', 'localhost')}`,
      '',
      `  ${running.workspace.banner}`,
      `  Planner: ${planner}. Slack, Auth0, GitHub and Google Calendar are local stand-ins; the bot is the real one.`,
      '  Stop with Ctrl+C. The README\'s "Demo tour" lists five things to try.',
      '',
    ].join('\n'),
  );
  const shutdown = async () => {
    await running.close().catch(() => {});
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

/** Composition root: config → dependencies → Slack app → listen. */
async function main(): Promise<void> {
  let mode: ReturnType<typeof chooseMode>;
  try {
    mode = chooseMode();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
  if (mode === 'demo') return demo();
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
