import { WebClient } from '@slack/web-api';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { slackClientOptions } from './client-options.js';

export interface BotIdentity {
  botId: string;
  botUserId: string;
  teamId?: string;
}

/**
 * Asks Slack who the bot token belongs to (auth.test) before the app starts. Bolt would do it in
 * its constructor and crash the process with an unhandled rejection if Slack is unreachable or the
 * token is wrong; here the operator gets one sentence naming the variable to fix.
 */
export async function fetchBotIdentity(slack: Config['slack'], logger?: Logger): Promise<BotIdentity> {
  const client = new WebClient(slack.botToken, slackClientOptions(slack, logger));
  try {
    const res = await client.auth.test();
    if (!res.bot_id || !res.user_id) throw new Error('SLACK_BOT_TOKEN is not a bot token (auth.test returned no bot_id); use the xoxb- Bot User OAuth Token');
    return { botId: res.bot_id, botUserId: res.user_id, teamId: res.team_id };
  } catch (err) {
    const code = (err as { data?: { error?: string }; code?: string }).data?.error;
    if (code)
      throw new Error(`Slack refused SLACK_BOT_TOKEN (auth.test: ${code}). Copy the Bot User OAuth Token from your Slack app's "OAuth & Permissions" page.`);
    if ((err as { code?: string }).code === 'slack_webapi_request_error') {
      throw new Error(`Cannot reach the Slack Web API at SLACK_API_URL (${slack.apiUrl}). Check the network or the variable.`);
    }
    throw err;
  }
}
