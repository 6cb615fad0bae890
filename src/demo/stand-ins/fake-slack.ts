/**
 * Fake Slack Web API (`<base>/api/<method>`) plus a response_url sink (`<base>/response/<id>`).
 *
 * Point Bolt/WebClient at it with `clientOptions: { slackApiUrl: base + '/api/', retryConfig: { retries: 0 } }`.
 * It keeps a small message store (post/update/delete/streams) so tests can assert on what a
 * channel or thread ends up showing, not only on individual calls.
 * WebClient sends form bodies with non-scalar args JSON-encoded inside fields; those fields are
 * decoded here so `params.blocks` is always an array (slack.md §2.9).
 * Channels seeded with `addChannel` behave like Slack's: conversations.info/members answer for them,
 * and the bot can only read or post where it is a member. `addMessage` seeds what people said.
 */
import { asRecord, FakeHttpServer, type RecordedRequest, type Reply, type ReplyFn } from './http-recorder.js';

const JSON_FIELDS = ['blocks', 'view', 'attachments', 'prompts', 'chunks', 'metadata', 'loading_messages'] as const;

export interface SlackCall extends RecordedRequest {
  /** Web API method (`chat.postMessage`), or `response` for the response_url sink. */
  api: string;
  /** Decoded arguments (form or JSON); JSON-encoded fields are parsed. */
  params: Record<string, unknown>;
  /** `<id>` of `/response/<id>`. */
  responseId?: string;
}

export interface SlackMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: unknown;
  metadata?: unknown;
  /** Author: the bot user for messages the app posted, a person for ones seeded with `addMessage`. */
  user: string;
  /** Set on messages posted by an app (the bot's own, or a seeded bot message). */
  bot_id?: string;
  /** Seeded messages only: `channel_join` and the like. */
  subtype?: string;
  reactions?: FakeSlackReaction[];
  deleted: boolean;
  edited: boolean;
  /** True between chat.startStream and chat.stopStream. */
  streaming: boolean;
}

export interface SlackEphemeral {
  channel: string;
  user: string;
  message_ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: unknown;
}

export interface FakeSlackUser {
  id: string;
  name?: string;
  real_name?: string;
  /** IANA zone; users.info derives tz_offset (seconds) from it unless given. Default America/Los_Angeles. */
  tz?: string;
  tz_label?: string;
  tz_offset?: number;
  email?: string;
  is_bot?: boolean;
  team_id?: string;
  deleted?: boolean;
}

export interface FakeSlackReaction {
  name: string;
  count: number;
  users: string[];
}

/** A conversation as conversations.info describes it. */
export interface FakeSlackChannel {
  id: string;
  /** Absent for direct messages. */
  name?: string;
  /** Default `public`. An `im` is a DM between the bot and `user`. */
  kind?: 'public' | 'private' | 'im' | 'mpim';
  /** The other person of an `im`. */
  user?: string;
  /** User ids (include the fake's `botUserId` for the bot); an `im` is always the bot and `user`. */
  members?: string[];
  archived?: boolean;
}

/** A message someone wrote, for conversations.history/replies (ts defaults to the next fresh one). */
export interface FakeSlackSeededMessage {
  channel: string;
  user: string;
  text: string;
  ts?: string;
  thread_ts?: string;
  reactions?: FakeSlackReaction[];
  subtype?: string;
  bot_id?: string;
}

export interface FakeSlackOptions {
  teamId?: string;
  teamName?: string;
  botUserId?: string;
  botId?: string;
  /** When true, chat.update/delete/appendStream/stopStream on an unknown ts fail with `message_not_found` as real Slack does. Default false (unknown ts is created on the fly). */
  strictMessages?: boolean;
}

type SlackBody = Record<string, unknown> & { ok: boolean };

export class FakeSlack extends FakeHttpServer<SlackCall> {
  readonly teamId: string;
  readonly teamName: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly messages: SlackMessage[] = [];
  readonly ephemerals: SlackEphemeral[] = [];
  /** Last view published per user (views.publish). */
  readonly homeViews = new Map<string, Record<string, unknown>>();
  private readonly users = new Map<string, FakeSlackUser>();
  private readonly channels = new Map<string, FakeSlackChannel>();
  private readonly strict: boolean;
  private readonly tsBase = Math.floor(Date.now() / 1000);
  private seq = 0;
  private viewSeq = 0;

