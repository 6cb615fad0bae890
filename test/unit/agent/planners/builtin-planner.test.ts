import { AIMessage, type BaseMessage, HumanMessage } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import { ALL_EXAMPLE_REQUESTS, capabilitiesText, createBuiltinPlanner, EXAMPLE_REQUESTS } from '../../../../src/agent/planners/builtin-planner.js';
import { toolErrorMessage, toolResultMessage } from '../../../../src/agent/tool-message.js';

const planner = createBuiltinPlanner();
const context = { channel: 'C0HERE', threadTs: '1700000000.000100', timeZone: 'Europe/Paris', now: new Date('2026-11-30T09:00:00Z') };
const next = (messages: BaseMessage[]) => planner.next({ messages, tools: [], context });

/** One finished turn in a thread: the request, the planned call, its result and the answer. */
function turn(request: string, call: { name: string; args: Record<string, unknown> }, id: string): BaseMessage[] {
  return [
    new HumanMessage(request),
    new AIMessage({ content: '', tool_calls: [{ id, name: call.name, args: call.args, type: 'tool_call' }] }),
    toolResultMessage({ toolCallId: id, name: call.name, data: [], text: 'No open pull requests.' }),
    new AIMessage('No open pull requests.'),
  ];
}
const listIn = (owner: string, repo: string) => ({ name: 'github_list_pull_requests', args: { owner, repo, state: 'open' } });

