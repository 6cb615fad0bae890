import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HumanMessage } from '@langchain/core/messages';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../src/config.js';

const ROOT = resolve(import.meta.dirname, '../..');

interface LangGraphJson {
  $schema?: string;
  node_version?: string;
  dependencies?: string[];
  graphs: Record<string, string>;
  env?: string | Record<string, string>;
}

const langgraph = JSON.parse(readFileSync(resolve(ROOT, 'langgraph.json'), 'utf8')) as LangGraphJson;

/** `./graphs/orchestrator.ts:graph` → file and export name (the default export when none is named). */
function parseTarget(target: string): { file: string; exportName: string } {
  const colon = target.lastIndexOf(':');
  return colon > 0 ? { file: target.slice(0, colon), exportName: target.slice(colon + 1) } : { file: target, exportName: 'default' };
}

interface GraphLike {
  nodes: Record<string, unknown>;
  invoke(input: unknown, config?: unknown): Promise<{ messages: Array<{ content: unknown }> }>;
}

describe('langgraph.json', () => {
  // The graph factories read process.env; run them as in a checkout without Slack/Auth0 settings.
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    for (const name of CONFIG_VARIABLES) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
  });
  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('has the fields the LangGraph CLI reads', () => {
    expect(langgraph.$schema).toBe('https://langgra.ph/schema.json');
    expect(langgraph.node_version).toBe('20');
    expect(langgraph.dependencies).toEqual(['.']);
    expect(langgraph.env).toBe('.env');
    expect(Object.keys(langgraph.graphs)).toContain('orchestrator');
  });

  for (const [id, target] of Object.entries(langgraph.graphs)) {
    it(`graph "${id}" (${target}) resolves to a factory of a plan ⇄ act graph that answers "not linked" without config`, async () => {
      const { file, exportName } = parseTarget(target);
      const path = resolve(ROOT, file);
      expect(existsSync(path), `${file} exists`).toBe(true);

      const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
      const factory = mod[exportName];
      expect(typeof factory, `${file} exports a function named ${exportName}`).toBe('function');

      const g = (await (factory as () => Promise<GraphLike>)()) as GraphLike;
      expect(Object.keys(g.nodes)).toEqual(expect.arrayContaining(['plan', 'act']));

      const final = await g.invoke(
        { messages: [new HumanMessage('list my repositories')] },
        { configurable: { thread_id: 't', who: { teamId: 'T1', userId: 'U1' } } },
      );
      const last = final.messages.at(-1);
      expect(String(last?.content)).toContain("isn't linked");
    });
  }
});
