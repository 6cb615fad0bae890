import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Logger } from 'pino';
import type { ApprovalFlow } from '../../approvals/approval-flow.js';
import type { DecisionKind } from '../../approvals/approval-store.js';
import { describeForUser } from '../../errors.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

const DONE: Record<string, string> = {
  approved: 'it was already approved',
  denied: 'it was already denied',
  expired: 'it has expired; nothing was done — ask again if it is still needed',
  cancelled: 'it was cancelled',
};

/**
 * Approve / Deny / second-approve clicks. The clicker is who Slack says clicked (a signed request),
 * the team must match, and the approval store decides atomically — so a wrong person, a double click
 * or twenty clicks at once change nothing beyond the first valid decision.
 */
export function createApprovalButtonListener({ flow, kind, logger }: { flow: ApprovalFlow; kind: DecisionKind; logger: Logger }) {
  return async ({ ack, body, action, respond }: ButtonArgs) => {
    await ack();
    const approvalId = action.value ?? '';
    const clicker = body.user.id;
    const tell = (text: string) =>
      respond({ response_type: 'ephemeral', replace_original: false, text }).catch((err) => logger.warn({ err }, 'could not answer the click'));
    try {
      const outcome = await flow.decide(approvalId, kind, clicker, body.team?.id ?? '');
      if (outcome.result === 'updated') return;
      if (outcome.result === 'not_found') return void (await tell('That approval no longer exists. Nothing was done.'));
      if (outcome.result === 'forbidden') return void (await tell(`You can't decide this one: ${outcome.why}. Nothing was changed.`));
      await tell(`Nothing to do: ${DONE[outcome.record.status] ?? 'it is already decided'}.`);
    } catch (err) {
      const { text, refId } = describeForUser(err);
      logger.error({ err, refId, approvalId }, 'approval click failed');
      await tell(`${text} (reference ${refId})`);
    }
  };
}
