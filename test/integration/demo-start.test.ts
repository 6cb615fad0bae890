import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../support/processes.js';

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill('SIGTERM');
  child = undefined;
});

/** Starts `src/main.ts` as `npm start` would, with only PATH (and Redis, when given), and waits for its first lines. */
async function startWithoutKeys(env: Record<string, string>): Promise<{ output: () => string; url: string }> {
  // NODE_EXTRA_CA_CERTS is left out on purpose: the demo must arrange trust in its own stand-in.
  child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const m = /AgentHub demo is running: open (\S+)/.exec(out);
    if (m?.[1]) return { output: () => out, url: m[1] };
    if (child.exitCode !== null) throw new Error(`the demo exited (${child.exitCode}):\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the demo did not start within 60 s:\n${out}`);
}

describe('npm start with no keys runs the demo', () => {
  it('on a Redis it finds: prints the page address, and the page answers', { timeout: 90_000 }, async () => {
    const port = await freePort();
    const { url, output } = await startWithoutKeys({ PORT: String(port), REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
    expect(url).toBe(`http://localhost:${port}`);
    expect(output()).toMatch(/state is kept in Redis/);
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/AgentHub/);
  });

  it('without Redis: runs on the in-memory engine and says nothing persists', { timeout: 90_000 }, async () => {
    const port = await freePort();
    const closed = await freePort(); // nothing listens there
    const { output } = await startWithoutKeys({ PORT: String(port), REDIS_URL: `redis://127.0.0.1:${closed}` });
    expect(output()).toMatch(/nothing persists/);
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
  });

  it('never starts the stand-ins in production mode', { timeout: 60_000 }, async () => {
    const { runEntryPoint } = await import('../support/processes.js');
    const { code, stdout, stderr } = await runEntryPoint('src/main.ts', [], { AGENTHUB_MODE: 'production' });
    expect(code).toBe(1);
    expect(`${stdout}${stderr}`).not.toMatch(/demo/i);
  });
});
