import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { Logger } from 'pino';
import { describeForUser } from '../../errors.js';
import { type SubcommandRegistry, unknownSubcommandText } from './subcommands.js';

/**
 * `/agenthub <subcommand> [args]`. Instant subcommands (help) answer in the ack. The others ack at
 * once with an empty body (Slack's 3-second rule) and answer through response_url, so slow
 * subcommands never make Slack show a timeout.
 */
export function createAgentHubCommand({ registry, logger }: { registry: SubcommandRegistry; logger: Logger }) {
  return async ({ command, ack, respond, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    const words = command.text.trim().split(/\s+/).filter(Boolean);
    const name = (words[0] ?? 'help').toLowerCase();
    const sub = registry[name];
    if (!sub) {
      await ack({ response_type: 'ephemeral', text: unknownSubcommandText(words[0] ?? '', registry) });
      return;
    }
    // An instant subcommand answers in the ack; the others ack first and answer when done.
    const answer = sub.instant ? ack : respond;
    if (!sub.instant) await ack();
    let message: { text: string; blocks?: KnownBlock[] };
    try {
      message = await sub.run({ command, args: words.slice(1), client });
    } catch (err) {
      const { text, refId } = describeForUser(err);
      logger.error({ err, refId, subcommand: name }, 'subcommand failed');
      message = { text: `${text} (reference ${refId})` };
    }
    await answer({ response_type: 'ephemeral', text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) });
  };
}
