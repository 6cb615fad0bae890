import { randomBytes } from 'node:crypto';

/**
 * One coded error type. `userMessage` is safe to show in Slack; `message` and `cause` are for
 * operators and go to the log only. The reference id ties the two together.
 */
export type ErrorCode =
  | 'not_linked'
  | 'revoked'
  | 'connection_required'
  | 'upstream_unavailable'
  | 'upstream_rejected'
  | 'not_found'
  | 'rate_limited'
  | 'state_unavailable'
  | 'bad_request'
  | 'internal';

export class AgentHubError extends Error {
  readonly refId = newRefId();
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly userMessage: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AgentHubError';
  }
}

export function newRefId(): string {
  return `ref-${randomBytes(4).toString('hex')}`;
}

export function isAgentHubError(err: unknown): err is AgentHubError {
  return err instanceof AgentHubError;
}

/** Turns anything thrown into a sentence for the user plus the reference id the logs carry. */
export function describeForUser(err: unknown): { text: string; refId: string; code: ErrorCode } {
  if (isAgentHubError(err)) return { text: err.userMessage, refId: err.refId, code: err.code };
  const refId = newRefId();
  return { text: 'Something went wrong on my side and nothing was changed.', refId, code: 'internal' };
}
