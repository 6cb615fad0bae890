/**
 * Fake Groq (OpenAI-compatible) chat completions: `POST /openai/v1/chat/completions`.
 *
 * Tests script the model turn by turn with `reply()`, so agent runs are deterministic while
 * ChatGroq, groq-sdk and LangGraph's tool plumbing run for real. A reply function receives the
 * request body, so a scripted turn can depend on the tool results the agent sent back.
 * An empty queue answers 500 (and logs why to stderr): an agent that calls the model more often
 * than scripted fails loudly.
 * Point ChatGroq at it with `new ChatGroq({ model, apiKey: 'gsk_test', baseUrl: fake.url, maxRetries: 0 })`:
 * ChatGroq turns off groq-sdk's retries, but LangChain's own AsyncCaller still retries 5xx/429
 * six times with exponential backoff (~1 min), which would turn every 500 into a test timeout.
 */
import { asRecord, FakeHttpServer, json, type RecordedRequest, type Reply } from './http-recorder.js';

export const CHAT_PATH = '/openai/v1/chat/completions';

export interface ChatMessage {
  role: string;
  content?: unknown;
  name?: string;
  tool_call_id?: string;
  tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
}

export interface ChatRequestBody {
  model: string;
  messages: ChatMessage[];
  tools?: Array<{ type: 'function'; function: { name: string; description?: string; parameters?: unknown } }>;
  tool_choice?: unknown;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  [k: string]: unknown;
}

export interface ScriptedToolCall {
  name: string;
  args: Record<string, unknown>;
  /** Tool call id; default `call_<n>`. */
  id?: string;
}

export type ScriptedResponse = { content: string } | { toolCalls: ScriptedToolCall[]; content?: string };
export type ScriptedReply = ScriptedResponse | ((body: ChatRequestBody) => ScriptedResponse | Promise<ScriptedResponse>);

export interface GroqRequest extends RecordedRequest {
  /** The chat request body (undefined for other paths or unparsable bodies). */
  chat: ChatRequestBody | undefined;
}

/** Plain text of a message's content (string, or the text parts of a content array). */
export function messageText(m: ChatMessage): string {
  if (typeof m.content === 'string') return m.content;
  if (Array.isArray(m.content)) {
    return m.content.map((p) => (typeof p === 'string' ? p : String(asRecord(p).text ?? ''))).join('');
  }
  return '';
}

const oaiError = (status: number, message: string, type: string, code?: string, extra: Record<string, unknown> = {}): Reply =>
  json(status, { error: { message, type, ...(code ? { code } : {}), ...extra } });

export interface FakeGroqOptions {
  /** Status for a request with no scripted reply. Default 500; 400 is never retried by LangChain. */
  emptyQueueStatus?: number;
}

export class FakeGroq extends FakeHttpServer<GroqRequest> {
  private readonly script: ScriptedReply[] = [];
  private readonly emptyQueueStatus: number;
  private seq = 0;

  constructor(opts: FakeGroqOptions = {}) {
    super();
    this.emptyQueueStatus = opts.emptyQueueStatus ?? 500;
  }

  /** Starts listening; returns the base URL for ChatGroq's `baseUrl` / groq-sdk's `baseURL`. */
  async start(): Promise<string> {
    return this.listen();
  }

  /** Queues the answer to the next chat completion request (FIFO). */
  reply(r: ScriptedReply): this {
    this.script.push(r);
    return this;
  }

  /** Scripted replies not yet consumed (assert 0 at the end of a test to catch unused turns). */
  get pending(): number {
    return this.script.length;
  }

  /** Every chat request body received, in order. */
  get bodies(): ChatRequestBody[] {
    return this.requests.flatMap((r) => (r.chat ? [r.chat] : []));
  }

  /** All messages of all requests (the same history message appears once per request that carried it). */
  allMessages(): ChatMessage[] {
    return this.bodies.flatMap((b) => b.messages);
  }

  protected overrideKey(r: GroqRequest): string {
    return r.path;
  }

  protected override describe(r: GroqRequest): string {
    const last = r.chat?.messages.at(-1);
    return `${r.method} ${r.path} last=${last ? `${last.role}:${messageText(last).slice(0, 80)}` : '-'} → ${r.status}`;
  }

