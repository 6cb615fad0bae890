import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import { type ApprovalRecord, SYSTEM } from '../../approvals/approval-store.js';
import { ACTIONS } from '../ids.js';
import { clip, escapeMrkdwn } from '../mrkdwn.js';
import type { SlackMessage } from './reply.js';

const RISK_LABEL = { low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' } as const;
const SERVICE_LABEL = { github: 'GitHub agent', calendar: 'Calendar agent', slack: 'Slack agent' } as const;

const slackDate = (ms: number, fallback: string) => `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} at {time}|${fallback}>`;

export interface CardOptions {
  role: 'requester' | 'approver';
  /** The step-up page for "Approve with MFA" (requester, when the action needs MFA). */
  stepUpUrl?: string;
}

/** What the bot asks the person to decide: everything needed to decide well, nothing secret. */
/** Preview values longer than this are shown whole in their own block. */
const LONG_PREVIEW = 200;

export function buildApprovalCard(r: ApprovalRecord, { role, stepUpUrl }: CardOptions): SlackMessage {
  const q = r.requirements;
  const who = `<@${r.requesterId}>`;
  const lifetime =
    r.risk === 'high' || r.risk === 'critical'
      ? 'a single-use token for this action only'
      : 'a short-lived token (at most its provider’s expiry, under an hour)';
  const needs = [
    q.ciba ? 'approval in Auth0 Guardian' : q.requesterApproval ? `${who}’s approval` : undefined,
    q.stepUp ? 'MFA verification' : undefined,
    q.secondApprover ? 'a second approver' : undefined,
  ].filter(Boolean);
  const title = role === 'approver' ? 'Second approval needed' : 'Approval needed';
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: `${title}: ${clip(r.description, 100)}` } },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `${who} asked AgentHub in <#${r.channel}> to *${escapeMrkdwn(r.description)}*.` },
      fields: [
        { type: 'mrkdwn', text: `*Agent*\n${SERVICE_LABEL[r.service]}` },
        { type: 'mrkdwn', text: `*Risk*\n${RISK_LABEL[r.risk]}` },
        { type: 'mrkdwn', text: `*Tool*\n\`${r.tool}\`` },
        { type: 'mrkdwn', text: `*Expires*\n${slackDate(r.expiresAt, new Date(r.expiresAt).toISOString())}` },
      ],
    },
    { type: 'section', text: { type: 'mrkdwn', text: `*Exact arguments*\n\`\`\`${clip(escapeMrkdwn(JSON.stringify(r.args, null, 1)), 2800)}\`\`\`` } },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `*Why it needs approval*\n${escapeMrkdwn(clip(r.reason, 1500))}\nNeeds: ${needs.join(' + ') || 'nothing more'}.` },
    },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*Access it will use*\n${r.scopes.map((s) => `\`${s}\``).join(', ') || 'no special access'} through Auth0 Token Vault — ${lifetime}.`,
      },
    },
  ];
  // Short facts go in one list; long texts (a message to post, a comment) get their own quoted
  // block, so the approver reads all of what will be written, not its first line.
  const short = r.preview.filter((l) => l.value.length <= LONG_PREVIEW);
  const long = r.preview.filter((l) => l.value.length > LONG_PREVIEW);
  if (short.length) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*What it touches*\n${short.map((l) => `• *${escapeMrkdwn(l.label)}:* ${escapeMrkdwn(l.value)}`).join('\n')}`.slice(0, 3000),
      },
    });
  }
  for (const l of long) {
    const quoted = escapeMrkdwn(clip(l.value, 2500))
      .split('\n')
      .map((line) => `> ${line}`)
      .join('\n');
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*${escapeMrkdwn(clip(l.label, 100))}*\n${quoted}` } });
  }
  blocks.push(r.status === 'pending' ? buttons(r, role, stepUpUrl) : outcomeLine(r));
  return { text: `${title}: ${r.description} (asked by ${who})`, blocks };
}

function buttons(r: ApprovalRecord, role: CardOptions['role'], stepUpUrl: string | undefined): KnownBlock {
  const q = r.requirements;
  if (q.ciba) {
    return {
      type: 'actions',
      block_id: 'approval',
      elements: [{ type: 'button', action_id: ACTIONS.cancelCiba, text: { type: 'plain_text', text: 'Cancel request' }, style: 'danger', value: r.id }],
    };
  }
  const deny: Button = { type: 'button', action_id: ACTIONS.deny, text: { type: 'plain_text', text: 'Deny' }, style: 'danger', value: r.id };
  const elements: ActionsBlock['elements'] = [];
  if (role === 'approver') {
    elements.push({ type: 'button', action_id: ACTIONS.secondApprove, text: { type: 'plain_text', text: 'Approve' }, style: 'primary', value: r.id });
  } else if (q.stepUp) {
    if (r.stepUpAt === undefined && stepUpUrl) {
      elements.push({
        type: 'button',
        action_id: ACTIONS.approveWithMfa,
        text: { type: 'plain_text', text: 'Approve with MFA' },
        style: 'primary',
        url: stepUpUrl,
        value: r.id,
      });
    }
  } else if (r.requesterApprovedAt === undefined) {
    elements.push({ type: 'button', action_id: ACTIONS.approve, text: { type: 'plain_text', text: 'Approve' }, style: 'primary', value: r.id });
  }
  elements.push(deny);
  return { type: 'actions', block_id: 'approval', elements };
}

function outcomeLine(r: ApprovalRecord): KnownBlock {
  const when = r.decidedAt ? slackDate(r.decidedAt, new Date(r.decidedAt).toISOString()) : '';
  const by = r.decidedBy && r.decidedBy !== SYSTEM ? `<@${r.decidedBy}>` : 'AgentHub';
  const text = {
    approved: `:white_check_mark: *Approved* by ${by} ${when}${r.secondApproval ? ` (second approver <@${r.secondApproval.by}>)` : ''}${r.stepUpAt ? ' · MFA verified' : ''}`,
    denied: `:no_entry: *Denied* by ${by} ${when}. Nothing was done.`,
    expired: `:hourglass: *Expired* ${when} before anyone decided. Nothing was done.`,
    cancelled: `:heavy_multiplication_x: *Cancelled* ${when}. Nothing was done.`,
    pending: '',
  }[r.status];
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

/** Shown in the request's thread while the action waits; a Guardian request can be cancelled from here. */
export function buildWaitingMessage(r: ApprovalRecord): SlackMessage {
  const where = r.requirements.ciba
    ? 'in Auth0 Guardian on their phone'
    : r.requirements.secondApprover
      ? 'in their DMs (it also needs a second approver)'
      : 'in their DMs';
  const text = `:pause_button: Waiting for <@${r.requesterId}> to approve *${escapeMrkdwn(r.description)}* ${where}. Nothing happens until then.`;
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text } }];
  if (r.requirements.ciba) {
    blocks.push({
      type: 'actions',
      block_id: 'approval',
      elements: [{ type: 'button', action_id: ACTIONS.cancelCiba, text: { type: 'plain_text', text: 'Cancel request' }, style: 'danger', value: r.id }],
    });
  }
  return { text, blocks };
}
