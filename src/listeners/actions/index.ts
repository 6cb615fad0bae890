import type { AllMiddlewareArgs, App, SlackActionMiddlewareArgs } from '@slack/bolt';
import { ACTIONS } from '../../slack/ids.js';
import type { ListenerDeps } from '../deps.js';
import { createApprovalButtonListener } from './approval-buttons.js';
import { createAuditHomeListener } from './audit-home.js';
import { createRevokeButtonListener } from './revoke-button.js';
import { createShowMoreListener } from './show-more.js';

type ActionArgs = SlackActionMiddlewareArgs & AllMiddlewareArgs;
type ActionListener = (args: ActionArgs) => Promise<void>;

const ackOnly: ActionListener = async ({ ack }) => ack();

/**
 * Every button and menu, behind one Bolt listener that dispatches on action_id. Bolt runs every
 * request through every registered listener's chain: fifteen listeners here halved a bare Bolt
 * app's ack throughput in `npm run bench`, while one costs what a single listener does.
 */
export function registerActionListeners(app: App, deps: ListenerDeps): void {
  const { flow, logger } = deps;
  const auditHome = createAuditHomeListener(deps.home) as ActionListener;
  const byId = new Map<string, ActionListener>([
    [ACTIONS.approve, createApprovalButtonListener({ flow, kind: 'approve', logger }) as ActionListener],
    [ACTIONS.deny, createApprovalButtonListener({ flow, kind: 'deny', logger }) as ActionListener],
    [ACTIONS.secondApprove, createApprovalButtonListener({ flow, kind: 'second_approve', logger }) as ActionListener],
    [ACTIONS.cancelCiba, createApprovalButtonListener({ flow, kind: 'cancel', logger }) as ActionListener],
    // A URL button opens a page in the browser; Slack still reports the click, which only needs an ack.
    [ACTIONS.approveWithMfa, ackOnly],
    [ACTIONS.openSignIn, ackOnly],
    [ACTIONS.openConnect, ackOnly],
    [ACTIONS.revoke, createRevokeButtonListener(deps) as ActionListener],
    [ACTIONS.showMore, createShowMoreListener(deps) as ActionListener],
    ...[ACTIONS.auditAgent, ACTIONS.auditOutcome, ACTIONS.auditHighRisk, ACTIONS.auditOlder, ACTIONS.auditNewer].map((id) => [id, auditHome] as const),
  ]);
  const ours = new RegExp(`^(?:${[...byId.keys()].join('|')})$`);
  app.action(ours, async (args) => {
    const id = (args.action as { action_id?: string }).action_id;
    await byId.get(id ?? '')?.(args as ActionArgs);
  });
}
