import { AIMessage, type BaseMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { scrubSecrets } from '../../security/scrub-secrets.js';
import { clip, escapeMrkdwn } from '../../slack/mrkdwn.js';
import { findRepo, interpretRequest, type RepoRef } from './interpret-request.js';
import type { Planner, ToolArtifact } from './planner.js';

export const EXAMPLE_REQUESTS = [
  'list open pull requests in acme/api',
  'show PR #42 in acme/api',
  'merge PR #42 in acme/api',
  'show issue #7 in acme/api',
  'delete branch old/experiment in acme/api',
  'list my repositories',
];

export function capabilitiesText(): string {
  return `I work on GitHub for now. Try:\n${EXAMPLE_REQUESTS.map((e) => `• _${e}_`).join('\n')}`;
}

/** The repository the thread was last about: from earlier tool calls first, then earlier requests. */
function threadRepo(messages: BaseMessage[]): RepoRef | undefined {
  for (let i = messages.length - 2; i >= 0; i--) {
    const m = messages[i];
    if (AIMessage.isInstance(m)) {
      for (const call of m.tool_calls ?? []) {
        const { owner, repo, pull_number } = call.args as { owner?: unknown; repo?: unknown; pull_number?: unknown };
        if (typeof owner === 'string' && typeof repo === 'string')
          return { owner, repo, ...(typeof pull_number === 'number' ? { pullNumber: pull_number } : {}) };
      }
    }
    if (HumanMessage.isInstance(m)) {
      const ref = findRepo(String(m.content));
      if (ref) return { owner: ref.owner, repo: ref.repo };
    }
  }
  return undefined;
}

/**
 * The planner used without an LLM key: reads plain requests deterministically, and after the
 * tools ran, answers with their human-readable renderings.
 */
export function createBuiltinPlanner(): Planner {
  return {
    name: 'built-in',
    async next({ messages }) {
      const last = messages.at(-1);
      if (ToolMessage.isInstance(last)) {
        const results: string[] = [];
        for (let i = messages.length - 1; i >= 0 && ToolMessage.isInstance(messages[i]); i--) {
          const artifact = (messages[i] as ToolMessage).artifact as ToolArtifact | undefined;
          results.unshift(artifact?.text ?? String((messages[i] as ToolMessage).content));
        }
        return new AIMessage({ content: results.join('\n\n') });
      }
      const text = HumanMessage.isInstance(last) ? String(last.content).trim() : '';
      const reading = interpretRequest(text, threadRepo(messages));
      switch (reading.kind) {
        case 'tool':
          return new AIMessage({ content: '', tool_calls: [{ id: `builtin_${messages.length}`, name: reading.name, args: reading.args, type: 'tool_call' }] });
        case 'ask':
          return new AIMessage({ content: reading.text });
        default: {
          const quoted = escapeMrkdwn(clip(scrubSecrets(text), 80));
          return new AIMessage({ content: `I didn't understand "${quoted}". ${capabilitiesText()}` });
        }
      }
    },
  };
}
