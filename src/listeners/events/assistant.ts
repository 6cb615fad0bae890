import { Assistant } from '@slack/bolt';
import { handleDirectMessage, type RequestDeps } from './message-im.js';

/** Shown when someone opens AgentHub's assistant pane: the requests people make most. */
export const SUGGESTED_PROMPTS = [
  { title: 'What PRs need my review?', message: 'What PRs need my review?' },
  { title: "What's on my calendar today?", message: "What's on my calendar today?" },
  { title: 'Find 30 minutes with a colleague', message: 'Find 30 minutes tomorrow with @colleague' },
  { title: 'Summarise a channel', message: 'Summarise #general' },
];

/**
 * Bolt 5's assistant surface (the split-view pane). Messages in an assistant thread are ordinary
 * requests: the same handler as a DM, with Slack's "is working…" status while the agent runs.
 * Bolt hands every threaded IM message to the Assistant, so plain DM threads land here too and
 * are served the same way; mentions and top-level DMs keep their own listeners.
 */
export function createAssistant(deps: RequestDeps): Assistant {
  return new Assistant({
    threadStarted: async ({ say, setSuggestedPrompts, logger }) => {
      try {
        await say('Hi! I can work on GitHub, Google Calendar and Slack for you. Risky actions wait for your approval. What can I do?');
        await setSuggestedPrompts({ title: 'Try one of these:', prompts: SUGGESTED_PROMPTS });
      } catch (err) {
        logger.warn({ err }, 'could not greet the assistant thread');
      }
    },
    userMessage: async ({ message, body, client, context, setStatus, logger }) => {
      // Status is a courtesy: workspaces without the assistant pane refuse it, the request still runs.
      await setStatus({ status: 'is working on it…' }).catch((err: unknown) => logger.debug({ err }, 'assistant status unavailable'));
      await handleDirectMessage(client, message, context, deps, body.event_id);
    },
  });
}
