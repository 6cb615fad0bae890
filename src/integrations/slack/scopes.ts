/**
 * Slack bot scopes, grouped by what they let AgentHub do. A conversation may be a public channel,
 * a private one, a DM or a group DM, so a tool working on "a conversation" needs each kind's scope.
 */
export const SLACK_SCOPES = {
  /** conversations.info and conversations.members: who is in a conversation. */
  readConversations: ['channels:read', 'groups:read', 'im:read', 'mpim:read'],
  /** conversations.history and conversations.replies. */
  readHistory: ['channels:history', 'groups:history', 'im:history', 'mpim:history'],
  /** users.info (names and time zones; e-mail needs users:read.email). */
  readPeople: ['users:read'],
  post: ['chat:write'],
} as const;
