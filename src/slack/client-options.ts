import type { WebClientOptions } from '@slack/web-api';
import type { Config } from '../config.js';
import { type Logger, toBoltLogger } from '../logger.js';

/**
 * One definition of how the bot talks to Slack's Web API: bounded time, bounded retries, and our
 * logger (with its redaction) instead of the client's own console output.
 */
export function slackClientOptions(slack: Pick<Config['slack'], 'apiUrl'>, logger?: Logger, { retries = 2 }: { retries?: number } = {}): WebClientOptions {
  return {
    slackApiUrl: slack.apiUrl,
    timeout: 10_000,
    retryConfig: { retries, factor: 2, minTimeout: 250, maxTimeout: 2000 },
    ...(logger ? { logger: toBoltLogger(logger) } : {}),
  };
}
