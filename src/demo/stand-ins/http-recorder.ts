/**
 * Shared plumbing for the local HTTP stand-ins in this folder (Slack, GitHub, Groq, Auth0).
 *
 * Each fake is a real `node:http` (or `node:https`) server on 127.0.0.1:0, so the production
 * SDKs run unmodified against it: the wire format is what gets tested, not a mock's idea of it.
 * This module owns what they all share: body reading and parsing, the request log,
 * `waitFor()` for assertions on work that happens after an HTTP ack, and one-shot overrides
 * for error injection (429 + Retry-After, 500, 401, dropped connections).
 */
import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** One request as the fake saw it. Subclasses extend it with service-specific fields. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/api/chat.postMessage`. */
  path: string;
  query: Record<string, string>;
  /** Header names are lower-case (node:http). */
  headers: IncomingHttpHeaders;
  authorization: string | undefined;
  contentType: string | undefined;
  rawBody: string;
  /** JSON or form bodies parsed to an object; `undefined` for an empty body, the raw string otherwise. */
  body: unknown;
  /** HTTP status the fake answered with (set before the request becomes visible; 0 = connection dropped). */
  status: number;
  /** Body the fake answered with (the object, not its JSON; SSE streams joined into one string). */
  responseBody: unknown;
  at: number;
}

/** What a fake answers. A string body is sent as-is; anything else as JSON. */
export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Wait before answering (timeouts, slow upstreams). */
  delayMs?: number;
  /** Destroy the socket without answering (connection reset). */
  dropConnection?: boolean;
  /** Written one by one after the headers (SSE); `body` is ignored when set. */
  stream?: string[];
}

export type ReplyFn<R> = (req: R) => Reply | Promise<Reply>;
/** A string is compared with the fake's override key (see each fake's `overrideKey`). */
export type RequestMatcher<R> = string | ((req: R) => boolean);

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses by content type; a body that claims JSON but is not stays a string so tests can see it. */
export function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw === '') return undefined;
  const ct = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (ct === 'application/json' || (ct === '' && /^\s*[[{]/.test(raw))) {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw;
    }
  }
  if (ct === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(raw));
  return raw;
}

/** `Authorization: token X` / `Bearer X` → `X` (octokit uses `token`, most others `Bearer`). */
export function tokenFromAuthorization(authorization: string | undefined): string | undefined {
  const m = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(authorization ?? '');
  return m?.[1];
}

export function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Records requests and resolves waiters; usable on its own for sinks that need no server logic. */
export class RequestRecorder<R> {
  readonly requests: R[] = [];
  private waiters: Array<{ pred: (r: R) => boolean; resolve: (r: R) => void }> = [];
  private readonly listeners = new Set<(r: R) => void>();

  record(r: R): void {
    this.requests.push(r);
    for (const listener of this.listeners) listener(r);
    this.waiters = this.waiters.filter((w) => {
      if (!w.pred(r)) return true;
      w.resolve(r);
      return false;
    });
  }

  /** First request (already seen or future) matching `pred`; rejects after `timeoutMs` with what was seen. */
  waitFor(pred: (r: R) => boolean, timeoutMs = 2000, describe: (r: R) => string = (r) => JSON.stringify(r)): Promise<R> {
    const hit = this.requests.find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise<R>((resolve, reject) => {
      const waiter = {
        pred,
        resolve: (r: R) => {
          clearTimeout(timer);
          resolve(r);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const seen = this.requests.map(describe).join('\n  ') || '(none)';
        reject(new Error(`waitFor timed out after ${timeoutMs} ms; requests seen:\n  ${seen}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  clear(): void {
    this.requests.length = 0;
  }

  /** Calls `listener` with every request recorded from now on (demo mode pushes them live); returns the unsubscribe. */
  onRecord(listener: (r: R) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export interface TlsOptions {
  key: string | Buffer;
  cert: string | Buffer;
}

/**
 * Base class of every fake: listens, parses, records, applies one-shot overrides, then
 * delegates to `handle()`. Subclasses add service fields via `enrich()` and expose
 * `start()` themselves (so Auth0 can return `{domain, url}` instead of a string).
 */
export abstract class FakeHttpServer<R extends RecordedRequest = RecordedRequest> {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:41234`; set by `listen()`. */
  url = '';
  private server: Server | undefined;
  private readonly recorder = new RequestRecorder<R>();
  private overrides: Array<{ match: RequestMatcher<R>; reply: Reply | ReplyFn<R> }> = [];

  constructor(private readonly tls?: TlsOptions) {}

  get requests(): R[] {
    return this.recorder.requests;
  }

  /** Key a string matcher of `once()` is compared with, e.g. the Slack method name. */
  protected abstract overrideKey(req: R): string;
  /** Adds service-specific fields to the recorded request (called before any answer is chosen). */
  protected abstract enrich(base: RecordedRequest): R;
  /** Default behaviour when no override matches. May mutate fake state. */
  protected abstract handle(req: R): Reply | Promise<Reply>;
  /** One line per request in waitFor timeout messages. */
  protected describe(req: R): string {
    return `${req.method} ${req.path} → ${req.status}`;
  }

  /**
   * Queues a one-shot answer for the next request matching `match`; it replaces the default
   * behaviour (no state change) and is consumed in FIFO order among matching overrides.
   */
  once(match: RequestMatcher<R>, reply: Reply | ReplyFn<R>): this {
    this.overrides.push({ match, reply });
    return this;
  }

  /** Drops pending overrides and the request log (for `beforeEach` in shared fakes). */
  resetRequests(): void {
    this.recorder.clear();
    this.overrides = [];
  }

  waitFor(pred: (r: R) => boolean, timeoutMs = 2000): Promise<R> {
    return this.recorder.waitFor(pred, timeoutMs, (r) => this.describe(r));
  }

  /** Calls `listener` after every request is answered and recorded (state changes included); returns the unsubscribe. */
  onRecord(listener: (r: R) => void): () => void {
    return this.recorder.onRecord(listener);
  }

  protected async listen(): Promise<string> {
    if (this.server) throw new Error(`${this.constructor.name} already started`);
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.dispatch(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'fake_server_error', message: String(err) }));
      });
    };
    const server = this.tls ? createHttpsServer({ key: this.tls.key, cert: this.tls.cert }, handler) : createHttpServer(handler);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    this.url = `${this.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    // Keep-alive sockets from undici/fetch would otherwise hold close() open.
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    const u = new URL(req.url ?? '/', 'http://fake');
    const contentType = req.headers['content-type'];
    const rec = this.enrich({
      method: req.method ?? 'GET',
      path: u.pathname,
      query: Object.fromEntries(u.searchParams),
      headers: req.headers,
      authorization: req.headers.authorization,
      contentType,
      rawBody,
      body: parseBody(rawBody, contentType),
      status: 0,
      responseBody: undefined,
      at: Date.now(),
    });
    const idx = this.overrides.findIndex((o) => (typeof o.match === 'string' ? o.match === this.overrideKey(rec) : o.match(rec)));
    let reply: Reply;
    if (idx >= 0) {
      const [o] = this.overrides.splice(idx, 1);
      reply = typeof o!.reply === 'function' ? await o!.reply(rec) : o!.reply;
    } else {
      reply = await this.handle(rec);
    }
    rec.status = reply.dropConnection ? 0 : (reply.status ?? 200);
    rec.responseBody = reply.stream ? reply.stream.join('') : reply.body;
    this.recorder.record(rec);
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (reply.dropConnection) {
      req.socket.destroy();
      return;
    }
    if (reply.stream) {
      res.writeHead(rec.status, reply.headers ?? {});
      for (const piece of reply.stream) {
        res.write(piece);
        // Separate writes land in separate reads, so clients really see a stream.
        await new Promise((r) => setImmediate(r));
      }
      res.end();
      return;
    }
    const isString = typeof reply.body === 'string';
    const payload = reply.body === undefined ? '' : isString ? (reply.body as string) : JSON.stringify(reply.body);
    const headers: Record<string, string> = { ...(isString ? {} : { 'content-type': 'application/json; charset=utf-8' }), ...(reply.headers ?? {}) };
    res.writeHead(rec.status, headers);
    res.end(payload);
  }
}

/** JSON answer helper. */
export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return headers ? { status, body, headers } : { status, body };
}
