import { AIMessage, HumanMessage } from '@langchain/core/messages';
import { Command } from '@langchain/langgraph';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { describeForUser } from '../errors.js';
import type { SlackIdentity } from '../identity.js';
import type { Keys } from '../store/keys.js';
import { acquireLock, type Lock } from '../store/lock.js';
import type { OrchestratorGraph } from './graph.js';
import type { LiveRun, LiveRuns } from './live-runs.js';
import type { ApprovalInterrupt } from './nodes/act.js';
import type { AgentStateType } from './state.js';
import { ProgressCallbackHandler, type TurnProgress } from './turn-progress.js';

export interface TurnRequest {
  who: SlackIdentity;
  channel: string;
  /** The Slack thread the conversation lives in (the root message's ts). */
  threadTs: string;
  text: string;
  /** The audit record of this request; the run's records follow from it. */
  auditCause?: string;
  /** The lease of a queued request, begun when it was taken; its handler ends it. */
  live?: LiveRun;
}

export type ThreadRef = Pick<TurnRequest, 'who' | 'channel' | 'threadTs'>;

export type TurnResult =
  | { status: 'answered'; text: string }
  | { status: 'paused'; text: string; approvalId: string }
  | { status: 'halted'; text: string; code: string; refId: string; connect?: { connection: string; scopes: string[] } }
  | { status: 'busy'; text: string }
  | { status: 'failed'; text: string; refId: string };

export interface AgentRunner {
  /** `progress` receives each tool step and the model's streamed text while the turn runs. */
  runTurn(request: TurnRequest, progress?: TurnProgress): Promise<TurnResult>;
  /** Continues a run paused for an approval, once the approval is decided (from any process). */
  resume(thread: ThreadRef, approvalId: string, progress?: TurnProgress): Promise<TurnResult>;
}

/**
 * One LangGraph thread per (team, user, Slack thread): people sharing a Slack thread each get
 * their own memory and never each other's context.
 */
export function threadIdFor({ who, channel, threadTs }: ThreadRef): string {
  return `slack:${who.teamId}:${who.userId}:${channel}:${threadTs}`;
}

export function createAgentRunner({
  graph,
  redis,
  keys,
  logger,
  turnTimeoutMs = 120_000,
  liveRuns,
}: {
  graph: OrchestratorGraph;
  redis: Redis;
  keys: Keys;
  logger: Logger;
  turnTimeoutMs?: number;
  /** Leases that let another process report this turn if this process dies mid-run. */
  liveRuns?: LiveRuns;
}): AgentRunner {
  const lockKeyFor = (threadId: string) => keys.key('lock', 'turn', threadId);
  /** Two turns on one thread at once would race on its checkpoint; one runs at a time. */
  const lockThread = async (threadId: string, waitMs: number): Promise<Lock | undefined> => {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const lock = await acquireLock(redis, lockKeyFor(threadId), turnTimeoutMs);
      if (lock || Date.now() >= deadline) return lock;
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  async function invoke(
    thread: ThreadRef & { auditCause?: string; live?: LiveRun },
    input: unknown,
    waitForLockMs: number,
    progress?: TurnProgress,
  ): Promise<TurnResult> {
    const threadId = threadIdFor(thread);
    const log = logger.child({ thread: threadId });
    const lock = await lockThread(threadId, waitForLockMs);
    if (!lock) return { status: 'busy', text: "I'm still working on your previous request in this thread. I'll answer it first; ask again after that." };
    // A queued request's lease began when it was taken, and its handler ends it; other turns lease here.
    const live = thread.live ?? liveRuns?.begin(thread);
    live?.locked(lockKeyFor(threadId));
    const steps: TurnProgress | undefined = live && {
      step: (d) => {
        live.step(d);
        progress?.step(d);
      },
      token: (t) => progress?.token(t),
    };
    const onProgress = steps ?? progress;
    try {
      const final = (await graph.invoke(input as Parameters<OrchestratorGraph['invoke']>[0], {
        configurable: { thread_id: threadId, who: thread.who, channel: thread.channel, threadTs: thread.threadTs, auditCause: thread.auditCause },
        recursionLimit: 60,
        signal: AbortSignal.timeout(turnTimeoutMs),
        ...(onProgress ? { callbacks: [new ProgressCallbackHandler(onProgress)] } : {}),
      })) as AgentStateType & { __interrupt__?: Array<{ value?: ApprovalInterrupt }> };
      const paused = final.__interrupt__?.find((i) => i.value?.kind === 'approval')?.value;
      if (paused) return { status: 'paused', approvalId: paused.approvalId, text: 'Waiting for approval.' };
      if (final.halt)
        return {
          status: 'halted',
          text: final.halt.message,
          code: final.halt.code,
          refId: final.halt.refId,
          ...(final.halt.connect ? { connect: final.halt.connect } : {}),
        };
      const answer = [...final.messages].reverse().find((m) => AIMessage.isInstance(m) && !(m.tool_calls?.length ?? 0));
      const text = answer ? String(answer.content).trim() : '';
      return { status: 'answered', text: text || 'I looked into it but have nothing to report.' };
    } catch (err) {
      const { text, refId } = describeForUser(err);
      log.error({ err, refId }, 'agent run failed');
      return { status: 'failed', text, refId };
    } finally {
      await live?.unlocked();
      if (!thread.live) await live?.end();
      await lock.release().catch((err) => log.warn({ err }, 'could not release the turn lock; it will expire'));
    }
  }

  return {
    runTurn: (request, progress) => invoke(request, { messages: [new HumanMessage(request.text)], halt: null, toolRounds: 0 }, 0, progress),
    // A decision may arrive while the thread is briefly busy; wait for it rather than drop the decision.
    resume: (thread, approvalId, progress) => invoke(thread, new Command({ resume: { approvalId } }), 15_000, progress),
  };
}
