/**
 * An open-loop HTTP load generator: requests leave on a fixed schedule whatever the server's pace,
 * and each latency runs from the request's scheduled time to its response, so a server that falls
 * behind shows it in the tail (no coordinated omission). Every request is signed when it is sent.
 */
import { Agent, request } from 'node:http';
import { signSlackRequest } from '../../src/demo/stand-ins/slack-requests.js';
import { type LatencySummary, summarize } from './stats.js';

export interface SlackRequestBody {
  body: string;
  contentType: string;
}

export interface LoadResult {
  offeredPerSecond: number;
  achievedPerSecond: number;
  latencyMs: LatencySummary;
  non2xx: number;
  errors: number;
}

const TIMEOUT_MS = 10_000;

function send(agent: Agent, url: URL, secret: string, next: SlackRequestBody): Promise<number> {
  return new Promise((resolve) => {
    const headers = { 'Content-Type': next.contentType, 'Content-Length': Buffer.byteLength(next.body), ...signSlackRequest(secret, next.body) };
    const req = request(url, { method: 'POST', agent, headers, timeout: TIMEOUT_MS }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end(next.body);
  });
}

/** `rate` requests per second for `seconds`, or with `rate: 'max'`, `connections` requests always in flight. */
export async function runLoad({
  url,
  secret,
  rate,
  seconds,
  connections = 32,
  next,
}: {
  url: string;
  secret: string;
  rate: number | 'max';
  seconds: number;
  connections?: number;
  next: () => SlackRequestBody;
}): Promise<LoadResult> {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: rate === 'max' ? connections : 512 });
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const record = (scheduledAt: number, status: number) => {
    latencies.push(performance.now() - scheduledAt);
    if (status === 0) errors++;
    else if (status < 200 || status > 299) non2xx++;
  };
  const started = performance.now();
  const endAt = started + seconds * 1000;
  const inFlight: Array<Promise<void>> = [];
  if (rate === 'max') {
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < endAt) {
          const t = performance.now();
          record(t, await send(agent, target, secret, next()));
        }
      }),
    );
  } else {
    const total = Math.round(rate * seconds);
    let sent = 0;
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
      for (; sent < due; sent++) {
        const scheduledAt = started + (sent * 1000) / rate;
        inFlight.push(send(agent, target, secret, next()).then((status) => record(scheduledAt, status)));
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(inFlight);
  }
  const elapsed = performance.now() - started;
  agent.destroy();
  return {
    offeredPerSecond: rate === 'max' ? Number.NaN : rate,
    achievedPerSecond: (latencies.length / elapsed) * 1000,
    latencyMs: summarize(latencies),
    non2xx,
    errors,
  };
}
