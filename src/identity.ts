/** Who is asking: a Slack user in a Slack workspace. Every per-user record is keyed by both. */
export interface SlackIdentity {
  teamId: string;
  userId: string;
}

export function identityKey({ teamId, userId }: SlackIdentity): string {
  return `${teamId}:${userId}`;
}
