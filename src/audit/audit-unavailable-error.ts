import { AgentHubError } from '../errors.js';

/** Why an append failed, for operators (the user always gets the same sentence). */
export type AuditFailure = 'unreachable' | 'timeout' | 'conflict' | 'rejected' | 'corrupt';

export const AUDIT_UNAVAILABLE_MESSAGE = "I couldn't write the audit record, so I did nothing.";

/**
 * Thrown by every failed append, whatever the cause. Callers catch this one type and refuse the
 * action (ARCHITECTURE.md invariant 7: an action whose record cannot be written is not performed).
 * The message names fields and causes, never values: a refused value may be a credential.
 */
export class AuditUnavailableError extends AgentHubError {
  constructor(
    readonly failure: AuditFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('state_unavailable', message, AUDIT_UNAVAILABLE_MESSAGE, options);
    this.name = 'AuditUnavailableError';
  }
}
