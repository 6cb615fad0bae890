import type { ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import type { TrackedReads } from '../store/tracked-reads.js';

/**
 * GET /healthz: 200 while the process serves, with Redis reachability for the load balancer and
 * operators, and whether the per-call checks are answered from tracked memory ("tracking") or read
 * from Redis each time (any other state: slower, never less safe).
 */
export function createHealthRoute({ redis, trackedReads }: { redis: Redis; trackedReads: Pick<TrackedReads, 'state'> }) {
  return {
    path: '/healthz',
    method: ['GET'],
    handler: (_req: unknown, res: ServerResponse) => {
      const started = performance.now();
      redis
        .ping()
        .then(
          () => ({ redis: 'up' as const, redisLatencyMs: Math.round((performance.now() - started) * 10) / 10 }),
          () => ({ redis: 'down' as const }),
        )
        .then((redisState) => {
          res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
          res.end(JSON.stringify({ status: 'ok', ...redisState, trackedReads: trackedReads.state }));
        });
    },
  };
}
