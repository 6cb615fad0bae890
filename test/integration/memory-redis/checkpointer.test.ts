import { randomBytes } from 'node:crypto';
import { Annotation, Command, END, interrupt, START, StateGraph } from '@langchain/langgraph';
import { type BaseCheckpointSaver, type CheckpointMetadata, emptyCheckpoint, INTERRUPT, MemorySaver, RESUME, uuid6 } from '@langchain/langgraph-checkpoint';
import { validate } from '@langchain/langgraph-checkpoint-validation';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryRedis } from '../../../src/demo/memory-redis.js';
import { createKeys } from '../../../src/store/keys.js';
import { RedisCheckpointSaver } from '../../../src/store/redis-checkpointer.js';

/** The LangGraph checkpointer (transactions, BYLEX ranges, the PUT_WRITES script, SCAN) on demo mode's in-memory engine. */

// The validation suite calls describe/it/expect/hooks as globals (vitest `globals` is off here).
Object.assign(globalThis, { describe, it, expect, beforeAll, afterAll, beforeEach, afterEach });

const clients = new Map<RedisCheckpointSaver, Redis>();
validate<RedisCheckpointSaver>({
  checkpointerName: 'RedisCheckpointSaver on the in-memory engine',
  async createCheckpointer() {
    const redis = createMemoryRedis();
    const saver = new RedisCheckpointSaver({ redis, keys: createKeys('agenthub-demo') });
    clients.set(saver, redis);
    return saver;
  },
  async destroyCheckpointer(saver) {
    clients.get(saver)?.disconnect();
    clients.delete(saver);
  },
});

const meta = (step: number): CheckpointMetadata => ({ source: 'loop', step, parents: {} });

describe('RedisCheckpointSaver on the in-memory engine', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = createMemoryRedis();
  });
  afterAll(() => {
    redis.disconnect();
  });

  it('an interrupted graph resumes through another connection to the same engine', async () => {
    const State = Annotation.Root({ request: Annotation<string>(), approval: Annotation<string>() });
    const build = (r: Redis) =>
      new StateGraph(State)
        .addNode('ask', (s) => ({ approval: interrupt<{ question: string }, string>({ question: `Approve ${s.request}?` }) }))
        .addNode('act', (s) => ({ request: `${s.request} (done: ${s.approval})` }))
        .addEdge(START, 'ask')
        .addEdge('ask', 'act')
        .addEdge('act', END)
        .compile({ checkpointer: new RedisCheckpointSaver({ redis: r, keys: createKeys('agenthub-demo'), ttlSeconds: 3600 }) });
    const config = { configurable: { thread_id: `slack:T1:C1:${randomBytes(4).toString('hex')}` } };
    const paused: Record<string, unknown> = await build(redis).invoke({ request: 'deploy' }, config);
    expect(paused.__interrupt__).toEqual([expect.objectContaining({ value: { question: 'Approve deploy?' } })]);
    const other = redis.duplicate();
    expect(await build(other).invoke(new Command({ resume: 'yes' }), config)).toEqual({ request: 'deploy (done: yes)', approval: 'yes' });
    other.disconnect();
  });

  it('stores pending writes like MemorySaver (first regular write kept, special ones replaced)', async () => {
    const run = async (s: BaseCheckpointSaver) => {
      const checkpoint = emptyCheckpoint();
      checkpoint.id = uuid6(-3);
      const config = await s.put({ configurable: { thread_id: 'writes', checkpoint_ns: '' } }, checkpoint, meta(0), {});
      await s.putWrites(
        config,
        [
          ['x', 1],
          [INTERRUPT, 'first'],
        ],
        'task-1',
      );
      await s.putWrites(
        config,
        [
          ['x', 2],
          [INTERRUPT, 'second'],
        ],
        'task-1',
      );
      await s.putWrites(config, [[RESUME, 'yes']], 'task-2');
      return (await s.getTuple(config))?.pendingWrites;
    };
    const stored = await run(new RedisCheckpointSaver({ redis, keys: createKeys('agenthub-demo') }));
    expect(stored).toEqual(await run(new MemorySaver()));
    expect(stored).toContainEqual(['task-1', 'x', 1]);
    expect(stored).toContainEqual(['task-1', INTERRUPT, 'second']);
  });
});
