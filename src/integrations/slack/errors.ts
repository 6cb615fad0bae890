import { ErrorCode, type WebAPICallError } from '@slack/web-api';
import { AgentHubError } from '../../errors.js';

/** What to tell someone who asked the bot to invite itself somewhere it can't see. */
export const INVITE_ME = 'Invite me with /invite @AgentHub first.';

/** Slack's own error code of a failed Web API call (`channel_not_found`), when Slack answered one. */
export function slackErrorCode(err: unknown): string | undefined {
  const e = err as Partial<WebAPICallError> | undefined;
  return e?.code === ErrorCode.PlatformError ? e.data?.error : undefined;
}

/** Slack answers that mean the bot's own installation is broken: a person can't fix it by asking again. */
const BROKEN_INSTALL = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'no_permission']);
/** Channel settings that stop the bot from posting (announcement-only, thread-only, …). */
const RESTRICTED = /^restricted_action|^ekm_access_denied$|^team_access_not_granted$|^cannot_reply_to_message$/;

/**
 * Maps a failed Slack call about `where` ("#general", "that channel") to one sentence a person can act on.
 * `writing` marks a call whose failure may have left a message posted, so the sentence says so.
 */
export function explainSlackError(err: unknown, where: string, { writing = false }: { writing?: boolean } = {}): unknown {
  if (err instanceof AgentHubError) return err;
  const e = err as Partial<WebAPICallError> | undefined;
  const fail = (code: ConstructorParameters<typeof AgentHubError>[0], userMessage: string) =>
    new AgentHubError(code, `Slack ${slackErrorCode(err) ?? e?.code ?? 'error'} for ${where}`, userMessage, { cause: err });

  if (e?.code === ErrorCode.RateLimitedError) {
    const wait = e.retryAfter;
    return fail(
      'rate_limited',
      `Slack is rate-limiting me right now. Try again in about ${wait && wait >= 90 ? `${Math.ceil(wait / 60)} minutes` : `${Math.max(1, wait ?? 30)} seconds`}.`,
    );
  }
  if (e?.code === ErrorCode.HTTPError || e?.code === ErrorCode.RequestError) {
    return fail(
      'upstream_unavailable',
      writing
        ? `Slack failed while I was posting in ${where}, so I can't tell whether the message went out. Check ${where} before asking again.`
        : 'Slack is having trouble right now. Try again shortly.',
    );
  }
  const code = slackErrorCode(err);
  if (!code) return err;
  if (code === 'channel_not_found') {
    return fail('not_found', `I can't see that channel: it doesn't exist, or it's private and I'm not in it. ${INVITE_ME}`);
  }
  if (code === 'not_in_channel') return fail('upstream_rejected', `I'm not in ${where}. ${INVITE_ME}`);
  if (code === 'is_archived') return fail('upstream_rejected', `${where} is archived, so nothing can be posted in it.`);
  if (code === 'thread_not_found' || code === 'message_not_found') return fail('not_found', `I couldn't find that thread in ${where}.`);
  if (code === 'user_not_found' || code === 'users_not_found') return fail('not_found', "I couldn't find that Slack user.");
  if (code === 'msg_too_long') return fail('bad_request', 'That message is too long for Slack; make it shorter.');
  if (code === 'ratelimited') return fail('rate_limited', 'Slack is rate-limiting me right now. Try again in a minute.');
  if (code === 'missing_scope') {
    const needed = (err as { data?: { needed?: unknown } }).data?.needed;
    const permission = typeof needed === 'string' ? `the ${needed} permission` : 'a permission it needs';
    return fail('upstream_rejected', `AgentHub's Slack app is missing ${permission}; ask a workspace admin to reinstall it.`);
  }
  if (RESTRICTED.test(code)) return fail('upstream_rejected', `Slack doesn't let me post in ${where} (the channel restricts who can post or reply).`);
  if (BROKEN_INSTALL.has(code)) return fail('internal', "AgentHub's Slack app isn't authorized any more; ask a workspace admin to reinstall it.");
  return err;
}

/** Runs one Slack call, turning its failure into a sentence about `where`. */
export async function withSlackErrors<T>(where: string, fn: () => Promise<T>, opts?: { writing?: boolean }): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw explainSlackError(err, where, opts);
  }
}
