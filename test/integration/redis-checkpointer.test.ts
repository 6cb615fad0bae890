import { randomBytes } from 'node:crypto';
import { Annotation, Command, END, interrupt, START, StateGraph } from '@langchain/langgraph';
import {
  type BaseCheckpointSaver,
  type Checkpoint,
  type CheckpointMetadata,
  type CheckpointTuple,
  ERROR,
  emptyCheckpoint,
  INTERRUPT,
  MemorySaver,
  RESUME,
  uuid6,
} from '@langchain/langgraph-checkpoint';
import { validate } from '@langchain/langgraph-checkpoint-validation';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createKeys, type Keys } from '../../src/store/keys.js';
import { createRedis, waitForRedis } from '../../src/store/redis.js';
import { RedisCheckpointSaver } from '../../src/store/redis-checkpointer.js';
import { createTestRedis, deleteByPattern, type TestRedis } from '../support/redis.js';

// The validation suite calls describe/it/expect/hooks as globals (it assumes vitest `globals:
// true`), which this repo's config does not turn on.
Object.assign(globalThis, { describe, it, expect, beforeAll, afterAll, beforeEach, afterEach });

// Each checkpointer the suite creates gets its own client and key prefix, deleted afterwards.
const validationResources = new Map<RedisCheckpointSaver, { redis: Redis; keys: Keys }>();

validate<RedisCheckpointSaver>({
  checkpointerName: 'RedisCheckpointSaver',
  async createCheckpointer() {
    const redis = createRedis(inject('redisUrl'));
    await waitForRedis(redis);
    const keys = createKeys(`agenthub-test-${randomBytes(4).toString('hex')}`);
    const saver = new RedisCheckpointSaver({ redis, keys });
    validationResources.set(saver, { redis, keys });
    return saver;
  },
  async destroyCheckpointer(saver) {
    const resources = validationResources.get(saver);
    if (!resources) return;
    validationResources.delete(saver);
    await deleteByPattern(resources.redis, `${resources.keys.prefix}:*`);
    resources.redis.disconnect();
  },
});

const meta = (step: number, source: CheckpointMetadata['source'] = 'loop'): CheckpointMetadata => ({ source, step, parents: {} });

function newCheckpoint(values: Record<string, unknown> = {}): Checkpoint {
  const checkpoint = emptyCheckpoint();
  checkpoint.id = uuid6(-3);
  checkpoint.channel_values = values;
  checkpoint.channel_versions = Object.fromEntries(Object.keys(values).map((k) => [k, 1]));
  return checkpoint;
}

async function collect(iter: AsyncIterable<CheckpointTuple>): Promise<CheckpointTuple[]> {
  const out: CheckpointTuple[] = [];
  for await (const t of iter) out.push(t);
  return out;
}

async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    found.push(...batch);
  } while (cursor !== '0');
  return [...new Set(found)].sort();
}

