import type { ToolDefinition } from '../../tools/tool-definition.js';
import { postMessage } from './post-message.js';
import { summarizeConversation } from './summarize-conversation.js';

export { slackBinding } from './binding.js';
export { createPeopleDirectory } from './people-directory.js';

/** The Slack agent's tools (they use AgentHub's own bot token): the read first, then the write. */
export const slackTools: ToolDefinition[] = [summarizeConversation, postMessage];
