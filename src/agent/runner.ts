import { AIMessage, HumanMessage } from '@langchain/core/messages';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { describeForUser } from '../errors.js';
import type { SlackIdentity } from '../identity.js';
import type { Keys } from '../store/keys.js';
import { acquireLock } from '../store/lock.js';
import type { OrchestratorGraph } from './graph.js';
import type { AgentStateType } from './state.js';

export interface TurnRequest {
  who: SlackIdentity;
  channel: string;
  /** The Slack thread the conversation lives in (the root message's ts). */
  threadTs: string;
  text: string;
}

export type TurnResult =
  | { status: 'answered'; text: string }
  | { status: 'halted'; text: string; code: string; refId: string }
  | { status: 'busy'; text: string }
  | { status: 'failed'; text: string; refId: string };

export interface AgentRunner {
  runTurn(request: TurnRequest): Promise<TurnResult>;
}

/**
 * One LangGraph thread per (team, user, Slack thread): people sharing a Slack thread each get
 * their own memory and never each other's context.
 */
export function threadIdFor({ who, channel, threadTs }: Pick<TurnRequest, 'who' | 'channel' | 'threadTs'>): string {
  return `slack:${who.teamId}:${who.userId}:${channel}:${threadTs}`;
}

export function createAgentRunner({
  graph,
  redis,
  keys,
  logger,
  turnTimeoutMs = 120_000,
}: {
  graph: OrchestratorGraph;
  redis: Redis;
  keys: Keys;
  logger: Logger;
  turnTimeoutMs?: number;
}): AgentRunner {
  return {
    async runTurn(request) {
      const threadId = threadIdFor(request);
      const log = logger.child({ thread: threadId });
      // Two turns on one thread at once would race on its checkpoint; the second one waits its turn.
      const lock = await acquireLock(redis, keys.key('lock', 'turn', threadId), turnTimeoutMs);
      if (!lock) return { status: 'busy', text: "I'm still working on your previous request in this thread. I'll answer it first; ask again after that." };
      try {
        const final = (await graph.invoke(
          { messages: [new HumanMessage(request.text)], halt: null, toolRounds: 0 },
          { configurable: { thread_id: threadId, who: request.who }, recursionLimit: 40, signal: AbortSignal.timeout(turnTimeoutMs) },
        )) as AgentStateType;
        if (final.halt) return { status: 'halted', text: final.halt.message, code: final.halt.code, refId: final.halt.refId };
        const answer = [...final.messages].reverse().find((m) => AIMessage.isInstance(m) && !(m.tool_calls?.length ?? 0));
        const text = answer ? String(answer.content).trim() : '';
        return { status: 'answered', text: text || 'I looked into it but have nothing to report.' };
      } catch (err) {
        const { text, refId } = describeForUser(err);
        log.error({ err, refId }, 'agent turn failed');
        return { status: 'failed', text, refId };
      } finally {
        await lock.release().catch((err) => log.warn({ err }, 'could not release the turn lock; it will expire'));
      }
    },
  };
}
