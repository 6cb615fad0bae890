/**
 * Sends requests to a Bolt app exactly as Slack does, and builds the payloads Slack sends.
 *
 * Signing is v0 HMAC-SHA256 over `v0:<ts>:<raw body>` of the exact bytes sent. Content types are
 * the bare strings Slack uses: Bolt compares them with `===`, so a `; charset=utf-8` suffix
 * turns a form post into a 400 (slack.md §2.5).
 */
import { createHmac } from 'node:crypto';

export const FORM = 'application/x-www-form-urlencoded';
export const JSON_CT = 'application/json';

export interface SlackSendOptions {
  /** X-Slack-Request-Timestamp in unix seconds (default: now). Use `now - 301` for a stale request. */
  ts?: number;
  /** Sign with this secret instead of the app's. */
  signWith?: string;
  /** Shorthand for `signWith: 'wrong-secret'`. */
  wrongSecret?: boolean;
  /** Send no signature headers at all. */
  unsigned?: boolean;
  /** Adds X-Slack-Retry-Num / X-Slack-Retry-Reason as on a redelivery. */
  retry?: { num: number; reason?: string };
  /** Extra or overriding headers. */
  headers?: Record<string, string>;
  /** Override the content type (to test Bolt's strictness). */
  contentType?: string;
}

/** The two signature headers Slack sends for `rawBody`. */
export function signSlackRequest(signingSecret: string, rawBody: string, ts = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = `v0=${createHmac('sha256', signingSecret).update(`v0:${ts}:${rawBody}`).digest('hex')}`;
  return { 'X-Slack-Request-Timestamp': String(ts), 'X-Slack-Signature': signature };
}

async function send(url: string, secret: string, rawBody: string, contentType: string, o: SlackSendOptions): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': o.contentType ?? contentType };
  if (!o.unsigned) Object.assign(headers, signSlackRequest(o.wrongSecret ? 'wrong-secret' : (o.signWith ?? secret), rawBody, o.ts));
  if (o.retry) {
    headers['X-Slack-Retry-Num'] = String(o.retry.num);
    headers['X-Slack-Retry-Reason'] = o.retry.reason ?? 'http_timeout';
  }
  Object.assign(headers, o.headers ?? {});
  return fetch(url, { method: 'POST', headers, body: rawBody });
}

/** Events API delivery: JSON body. `url` is the app's full endpoint, e.g. `http://127.0.0.1:PORT/slack/events`. */
export function postEvent(url: string, secret: string, envelope: object, o: SlackSendOptions = {}): Promise<Response> {
  return send(url, secret, JSON.stringify(envelope), JSON_CT, o);
}

/** Slash command: flat form fields. */
export function postCommand(url: string, secret: string, fields: Record<string, string>, o: SlackSendOptions = {}): Promise<Response> {
  return send(url, secret, new URLSearchParams(fields).toString(), FORM, o);
}

/** Interactivity (block_actions, view_submission, …): form body with one `payload` field holding JSON. */
export function postInteraction(url: string, secret: string, payload: object, o: SlackSendOptions = {}): Promise<Response> {
  return send(url, secret, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), FORM, o);
}

// ---- payload builders -------------------------------------------------------------------------

let seq = 0;
const tsBase = Math.floor(Date.now() / 1000);
/** A fresh message ts (`<secs>.<6 digits>`), unique within the test process. */
export function nextSlackTs(): string {
  return `${tsBase}.${String(++seq).padStart(6, '0')}`;
}
/** A fresh event id. */
export function nextEventId(): string {
  return `Ev${Date.now().toString(36).toUpperCase()}${String(++seq).padStart(4, '0')}`;
}

export interface EnvelopeOptions {
  eventId?: string;
  team?: string;
  apiAppId?: string;
  /** The bot user the event is authorized for (Bolt reads `authorizations[0]`). */
  botUserId?: string;
  eventTime?: number;
}

