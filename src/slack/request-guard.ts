import type { IncomingMessage, ServerResponse } from 'node:http';

export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Bolt refuses requests signed more than five minutes ago but accepts ones dated in the future
 * (reference/slack.md §2.4), which lets a captured signature be prepared for replay later. This
 * listener runs in front of Bolt's and refuses timestamps too far ahead too; Bolt still checks
 * the signature and the past side.
 */
export function refuseFutureTimestamps(inner: Listener, { endpoints, now = () => Date.now() }: { endpoints: string[]; now?: () => number }): Listener {
  return (req, res) => {
    // Not `new URL`: this runs on every request, and only the path before any query matters.
    const path = (req.url ?? '/').split('?', 1)[0]!;
    if (req.method === 'POST' && endpoints.includes(path)) {
      const header = req.headers['x-slack-request-timestamp'];
      const ts = Number(Array.isArray(header) ? header[0] : header);
      if (Number.isFinite(ts) && ts - now() / 1000 > MAX_CLOCK_SKEW_SECONDS) {
        req.resume();
        res.writeHead(401, { 'content-type': 'text/plain' }).end('Request timestamp is too far in the future');
        return;
      }
    }
    inner(req, res);
  };
}
