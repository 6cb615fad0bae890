import type { KnownBlock, PlainTextOption } from '@slack/types';
import type { AuditAgent, AuditOutcome, ChainedRecord } from '../../audit/record.js';
import { ACTIONS } from '../ids.js';
import { clip, escapeMrkdwn } from '../mrkdwn.js';

/** What the viewer chose to see; kept in the Home view's private_metadata between clicks. */
export interface AuditViewState {
  agent?: AuditAgent;
  outcome?: AuditOutcome;
  highRiskOnly?: boolean;
  /** Paging: show records older than this stream id (undefined = newest). */
  before?: string;
  /** The cursors of the pages before this one, to go back. */
  newer?: string[];
}

export const AUDIT_PAGE_SIZE = 20;

const OUTCOME_ICON: Record<string, string> = { ok: ':white_check_mark:', error: ':x:', refused: ':no_entry:', pending: ':hourglass_flowing_sand:' };
const KIND_ICON: Record<string, string> = {
  request: ':speech_balloon:',
  policy_decision: ':scales:',
  approval_requested: ':raised_hand:',
  approval_decided: ':ballot_box_with_check:',
  step_up: ':closed_lock_with_key:',
  token_exchange: ':key:',
  tool_call_started: ':arrow_forward:',
  tool_call_finished: ':checkered_flag:',
  revocation: ':scissors:',
  sign_in: ':bust_in_silhouette:',
  connection_change: ':link:',
  retention_marker: ':scroll:',
};
const AGENT_NAME: Record<AuditAgent, string> = { github: 'GitHub', calendar: 'Calendar', slack: 'Slack', agenthub: 'AgentHub' };

const option = (text: string, value: string): PlainTextOption => ({ text: { type: 'plain_text', text }, value });

/** One record, readable at a glance: icon, the action in plain words, who, when (relative), why. */
export function auditEntryText(r: ChainedRecord, { showUser }: { showUser: boolean }): string {
  const icon = (r.outcome && OUTCOME_ICON[r.outcome]) ?? KIND_ICON[r.kind] ?? ':small_blue_diamond:';
  const seconds = Math.floor(Date.parse(r.at) / 1000);
  const details = [
    AGENT_NAME[r.agent],
    showUser && r.userId ? `<@${r.userId}>` : undefined,
    `<!date^${seconds}^{ago}|${r.at}>`,
    r.decision ? `decision: ${r.decision}` : undefined,
    r.risk && r.risk !== 'low' ? `${r.risk} risk` : undefined,
  ].filter(Boolean);
  const why = r.reason ? `\n_${escapeMrkdwn(clip(r.reason, 200))}_` : r.summary ? `\n_${escapeMrkdwn(clip(r.summary, 200))}_` : '';
  return `${icon} *${escapeMrkdwn(clip(r.action, 200))}*${r.target ? ` · \`${escapeMrkdwn(clip(r.target, 80))}\`` : ''}\n${details.join(' · ')}${why}`;
}

/**
 * The audit part of App Home: filters, one section per record, paging. At most 4 + page size + 2
 * blocks, so with the rest of Home it stays far below Slack's 100-block limit however long the trail.
 */
export function buildAuditBlocks(
  records: ChainedRecord[],
  state: AuditViewState,
  { scope, hasOlder }: { scope: 'mine' | 'workspace'; hasOlder: boolean },
): KnownBlock[] {
  const agentOptions = [
    option('All agents', 'all'),
    option('GitHub', 'github'),
    option('Calendar', 'calendar'),
    option('Slack', 'slack'),
    option('AgentHub', 'agenthub'),
  ];
  const outcomeOptions = [
    option('Any outcome', 'all'),
    option('Done', 'ok'),
    option('Failed', 'error'),
    option('Refused', 'refused'),
    option('Pending', 'pending'),
  ];
  const pick = (options: PlainTextOption[], value: string | undefined) => options.find((o) => o.value === (value ?? 'all')) ?? options[0]!;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: scope === 'workspace' ? 'Audit trail — whole workspace' : 'Audit trail — your requests' } },
    {
      type: 'actions',
      block_id: 'audit_filters',
      elements: [
        { type: 'static_select', action_id: ACTIONS.auditAgent, options: agentOptions, initial_option: pick(agentOptions, state.agent) },
        { type: 'static_select', action_id: ACTIONS.auditOutcome, options: outcomeOptions, initial_option: pick(outcomeOptions, state.outcome) },
        {
          type: 'button',
          action_id: ACTIONS.auditHighRisk,
          text: { type: 'plain_text', text: state.highRiskOnly ? 'Showing high risk only' : 'High risk only' },
          value: state.highRiskOnly ? 'off' : 'on',
          ...(state.highRiskOnly ? { style: 'primary' as const } : {}),
        },
      ],
    },
  ];
  if (records.length === 0) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: state.before ? 'No older records match.' : 'Nothing recorded yet that matches. Every request, decision and action will show here.',
      },
    });
  }
  for (const r of records.slice(0, AUDIT_PAGE_SIZE))
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: auditEntryText(r, { showUser: scope === 'workspace' }) } });
  const paging = [];
  if (state.before)
    paging.push({ type: 'button' as const, action_id: ACTIONS.auditNewer, text: { type: 'plain_text' as const, text: '← Newer' }, value: 'newer' });
  if (hasOlder)
    paging.push({
      type: 'button' as const,
      action_id: ACTIONS.auditOlder,
      text: { type: 'plain_text' as const, text: 'Older →' },
      value: records.at(AUDIT_PAGE_SIZE - 1)?.id ?? '',
    });
  if (paging.length) blocks.push({ type: 'actions', block_id: 'audit_paging', elements: paging });
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: 'Records are hash-chained; `npm run audit -- verify` proves none was edited, removed or reordered.' }],
  });
  return blocks;
}
