import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { LiveRun } from '../agent/live-runs.js';
import { capabilitiesText } from '../agent/planners/builtin-planner.js';
import type { AgentRunner, TurnResult } from '../agent/runner.js';
import type { ApprovalFlow } from '../approvals/approval-flow.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { AuditRecord } from '../audit/record.js';
import type { ConnectedAccounts } from '../auth/connected-accounts.js';
import type { SignIn } from '../auth/sign-in.js';
import { describeForUser } from '../errors.js';
import type { SlackIdentity } from '../identity.js';
import { scrubSecrets } from '../security/scrub-secrets.js';
import { buildReply, buildWorkingMessage } from './blocks/reply.js';
import { buildConnectPrompt, buildSignInPrompt } from './blocks/sign-in.js';
import type { LongReplies } from './long-replies.js';
import { clip } from './mrkdwn.js';
import { createReplyProgress } from './reply-progress.js';

/** Longer requests are refused: nobody types this much, and it would only cost model tokens. */
export const MAX_REQUEST_CHARS = 4000;

export interface AgentRequest {
  who: SlackIdentity;
  channel: string;
  /** The thread to answer in: the mention's own ts when it starts a thread. */
  threadTs: string;
  text: string;
}

export interface AgentRequestDeps {
  runner: AgentRunner;
  /** Private sign-in links for people not linked yet; the request continues after sign-in. */
  signIn: Pick<SignIn, 'linkFor'>;
  /** Private "Connect GitHub" links when the service isn't connected; the request continues after. */
  connected?: Pick<ConnectedAccounts, 'linkFor'>;
  audit: AuditLog;
  flow: ApprovalFlow;
  plannerName: string;
  /** Long answers show their start and a "Show more" button. */
  replies: LongReplies;
  /** Stream the model's text into the thread (Slack chat streaming); off, the answer arrives as one message. */
  streamReplies?: boolean;
  logger: Logger;
}

/** Removes the bot's own mention and Slack's formatting noise from a request. */
export function cleanRequestText(text: string, botUserId?: string): string {
  let out = text;
  if (botUserId) out = out.replaceAll(`<@${botUserId}>`, ' ');
  out = out.replace(/^\s*<@[A-Z0-9]+>\s*/, ' ');
  return out.replace(/\s+/g, ' ').trim();
}

/** Refusals that need no agent run; `undefined` when the request can go ahead. */
export function checkRequestText(text: string): TurnResult | undefined {
  if (!text) return { status: 'answered', text: `Hi! Tell me what to do after mentioning me. ${capabilitiesText()}` };
  if (text.length > MAX_REQUEST_CHARS) {
    return {
      status: 'answered',
      text: `That request is ${text.length.toLocaleString('en-US')} characters long; I take up to ${MAX_REQUEST_CHARS.toLocaleString('en-US')}. Please shorten it and ask again. Nothing was done.`,
    };
  }
  return undefined;
}

/**
 * Runs one request after Slack's ack: shows progress in the thread at once, runs the agent, then
 * replaces the progress message with the answer, so the thread holds one message per request.
 */
export async function handleAgentRequest(client: WebClient, request: AgentRequest, deps: AgentRequestDeps, live?: LiveRun): Promise<void> {
  const log = deps.logger.child({ team: request.who.teamId, user: request.who.userId, channel: request.channel });
  const refusal = checkRequestText(request.text);
  if (refusal) {
    await client.chat.postMessage({ channel: request.channel, thread_ts: request.threadTs, ...buildReply(refusal, { planner: deps.plannerName }) });
    return;
  }
  // The request is on record before anything is done about it; without the record, nothing is done.
  let asked: AuditRecord;
  try {
    asked = await deps.audit.append({
      teamId: request.who.teamId,
      userId: request.who.userId,
      agent: 'agenthub',
      kind: 'request',
      action: `asked: “${clip(scrubSecrets(request.text), 200)}”`,
      target: request.channel,
      outcome: 'pending',
    });
  } catch (err) {
    const { text, refId } = describeForUser(err);
    log.error({ err, refId }, 'could not record the request; doing nothing');
    await client.chat.postMessage({
      channel: request.channel,
      thread_ts: request.threadTs,
      ...buildReply({ status: 'failed', text, refId }, { planner: deps.plannerName }),
    });
    return;
  }
  const working = await client.chat.postMessage({ channel: request.channel, thread_ts: request.threadTs, ...buildWorkingMessage() });
  const progress = createReplyProgress({
    client,
    channel: request.channel,
    threadTs: request.threadTs,
    who: request.who,
    progressTs: working.ts,
    logger: log,
    stream: deps.streamReplies ?? true,
  });
  const result = await deps.runner.runTurn({ ...request, auditCause: asked.id, ...(live ? { live } : {}) }, progress);
  if (result.status === 'paused') {
    // The approval cards and the "waiting" note replace the progress message; the result comes after the decision.
    await progress.settle();
    await deps.flow.present(result.approvalId, working.ts);
    return;
  }
  if (result.status === 'halted' && result.code === 'not_linked') {
    // The link is private: only the person who asked can complete it, and it carries their request.
    const url = await deps.signIn.linkFor({ who: request.who, resume: { channel: request.channel, threadTs: request.threadTs, text: request.text } });
    await client.chat.postEphemeral({ channel: request.channel, user: request.who.userId, thread_ts: request.threadTs, ...buildSignInPrompt(url) });
    result.text = "Your Slack account isn't linked to AgentHub yet. I sent you a private sign-in link; once you've signed in I'll carry on with this request.";
  }
  if (result.status === 'halted' && result.code === 'connection_required' && result.connect && deps.connected) {
    const service = result.connect.connection.startsWith('google') ? 'Google Calendar' : 'GitHub';
    const url = await deps.connected.linkFor({
      who: request.who,
      connection: result.connect.connection,
      scopes: result.connect.scopes,
      resume: { channel: request.channel, threadTs: request.threadTs, text: request.text },
    });
    await client.chat.postEphemeral({ channel: request.channel, user: request.who.userId, thread_ts: request.threadTs, ...buildConnectPrompt(service, url) });
    result.text = `Your ${service} account isn't connected to AgentHub yet. I sent you a private "Connect ${service}" button; once it's connected I'll carry on with this request.`;
  }
  await progress.finish(await deps.replies.compose(result));
}
