import { ChatGroq } from '@langchain/groq';
import { ChatOpenAI } from '@langchain/openai';
import type { Config } from '../../config.js';
import { createBuiltinPlanner } from './builtin-planner.js';
import { createChatModelPlanner } from './chat-model-planner.js';
import type { Planner } from './planner.js';

/** Groq when its key is set, OpenAI when only that key is set, otherwise the built-in planner. */
export function createPlanner(llm: Config['llm']): Planner {
  if (llm.groq) {
    const model = new ChatGroq({ apiKey: llm.groq.apiKey, model: llm.groq.model, temperature: 0, ...(llm.groq.baseUrl ? { baseUrl: llm.groq.baseUrl } : {}) });
    return createChatModelPlanner({ model, name: `Groq ${llm.groq.model}` });
  }
  if (llm.openai) {
    const model = new ChatOpenAI({
      apiKey: llm.openai.apiKey,
      model: llm.openai.model,
      temperature: 0,
      maxRetries: 1,
      ...(llm.openai.baseUrl ? { configuration: { baseURL: llm.openai.baseUrl } } : {}),
    });
    return createChatModelPlanner({ model, name: `OpenAI ${llm.openai.model}` });
  }
  return createBuiltinPlanner();
}
