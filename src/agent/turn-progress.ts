import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import { dispatchCustomEvent } from '@langchain/core/callbacks/dispatch';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';

/** What a person can watch while a turn runs: each tool step in words, and the model's answer as it is written. */
export interface TurnProgress {
  /** A tool step is about to run ("list open pull requests in acme/api"). */
  step(description: string): void;
  /** A piece of the model's text as it streams. */
  token(text: string): void;
}

const STEP_EVENT = 'agenthub_step';

/** Called by the act node: reaches the turn's TurnProgress through LangChain's callbacks, never through state. */
export async function reportStep(description: string, config: LangGraphRunnableConfig): Promise<void> {
  await dispatchCustomEvent(STEP_EVENT, { description }, config).catch(() => undefined);
}

/**
 * A LangChain callback handler that forwards steps and tokens. `lc_prefer_streaming` makes chat
 * models stream even when invoked, so the answer can be shown as it is written. Progress is a
 * courtesy: a failing listener never fails the turn.
 */
export class ProgressCallbackHandler extends BaseCallbackHandler {
  name = 'agenthub_progress';
  readonly lc_prefer_streaming = true;
  // Slack calls happen in the listener; the run must not wait for them.
  override awaitHandlers = false;

  constructor(private readonly progress: TurnProgress) {
    super();
  }

  override handleLLMNewToken(token: string): void {
    if (token) safely(() => this.progress.token(token));
  }

  override handleCustomEvent(eventName: string, data: unknown): void {
    const description = (data as { description?: unknown } | undefined)?.description;
    if (eventName === STEP_EVENT && typeof description === 'string') safely(() => this.progress.step(description));
  }
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // progress is best effort
  }
}
