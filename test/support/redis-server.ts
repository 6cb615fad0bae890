import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './processes.js';
import { answersPing } from './shared.js';

/**
 * A redis-server of one test file's own (from PATH, on a free port), so outage tests can kill it
 * without taking the suite's shared Redis down. AOF is on, as production runs it
 * (reference/reliability.md §4.5), so a restart on the same port brings the data back.
 */
export interface DedicatedRedis {
  url: string;
  port: number;
  /** SIGKILL: the connection drops at once, as in a crash. */
  kill(): Promise<void>;
  /** Starts again on the same port and data directory; resolves when it answers PING, with that moment (ms epoch). */
  restart(): Promise<number>;
  /** SIGSTOP / SIGCONT: the server hangs with its sockets open (a stalled host), commands time out. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

export async function startDedicatedRedis(): Promise<DedicatedRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'agenthub-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const launch = async () => {
    const proc = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec'],
      { stdio: 'ignore' },
    );
    await new Promise<void>((resolve, reject) => {
      proc.once('error', reject);
      proc.once('spawn', () => resolve());
    });
    child = proc;
    for (let i = 0; i < 100; i++) {
      if (await answersPing(url, 200)) return Date.now();
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`redis-server on port ${port} did not answer PING`);
  };
  const killWith = async (signal: NodeJS.Signals) => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill(signal);
    await exited;
  };

  await launch();
  return {
    url,
    port,
    kill: () => killWith('SIGKILL'),
    restart: launch,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    async stop() {
      child?.kill('SIGCONT');
      await killWith('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
