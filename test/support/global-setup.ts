import { type ChildProcess, spawn } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { freePort } from './processes.js';
import { answersPing } from './shared.js';

/**
 * Finds the Redis the suite talks to: REDIS_URL, else one on 127.0.0.1:6379, else a
 * `redis-server` from PATH started on a free port for this run. Tests need real Redis
 * behaviour (SET NX, streams, Lua), so there is no in-memory fallback here.
 */
let started: ChildProcess | undefined;

async function startRedisServer(): Promise<string> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('spawn', () => resolve());
  });
  started = child;
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    if (await answersPing(url)) return url;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('redis-server started but did not answer PING');
}

export default async function setup(project: TestProject) {
  let url = process.env.REDIS_URL;
  if (url && !(await answersPing(url))) throw new Error(`REDIS_URL is set but Redis does not answer there. Start it, or unset REDIS_URL.`);
  if (!url && (await answersPing('redis://127.0.0.1:6379'))) url = 'redis://127.0.0.1:6379';
  if (!url) {
    try {
      url = await startRedisServer();
    } catch {
      throw new Error('The tests need Redis: set REDIS_URL, start one on 127.0.0.1:6379, or install redis-server (apt-get install redis-server).');
    }
  }
  project.provide('redisUrl', url);
  return () => {
    started?.kill();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
