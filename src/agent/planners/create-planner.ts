import { ChatGroq } from '@langchain/groq';
import { ChatOpenAI } from '@langchain/openai';
import type { Config } from '../../config.js';
import { createBuiltinPlanner } from './builtin-planner.js';
import { createChatModelPlanner } from './chat-model-planner.js';
import type { Planner } from './planner.js';

/**
 * Bounds on one model call. Left to the libraries, ChatGroq waits up to 60 s per request (groq-sdk)
 * and LangChain retries 5xx/429 six times with backoff: a failing model kept a person waiting over
 * 40 s with no answer (test/integration/faults/upstream-faults.test.ts). One retry, 20 s each.
 */
const MODEL_TIMEOUT_MS = 20_000;
const MODEL_MAX_RETRIES = 1;

/** Groq when its key is set, OpenAI when only that key is set, otherwise the built-in planner. */
export function createPlanner(llm: Config['llm']): Planner {
  if (llm.groq) {
    const model = new ChatGroq({
      apiKey: llm.groq.apiKey,
      model: llm.groq.model,
      temperature: 0,
      timeout: MODEL_TIMEOUT_MS,
      maxRetries: MODEL_MAX_RETRIES,
      ...(llm.groq.baseUrl ? { baseUrl: llm.groq.baseUrl } : {}),
    });
    return createChatModelPlanner({ model, name: `Groq ${llm.groq.model}` });
  }
  if (llm.openai) {
    const model = new ChatOpenAI({
      apiKey: llm.openai.apiKey,
      model: llm.openai.model,
      temperature: 0,
      timeout: MODEL_TIMEOUT_MS,
      maxRetries: MODEL_MAX_RETRIES,
      ...(llm.openai.baseUrl ? { configuration: { baseURL: llm.openai.baseUrl } } : {}),
    });
    return createChatModelPlanner({ model, name: `OpenAI ${llm.openai.model}` });
  }
  return createBuiltinPlanner();
}
