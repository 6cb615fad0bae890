/**
 * The one place Redis keys are built: `<prefix>:<kind>:<id parts…>`.
 *
 * The prefix defaults to `agenthub`; tests pass their own so that parallel test files
 * sharing one Redis never see each other's data.
 */
export type KeyKind =
  | 'event'
  | 'refresh-token'
  | 'token'
  | 'checkpoint'
  | 'checkpoint-index'
  | 'checkpoint-writes'
  | 'ratelimit'
  | 'lock'
  | 'browser-hop'
  | 'step-up-link'
  | 'approval'
  | 'reply'
  | 'approval-expiry'
  | 'approval-exec'
  | 'approvals-of'
  | 'revoke-retry'
  | 'revoked'
  | 'channel'
  | 'connect-link'
  | 'private-read'
  | 'high-risk'
  // CIBA approvals waiting on Auth0 (src/approvals/ciba/ciba-poller.ts): a hash per request and the poll schedule.
  | 'ciba-request'
  | 'ciba-schedule'
  // The audit trail (src/audit): one hash-chained Redis Stream per workspace.
  | 'audit'
  // Leases of running turns, so another process can report a run whose process died (src/agent/live-runs.ts).
  | 'live-run'
  // Requests acked but not yet started, shared by every bot process (src/intake/request-queue.ts).
  | 'request-queue'
  // Each process's canary, written by every heartbeat that proves its tracked reads current (src/store/tracked-reads.ts).
  | 'tracking-canary';

export interface Keys {
  readonly prefix: string;
  key(kind: KeyKind, ...id: string[]): string;
  /** Glob pattern matching every key of one kind (for scans in maintenance and tests). */
  pattern(kind: KeyKind): string;
}

export function createKeys(prefix = 'agenthub'): Keys {
  // ':' separates parts, so it is escaped inside parts to keep keys unambiguous.
  const part = (s: string) => s.replaceAll('%', '%25').replaceAll(':', '%3A');
  return {
    prefix,
    key: (kind, ...id) => [prefix, kind, ...id.map(part)].join(':'),
    pattern: (kind) => `${prefix}:${kind}:*`,
  };
}
