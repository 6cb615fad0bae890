/**
 * What the demo page's people do, delivered to the bot exactly as Slack would deliver it: signed
 * Events API envelopes, slash commands and `block_actions` payloads, from the acting user. The page's
 * own words go into the Slack stand-in first, so the bot reads the same conversation a person sees.
 */
import type { Logger } from 'pino';
import { escapeMrkdwn } from '../../slack/mrkdwn.js';
import type { DemoUser, DemoWorkspace } from '../demo-types.js';
import type { FakeSlack } from '../stand-ins/fake-slack.js';
import {
  appHomeOpened,
  appMention,
  blockAction,
  directMessage,
  postCommand,
  postEvent,
  postInteraction,
  type SelectedOption,
  slashCommand,
  viewAction,
} from '../stand-ins/slack-requests.js';
import type { PrivateNotes } from './private-notes.js';

export interface DeliveryResult {
  ok: boolean;
  /** The bot's HTTP status (0: nothing was sent to it). */
  status: number;
  /** Why nothing was delivered, for the person. */
  error?: string;
}

export interface SayInput {
  user: string;
  channel: string;
  text: string;
  threadTs?: string;
}

export interface ClickInput {
  user: string;
  /** A button in a message (or a private note), or in App Home. */
  surface: 'message' | 'home';
  channel?: string;
  messageTs?: string;
  noteId?: string;
  actionId: string;
  blockId?: string;
  value?: string;
  /** Element type: button, static_select, overflow. */
  type?: string;
  text?: string;
  selectedOption?: SelectedOption;
}

export interface SlackDelivery {
  say(input: SayInput): Promise<DeliveryResult>;
  click(input: ClickInput): Promise<DeliveryResult>;
  openHome(user: string): Promise<DeliveryResult>;
}

export interface SlackDeliveryOptions {
  slack: FakeSlack;
  eventsUrl: string;
  signingSecret: string;
  workspace: DemoWorkspace;
  notes: PrivateNotes;
  logger?: Logger;
}

const SLASH_COMMAND = '/agenthub';

/**
 * A person's typed text as Slack stores it: `&`, `<`, `>` escaped, then `@AgentHub` and `@Name`
 * turned into real mentions (`<@U…>`), longest names first so "@Alice Lee" wins over "@Alice".
 */
export function toSlackText(text: string, workspace: DemoWorkspace): string {
  const handles: Array<[string, string]> = [['AgentHub', workspace.botUserId]];
  for (const u of workspace.users) handles.push([u.name, u.id], [firstName(u), u.id]);
  handles.sort((a, b) => b[0].length - a[0].length);
  let out = escapeMrkdwn(text);
  for (const [name, id] of handles) {
    const pattern = new RegExp(`(^|[^\\w<])@${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w])`, 'gi');
    out = out.replace(pattern, (_m, before: string) => `${before}<@${id}>`);
  }
  return out;
}

function firstName(u: DemoUser): string {
  return u.name.split(' ')[0] ?? u.name;
}

