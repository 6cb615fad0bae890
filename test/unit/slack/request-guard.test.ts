import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_CLOCK_SKEW_SECONDS, refuseFutureTimestamps } from '../../../src/slack/request-guard.js';

const NOW_MS = 1_750_000_000_000;
const NOW_S = NOW_MS / 1000;
const MINUTE = 60;

describe('refuseFutureTimestamps in front of the Slack endpoint', () => {
  let server: Server;
  let base: string;
  let reachedInner: Array<{ method: string; url: string; body: string }>;

  beforeAll(async () => {
    // Stands in for Bolt's listener: records what reached it and reads the body as Bolt would.
    const inner = (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        reachedInner.push({ method: req.method ?? '', url: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('inner');
      });
    };
    server = createServer(refuseFutureTimestamps(inner, { endpoints: ['/slack/events'], now: () => NOW_MS }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    reachedInner = [];
  });

  const post = (path: string, timestamp: number | string | undefined, body = 'token=x&command=%2Fagenthub') =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-signature': 'v0=0000',
        ...(timestamp === undefined ? {} : { 'x-slack-request-timestamp': String(timestamp) }),
      },
      body,
    });

  it.each([
    ['six minutes', 6 * MINUTE],
    ['five minutes and one second', MAX_CLOCK_SKEW_SECONDS + 1],
    ['a day', 24 * 60 * MINUTE],
  ])('refuses a request dated %s in the future with 401, without reaching Bolt', async (_what, ahead) => {
    const res = await post('/slack/events', NOW_S + ahead);
    expect(res.status).toBe(401);
    expect(await res.text()).toMatch(/future/);
    expect(reachedInner).toEqual([]);
  });

  it('refuses a future-dated request whatever its query string', async () => {
    const res = await post('/slack/events?ssl_check=1', NOW_S + 6 * MINUTE);
    expect(res.status).toBe(401);
    expect(reachedInner).toEqual([]);
  });

  it('refuses a future-dated request with a large body and still answers promptly', async () => {
    const res = await post('/slack/events', NOW_S + 6 * MINUTE, `payload=${'a'.repeat(1_000_000)}`);
    expect(res.status).toBe(401);
    expect(reachedInner).toEqual([]);
  });

  it.each([
    ['four minutes ahead (normal clock drift)', NOW_S + 4 * MINUTE],
    ['exactly five minutes ahead', NOW_S + MAX_CLOCK_SKEW_SECONDS],
    ['now', NOW_S],
    ['ten minutes ago (stale: Bolt refuses it)', NOW_S - 10 * MINUTE],
    ['not a number (Bolt refuses it)', 'soon'],
  ])('passes a request dated %s on to Bolt, body intact', async (_what, ts) => {
    const res = await post('/slack/events', ts, 'text=hello');
    expect(res.status).toBe(200);
    expect(reachedInner).toEqual([{ method: 'POST', url: '/slack/events', body: 'text=hello' }]);
  });

  it('passes a request without a timestamp on to Bolt, which refuses unsigned requests itself', async () => {
    const res = await post('/slack/events', undefined);
    expect(res.status).toBe(200);
    expect(reachedInner).toHaveLength(1);
  });

  it('passes future-dated requests to other paths through untouched', async () => {
    for (const path of ['/healthz', '/slack/other', '/slack/events/extra']) {
      const res = await post(path, NOW_S + 60 * MINUTE);
      expect(res.status).toBe(200);
    }
    expect(reachedInner.map((r) => r.url)).toEqual(['/healthz', '/slack/other', '/slack/events/extra']);
  });

  it('passes a GET to the endpoint through, whatever its timestamp header', async () => {
    const res = await fetch(`${base}/slack/events`, { headers: { 'x-slack-request-timestamp': String(NOW_S + 60 * MINUTE) } });
    expect(res.status).toBe(200);
    expect(reachedInner).toEqual([{ method: 'GET', url: '/slack/events', body: '' }]);
  });
});
