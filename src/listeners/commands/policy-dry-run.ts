import { EXAMPLE_REQUESTS } from '../../agent/planners/builtin-planner.js';
import { interpretRequest } from '../../agent/planners/interpret-request.js';
import type { Gate } from '../../policy/gate.js';
import type { Decision } from '../../policy/types.js';
import { clip, escapeMrkdwn } from '../../slack/mrkdwn.js';
import type { ToolExecutor } from '../../tools/tool-executor.js';
import type { LinkedAccountStore } from '../../vault/linked-accounts.js';
import type { Subcommand } from './subcommands.js';

const OUTCOME_WORDS: Record<Decision['outcome'], string> = {
  allow: '✅ *Allowed* — it would run right away',
  approve: '🟡 *Needs your approval* — you would get a DM card with Approve / Deny',
  step_up: '🔐 *Needs your approval with MFA* — the DM card’s “Approve with MFA” opens an Auth0 sign-in with multi-factor',
  ciba: '📱 *Needs approval in Auth0 Guardian* — a push notification to your phone',
  deny: '⛔ *Not allowed*',
};

/**
 * `/agenthub policy <request>`: what the gate would decide for a request, and why, without doing
 * it. The request is read by the deterministic built-in reader (no model call), and the only
 * upstream call is a read of what the action touches (visibility, branch protection), as the gate does.
 */
export function createPolicySubcommand({ executor, gate, accounts }: { executor: ToolExecutor; gate: Gate; accounts: LinkedAccountStore }): Subcommand {
  return {
    usage: 'policy <request>',
    summary: 'explain what AgentHub would decide for a request, without doing it',
    async run({ command, args }) {
      const request = args.join(' ').trim();
      if (!request) return { text: `Tell me which request to check, e.g. \`/agenthub policy ${EXAMPLE_REQUESTS.GitHub[3]}\`. Nothing is done.` };
      const reading = interpretRequest(request);
      if (reading.kind !== 'tool') {
        const hint = reading.kind === 'ask' ? reading.text : `I couldn't tell which action "${escapeMrkdwn(clip(request, 80))}" is.`;
        return {
          text: `${hint} Try for example: ${[EXAMPLE_REQUESTS.GitHub[3], EXAMPLE_REQUESTS.GitHub[5], EXAMPLE_REQUESTS.Calendar[2]].map((e) => `\`/agenthub policy ${e}\``).join(', ')}.`,
        };
      }
      const prepared = executor.prepare(reading.name, reading.args);
      if (!prepared.ok) return { text: `${prepared.message} Nothing was done.` };
      const who = { teamId: command.team_id, userId: command.user_id };
      const { tool, args: toolArgs } = prepared.value;
      const linked = Boolean(await accounts.get(who));
      const target = linked ? await executor.target(prepared.value, who) : undefined;
      const facts = target?.ok ? target.value : {};
      const decision = await gate.check({ who, tool, args: toolArgs, target: facts });
      const lines = [
        '*Dry run — nothing was done.*',
        `*Request:* _${escapeMrkdwn(clip(request, 200))}_ → *${escapeMrkdwn(tool.describe(toolArgs))}* (\`${tool.name}\`, risk ${decision.risk})`,
        `*Decision:* ${OUTCOME_WORDS[decision.outcome]}${decision.requirements.secondApprover ? `, plus a second approver (${decision.requirements.secondApprover.approvers.map((u) => `<@${u}>`).join(', ')})` : ''}.`,
        `*Why:* ${escapeMrkdwn(decision.reason)}${decision.matchedRules.length ? ` (policy rules: ${decision.matchedRules.join(', ')})` : ''}.`,
        `*Access:* ${tool.scopes.map((s) => `\`${s}\``).join(', ')} through Token Vault, ${tool.risk === 'high' || tool.risk === 'critical' ? 'with a single-use token' : 'with a short-lived token'}.`,
      ];
      if (!linked)
        lines.push(
          '_Your account isn’t linked, so I couldn’t check the repository itself (private or not, branch protection); the real decision may be stricter._',
        );
      else if (target && !target.ok) lines.push(`_I couldn’t read the repository (${escapeMrkdwn(target.message)}); the real decision may be stricter._`);
      return { text: lines.join('\n') };
    },
  };
}
