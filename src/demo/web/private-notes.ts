/**
 * "Only visible to you" messages: chat.postEphemeral calls and response_url answers, kept in the order
 * they arrived among the channel's messages, with who may see them.
 *
 * A response_url carries no recipient, so each one the page hands out is remembered with where it was
 * used (who clicked or typed, in which conversation and thread): that is where Slack would show its answer.
 */
import type { FakeSlack, SlackCall } from '../stand-ins/fake-slack.js';

export interface NoteOrigin {
  user: string;
  channel: string;
  threadTs?: string;
  /** The note whose button was clicked: `replace_original` / `delete_original` act on it. */
  noteId?: string;
}

export interface PrivateNote {
  id: string;
  /** Position among the stand-in's messages: it arrived after `order` of them. */
  order: number;
  channel: string;
  threadTs?: string;
  /** Who sees it; undefined = everyone (an `in_channel` response). */
  user?: string;
  text?: string;
  blocks?: unknown;
  at: number;
}

const isTrue = (v: unknown) => v === true || v === 'true';

export class PrivateNotes {
  readonly notes: PrivateNote[] = [];
  private readonly origins = new Map<string, NoteOrigin>();
  private seq = 0;

  constructor(private readonly slack: FakeSlack) {}

  /** A response_url on the stand-in's sink whose answers show at `origin`. */
  responseUrlFor(origin: NoteOrigin): string {
    const id = `demo-web-${++this.seq}`;
    this.origins.set(id, origin);
    return this.slack.responseUrl(id);
  }

  /** A note the page writes itself (a delivery the bot refused), shown to `user` only. */
  addLocal(note: { user: string; channel: string; threadTs?: string; text: string }): void {
    this.push({ ...note, id: `local-${++this.seq}` });
  }

  /** Takes in one recorded stand-in call; true when it changed what someone sees. */
  observe(call: SlackCall): boolean {
    const p = call.params;
    if (call.api === 'chat.postEphemeral') {
      const ts = (call.responseBody as { ok?: boolean; message_ts?: string } | undefined)?.message_ts;
      if (!ts || typeof p.channel !== 'string' || typeof p.user !== 'string') return false;
      this.push({ id: ts, channel: p.channel, user: p.user, threadTs: str(p.thread_ts), text: str(p.text), blocks: p.blocks });
      return true;
    }
    if (call.api !== 'response' || !call.responseId) return false;
    const origin = this.origins.get(call.responseId);
    if (!origin) return false;
    const clicked = origin.noteId ? this.notes.find((n) => n.id === origin.noteId) : undefined;
    if (clicked && isTrue(p.delete_original)) {
      this.notes.splice(this.notes.indexOf(clicked), 1);
      return true;
    }
    if (clicked && isTrue(p.replace_original)) {
      clicked.text = str(p.text);
      clicked.blocks = p.blocks;
      return true;
    }
    this.addAnswer(origin, p, `${call.responseId}-${call.at}`);
    return true;
  }

  /** A command's answer (response_url post or ack body): private unless it says in_channel. */
  addAnswer(origin: { user: string; channel: string; threadTs?: string }, p: Record<string, unknown>, id = `ack-${++this.seq}`): void {
    if (typeof p.text !== 'string' && !Array.isArray(p.blocks)) return;
    const everyone = p.response_type === 'in_channel';
    this.push({
      id: `${id}-${this.notes.length}`,
      channel: origin.channel,
      threadTs: origin.threadTs,
      user: everyone ? undefined : origin.user,
      text: str(p.text),
      blocks: p.blocks,
    });
  }

  /** Notes in a conversation that `viewer` may see. */
  visibleIn(channel: string, viewer: string): PrivateNote[] {
    return this.notes.filter((n) => n.channel === channel && (n.user === undefined || n.user === viewer));
  }

  private push(note: Omit<PrivateNote, 'order' | 'at'>): void {
    this.notes.push({ ...note, order: this.slack.messages.length, at: Date.now() });
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
