import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import type { Logger } from '../logger.js';

/**
 * The few HTML pages and redirects of the browser hops. Minimal on purpose: one heading, one or
 * two sentences, no script, no external resource. Everything interpolated is HTML-escaped.
 *
 * Every answer (pages and redirects) is `no-store` and `no-referrer`: the URLs involved carry
 * single-use states, link tokens and authorization codes, which must stay out of caches and out
 * of the Referer header sent to the next site.
 */

export interface Page {
  status: number;
  title: string;
  /** Sentences shown under the title, one paragraph each. */
  paragraphs: string[];
}

const COMMON_HEADERS: Record<string, string> = {
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderPage({ title, paragraphs }: Page): string {
  const body = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · AgentHub</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#1d1c1d}h1{font-size:1.4rem}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}

export function sendPage(res: ServerResponse, page: Page): void {
  const html = renderPage(page);
  res.writeHead(page.status, { ...COMMON_HEADERS, 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': String(Buffer.byteLength(html)) });
  res.end(html);
}

/** 302 to `location`, with the same no-store / no-referrer headers as the pages. */
export function sendRedirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { ...COMMON_HEADERS, Location: location, 'Content-Length': '0' });
  res.end();
}

/** The query of a request (Bolt matches custom routes on the path only; the query is ours to read). */
export function queryOf(req: IncomingMessage): URLSearchParams {
  return new URL(req.url ?? '/', 'http://localhost').searchParams;
}

/**
 * A Bolt custom route whose handler is async. Bolt calls `handler(req, res)` without awaiting or
 * catching, so a rejection would become an unhandled rejection; here it becomes a 500 page and one
 * log line (message only: never the request URL, which carries codes and states).
 */
export function browserRoute(path: string, logger: Logger, handle: (req: IncomingMessage) => Promise<Page | { redirect: string }>): CustomRoute {
  return {
    path,
    method: ['GET'],
    handler: (req, res) => {
      handle(req)
        .then((answer) => ('redirect' in answer ? sendRedirect(res, answer.redirect) : sendPage(res, answer)))
        .catch((err: unknown) => {
          logger.error(
            { route: path, error: err instanceof Error ? err.name : typeof err },
            `browser route failed: ${err instanceof Error ? err.message : String(err)}`,
          );
          if (res.headersSent) {
            res.destroy();
            return;
          }
          sendPage(res, {
            status: 500,
            title: 'Something went wrong',
            paragraphs: ['AgentHub could not finish this step. Nothing was changed.', 'Go back to Slack and try again in a moment.'],
          });
        });
    },
  };
}
