/**
 * What the page shows one acting user: every conversation with its messages and threads (rendered to
 * safe HTML here, once, by the pure renderers), the private notes only they may see, and their App Home.
 */
import type { DemoWorkspace } from '../demo-types.js';
import type { FakeSlack, SlackMessage } from '../stand-ins/fake-slack.js';
import type { PrivateNote } from './private-notes.js';
import { renderBlocks } from './render-blocks.js';
import { type RenderContext, renderMrkdwn } from './render-mrkdwn.js';

export interface MessageView {
  ts: string;
  channel: string;
  /** Author id; undefined for notes the page wrote itself. */
  user?: string;
  author: string;
  isBot: boolean;
  /** Safe HTML of the message body. */
  html: string;
  time: string;
  edited: boolean;
  /** True while a streamed reply is still being written. */
  streaming: boolean;
  /** "Only visible to you". */
  ephemeral: boolean;
  /** Set on private notes: a click on one of their buttons refers to it. */
  noteId?: string;
  /** Thread parent this is a reply in. */
  threadTs?: string;
  replies: MessageView[];
}

export interface ConversationView {
  id: string;
  name: string;
  kind: 'channel' | 'im';
  /** The person of a DM with the bot. */
  owner?: string;
  messages: MessageView[];
}

export interface PageState {
  workspace: DemoWorkspace;
  viewer: string;
  conversations: ConversationView[];
  /** The viewer's App Home as the bot last published it, rendered. */
  home?: { html: string };
}

export interface PageStateInput {
  slack: FakeSlack;
  workspace: DemoWorkspace;
  notes: (channel: string, viewer: string) => PrivateNote[];
  viewer: string;
  /** When the page first saw a message (the stand-in's ts all carry its start time). */
  firstSeen: (key: string) => number;
  now?: number;
}

export function renderContextFor(workspace: DemoWorkspace, now?: number): RenderContext {
  const names = new Map<string, string>([[workspace.botUserId, 'AgentHub'], ...workspace.users.map((u) => [u.id, u.name] as [string, string])]);
  const channels = new Map(workspace.channels.map((c) => [c.id, c.name]));
  return { userName: (id) => names.get(id), channelName: (id) => channels.get(id), now };
}

export function buildPageState(input: PageStateInput): PageState {
  const { slack, workspace, viewer } = input;
  const ctx = renderContextFor(workspace, input.now);
  const conversations: ConversationView[] = [
    ...workspace.channels.map((c) => ({ id: c.id, name: c.name, kind: 'channel' as const })),
    ...workspace.users.map((u) => ({ id: slack.dmChannelFor(u.id), name: u.name, kind: 'im' as const, owner: u.id })),
  ].map((c) => ({ ...c, messages: conversationMessages(input, c.id, ctx) }));
  const view = slack.homeViews.get(viewer);
  return { workspace, viewer, conversations, ...(view ? { home: { html: renderBlocks(view.blocks, ctx) } } : {}) };
}

/** Top-level messages and notes in arrival order, each with its thread replies. */
function conversationMessages(input: PageStateInput, channel: string, ctx: RenderContext): MessageView[] {
  const { slack, workspace } = input;
  const clock = (ms: number) => new Date(ms).toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit' });
  const items: Array<{ order: number; view: MessageView }> = [];
  slack.messages.forEach((m, index) => {
    if (m.channel !== channel || m.deleted) return;
    items.push({ order: index, view: messageView(m, input.firstSeen(`${m.channel}:${m.ts}`), workspace, ctx, clock) });
  });
  for (const n of input.notes(channel, input.viewer)) items.push({ order: n.order - 0.5, view: noteView(n, workspace.botUserId, ctx, clock) });
  items.sort((a, b) => a.order - b.order);
  const top: MessageView[] = [];
  const byTs = new Map<string, MessageView>();
  for (const { view } of items) {
    const parent = view.threadTs && view.threadTs !== view.ts ? byTs.get(view.threadTs) : undefined;
    if (parent) parent.replies.push(view);
    else {
      top.push(view);
      byTs.set(view.ts, view);
    }
  }
  return top;
}

function messageView(m: SlackMessage, seenAt: number, workspace: DemoWorkspace, ctx: RenderContext, clock: (ms: number) => string): MessageView {
  const isBot = Boolean(m.bot_id) || m.user === workspace.botUserId;
  // Slack shows a message's blocks when it has them (the text is the notification fallback).
  const hasBlocks = Array.isArray(m.blocks) && m.blocks.length > 0;
  const body = hasBlocks && !m.streaming ? renderBlocks(m.blocks, ctx) : renderMrkdwn(m.text ?? '', ctx);
  return {
    ts: m.ts,
    channel: m.channel,
    user: m.user,
    author: ctx.userName(m.user) ?? m.user,
    isBot,
    html: body,
    time: clock(seenAt),
    edited: m.edited,
    streaming: m.streaming,
    ephemeral: false,
    ...(m.thread_ts ? { threadTs: m.thread_ts } : {}),
    replies: [],
  };
}

function noteView(n: PrivateNote, botUserId: string, ctx: RenderContext, clock: (ms: number) => string): MessageView {
  const hasBlocks = Array.isArray(n.blocks) && n.blocks.length > 0;
  const local = n.id.startsWith('local-');
  return {
    ts: n.id,
    channel: n.channel,
    ...(local ? {} : { user: botUserId }),
    author: local ? 'Demo' : 'AgentHub',
    isBot: true,
    html: hasBlocks ? renderBlocks(n.blocks, ctx) : renderMrkdwn(n.text ?? '', ctx),
    time: clock(n.at),
    edited: false,
    streaming: false,
    ephemeral: n.user !== undefined,
    noteId: n.id,
    ...(n.threadTs ? { threadTs: n.threadTs } : {}),
    replies: [],
  };
}
