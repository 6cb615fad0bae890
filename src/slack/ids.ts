/** Action ids of every interactive element the bot posts, in one place. */
export const ACTIONS = {
  approve: 'approval_approve',
  deny: 'approval_deny',
  /** A URL button (opens the step-up page); Slack still sends a block_actions that must be acked. */
  approveWithMfa: 'approval_approve_mfa',
  secondApprove: 'approval_second_approve',
  cancelCiba: 'approval_cancel_ciba',
  openSignIn: 'sign_in_open',
  openConnect: 'connect_open',
  revoke: 'revoke_access',
  showMore: 'reply_show_more',
  auditAgent: 'audit_filter_agent',
  auditOutcome: 'audit_filter_outcome',
  auditHighRisk: 'audit_filter_high_risk',
  auditOlder: 'audit_page_older',
  auditNewer: 'audit_page_newer',
} as const;
