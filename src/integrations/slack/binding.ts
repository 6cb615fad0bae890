import type { WebClient } from '@slack/web-api';
import type { DirectBinding } from '../../tools/tool-executor.js';

/**
 * Slack through AgentHub's own bot token: there is no user token to fetch, so the tools get the bot's
 * WebClient and check themselves, in every call, that the requester may see the conversation.
 * `beforeUse` is the revocation check (someone who revoked AgentHub gets nothing done).
 */
export function slackBinding(client: WebClient, { beforeUse }: Pick<DirectBinding, 'beforeUse'> = {}): DirectBinding {
  return { kind: 'direct', client, ...(beforeUse ? { beforeUse } : {}) };
}
