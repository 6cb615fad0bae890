/** Action ids of every interactive element the bot posts, in one place. */
export const ACTIONS = {
  approve: 'approval_approve',
  deny: 'approval_deny',
  /** A URL button (opens the step-up page); Slack still sends a block_actions that must be acked. */
  approveWithMfa: 'approval_approve_mfa',
  secondApprove: 'approval_second_approve',
  cancelCiba: 'approval_cancel_ciba',
} as const;
