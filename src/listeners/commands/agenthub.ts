import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { Logger } from 'pino';
import { describeForUser } from '../../errors.js';
import { type SubcommandRegistry, unknownSubcommandText } from './subcommands.js';

/**
 * `/agenthub <subcommand> [args]`. Acks at once with an empty body (Slack's 3-second rule) and
 * answers through response_url, so slow subcommands never make Slack show a timeout.
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
    await ack();
    try {
      const reply = await sub.run({ command, args: words.slice(1), client });
      await respond({ response_type: 'ephemeral', text: reply.text, ...(reply.blocks ? { blocks: reply.blocks } : {}) });
    } catch (err) {
      const { text, refId } = describeForUser(err);
      logger.error({ err, refId, subcommand: name }, 'subcommand failed');
      await respond({ response_type: 'ephemeral', text: `${text} (reference ${refId})` });
    }
  };
}
