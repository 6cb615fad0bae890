import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { standInEnv } from '../../src/demo/stand-in-config.js';
import { startStandIns } from '../../src/demo/stand-ins/world.js';
import { createDeps, type Deps } from '../../src/deps.js';
import { SLACK_EVENTS_PATH } from '../../src/slack/create-slack-app.js';
import { createRedis, waitForRedis } from '../../src/store/redis.js';
import type { OidcFake } from '../fakes/auth0-oidc.js';
import type { FakeAuth0 } from '../fakes/fake-auth0.js';
import type { FakeGitHub } from '../fakes/fake-github.js';
import type { FakeSlack } from '../fakes/fake-slack.js';
import { SIGNING_SECRET, TEAM } from './harness.js';
import { freePort } from './processes.js';
import type { SlackWorld } from './slack-user.js';

/**
 * Several real bot processes (`src/main.ts`, production mode) sharing one Redis and the stand-ins
 * of this test process, behind one address: a round-robin proxy, as a load balancer would be.
 *
 * Redis is a dedicated `redis-server` per fleet, because production's key prefix is fixed
 * ("agenthub"): only a separate server keeps parallel test files (and the audit CLI) apart.
 */

export interface BotProcess {
  index: number;
  eventsUrl: string;
  /** Everything the process printed (pino JSON lines), for failure messages. */
  output(): string;
  alive(): boolean;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Which process the proxy handed each request to, in order. */
export interface ProxiedRequest {
  path: string;
  backend: number;
}

export interface BotFleet {
  /** The load balancer's Slack endpoint: every request goes to the next live process in turn. */
  eventsUrl: string;
  processes: BotProcess[];
  proxied: ProxiedRequest[];
  /** The index of the process the load balancer hands the next request to (if it is alive). */
  nextBackend(): number;
  slack: FakeSlack;
  auth0: FakeAuth0;
  github: FakeGitHub;
  oidc: OidcFake;
  /** The environment every bot process runs with (Redis, anchors, key): for the audit CLI too. */
  env: Record<string, string>;
  /** A client on the fleet's Redis database with the bot's own stores (never started: no listener, no background work). */
  observer: Deps;
  /** `test/support/slack-user.ts` drives people against a Harness; it only needs the Slack side, aimed at the proxy. */
  asHarness(eventsUrl?: string): SlackWorld;
  /** Starts one more process (a restart, or scaling out); resolves once it answers /healthz. */
  startProcess(): Promise<BotProcess>;
  /** Links a Slack user to an Auth0 user with GitHub connected; `tokens` collects every GitHub token minted for them. */
  linkUser(userId: string, opts?: { githubLogin?: string }): Promise<{ sub: string; tokens: Set<string> }>;
  close(): Promise<void>;
}

export async function startBotProcesses({ count, policy }: { count: number; policy?: string }): Promise<BotFleet> {
  const redisServer = await startRedisServer();
  const standIns = await startStandIns({ slack: { teamId: TEAM } });
  const { slack, auth0, github, oidc } = standIns;

  const workDir = mkdtempSync(join(tmpdir(), 'agenthub-fleet-'));
  const extra: Record<string, string> = {};
  if (policy) {
    extra.AGENTHUB_POLICY = join(workDir, 'policy.yaml');
    writeFileSync(extra.AGENTHUB_POLICY, policy);
  }
  const proxyPort = await freePort();
  const env: Record<string, string> = {
    ...standInEnv({
      ...standIns.addresses,
      redisUrl: redisServer.url,
      signingSecret: SIGNING_SECRET,
      port: 0,
      // Browser links (step-up, sign-in) point at the load balancer, not at one process.
      publicUrl: `http://127.0.0.1:${proxyPort}`,
      extra: { AGENTHUB_AUDIT_ANCHOR_DIR: join(workDir, 'anchors'), LOG_LEVEL: 'warn', ...extra },
    }),
    AGENTHUB_MODE: 'production',
    AGENTHUB_REDIS_PREFIX: 'agenthub',
  };

  const redis = createRedis(redisServer.url);
  await waitForRedis(redis);
  const observer = createDeps(loadConfig({ ...env, PORT: '0' }), { logger: pino({ level: 'silent' }), redis });

  const processes: BotProcess[] = [];
  let started = 0;
  const startProcess = async () => {
    const proc = await spawnBot(started++, env);
    processes.push(proc);
    processes.sort((a, b) => a.index - b.index);
    return proc;
  };
  await Promise.all(Array.from({ length: count }, () => startProcess()));

  const proxied: ProxiedRequest[] = [];
  const proxy = await startRoundRobinProxy(proxyPort, processes, proxied);
  const eventsUrl = `http://127.0.0.1:${proxyPort}${SLACK_EVENTS_PATH}`;

  let linked = 0;
  return {
    eventsUrl,
    processes,
    proxied,
    nextBackend: proxy.next,
    slack,
    auth0,
    github,
    oidc,
    env,
    observer,
    asHarness: (url = eventsUrl) => ({ eventsUrl: url, slack, oidc }),
    startProcess,
    async linkUser(userId, { githubLogin = 'octo-dev' } = {}) {
      const sub = `github|${2000 + ++linked}`;
      const refreshToken = `v1.MRrt-fleet-refresh-${randomBytes(12).toString('hex')}`;
      const tokens = new Set<string>();
      auth0.addUser({ sub, refreshToken, connections: { github: { scope: '' } } });
      auth0.onTokenIssued((t) => {
        if (t.sub !== sub || t.connection !== 'github') return;
        tokens.add(t.token);
        github.acceptToken(t.token, githubLogin);
      });
      await observer.accounts.link({ teamId: TEAM, userId }, { auth0Sub: sub, refreshToken });
      return { sub, tokens };
    },
    async close() {
      await Promise.all(processes.map((p) => p.kill('SIGTERM')));
      await new Promise<void>((resolve) => {
        proxy.server.closeAllConnections();
        proxy.server.close(() => resolve());
      });
      await observer.close().catch(() => {});
      redis.disconnect();
      await standIns.stop();
      redisServer.stop();
    },
  };
}

async function spawnBot(index: number, env: Record<string, string>): Promise<BotProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '', NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ?? '', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const proc: BotProcess = {
    index,
    eventsUrl: `http://127.0.0.1:${port}${SLACK_EVENTS_PATH}`,
    output: () => output,
    alive: () => child.exitCode === null && child.signalCode === null,
    async kill(signal = 'SIGKILL') {
      if (!proc.alive()) return;
      child.kill(signal);
      await exited;
    },
  };
  await waitUntilHealthy(`http://127.0.0.1:${port}/healthz`, child, () => output);
  return proc;
}

