import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLiveRuns, type InterruptedRun, interruptedRunText } from '../../../src/agent/live-runs.js';
import { createTestRedis, type TestRedis } from '../../support/redis.js';
import { settle } from './fleet-policy.js';

const who = { teamId: 'T0001', userId: 'U0LIVE' };
const thread = (threadTs: string) => ({ who, channel: 'C0001', threadTs });

describe('leases of running turns, for reporting runs whose process died', () => {
  let store: TestRedis;
  beforeAll(async () => {
    store = await createTestRedis();
  });
  afterAll(async () => store?.close());

  /** One "process": its own lease keeper, reporting into `reports`. */
  function processWith(reports: InterruptedRun[]) {
    return createLiveRuns({ redis: store.redis, keys: store.keys, logger: pino({ level: 'silent' }), leaseMs: 300, report: async (r) => void reports.push(r) });
  }

  it('a run whose process stops renewing is reported once across processes, with its last step, and its turn lock is freed', async () => {
    const reports: InterruptedRun[] = [];
    const dying = processWith([]);
    const lockKey = store.keys.key('lock', 'turn', 'dying-thread');
    await store.redis.set(lockKey, 'owner-that-died', 'PX', 120_000);
    const run = dying.begin(thread('1.1'), lockKey);
    run.step('merge pull request #5 in acme/widgets (squash)');
    await settle(50);
    dying.stop(); // the process dies: no more renewals, and no end()
    const survivors = [processWith(reports), processWith(reports), processWith(reports)];
    await settle(400);
    const claimed = await Promise.all(survivors.map((s) => s.sweep()));
    expect(claimed.reduce((a, b) => a + b, 0)).toBe(1);
    expect(reports).toEqual([{ ...thread('1.1'), lockKey, step: 'merge pull request #5 in acme/widgets (squash)' }]);
    expect(await store.redis.exists(lockKey)).toBe(0);
    expect(interruptedRunText(reports[0]!)).toMatch(
      /<@U0LIVE>, your request here was interrupted.*merge pull request #5 in acme\/widgets.*may have happened or not/,
    );
  });

  it('a run that is still alive, or that finished, is never reported', async () => {
    const reports: InterruptedRun[] = [];
    const alive = processWith([]);
    const running = alive.begin(thread('2.1'), store.keys.key('lock', 'turn', 'alive'));
    const done = alive.begin(thread('2.2'), store.keys.key('lock', 'turn', 'done'));
    await done.end();
    await settle(900); // three lease lengths: only renewals keep the running one
    expect(await processWith(reports).sweep()).toBe(0);
    expect(reports).toEqual([]);
    await running.end();
    alive.stop();
  });

  it('escapes what the step says, so a title cannot ping the channel', () => {
    expect(interruptedRunText({ ...thread('3.1'), step: 'create issue "<!channel> hi"' })).not.toContain('<!channel>');
  });
});