export function createSlackDelivery({ slack, eventsUrl, signingSecret, workspace, notes, logger }: SlackDeliveryOptions): SlackDelivery {
  const team = workspace.teamId;
  const botUserId = workspace.botUserId;
  const userName = (id: string) => {
    const u = workspace.users.find((p) => p.id === id);
    return u ? firstName(u).toLowerCase() : id.toLowerCase();
  };

  /** Sends, and tells the person privately when the bot refused or could not be reached. */
  async function deliver(
    send: () => Promise<Response>,
    where: { user: string; channel?: string; threadTs?: string },
    /** A slash command may answer in its ack body; Slack shows that answer like a response_url post. */
    readsAnswer = false,
  ): Promise<DeliveryResult> {
    let status = 0;
    try {
      const res = await send();
      status = res.status;
      if (readsAnswer && status === 200) {
        const body = await res.text();
        if (body && where.channel) notes.addAnswer({ user: where.user, channel: where.channel, threadTs: where.threadTs }, JSON.parse(body));
      } else {
        await res.body?.cancel();
      }
    } catch (err) {
      logger?.warn({ err }, 'demo page: the bot could not be reached');
    }
    if (status === 200) return { ok: true, status };
    const error = status === 0 ? 'The bot could not be reached.' : `The bot answered HTTP ${status}.`;
    if (where.channel) notes.addLocal({ user: where.user, channel: where.channel, threadTs: where.threadTs, text: `${error} Nothing was delivered.` });
    return { ok: false, status, error };
  }

  return {
    async say({ user, channel, text, threadTs }) {
      const typed = text.trim();
      if (!typed) return { ok: false, status: 0, error: 'Type something first.' };
      if (typed.startsWith('/')) {
        const [command = '', ...rest] = typed.split(/\s+/);
        if (command !== SLASH_COMMAND) {
          notes.addLocal({ user, channel, threadTs, text: `Only \`${SLASH_COMMAND}\` is installed in this workspace.` });
          return { ok: false, status: 0, error: 'unknown command' };
        }
        const channelName = workspace.channels.find((c) => c.id === channel)?.name ?? 'directmessage';
        const fields = slashCommand({
          team,
          user,
          userName: userName(user),
          channel,
          channelName,
          command,
          text: rest.join(' '),
          responseUrl: notes.responseUrlFor({ user, channel, threadTs }),
        });
        return deliver(() => postCommand(eventsUrl, signingSecret, fields), { user, channel, threadTs }, true);
      }
      const isDm = channel.startsWith('D');
      if (isDm && channel !== slack.dmChannelFor(user)) {
        notes.addLocal({ user, channel, threadTs, text: 'This is someone else’s DM with AgentHub: switch to them (top left) to write here.' });
        return { ok: false, status: 0, error: 'not your DM' };
      }
      const slackText = toSlackText(typed, workspace);
      const { ts } = slack.addMessage({ channel, user, text: slackText, ...(threadTs ? { thread_ts: threadTs } : {}) });
      const envelope = { team, botUserId };
      if (isDm)
        return deliver(() => postEvent(eventsUrl, signingSecret, directMessage({ ...envelope, user, channel, text: slackText, ts, threadTs })), {
          user,
          channel,
          threadTs,
        });
      if (!slackText.includes(`<@${botUserId}>`)) return { ok: true, status: 0 };
      return deliver(() => postEvent(eventsUrl, signingSecret, appMention({ ...envelope, user, channel, text: slackText, ts, threadTs })), {
        user,
        channel,
        threadTs,
      });
    },

    async click(input) {
      const element = {
        actionId: input.actionId,
        ...(input.blockId ? { blockId: input.blockId } : {}),
        ...(input.value !== undefined ? { value: input.value } : {}),
        actionType: input.type ?? 'button',
        ...(input.text ? { buttonText: input.text } : {}),
        ...(input.selectedOption ? { selectedOption: input.selectedOption } : {}),
      };
      if (input.surface === 'home') {
        const view = slack.homeViews.get(input.user);
        if (!view) return { ok: false, status: 0, error: 'App Home has not been published yet.' };
        const payload = viewAction({ team, user: input.user, userName: userName(input.user), view, ...element });
        return deliver(() => postInteraction(eventsUrl, signingSecret, payload), { user: input.user });
      }
      const channel = input.channel ?? '';
      const note = input.noteId ? notes.notes.find((n) => n.id === input.noteId) : undefined;
      const message = note ? undefined : slack.messages.find((m) => m.channel === channel && m.ts === input.messageTs && !m.deleted);
      if (!note && !message) return { ok: false, status: 0, error: 'That message is gone.' };
      const threadTs = note?.threadTs ?? (message?.thread_ts && message.thread_ts !== message.ts ? message.thread_ts : undefined);
      const responseUrl = notes.responseUrlFor({ user: input.user, channel, threadTs, ...(note ? { noteId: note.id } : {}) });
      const payload = blockAction({
        team,
        user: input.user,
        userName: userName(input.user),
        channel,
        ...element,
        messageTs: note?.id ?? message?.ts,
        ...(message?.thread_ts ? { threadTs: message.thread_ts } : {}),
        messageText: message?.text ?? note?.text ?? '',
        responseUrl,
        isEphemeral: Boolean(note),
        ...(message?.blocks !== undefined ? { messageBlocks: message.blocks } : {}),
      });
      return deliver(() => postInteraction(eventsUrl, signingSecret, payload), { user: input.user, channel, threadTs });
    },

    async openHome(user) {
      return deliver(() => postEvent(eventsUrl, signingSecret, appHomeOpened({ team, botUserId, user, channel: slack.dmChannelFor(user) })), { user });
    },
  };
}
