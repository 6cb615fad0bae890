import { AIMessage, type BaseMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { scrubSecrets } from '../../security/scrub-secrets.js';
import { clip, escapeMrkdwn } from '../../slack/mrkdwn.js';
import { capabilitiesText } from './builtin/examples.js';
import type { Interpretation } from './builtin/interpretation.js';
import { messageText, rememberThread } from './builtin/thread-memory.js';
import { interpretRequest } from './interpret-request.js';
import type { Planner, ToolArtifact } from './planner.js';

export { ALL_EXAMPLE_REQUESTS, capabilitiesText, EXAMPLE_REQUESTS } from './builtin/examples.js';

/**
 * The planner used without an LLM key. It reads the person's latest request deterministically,
 * with what the thread was last about; after the tools ran it takes the next step of a multi-step
 * request, or answers with the tools' human-readable renderings. Intent comes only from the
 * person's own messages: tool results supply references (numbers, ids, times), never instructions.
 */
export function createBuiltinPlanner(): Planner {
  return {
    name: 'built-in',
    async next({ messages, context }) {
      const asked = messages.findLastIndex((m) => HumanMessage.isInstance(m));
      const request = asked >= 0 ? messageText(messages[asked]!) : '';
      // The request is read against the thread as it was when it was asked, so each step reads it alike.
      const reading = interpretRequest(request, rememberThread(messages.slice(0, Math.max(asked, 0))), context);
      const turn = messages.slice(asked + 1);
      if (ToolMessage.isInstance(messages.at(-1))) {
        const step = pendingStep(reading, turn);
        return step ? toolCall(step, messages.length) : new AIMessage({ content: renderings(turn) });
      }
      switch (reading.kind) {
        case 'tool':
          return toolCall(reading, messages.length);
        case 'ask':
        case 'answer':
          return new AIMessage({ content: reading.text });
        default:
          return new AIMessage({ content: notUnderstood(request) });
      }
    },
  };
}

type ToolStep = Extract<Interpretation, { kind: 'tool' }>;

function toolCall(step: ToolStep, position: number): AIMessage {
  return new AIMessage({ content: '', tool_calls: [{ id: `builtin_${position}`, name: step.name, args: step.args, type: 'tool_call' }] });
}

/**
 * The step still to take this turn: the request's reading is replayed against the calls made since
 * it was asked; each must match the step planned and have succeeded. An error, a refusal or any
 * other call ends the chain.
 */
function pendingStep(reading: Interpretation, turn: readonly BaseMessage[]): ToolStep | undefined {
  const results = new Map<string, ToolMessage>();
  for (const m of turn) if (ToolMessage.isInstance(m)) results.set(m.tool_call_id, m);
  let step: Interpretation | undefined = reading;
  for (const m of turn) {
    if (!AIMessage.isInstance(m)) continue;
    for (const call of m.tool_calls ?? []) {
      if (step?.kind !== 'tool' || step.name !== call.name || JSON.stringify(step.args) !== JSON.stringify(call.args)) return undefined;
      const result = call.id ? results.get(call.id) : undefined;
      if (!result || result.status === 'error') return undefined;
      step = step.followUp?.((result.artifact as ToolArtifact | undefined)?.data);
    }
  }
  return step?.kind === 'tool' ? step : undefined;
}

/** What the person sees of this turn's tool results, in call order (never the model-facing data). */
function renderings(turn: readonly BaseMessage[]): string {
  return turn
    .filter((m): m is ToolMessage => ToolMessage.isInstance(m))
    .map((m) => (m.artifact as ToolArtifact | undefined)?.text ?? String(m.content))
    .join('\n\n');
}

function notUnderstood(request: string): string {
  if (!request.trim()) return `Tell me what to do. ${capabilitiesText()}`;
  const quoted = escapeMrkdwn(clip(scrubSecrets(request.replace(/\s+/g, ' ').trim()), 80));
  return `I didn't understand "${quoted}". ${capabilitiesText()}`;
}
