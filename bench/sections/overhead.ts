/**
 * §2 Gate + vault overhead per tool call with a warm token cache: executor.target + gate.check +
 * executor.run (vault.withToken) around a no-op tool client, against calling the client directly;
 * and the Token Vault exchanges the Auth0 stand-in saw for 1,000 calls by one user.
 */
import { z } from 'zod';
import { createLogger } from '../../src/logger.js';
import type { PeopleDirectory } from '../../src/tools/tool-context.js';
import type { ToolDefinition } from '../../src/tools/tool-definition.js';
import { createToolExecutor } from '../../src/tools/tool-executor.js';
import { type LatencySummary, summarize } from '../support/stats.js';
import { startWorld, TEAM } from '../support/world.js';

const CALLS = 1000;
const MEASURED = 5000;
const WARMUP = 500;

/** A client that does nothing, so what is timed is AgentHub's own path around it. */
const noopClient = { ping: async () => ({ ok: true }) };

const noopTool: ToolDefinition<{ repo: string }, typeof noopClient> = {
  name: 'github_get_bench_noop',
  description: 'Does nothing (benchmark).',
  schema: z.object({ repo: z.string() }),
  service: 'github',
  scopes: ['repo'],
  risk: 'low',
  readOnly: true,
  describe: (a) => `do nothing in ${a.repo}`,
  target: async (a, client) => {
    await client.ping();
    return { repo: { fullName: a.repo, private: false, defaultBranch: 'main' } };
  },
  run: async (_a, client) => ({ data: await client.ping(), text: 'done' }),
};

const nobody: PeopleDirectory = {
  get: async (who) => ({ id: who.userId, name: 'Bench', timeZone: 'UTC' }),
};

export interface OverheadResult {
  direct: LatencySummary;
  guarded: LatencySummary;
  /**
   * One Redis round trip (EXISTS), measured right after: what each token use would cost if its
   * revocation and link checks went to Redis, rather than to memory that Redis keeps current.
   */
  redisRoundTrip: LatencySummary;
  /** The guarded call's parts: what each costs. */
  parts: { target: LatencySummary; gate: LatencySummary; run: LatencySummary };
  guardedP99Under1ms: boolean;
  exchangesPer1000Calls: number;
}

export async function overheadBench(): Promise<OverheadResult> {
  const world = await startWorld();
  try {
    const who = { teamId: TEAM, userId: 'U0OVERHEAD' };
    await world.linkUser(who.userId);
    const executor = createToolExecutor({
      tools: [noopTool],
      services: { github: { kind: 'vault', connection: 'github', verifyScopes: false, readScopes: ['repo'], createClient: () => noopClient } },
      vault: world.bot.deps.vault,
      people: nobody,
      logger: createLogger({ level: 'silent' }),
    });
    const args = { repo: 'acme/widgets' };
    let n = 0;
    const parts = { target: [] as number[], gate: [] as number[], run: [] as number[] };
    const guardedCall = async () => {
      const call = { tool: noopTool, args };
      const t0 = performance.now();
      const target = await executor.target(call, who);
      if (!target.ok) throw new Error(`target failed: ${target.message}`);
      const t1 = performance.now();
      const decision = await world.bot.deps.gate.check({ who, tool: noopTool, args, target: target.value, requestId: `bench-${++n}` });
      if (decision.outcome !== 'allow') throw new Error(`the gate said ${decision.outcome}`);
      const t2 = performance.now();
      const ran = await executor.run(call, who, target.value);
      if (!ran.ok) throw new Error(`run failed: ${ran.message}`);
      parts.target.push(t1 - t0);
      parts.gate.push(t2 - t1);
      parts.run.push(performance.now() - t2);
    };
    const directCall = async () => {
      await noopTool.run(args, noopClient, { who, people: nobody, now: () => new Date() });
    };
    const exchangesBefore = world.auth0.exchangeCount;
    const time = async (fn: () => Promise<void>, calls: number) => {
      const samples: number[] = [];
      for (let i = 0; i < calls; i++) {
        const t = performance.now();
        await fn();
        samples.push(performance.now() - t);
      }
      return summarize(samples);
    };
    // The first guarded call from a cold cache pays the one exchange; the count covers it. These calls also warm up.
    await time(guardedCall, CALLS);
    const exchangesPer1000Calls = world.auth0.exchangeCount - exchangesBefore;
    for (let i = 0; i < WARMUP; i++) await directCall();
    const direct = await time(directCall, MEASURED);
    for (const samples of Object.values(parts)) samples.length = 0;
    const guarded = await time(guardedCall, MEASURED);
    // What reading Redis on every check would add: one round trip on this machine, now.
    const probe = world.bot.keys.key('revoked', TEAM, 'U0OVERHEAD');
    const redisRoundTrip = await time(async () => void (await world.bot.redis.exists(probe)), MEASURED);
    return {
      direct,
      guarded,
      redisRoundTrip,
      parts: { target: summarize(parts.target), gate: summarize(parts.gate), run: summarize(parts.run) },
      guardedP99Under1ms: guarded.p99 < 1,
      exchangesPer1000Calls,
    };
  } finally {
    await world.close();
  }
}
