import type { AuditLog } from '../../audit/audit-log.js';
import type { Policy } from '../../policy/types.js';
import { auditEntryText } from '../../slack/blocks/audit-home.js';
import type { Subcommand } from './subcommands.js';

const WINDOW_DAYS = 7;
const SCAN = 2000;

/** `/agenthub audit`: a short private summary of the last week; the App Home tab has the full trail. */
export function createAuditSubcommand({ audit, policy }: { audit: AuditLog; policy: Policy }): Subcommand {
  return {
    usage: 'audit',
    summary: 'a summary of what your agents did this week (App Home has the full trail)',
    async run({ command }) {
      const admin = policy.admins.includes(command.user_id);
      const since = Date.now() - WINDOW_DAYS * 86_400_000;
      const records = (await audit.latest(command.team_id, SCAN, admin ? {} : { userId: command.user_id }, SCAN)).filter((r) => Date.parse(r.at) >= since);
      const count = (pred: (r: (typeof records)[number]) => boolean) => records.filter(pred).length;
      const done = count((r) => r.kind === 'tool_call_finished' && r.outcome === 'ok');
      const failed = count((r) => r.kind === 'tool_call_finished' && r.outcome === 'error');
      const approved = count((r) => r.kind === 'approval_decided' && r.decision === 'approved');
      const denied = count((r) => r.kind === 'approval_decided' && r.decision === 'denied');
      const expired = count((r) => r.kind === 'approval_decided' && r.decision === 'expired');
      const stepUps = count((r) => r.kind === 'step_up');
      const refused = count((r) => r.kind === 'policy_decision' && r.decision === 'deny');
      const who = admin ? 'In this workspace' : 'For you';
      const lines = [
        `*Audit — last ${WINDOW_DAYS} days.* ${who}: *${done}* action${done === 1 ? '' : 's'} done, ${failed} failed; ${approved} approved, ${denied} denied, ${expired} expired; ${stepUps} MFA step-up${stepUps === 1 ? '' : 's'}; ${refused} refused by policy.`,
      ];
      const latest = records.filter((r) => r.kind !== 'token_exchange').slice(0, 5);
      if (latest.length) lines.push('*Latest:*', ...latest.map((r) => auditEntryText(r, { showUser: admin })));
      else lines.push('Nothing recorded in that time.');
      lines.push('Open the AgentHub *Home* tab for the full trail with filters.');
      return { text: lines.join('\n') };
    },
  };
}