describe('built-in planner', () => {
  it('is named built-in', () => {
    expect(planner.name).toBe('built-in');
  });

  it('turns a plain request into exactly one tool call with the interpreted arguments', async () => {
    const reply = await next([new HumanMessage('list open pull requests in acme/widgets')]);
    expect(reply.content).toBe('');
    expect(reply.tool_calls).toHaveLength(1);
    expect(reply.tool_calls?.[0]).toMatchObject({ name: 'github_list_pull_requests', args: { owner: 'acme', repo: 'widgets', state: 'open' } });
    expect(reply.tool_calls?.[0]?.id).toBeTruthy();
  });

  it('plans every example it advertises as a tool call', async () => {
    for (const example of ALL_EXAMPLE_REQUESTS) {
      const reply = await next([new HumanMessage(example)]);
      expect(reply.tool_calls, example).toHaveLength(1);
    }
  });

  it('answers "show #3" after a turn about acme/api with pull request 3 of acme/api', async () => {
    const reply = await next([...turn('list open PRs in acme/api', listIn('acme', 'api'), 'c1'), new HumanMessage('show #3')]);
    expect(reply.tool_calls?.[0]).toMatchObject({ name: 'github_get_pull_request', args: { owner: 'acme', repo: 'api', pull_number: 3 } });
  });

  it('follows the repository of the most recent turn, not an older one', async () => {
    const messages = [
      ...turn('list open PRs in acme/api', listIn('acme', 'api'), 'c1'),
      ...turn('list open PRs in acme/web', listIn('acme', 'web'), 'c2'),
      new HumanMessage('show #3'),
    ];
    expect((await next(messages)).tool_calls?.[0]?.args).toEqual({ owner: 'acme', repo: 'web', pull_number: 3 });
  });

  it('remembers a repository named in an earlier request even when no tool ran for it', async () => {
    const messages = [new HumanMessage('tell me about acme/api'), new AIMessage('I can help with GitHub…'), new HumanMessage('closed PRs please')];
    expect((await next(messages)).tool_calls?.[0]?.args).toEqual({ owner: 'acme', repo: 'api', state: 'closed' });
  });

  it('asks which repository when the thread has none to offer', async () => {
    const reply = await next([new HumanMessage('show #3')]);
    expect(reply.tool_calls ?? []).toEqual([]);
    expect(String(reply.content)).toMatch(/Which repository is pull request #3 in\?/);
  });

  it('says it did not understand an unknown request, quotes it and offers examples', async () => {
    const reply = await next([new HumanMessage('book me a flight to Lisbon')]);
    const text = String(reply.content);
    expect(reply.tool_calls ?? []).toEqual([]);
    expect(text).toContain(`I didn't understand "book me a flight to Lisbon"`);
    for (const example of ALL_EXAMPLE_REQUESTS) expect(text).toContain(example);
  });

  it('groups what it can do by service and no longer says it only works on GitHub', () => {
    expect(Object.keys(EXAMPLE_REQUESTS)).toEqual(['GitHub', 'Calendar', 'Slack']);
    const text = capabilitiesText();
    expect(text).not.toMatch(/GitHub only|for now/i);
    expect(text.indexOf('*GitHub*')).toBeLessThan(text.indexOf('*Calendar*'));
    expect(text.indexOf('*Calendar*')).toBeLessThan(text.indexOf('*Slack*'));
  });

  it('echoes an unknown request escaped, so "<!channel>" in it pings nobody', async () => {
    const reply = await next([new HumanMessage('<!channel> <!here> please <https://evil.example|click> & go')]);
    const text = String(reply.content);
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<!here>');
    expect(text).not.toContain('<https://evil.example');
    expect(text).toContain('&lt;!channel&gt;');
  });

  it('never echoes a token someone pasted into an unknown request', async () => {
    const token = ['xoxb', '-', '1234567890-0987654321-AbCdEfGhIjKlMn'].join('');
    const reply = await next([new HumanMessage(`is ${token} valid?`)]);
    expect(String(reply.content)).not.toContain(token);
  });

  it('echoes at most a short excerpt of a very long unknown request', async () => {
    const reply = await next([new HumanMessage(`please ${'blah '.repeat(2000)}`)]);
    const text = String(reply.content);
    // The echo is clipped; the rest is the fixed list of examples.
    expect(text.length).toBeLessThan(capabilitiesText().length + 120);
    expect(text.match(/blah/g)?.length).toBeLessThanOrEqual(16);
  });

  it('after the tools ran, answers with their human renderings, in call order, never the model-facing data', async () => {
    const messages = [
      new HumanMessage('list open PRs in acme/api and acme/web'),
      new AIMessage({
        content: '',
        tool_calls: [
          { id: 'a', name: 'github_list_pull_requests', args: { owner: 'acme', repo: 'api', state: 'open' }, type: 'tool_call' },
          { id: 'b', name: 'github_list_pull_requests', args: { owner: 'acme', repo: 'web', state: 'open' }, type: 'tool_call' },
        ],
      }),
      toolResultMessage({ toolCallId: 'a', name: 'github_list_pull_requests', data: { raw: 'RAW-DATA-A' }, text: '*acme/api*: #1 Fix login' }),
      toolErrorMessage({ toolCallId: 'b', name: 'github_list_pull_requests', message: 'GitHub is not connected (reference ref-9)' }),
    ];
    const reply = await next(messages);
    expect(reply.content).toBe('*acme/api*: #1 Fix login\n\nGitHub is not connected (reference ref-9)');
    expect(reply.tool_calls ?? []).toEqual([]);
    expect(String(reply.content)).not.toContain('RAW-DATA-A');
    expect(String(reply.content)).not.toContain('<tool_output');
  });

  it('answers only with the results of the latest tool round, not earlier turns', async () => {
    const messages = [
      ...turn('list open PRs in acme/api', listIn('acme', 'api'), 'c1'),
      new HumanMessage('show #3'),
      new AIMessage({
        content: '',
        tool_calls: [{ id: 'c2', name: 'github_get_pull_request', args: { owner: 'acme', repo: 'api', pull_number: 3 }, type: 'tool_call' }],
      }),
      toolResultMessage({ toolCallId: 'c2', name: 'github_get_pull_request', data: {}, text: '#3 Add caching' }),
    ];
    expect((await next(messages)).content).toBe('#3 Add caching');
  });
});
