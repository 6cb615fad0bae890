/** Starts bench/targets/slack-target.ts as a child process and talks to it over IPC. */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { STAND_IN_CERT_PATH } from '../../src/demo/stand-ins/tls.js';
import type { TargetKind, TargetReady } from '../targets/slack-target.js';

const SCRIPT = fileURLToPath(new URL('../targets/slack-target.ts', import.meta.url));

export interface TargetProcess extends TargetReady {
  pid: number;
  memory(): Promise<{ rss: number; heapUsed: number }>;
  /** Waits until the app's outbound calls (Slack, Auth0, GitHub stand-ins) stop: the work after the acks is done. */
  settle(maxMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startTarget(kind: TargetKind): Promise<TargetProcess> {
  const child = fork(SCRIPT, [kind], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: { ...process.env, NODE_EXTRA_CA_CERTS: STAND_IN_CERT_PATH },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, (m: Record<string, unknown>) => void>();
  let ids = 0;
  const ready = await new Promise<TargetReady>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the ${kind} app process exited (${code}) before it was ready`)));
    child.on('message', (m: Record<string, unknown>) => {
      if (m.type === 'ready') resolve(m as unknown as TargetReady);
      else waiting.get(m.id as number)?.(m);
    });
  });
  const ask = (type: string) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const id = ++ids;
      waiting.set(id, resolve);
      child.send({ id, type });
    });
  return {
    ...ready,
    pid: child.pid!,
    async memory() {
      const m = await ask('memory');
      return { rss: m.rss as number, heapUsed: m.heapUsed as number };
    },
    async settle(maxMs = 60_000) {
      const until = Date.now() + maxMs;
      let last = -1;
      for (;;) {
        const now = (await ask('activity')).activity as number;
        if (now === last || Date.now() > until) return;
        last = now;
        await new Promise((r) => setTimeout(r, 1000));
      }
    },
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      await ask('stop');
      await exited;
    },
  };
}