describe('RedisCheckpointSaver with LangGraph', () => {
  let tr: TestRedis;
  let second: Redis | undefined;
  beforeAll(async () => {
    tr = await createTestRedis();
  });
  afterAll(async () => {
    second?.disconnect();
    await tr.close();
  });

  const State = Annotation.Root({
    request: Annotation<string>(),
    approval: Annotation<string>(),
  });

  function buildGraph(checkpointer: BaseCheckpointSaver) {
    return new StateGraph(State)
      .addNode('ask', (state) => ({ approval: interrupt<{ question: string }, string>({ question: `Approve ${state.request}?` }) }))
      .addNode('act', (state) => ({ request: `${state.request} (done: ${state.approval})` }))
      .addEdge(START, 'ask')
      .addEdge('ask', 'act')
      .addEdge('act', END)
      .compile({ checkpointer });
  }

  it('pauses on interrupt() in one process and resumes with Command in another', async () => {
    const config = { configurable: { thread_id: `slack:T1:C1:${randomBytes(4).toString('hex')}` } };

    // "Process A": its own saver on the shared client.
    const graphA = buildGraph(new RedisCheckpointSaver({ redis: tr.redis, keys: tr.keys }));
    // `__interrupt__` is added to the result at runtime but not to its static type.
    const paused: Record<string, unknown> = await graphA.invoke({ request: 'deploy' }, config);
    expect(paused.__interrupt__).toEqual([expect.objectContaining({ value: { question: 'Approve deploy?' } })]);
    expect(paused.approval).toBeUndefined();
    expect((await graphA.getState(config)).next).toEqual(['ask']);

    // "Process B": a second client and saver; nothing is shared but Redis.
    second = createRedis(tr.url);
    await waitForRedis(second);
    const graphB = buildGraph(new RedisCheckpointSaver({ redis: second, keys: createKeys(tr.keys.prefix) }));
    expect((await graphB.getState(config)).next).toEqual(['ask']);
    const resumed = await graphB.invoke(new Command({ resume: 'yes' }), config);
    expect(resumed).toEqual({ request: 'deploy (done: yes)', approval: 'yes' });

    // Both processes now see the finished thread.
    const finalA = await graphA.getState(config);
    expect(finalA.next).toEqual([]);
    expect(finalA.values).toEqual({ request: 'deploy (done: yes)', approval: 'yes' });
  });
});

