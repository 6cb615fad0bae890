/**
 * A benchmark child process and its runner side: the child announces `ready` with some data, then
 * answers requests by type over the IPC channel; `stop` closes it and exits.
 */
import { fork } from 'node:child_process';
import { STAND_IN_CERT_PATH } from '../../src/demo/stand-ins/tls.js';

type Handlers = Record<string, (payload: unknown) => unknown>;
interface Envelope {
  id: number;
  type: string;
  payload?: unknown;
}

/** Child side: answers requests with `handlers`; `close` runs on `stop`. */
export function serveParent(ready: unknown, handlers: Handlers, close: () => Promise<unknown>): void {
  process.on('message', async ({ id, type, payload }: Envelope) => {
    if (type === 'stop') {
      await close().catch(() => {});
      process.send?.({ id });
      process.exit(0);
    }
    process.send?.({ id, result: await handlers[type]?.(payload) });
  });
  process.send?.({ ready });
}

export function failChild(what: string) {
  return (err: unknown) => {
    process.stderr.write(`${what} failed: ${(err as Error).stack}\n`);
    process.exit(1);
  };
}

export interface Child<R> {
  ready: R;
  pid: number;
  ask<T>(type: string, payload?: unknown): Promise<T>;
  stop(): Promise<void>;
}

/** Runner side: forks a TypeScript entry point (trusting the Auth0 stand-in's certificate) and waits for `ready`. */
export async function startChild<R>(script: URL, args: string[] = []): Promise<Child<R>> {
  const child = fork(script, args, {
    // BENCH_CPU_PROF=<dir>: every child writes a V8 CPU profile there, to see where a figure's time goes.
    execArgv: ['--import', 'tsx', '--expose-gc', ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [])],
    env: { ...process.env, NODE_EXTRA_CA_CERTS: STAND_IN_CERT_PATH },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, (result: unknown) => void>();
  let ids = 0;
  const ready = await new Promise<R>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script.pathname} exited (${code}) before it was ready`)));
    child.on('message', (m: { ready?: R; id?: number; result?: unknown }) => {
      if (m.ready !== undefined) resolve(m.ready);
      else if (m.id !== undefined) waiting.get(m.id)?.(m.result);
    });
  });
  const ask = <T>(type: string, payload?: unknown) =>
    new Promise<T>((resolve) => {
      const id = ++ids;
      waiting.set(id, (r) => resolve(r as T));
      child.send({ id, type, payload });
    });
  return {
    ready,
    pid: child.pid!,
    ask,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      await ask('stop');
      await exited;
    },
  };
}
