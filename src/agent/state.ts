import { Annotation, MessagesAnnotation } from '@langchain/langgraph';

/** Why a run stopped before finishing: the person must do something first (sign in, connect). */
export interface Halt {
  code: string;
  message: string;
  refId: string;
  /** The connection to connect before asking again (for a "Connect" button). */
  connect?: { connection: string; scopes: string[] };
}

/**
 * The graph's state. It holds messages and outcomes only: identities travel in `configurable`,
 * and credentials never enter state, so nothing secret is ever checkpointed.
 */
export const AgentState = Annotation.Root({
  ...MessagesAnnotation.spec,
  halt: Annotation<Halt | null>({ reducer: (_old, next) => next, default: () => null }),
  /** Tool rounds taken in the current turn; bounded so a confused planner cannot loop forever. */
  toolRounds: Annotation<number>({ reducer: (_old, next) => next, default: () => 0 }),
});

export type AgentStateType = typeof AgentState.State;
export type AgentStateUpdate = typeof AgentState.Update;
