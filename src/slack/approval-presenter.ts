import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { ApprovalFlow, ApprovalPresenter } from '../approvals/approval-flow.js';
import type { ApprovalCard, ApprovalRecord, ApprovalStore } from '../approvals/approval-store.js';
import { buildApprovalCard, buildWaitingMessage } from './blocks/approval-card.js';
import type { LongReplies } from './long-replies.js';

export interface SlackApprovalPresenterDeps {
  client: WebClient;
  approvals: ApprovalStore;
  logger: Logger;
  /** Long results show their start and a "Show more" button. */
  replies: LongReplies;
  /** The "Approve with MFA" page for an approval. */
  stepUpUrl?: (record: ApprovalRecord) => Promise<string>;
  /** Set after construction: a result may pause on the next approval, which the flow presents. */
  flow?: () => ApprovalFlow;
}

/** Approvals in Slack: DM cards to whoever decides, a waiting note and then the result in the thread. */
export function createSlackApprovalPresenter(deps: SlackApprovalPresenterDeps): ApprovalPresenter {
  const { client, approvals, logger } = deps;

  async function dm(userId: string): Promise<string> {
    const opened = await client.conversations.open({ users: userId });
    if (!opened.channel?.id) throw new Error('conversations.open returned no channel');
    return opened.channel.id;
  }

  async function card(r: ApprovalRecord, role: ApprovalCard['role']) {
    const stepUpUrl = role === 'requester' && r.requirements.stepUp && deps.stepUpUrl ? await deps.stepUpUrl(r) : undefined;
    return buildApprovalCard(r, { role, stepUpUrl });
  }

  async function updateProgress(r: ApprovalRecord, message: { text: string; blocks: unknown[] }) {
    if (r.progressTs) {
      try {
        await client.chat.update({ channel: r.channel, ts: r.progressTs, text: message.text, blocks: message.blocks as never });
        return;
      } catch (err) {
        logger.warn({ err, approvalId: r.id }, 'could not update the progress message; posting instead');
      }
    }
    await client.chat.postMessage({ channel: r.channel, thread_ts: r.threadTs, text: message.text, blocks: message.blocks as never });
  }

  return {
    async present(r) {
      const targets: Array<{ role: ApprovalCard['role']; userId: string }> = [];
      targets.push({ role: 'requester', userId: r.requesterId });
      for (const userId of r.requirements.secondApprover?.approvers ?? []) targets.push({ role: 'approver', userId });
      const cards: ApprovalCard[] = [];
      for (const t of targets) {
        const channel = await dm(t.userId);
        const posted = await client.chat.postMessage({ channel, ...(await card(r, t.role)) });
        if (posted.ts) cards.push({ role: t.role, userId: t.userId, channel, ts: posted.ts });
      }
      await approvals.update(r.id, (cur) => ({ cards: [...cur.cards, ...cards] }));
      await updateProgress(r, buildWaitingMessage(r));
    },
    async refresh(r) {
      for (const c of r.cards) {
        await client.chat.update({ channel: c.channel, ts: c.ts, ...(await card(r, c.role)) });
      }
    },
    async showResult(r, result) {
      if (result.status === 'paused') {
        const next = await approvals.get(result.approvalId);
        if (next && deps.flow) {
          await deps.flow().present(next.id, r.progressTs);
          return;
        }
      }
      await updateProgress(r, await deps.replies.compose(result));
    },
  };
}
