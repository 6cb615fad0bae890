import type { App } from '@slack/bolt';
import { ACTIONS } from '../../slack/ids.js';
import type { ListenerDeps } from '../deps.js';
import { createApprovalButtonListener } from './approval-buttons.js';
import { createAuditHomeListener } from './audit-home.js';
import { createRevokeButtonListener } from './revoke-button.js';
import { createShowMoreListener } from './show-more.js';

export function registerActionListeners(app: App, deps: ListenerDeps): void {
  const { flow, logger } = deps;
  app.action(ACTIONS.approve, createApprovalButtonListener({ flow, kind: 'approve', logger }));
  app.action(ACTIONS.deny, createApprovalButtonListener({ flow, kind: 'deny', logger }));
  app.action(ACTIONS.secondApprove, createApprovalButtonListener({ flow, kind: 'second_approve', logger }));
  app.action(ACTIONS.cancelCiba, createApprovalButtonListener({ flow, kind: 'cancel', logger }));
  // A URL button opens the step-up page in the browser; Slack still reports the click, which only needs an ack.
  app.action(ACTIONS.approveWithMfa, async ({ ack }) => ack());
  app.action(ACTIONS.openSignIn, async ({ ack }) => ack());
  app.action(ACTIONS.openConnect, async ({ ack }) => ack());
  app.action(ACTIONS.revoke, createRevokeButtonListener(deps));
  app.action(ACTIONS.showMore, createShowMoreListener(deps));
  const auditHome = createAuditHomeListener(deps.home);
  for (const id of [ACTIONS.auditAgent, ACTIONS.auditOutcome, ACTIONS.auditHighRisk, ACTIONS.auditOlder, ACTIONS.auditNewer]) app.action(id, auditHome);
}