async function waitUntilHealthy(url: string, child: ChildProcess, output: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`A bot process exited with ${child.exitCode} while starting:\n${output()}`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`A bot process did not answer /healthz within ${timeoutMs} ms:\n${output()}`);
}

/**
 * Forwards each request to the next process in turn, skipping ones that refuse the connection
 * (a load balancer's health check would take a dead process out of rotation the same way).
 */
function startRoundRobinProxy(port: number, backends: BotProcess[], log: ProxiedRequest[]): Promise<{ server: Server; next(): number }> {
  let next = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const attempt = (tries: number) => {
        const backend = backends[next++ % backends.length];
        if (!backend || tries >= backends.length) {
          res.writeHead(502).end();
          return;
        }
        const target = new URL(backend.eventsUrl);
        const upstream = request(
          { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } },
          (up) => {
            log.push({ path: req.url ?? '', backend: backend.index });
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          },
        );
        upstream.on('error', (err: NodeJS.ErrnoException) => {
          if (err.code === 'ECONNREFUSED' && !res.headersSent) attempt(tries + 1);
          else if (!res.headersSent) res.writeHead(502).end();
        });
        upstream.end(body);
      };
      attempt(0);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve({ server, next: () => backends[next % backends.length]?.index ?? 0 }));
  });
}

/** A throwaway redis-server for one fleet. */
async function startRedisServer(): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  const probe = createRedis(url, { lazyConnect: true, retryStrategy: () => 50 });
  probe.on('error', () => {});
  try {
    await probe.connect().catch(() => {});
    await waitForRedis(probe, 5000);
  } finally {
    probe.disconnect();
  }
  return { url, stop: () => child.kill('SIGKILL') };
}