  protected enrich(base: RecordedRequest): GroqRequest {
    const b = asRecord(base.body);
    const chat = typeof b.model === 'string' && Array.isArray(b.messages) ? (b as ChatRequestBody) : undefined;
    return { ...base, chat };
  }

  protected async handle(r: GroqRequest): Promise<Reply> {
    if (!r.authorization?.startsWith('Bearer ')) return oaiError(401, 'Invalid API Key', 'invalid_request_error', 'invalid_api_key');
    if (r.method !== 'POST' || r.path !== CHAT_PATH) return oaiError(404, `Unknown request URL: ${r.method} ${r.path}`, 'invalid_request_error', 'unknown_url');
    if (!r.chat) return oaiError(400, "'messages' and 'model' are required", 'invalid_request_error');
    const next = this.script.shift();
    if (!next) {
      const last = r.chat.messages.at(-1);
      const msg = `fake-groq: no scripted reply queued for request #${this.bodies.length + 1} (last message ${last?.role}: ${last ? messageText(last).slice(0, 200) : '-'})`;
      // Also on stderr: a client that retries 5xx may hit the test timeout before surfacing the body.
      console.error(msg);
      return oaiError(this.emptyQueueStatus, msg, 'internal_server_error');
    }
    const scripted = typeof next === 'function' ? await next(r.chat) : next;
    const n = ++this.seq;
    const id = `chatcmpl-fake-${n}`;
    const created = Math.floor(Date.now() / 1000);
    const toolCalls =
      'toolCalls' in scripted
        ? scripted.toolCalls.map((t, i) => ({
            id: t.id ?? `call_${n}_${i}`,
            type: 'function' as const,
            function: { name: t.name, arguments: JSON.stringify(t.args) },
          }))
        : undefined;
    const content = scripted.content ?? null;

    // Real Groq validates tool calls against request.tools and rejects the whole completion.
    const offered = new Set((r.chat.tools ?? []).map((t) => t.function.name));
    const unknown = toolCalls?.find((t) => !offered.has(t.function.name));
    if (unknown) {
      return oaiError(
        400,
        `tool call validation failed: attempted to call tool '${unknown.function.name}' which was not in request.tools`,
        'invalid_request_error',
        'tool_use_failed',
        {
          failed_generation: JSON.stringify(toolCalls),
        },
      );
    }

    const finish = toolCalls?.length ? 'tool_calls' : 'stop';
    const promptTokens = Math.ceil(r.rawBody.length / 4);
    const completionTokens = Math.max(1, Math.ceil(((content ?? '').length + JSON.stringify(toolCalls ?? '').length) / 4));
    const usage = {
      queue_time: 0.001,
      prompt_tokens: promptTokens,
      prompt_time: 0.001,
      completion_tokens: completionTokens,
      completion_time: 0.001,
      total_tokens: promptTokens + completionTokens,
      total_time: 0.002,
    };
    const xGroq = { id: `req_fake_${n}` };

    if (!r.chat.stream) {
      const message: Record<string, unknown> = { role: 'assistant', content };
      if (toolCalls?.length) message.tool_calls = toolCalls;
      return json(200, {
        id,
        object: 'chat.completion',
        created,
        model: r.chat.model,
        choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
        usage,
        system_fingerprint: 'fp_fake',
        x_groq: xGroq,
      });
    }

    const chunk = (delta: Record<string, unknown>, finishReason: string | null, extra: Record<string, unknown> = {}) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: r.chat!.model, system_fingerprint: 'fp_fake', choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }], ...extra })}\n\n`;
    const events = [chunk({ role: 'assistant', content: '' }, null, { x_groq: xGroq })];
    for (const piece of content?.match(/\S+\s*|\s+/g) ?? []) events.push(chunk({ content: piece }, null));
    // Groq streams each tool call whole in one delta (no argument fragments).
    if (toolCalls?.length) events.push(chunk({ tool_calls: toolCalls.map((t, index) => ({ index, ...t })) }, null));
    events.push(chunk({}, finish, { x_groq: { ...xGroq, usage }, ...(r.chat.stream_options?.include_usage ? { usage } : {}) }));
    events.push('data: [DONE]\n\n');
    return { status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' }, stream: events };
  }
}