describe('RedisCheckpointSaver storage', () => {
  let tr: TestRedis;
  let saver: RedisCheckpointSaver;
  beforeAll(async () => {
    tr = await createTestRedis();
    saver = new RedisCheckpointSaver({ redis: tr.redis, keys: tr.keys });
  });
  afterAll(async () => {
    await tr.close();
  });

  it('keeps threads apart, including ids that contain the key separator', async () => {
    // 'team:1' must not collide with 'team' (':' is the key separator).
    const a = 'team:1';
    const b = 'team';
    const a1 = await saver.put({ configurable: { thread_id: a } }, newCheckpoint({ who: 'a' }), meta(-1, 'input'), { who: 1 });
    const a2 = await saver.put(a1, newCheckpoint({ who: 'a' }), meta(0), {});
    await saver.putWrites(a2, [['who', 'a-write']], 'task-a');
    const b1 = await saver.put({ configurable: { thread_id: b } }, newCheckpoint({ who: 'b' }), meta(-1, 'input'), { who: 1 });

    const listA = await collect(saver.list({ configurable: { thread_id: a } }));
    expect(listA.map((t) => t.config.configurable?.checkpoint_id)).toEqual([a2.configurable?.checkpoint_id, a1.configurable?.checkpoint_id]);
    expect(listA.every((t) => t.checkpoint.channel_values.who === 'a')).toBe(true);

    const latestB = await saver.getTuple({ configurable: { thread_id: b } });
    expect(latestB?.config.configurable?.checkpoint_id).toBe(b1.configurable?.checkpoint_id);
    expect(latestB?.checkpoint.channel_values).toEqual({ who: 'b' });
    expect(latestB?.pendingWrites).toEqual([]);
    expect(await collect(saver.list({ configurable: { thread_id: b } }))).toHaveLength(1);

    // A's checkpoint id is not reachable through B.
    expect(await saver.getTuple({ configurable: { thread_id: b, checkpoint_id: a2.configurable?.checkpoint_id } })).toBeUndefined();

    // Listing every thread finds both, each under its own id.
    const all = await collect(saver.list({}));
    expect(all.map((t) => t.config.configurable?.thread_id).sort()).toEqual([b, a, a].sort());
  });

  it('stores special writes like MemorySaver: regular writes keep the first value, error/interrupt/resume are replaced', async () => {
    const run = async (s: BaseCheckpointSaver) => {
      const config = await s.put({ configurable: { thread_id: 'writes', checkpoint_ns: '' } }, newCheckpoint(), meta(0), {});
      await s.putWrites(
        config,
        [
          ['x', 1],
          [INTERRUPT, 'first'],
        ],
        'task-1',
        'b',
      );
      await s.putWrites(
        config,
        [
          ['x', 2],
          [INTERRUPT, 'second'],
        ],
        'task-1',
        'b',
      );
      await s.putWrites(config, [[ERROR, 'boom']], 'task-0', 'c');
      await s.putWrites(config, [[RESUME, 'yes']], 'task-2', 'a');
      return (await s.getTuple(config))?.pendingWrites;
    };
    const fromRedis = await run(saver);
    expect(fromRedis).toEqual([
      ['task-2', RESUME, 'yes'],
      ['task-1', INTERRUPT, 'second'],
      ['task-1', 'x', 1],
      ['task-0', ERROR, 'boom'],
    ]);
    expect(fromRedis).toEqual(await run(new MemorySaver()));
  });

  it('sets ttlSeconds on every key of the thread and refreshes it on each write', async () => {
    const ttlSaver = new RedisCheckpointSaver({ redis: tr.redis, keys: tr.keys, ttlSeconds: 120 });
    const threadId = 'ttl-thread';
    const threadKeys = [tr.keys.key('checkpoint', threadId), tr.keys.key('checkpoint-index', threadId), tr.keys.key('checkpoint-writes', threadId)];
    const ttls = () => Promise.all(threadKeys.map((k) => tr.redis.ttl(k)));

    const c1 = await ttlSaver.put({ configurable: { thread_id: threadId } }, newCheckpoint({ v: 1 }), meta(0), { v: 1 });
    await ttlSaver.putWrites(c1, [['v', 2]], 'task');
    for (const ttl of await ttls()) expect(ttl).toBeGreaterThan(100);

    // Age the keys, then a put (which does not touch the writes key) refreshes all three.
    await Promise.all(threadKeys.map((k) => tr.redis.expire(k, 5)));
    const c2 = await ttlSaver.put(c1, newCheckpoint({ v: 2 }), meta(1), { v: 2 });
    for (const ttl of await ttls()) expect(ttl).toBeGreaterThan(100);

    await Promise.all(threadKeys.map((k) => tr.redis.expire(k, 5)));
    await ttlSaver.putWrites(c2, [['v', 3]], 'task');
    for (const ttl of await ttls()) expect(ttl).toBeGreaterThan(100);

    // Without ttlSeconds nothing expires.
    await saver.put({ configurable: { thread_id: 'no-ttl' } }, newCheckpoint(), meta(0), {});
    expect(await tr.redis.ttl(tr.keys.key('checkpoint', 'no-ttl'))).toBe(-1);
  });

  it('deleteThread removes every key of that thread and nothing else', async () => {
    const prefixKeys = await keysUnder(tr.redis, tr.keys.prefix);
    const gone = 'delete-me';
    const kept = 'keep-me';
    for (const threadId of [gone, kept]) {
      for (const ns of ['', 'sub:1']) {
        const c1 = await saver.put({ configurable: { thread_id: threadId, checkpoint_ns: ns } }, newCheckpoint({ n: ns }), meta(-1, 'input'), { n: 1 });
        await saver.putWrites(c1, [['n', 'w']], 'task');
        await saver.put(c1, newCheckpoint({ n: ns }), meta(0), {});
      }
    }

    await saver.deleteThread(gone);

    for (const ns of ['', 'sub:1']) {
      expect(await saver.getTuple({ configurable: { thread_id: gone, checkpoint_ns: ns } })).toBeUndefined();
      expect(await saver.getTuple({ configurable: { thread_id: kept, checkpoint_ns: ns } })).toBeDefined();
    }
    expect(await collect(saver.list({ configurable: { thread_id: gone } }))).toEqual([]);
    expect(await collect(saver.list({ configurable: { thread_id: kept } }))).toHaveLength(4);

    const keptKeys = [tr.keys.key('checkpoint', kept), tr.keys.key('checkpoint-index', kept), tr.keys.key('checkpoint-writes', kept)];
    expect(await keysUnder(tr.redis, tr.keys.prefix)).toEqual([...prefixKeys, ...keptKeys].sort());
  });
});
