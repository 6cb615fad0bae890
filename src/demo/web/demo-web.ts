/**
 * Demo mode's local Slack-like page: a node:http server over the Slack stand-in.
 *
 *   GET  /                  the page (shell, /app.css, /app.js)
 *   GET  /api/state?user=U  what that user sees: conversations, threads, their private notes, their App Home
 *   GET  /api/events        Server-Sent Events: one `change` per Slack Web API call the stand-in records
 *   POST /api/say           { user, channel, text, threadTs? } → a signed app_mention / DM message / slash command
 *   POST /api/click         { user, surface, channel?, messageTs?, noteId?, actionId, … } → a signed block_actions
 *   POST /api/home-opened   { user } → a signed app_home_opened
 *
 * Everything the bot receives goes through its real, signature-checked endpoint; the page is only a
 * person's Slack client. It is meant for 127.0.0.1: there is no login, anyone who reaches it acts as anyone.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { DemoWorkspace } from '../demo-types.js';
import type { FakeSlack } from '../stand-ins/fake-slack.js';
import { readBody } from '../stand-ins/http-recorder.js';
import { renderPageHtml } from './page-html.js';
import { PAGE_SCRIPT } from './page-script.js';
import { buildPageState } from './page-state.js';
import { PAGE_CSS } from './page-style.js';
import { PrivateNotes } from './private-notes.js';
import { type ClickInput, createSlackDelivery, type DeliveryResult } from './slack-delivery.js';

export interface DemoWebOptions {
  slack: FakeSlack;
  /** The bot's POST /slack/events. */
  eventsUrl: string;
  signingSecret: string;
  workspace: DemoWorkspace;
  logger?: Logger;
}

export interface DemoWeb {
  /** Starts listening; returns the page's base URL (port 0 picks a free port). */
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

/** Nothing but this page's own files, no inline script, no framing. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

class BadRequest extends Error {}

export function createDemoWeb({ slack, eventsUrl, signingSecret, workspace, logger }: DemoWebOptions): DemoWeb {
  const notes = new PrivateNotes(slack);
  const delivery = createSlackDelivery({ slack, eventsUrl, signingSecret, workspace, notes, logger });
  const streams = new Set<ServerResponse>();
  const firstSeen = new Map<string, number>();
  let server: Server | undefined;
  let heartbeat: NodeJS.Timeout | undefined;

  const push = (what: string) => {
    const frame = `data: ${JSON.stringify({ change: what })}\n\n`;
    for (const res of streams) res.write(frame);
  };
  const unsubscribe = slack.onRecord((call) => {
    try {
      notes.observe(call);
      push(call.api);
    } catch (err) {
      logger?.warn({ err }, 'demo page: could not take in a Slack call');
    }
  });

  const knownUser = (id: unknown): string => {
    if (typeof id !== 'string' || !workspace.users.some((u) => u.id === id)) throw new BadRequest('unknown user');
    return id;
  };
  const seen = (key: string) => {
    let at = firstSeen.get(key);
    if (at === undefined) {
      at = Date.now();
      firstSeen.set(key, at);
    }
    return at;
  };
  /** Answers a delivery and tells every open page (a private note may have been added). */
  const answer = (res: ServerResponse, result: DeliveryResult) => {
    push('page');
    sendJson(res, 200, result);
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://demo');
    const key = `${req.method} ${url.pathname}`;
    switch (key) {
      case 'GET /':
        return send(res, 200, 'text/html; charset=utf-8', renderPageHtml(workspace));
      case 'GET /app.css':
        return send(res, 200, 'text/css; charset=utf-8', PAGE_CSS);
      case 'GET /app.js':
        return send(res, 200, 'text/javascript; charset=utf-8', PAGE_SCRIPT);
      case 'GET /favicon.ico':
        return send(res, 204, 'text/plain', '');
      case 'GET /api/state': {
        const viewer = knownUser(url.searchParams.get('user') ?? workspace.users[0]?.id);
        const state = buildPageState({ slack, workspace, viewer, notes: (c, v) => notes.visibleIn(c, v), firstSeen: seen });
        return sendJson(res, 200, state);
      }
      case 'GET /api/events':
        return openStream(req, res);
      case 'POST /api/say': {
        const body = await jsonBody(req);
        const channel = body.channel;
        if (typeof channel !== 'string' || typeof body.text !== 'string') throw new BadRequest('channel and text are required');
        const threadTs = typeof body.threadTs === 'string' ? body.threadTs : undefined;
        return answer(res, await delivery.say({ user: knownUser(body.user), channel, text: body.text, ...(threadTs ? { threadTs } : {}) }));
      }
      case 'POST /api/click':
        return answer(res, await delivery.click(clickInput(await jsonBody(req), knownUser)));
      case 'POST /api/home-opened': {
        const body = await jsonBody(req);
        return answer(res, await delivery.openHome(knownUser(body.user)));
      }
      default:
        return send(res, 404, 'text/plain; charset=utf-8', 'Not found');
    }
  }

  function openStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
    res.write('retry: 1000\n\n');
    streams.add(res);
    req.on('close', () => streams.delete(res));
  }

  return {
    async listen(port, host) {
      if (server) throw new Error('the demo page is already listening');
      const s = createServer((req, res) => {
        route(req, res).catch((err: unknown) => {
          if (err instanceof BadRequest) return sendJson(res, 400, { ok: false, error: err.message });
          logger?.error({ err }, 'demo page request failed');
          if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'The demo page hit an error; see the terminal.' });
          else res.end();
        });
      });
      server = s;
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, host, () => resolve());
      });
      // Comments keep idle SSE connections from being closed by proxies and browsers.
      heartbeat = setInterval(() => {
        for (const r of streams) r.write(': keep-alive\n\n');
      }, 15_000);
      heartbeat.unref();
      const { port: bound } = s.address() as AddressInfo;
      return `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
    },
    async close() {
      unsubscribe();
      clearInterval(heartbeat);
      for (const r of streams) r.end();
      streams.clear();
      const s = server;
      server = undefined;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}

function clickInput(body: Record<string, unknown>, knownUser: (id: unknown) => string): ClickInput {
  const text = (k: string) => (typeof body[k] === 'string' && body[k] !== '' ? (body[k] as string) : undefined);
  const actionId = text('actionId');
  const surface = body.surface === 'home' ? 'home' : 'message';
  if (!actionId) throw new BadRequest('actionId is required');
  const selected = body.selectedOption as { text?: unknown; value?: unknown } | undefined;
  const input: ClickInput = { user: knownUser(body.user), surface, actionId };
  for (const k of ['channel', 'messageTs', 'noteId', 'blockId', 'value', 'type', 'text'] as const) {
    const v = text(k);
    if (v !== undefined) input[k] = v;
  }
  if (selected && typeof selected.value === 'string') input.selectedOption = { text: String(selected.text ?? selected.value), value: selected.value };
  return input;
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readBody(req);
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    /* answered below */
  }
  throw new BadRequest('expected a JSON object');
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': contentType });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}