/** Wraps any event in the `event_callback` envelope Slack delivers. */
export function eventCallback(event: Record<string, unknown>, o: EnvelopeOptions = {}): Record<string, unknown> {
  const team = o.team ?? 'T0001';
  return {
    token: 'legacy-verification-token',
    team_id: team,
    context_team_id: team,
    context_enterprise_id: null,
    api_app_id: o.apiAppId ?? 'A0001',
    event,
    type: 'event_callback',
    event_id: o.eventId ?? nextEventId(),
    event_time: o.eventTime ?? Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: team, user_id: o.botUserId ?? 'UBOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-${Buffer.from(o.eventId ?? 'ev').toString('base64url')}`,
  };
}

export interface AppMentionOptions extends EnvelopeOptions {
  user?: string;
  channel?: string;
  text: string;
  ts?: string;
  threadTs?: string;
}

/** Full `app_mention` delivery (`event.ts` doubles as `event_ts`). */
export function appMention(o: AppMentionOptions): Record<string, unknown> {
  const ts = o.ts ?? nextSlackTs();
  const team = o.team ?? 'T0001';
  const event: Record<string, unknown> = {
    type: 'app_mention',
    user: o.user ?? 'U0001',
    text: o.text,
    ts,
    team,
    channel: o.channel ?? 'C0001',
    event_ts: ts,
  };
  if (o.threadTs) event.thread_ts = o.threadTs;
  return eventCallback(event, { ...o, team });
}

export interface SlashCommandOptions {
  team?: string;
  user?: string;
  userName?: string;
  channel?: string;
  channelName?: string;
  command?: string;
  text?: string;
  responseUrl: string;
  triggerId?: string;
  apiAppId?: string;
}

/** Form fields of a slash command (all strings, as Slack sends them). */
export function slashCommand(o: SlashCommandOptions): Record<string, string> {
  return {
    token: 'legacy-verification-token',
    team_id: o.team ?? 'T0001',
    team_domain: 'acme',
    channel_id: o.channel ?? 'C0001',
    channel_name: o.channelName ?? 'general',
    user_id: o.user ?? 'U0001',
    user_name: o.userName ?? 'alice',
    command: o.command ?? '/agenthub',
    text: o.text ?? '',
    api_app_id: o.apiAppId ?? 'A0001',
    is_enterprise_install: 'false',
    response_url: o.responseUrl,
    trigger_id: o.triggerId ?? `${Date.now()}.${++seq}.faketrigger`,
  };
}

export interface BlockActionOptions {
  team?: string;
  user?: string;
  userName?: string;
  channel?: string;
  actionId: string;
  value?: string;
  blockId?: string;
  /** ts of the message carrying the button. */
  messageTs?: string;
  /** When the message is a thread reply. */
  threadTs?: string;
  messageText?: string;
  responseUrl?: string;
  triggerId?: string;
  isEphemeral?: boolean;
  apiAppId?: string;
  /** Element type (default `button`); a select also carries `selectedOption`. */
  actionType?: string;
  /** The element's visible text (default: the action id). */
  buttonText?: string;
  /** What a static_select / overflow click chose. */
  selectedOption?: SelectedOption;
  /** The clicked message's blocks, as Slack includes them in `message`. */
  messageBlocks?: unknown;
}

export interface SelectedOption {
  text: string;
  value: string;
}

/** The `actions[0]` Slack sends for a click on an element. */
function clickedElement(o: {
  actionId: string;
  blockId?: string;
  value?: string;
  actionType?: string;
  buttonText?: string;
  selectedOption?: SelectedOption;
}): Record<string, unknown> {
  return {
    type: o.actionType ?? 'button',
    action_id: o.actionId,
    block_id: o.blockId ?? 'actions',
    ...(o.selectedOption
      ? { selected_option: { text: { type: 'plain_text', text: o.selectedOption.text, emoji: true }, value: o.selectedOption.value } }
      : { text: { type: 'plain_text', text: o.buttonText ?? o.actionId, emoji: true } }),
    ...(o.value !== undefined ? { value: o.value } : {}),
    action_ts: `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`,
  };
}