  constructor(opts: FakeSlackOptions = {}) {
    super();
    this.teamId = opts.teamId ?? 'T0001';
    this.teamName = opts.teamName ?? 'acme';
    this.botUserId = opts.botUserId ?? 'UBOT';
    this.botId = opts.botId ?? 'B1';
    this.strict = opts.strictMessages ?? false;
  }

  /** Starts listening; returns the base URL (API root is `${base}/api/`). */
  async start(): Promise<string> {
    return this.listen();
  }

  /** Base URL of the Web API, with the trailing slash WebClient expects. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** A response_url pointing at this fake's sink. */
  responseUrl(id: string): string {
    return `${this.url}/response/${encodeURIComponent(id)}`;
  }

  addUser(user: FakeSlackUser): this {
    this.users.set(user.id, user);
    return this;
  }

  addChannel(channel: FakeSlackChannel): this {
    this.channels.set(channel.id, channel);
    return this;
  }

  /** Seeds a message from a person (or another app); returns it as stored. */
  addMessage(seed: FakeSlackSeededMessage): SlackMessage {
    const m: SlackMessage = {
      channel: seed.channel,
      ts: seed.ts ?? this.nextTs(),
      text: seed.text,
      user: seed.user,
      deleted: false,
      edited: false,
      streaming: false,
    };
    if (seed.thread_ts) m.thread_ts = seed.thread_ts;
    if (seed.reactions) m.reactions = seed.reactions;
    if (seed.subtype) m.subtype = seed.subtype;
    if (seed.bot_id) m.bot_id = seed.bot_id;
    this.messages.push(m);
    return m;
  }

  /** The DM channel conversations.open returns for a user (stable per user). */
  dmChannelFor(userId: string): string {
    return `D${userId}`;
  }

  /** One-shot override for a Web API method (`'chat.postMessage'`) or `'response'`. */
  override once(match: string | ((c: SlackCall) => boolean), reply: Reply | ReplyFn<SlackCall>): this {
    return super.once(match, reply);
  }

  callsTo(method: string): SlackCall[] {
    return this.requests.filter((c) => c.api === method);
  }

  /** Calls to the response_url sink, optionally for one id. */
  responses(id?: string): SlackCall[] {
    return this.requests.filter((c) => c.api === 'response' && (id === undefined || c.responseId === id));
  }

  /** Live (not deleted) messages in a channel; with `threadTs`, the thread parent (if posted here) and its replies. */
  messagesIn(channel: string, threadTs?: string): SlackMessage[] {
    return this.messages.filter((m) => m.channel === channel && !m.deleted && (threadTs === undefined || m.ts === threadTs || m.thread_ts === threadTs));
  }

  protected overrideKey(c: SlackCall): string {
    return c.api;
  }

  protected override describe(c: SlackCall): string {
    return `${c.api} ${JSON.stringify(c.params)} → ${c.status}`;
  }

  protected enrich(base: RecordedRequest): SlackCall {
    const params = { ...asRecord(base.body) };
    for (const k of JSON_FIELDS) {
      const v = params[k];
      if (typeof v === 'string') {
        try {
          params[k] = JSON.parse(v);
        } catch {
          /* keep the string: a test may want to see a malformed field */
        }
      }
    }
    if (base.path.startsWith('/api/')) return { ...base, api: base.path.slice(5), params };
    if (base.path.startsWith('/response/')) return { ...base, api: 'response', params, responseId: decodeURIComponent(base.path.slice(10)) };
    return { ...base, api: `unknown:${base.path}`, params };
  }

  protected handle(c: SlackCall): Reply {
    if (c.api === 'response') return { body: { ok: true } };
    if (c.api.startsWith('unknown:')) return { status: 404, body: 'not found' };
    if (!c.authorization && typeof c.params.token !== 'string') return this.ok({ ok: false, error: 'not_authed' });
    return this.ok(this.answer(c.api, c.params));
  }

  private ok(body: SlackBody): Reply {
    return { status: 200, body };
  }

  private nextTs(): string {
    return `${this.tsBase}.${String(++this.seq).padStart(6, '0')}`;
  }

  private findMessage(channel: unknown, ts: unknown): SlackMessage | undefined {
    const found = this.messages.find((m) => m.channel === channel && m.ts === ts && !m.deleted);
    if (found || this.strict || typeof channel !== 'string' || typeof ts !== 'string') return found;
    const created = this.newMessage(channel, ts, {});
    this.messages.push(created);
    return created;
  }

