import type { WebClientOptions } from '@slack/web-api';
import type { Config } from '../config.js';

/** One definition of how the bot talks to Slack's Web API: bounded time, bounded retries. */
export function slackClientOptions(slack: Pick<Config['slack'], 'apiUrl'>): WebClientOptions {
  return { slackApiUrl: slack.apiUrl, timeout: 10_000, retryConfig: { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 2000 } };
}
