import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { AuditAgent, AuditOutcome } from '../../audit/record.js';
import type { AuditViewState } from '../../slack/blocks/audit-home.js';
import { type HomePublisher, readViewState } from '../../slack/home-publisher.js';
import { ACTIONS } from '../../slack/ids.js';

type Args = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** Filter and paging clicks in App Home: the new state is derived from the view's own state. */
export function createAuditHomeListener(home: HomePublisher) {
  return async ({ ack, body, action, client }: Args) => {
    await ack();
    const teamId = body.team?.id ?? body.user.team_id;
    if (!teamId) return;
    const state = readViewState(body.view?.private_metadata);
    const next: AuditViewState = { ...state };
    const selected = 'selected_option' in action ? action.selected_option?.value : undefined;
    switch (action.action_id) {
      case ACTIONS.auditAgent:
        next.agent = selected === 'all' ? undefined : (selected as AuditAgent);
        next.before = undefined;
        next.newer = [];
        break;
      case ACTIONS.auditOutcome:
        next.outcome = selected === 'all' ? undefined : (selected as AuditOutcome);
        next.before = undefined;
        next.newer = [];
        break;
      case ACTIONS.auditHighRisk:
        next.highRiskOnly = 'value' in action && action.value === 'on';
        next.before = undefined;
        next.newer = [];
        break;
      case ACTIONS.auditOlder:
        next.newer = [...(state.newer ?? []), state.before ?? ''];
        next.before = 'value' in action ? action.value : undefined;
        break;
      case ACTIONS.auditNewer: {
        const newer = [...(state.newer ?? [])];
        next.before = newer.pop() || undefined;
        next.newer = newer;
        break;
      }
    }
    await home.publish(client, { teamId, userId: body.user.id }, next);
  };
}