/** A `block_actions` payload for a button click on a message. */
export function blockAction(o: BlockActionOptions): Record<string, unknown> {
  const team = o.team ?? 'T0001';
  const channel = o.channel ?? 'C0001';
  const messageTs = o.messageTs ?? nextSlackTs();
  const message: Record<string, unknown> = { type: 'message', user: 'UBOT', ts: messageTs, text: o.messageText ?? '' };
  if (o.threadTs) message.thread_ts = o.threadTs;
  const container: Record<string, unknown> = { type: 'message', message_ts: messageTs, channel_id: channel, is_ephemeral: o.isEphemeral ?? false };
  if (o.threadTs) container.thread_ts = o.threadTs;
  const payload: Record<string, unknown> = {
    type: 'block_actions',
    user: { id: o.user ?? 'U0001', username: o.userName ?? 'alice', name: o.userName ?? 'alice', team_id: team },
    api_app_id: o.apiAppId ?? 'A0001',
    token: 'legacy-verification-token',
    container,
    trigger_id: o.triggerId ?? `${Date.now()}.${++seq}.faketrigger`,
    team: { id: team, domain: 'acme' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel, name: channel.startsWith('D') ? 'directmessage' : 'general' },
    message,
    state: { values: {} },
    actions: [
      {
        type: 'button',
        action_id: o.actionId,
        block_id: o.blockId ?? 'actions',
        text: { type: 'plain_text', text: o.actionId, emoji: true },
        ...(o.value !== undefined ? { value: o.value } : {}),
        action_ts: `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`,
      },
    ],
  };
  if (o.isEphemeral) delete payload.message;
  if (o.responseUrl) payload.response_url = o.responseUrl;
  if (o.actionType !== undefined || o.buttonText !== undefined || o.selectedOption) payload.actions = [clickedElement(o)];
  if (o.messageBlocks !== undefined && payload.message) (payload.message as Record<string, unknown>).blocks = o.messageBlocks;
  return payload;
}

export interface ViewActionOptions {
  team?: string;
  user: string;
  userName?: string;
  /** The view as views.publish stored it (id, hash, private_metadata, blocks …). */
  view: Record<string, unknown>;
  actionId: string;
  value?: string;
  blockId?: string;
  actionType?: string;
  buttonText?: string;
  selectedOption?: SelectedOption;
  triggerId?: string;
  apiAppId?: string;
}

/** A `block_actions` payload for a click in a view (App Home): a view container and no response_url, as Slack sends it. */
export function viewAction(o: ViewActionOptions): Record<string, unknown> {
  const team = o.team ?? 'T0001';
  const viewId = typeof o.view.id === 'string' ? o.view.id : 'VHOME';
  return {
    type: 'block_actions',
    user: { id: o.user, username: o.userName ?? o.user.toLowerCase(), name: o.userName ?? o.user.toLowerCase(), team_id: team },
    api_app_id: o.apiAppId ?? 'A0001',
    token: 'legacy-verification-token',
    container: { type: 'view', view_id: viewId },
    trigger_id: o.triggerId ?? `${Date.now()}.${++seq}.faketrigger`,
    team: { id: team, domain: 'acme' },
    enterprise: null,
    is_enterprise_install: false,
    view: { type: 'home', ...o.view, id: viewId },
    state: { values: {} },
    actions: [clickedElement(o)],
  };
}

export interface DirectMessageOptions extends EnvelopeOptions {
  user: string;
  /** The DM channel (`D…`). */
  channel: string;
  text: string;
  ts?: string;
  threadTs?: string;
}

/** A person's message in their DM with the bot (`message` event, `channel_type: 'im'`). */
export function directMessage(o: DirectMessageOptions): Record<string, unknown> {
  const ts = o.ts ?? nextSlackTs();
  const team = o.team ?? 'T0001';
  const event: Record<string, unknown> = { type: 'message', channel_type: 'im', channel: o.channel, user: o.user, text: o.text, ts, event_ts: ts, team };
  if (o.threadTs) event.thread_ts = o.threadTs;
  return eventCallback(event, { ...o, team });
}

/** `app_home_opened` for the Home tab, as Slack sends it when a person opens the app. */
export function appHomeOpened(o: EnvelopeOptions & { user: string; channel: string }): Record<string, unknown> {
  return eventCallback({ type: 'app_home_opened', user: o.user, channel: o.channel, tab: 'home', event_ts: `${Date.now() / 1000}` }, o);
}