  private newMessage(channel: string, ts: string, p: Record<string, unknown>): SlackMessage {
    const m: SlackMessage = { channel, ts, user: this.botUserId, bot_id: this.botId, deleted: false, edited: false, streaming: false };
    if (typeof p.thread_ts === 'string') m.thread_ts = p.thread_ts;
    if (typeof p.text === 'string') m.text = p.text;
    if (p.blocks !== undefined) m.blocks = p.blocks;
    if (p.metadata !== undefined) m.metadata = p.metadata;
    return m;
  }

  private answer(method: string, p: Record<string, unknown>): SlackBody {
    const channel = typeof p.channel === 'string' ? p.channel : undefined;
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: `https://${this.teamName}.slack.com/`,
          team: this.teamName,
          user: 'agenthub',
          team_id: this.teamId,
          user_id: this.botUserId,
          bot_id: this.botId,
          is_enterprise_install: false,
        };
      case 'chat.postMessage': {
        if (!channel) return { ok: false, error: 'channel_not_found' };
        const refused = this.refusal(channel);
        if (refused) return refused;
        const m = this.newMessage(channel, this.nextTs(), p);
        this.messages.push(m);
        return { ok: true, channel, ts: m.ts, message: this.messageJson(m) };
      }
      case 'chat.update': {
        const m = this.findMessage(channel, p.ts);
        if (!m) return { ok: false, error: 'message_not_found' };
        if (typeof p.text === 'string') m.text = p.text;
        if (p.blocks !== undefined) m.blocks = p.blocks;
        if (p.metadata !== undefined) m.metadata = p.metadata;
        m.edited = true;
        return { ok: true, channel: m.channel, ts: m.ts, text: m.text ?? '', message: this.messageJson(m) };
      }
      case 'chat.delete': {
        const m = this.findMessage(channel, p.ts);
        if (!m) return { ok: false, error: 'message_not_found' };
        m.deleted = true;
        return { ok: true, channel: m.channel, ts: m.ts };
      }
      case 'chat.postEphemeral': {
        if (!channel || typeof p.user !== 'string') return { ok: false, error: 'invalid_arguments' };
        const e: SlackEphemeral = { channel, user: p.user, message_ts: this.nextTs() };
        if (typeof p.thread_ts === 'string') e.thread_ts = p.thread_ts;
        if (typeof p.text === 'string') e.text = p.text;
        if (p.blocks !== undefined) e.blocks = p.blocks;
        this.ephemerals.push(e);
        return { ok: true, message_ts: e.message_ts };
      }
      case 'chat.getPermalink':
        return { ok: true, channel, permalink: `https://${this.teamName}.slack.com/archives/${channel}/p${String(p.message_ts).replace('.', '')}` };
      case 'chat.startStream': {
        if (!channel) return { ok: false, error: 'channel_not_found' };
        const m = this.newMessage(channel, this.nextTs(), { thread_ts: p.thread_ts });
        m.streaming = true;
        m.text = streamText(p);
        this.messages.push(m);
        return { ok: true, channel, ts: m.ts };
      }
      case 'chat.appendStream':
      case 'chat.stopStream': {
        const m = this.findMessage(channel, p.ts);
        if (!m) return { ok: false, error: 'message_not_found' };
        if (!m.streaming && !this.strict && m.text === undefined) m.streaming = true;
        if (!m.streaming) return { ok: false, error: 'message_not_in_streaming_state' };
        m.text = (m.text ?? '') + streamText(p);
        if (method === 'chat.stopStream') {
          m.streaming = false;
          if (p.blocks !== undefined) m.blocks = p.blocks;
          if (p.metadata !== undefined) m.metadata = p.metadata;
          return { ok: true, channel: m.channel, ts: m.ts, message: this.messageJson(m) };
        }
        return { ok: true, channel: m.channel, ts: m.ts };
      }
      case 'conversations.open': {
        const users = String(p.users ?? '')
          .split(',')
          .filter(Boolean);
        if (users.length === 0)
          return typeof p.channel === 'string' ? { ok: true, channel: { id: p.channel } } : { ok: false, error: 'users_list_not_supplied' };
        const id = users.length === 1 ? this.dmChannelFor(users[0]!) : `G${users.join('')}`;
        return { ok: true, channel: { id } };
      }
      case 'conversations.replies':
      case 'conversations.history':
        return this.readMessages(method, channel, p);
      case 'conversations.info': {
        const c = channel ? this.channels.get(channel) : undefined;
        if (!c || !this.botSees(c)) return { ok: false, error: 'channel_not_found' };
        return { ok: true, channel: this.channelJson(c) };
      }
      case 'conversations.members': {
        const c = channel ? this.channels.get(channel) : undefined;
        if (!c || !this.botSees(c)) return { ok: false, error: 'channel_not_found' };
        return this.page(this.membersOf(c), p, 100, 'members');
      }
      case 'users.info': {
        const u = typeof p.user === 'string' ? this.users.get(p.user) : undefined;
        return u ? { ok: true, user: this.userJson(u) } : { ok: false, error: 'user_not_found' };
      }
      case 'views.publish': {
        const user = String(p.user_id ?? '');
        const prev = this.homeViews.get(user);
        if (typeof p.hash === 'string' && prev && prev.hash !== p.hash) return { ok: false, error: 'hash_conflict' };
        const view = { id: `VHOME${user}`, team_id: this.teamId, ...asRecord(p.view), hash: `${Date.now()}.${++this.viewSeq}` };
        this.homeViews.set(user, view);
        return { ok: true, view };
      }
      case 'views.open':
      case 'views.push':
      case 'views.update':
        return {
          ok: true,
          view: {
            id: typeof p.view_id === 'string' ? p.view_id : `V${++this.viewSeq}`,
            team_id: this.teamId,
            ...asRecord(p.view),
            hash: `${Date.now()}.${++this.viewSeq}`,
          },
        };
      default:
        // assistant.threads.setStatus / setTitle / setSuggestedPrompts and anything else: plain ok.
        return { ok: true };
    }
  }

  private messageJson(m: SlackMessage): Record<string, unknown> {
    return {
      type: 'message',
      user: m.user,
      ...(m.bot_id ? { bot_id: m.bot_id } : {}),
      ...(m.subtype ? { subtype: m.subtype } : {}),
      ts: m.ts,
      ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
      text: m.text ?? '',
      ...(m.blocks !== undefined ? { blocks: m.blocks } : {}),
      ...(m.metadata !== undefined ? { metadata: m.metadata } : {}),
      ...(m.reactions ? { reactions: m.reactions } : {}),
    };
  }

  /** A thread parent as history lists it: with its reply count and repliers. */
  private parentJson(m: SlackMessage): Record<string, unknown> {
    const replies = this.messages.filter((r) => r.channel === m.channel && !r.deleted && r.thread_ts === m.ts && r.ts !== m.ts);
    if (!replies.length) return this.messageJson(m);
    const replyUsers = [...new Set(replies.map((r) => r.user))];
    return { ...this.messageJson(m), thread_ts: m.ts, reply_count: replies.length, reply_users_count: replyUsers.length, reply_users: replyUsers };
  }

  /** Seeded channels only: is the bot allowed to see / post in it, as Slack decides. */
  private botSees(c: FakeSlackChannel): boolean {
    return (c.kind ?? 'public') === 'public' || this.membersOf(c).includes(this.botUserId);
  }

  private membersOf(c: FakeSlackChannel): string[] {
    return c.kind === 'im' ? [this.botUserId, ...(c.user ? [c.user] : [])] : (c.members ?? []);
  }

  private refusal(channel: string): SlackBody | undefined {
    const c = this.channels.get(channel);
    if (!c) return undefined;
    if (!this.botSees(c)) return { ok: false, error: 'channel_not_found' };
    if (!this.membersOf(c).includes(this.botUserId)) return { ok: false, error: 'not_in_channel' };
    if (c.archived) return { ok: false, error: 'is_archived' };
    return undefined;
  }

  private channelJson(c: FakeSlackChannel): Record<string, unknown> {
    const kind = c.kind ?? 'public';
    const base = { id: c.id, created: this.tsBase, is_archived: c.archived ?? false };
    if (kind === 'im') return { ...base, is_im: true, is_channel: false, is_group: false, is_mpim: false, is_private: true, user: c.user };
    return {
      ...base,
      name: c.name ?? c.id.toLowerCase(),
      is_channel: kind === 'public',
      is_group: kind === 'private',
      is_im: false,
      is_mpim: kind === 'mpim',
      is_private: kind !== 'public',
      is_member: this.membersOf(c).includes(this.botUserId),
      num_members: this.membersOf(c).length,
    };
  }

  /**
   * conversations.history (top-level messages, newest first) and conversations.replies (the parent,
   * then replies oldest first), with `oldest`/`latest` (exclusive unless `inclusive`), `limit` and `cursor`.
   */
  private readMessages(method: string, channel: string | undefined, p: Record<string, unknown>): SlackBody {
    if (!channel) return { ok: false, error: 'channel_not_found' };
    const c = this.channels.get(channel);
    if (c && !this.botSees(c)) return { ok: false, error: 'channel_not_found' };
    if (c && !this.membersOf(c).includes(this.botUserId)) return { ok: false, error: 'not_in_channel' };
    const inclusive = p.inclusive === true || p.inclusive === 'true' || p.inclusive === '1';
    const after = (ts: string, bound: unknown) => typeof bound !== 'string' || (inclusive ? Number(ts) >= Number(bound) : Number(ts) > Number(bound));
    const before = (ts: string, bound: unknown) => typeof bound !== 'string' || (inclusive ? Number(ts) <= Number(bound) : Number(ts) < Number(bound));
    const inRange = (m: SlackMessage) => after(m.ts, p.oldest) && before(m.ts, p.latest);
    const byTs = (a: SlackMessage, b: SlackMessage) => Number(a.ts) - Number(b.ts);
    if (method === 'conversations.replies') {
      const threadTs = String(p.ts);
      const thread = this.messagesIn(channel, threadTs).sort(byTs);
      if (!thread.length && this.strict) return { ok: false, error: 'thread_not_found' };
      // Slack always answers with the thread's parent first, whatever the range.
      const list = thread.filter((m) => m.ts === threadTs || inRange(m));
      return this.page(
        list.map((m) => (m.ts === threadTs ? this.parentJson(m) : this.messageJson(m))),
        p,
        1000,
        'messages',
      );
    }
    const top = this.messagesIn(channel)
      .filter((m) => (!m.thread_ts || m.thread_ts === m.ts) && inRange(m))
      .sort((a, b) => byTs(b, a));
    return this.page(
      top.map((m) => this.parentJson(m)),
      p,
      100,
      'messages',
    );
  }

  /** Cursor pagination as Slack does it: an opaque `next_cursor`, empty on the last page. */
  private page(items: unknown[], p: Record<string, unknown>, defaultLimit: number, field: string): SlackBody {
    const limit = Number(p.limit) > 0 ? Number(p.limit) : defaultLimit;
    let offset = 0;
    if (typeof p.cursor === 'string' && p.cursor !== '') {
      const m = /^next:(\d+)$/.exec(Buffer.from(p.cursor, 'base64').toString('utf8'));
      if (!m) return { ok: false, error: 'invalid_cursor' };
      offset = Number(m[1]);
    }
    const slice = items.slice(offset, offset + limit);
    const more = offset + limit < items.length;
    const next_cursor = more ? Buffer.from(`next:${offset + limit}`).toString('base64') : '';
    return { ok: true, [field]: slice, ...(field === 'messages' ? { has_more: more } : {}), response_metadata: { next_cursor } };
  }

  private userJson(u: FakeSlackUser): Record<string, unknown> {
    const name = u.name ?? u.id.toLowerCase();
    const tz = u.tz ?? 'America/Los_Angeles';
    return {
      id: u.id,
      team_id: u.team_id ?? this.teamId,
      name,
      deleted: u.deleted ?? false,
      real_name: u.real_name ?? name,
      tz,
      tz_label: u.tz_label ?? tz,
      tz_offset: u.tz_offset ?? tzOffsetSeconds(tz),
      is_bot: u.is_bot ?? false,
      profile: { real_name: u.real_name ?? name, display_name: name, ...(u.email ? { email: u.email } : {}) },
    };
  }
}

/** Text a streaming call adds: `markdown_text`, or the markdown_text chunks of `chunks`. */
function streamText(p: Record<string, unknown>): string {
  let out = typeof p.markdown_text === 'string' ? p.markdown_text : '';
  if (Array.isArray(p.chunks)) {
    for (const c of p.chunks) {
      const chunk = asRecord(c);
      if (chunk.type === 'markdown_text' && typeof chunk.text === 'string') out += chunk.text;
    }
  }
  return out;
}

/** Current UTC offset of an IANA zone in seconds, as Slack reports `tz_offset`. */
function tzOffsetSeconds(tz: string): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })
    .formatToParts(new Date())
    .find((x) => x.type === 'timeZoneName')?.value;
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? '');
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60);
}
