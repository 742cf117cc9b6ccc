import { ChatOpenAI, ChatOpenAICompletions, ChatOpenAIResponses, type ChatOpenAIFields } from '@langchain/openai'
import type { MessageContent } from '@langchain/core/messages'
import type { Config } from '../config.js'
import { textOf } from './llm.js'
import { countTokens } from './tokens.js'

/*
 * Its own module because @langchain/openai is by far the slowest import: processes that answer
 * extractively (the default) never load it; the interfaces import this file only for LLM answers.
 */

async function countOffline(content: MessageContent): Promise<number> {
  return countTokens(textOf(content))
}

/**
 * ChatOpenAI whose token counts come from bundled ranks, not from tiktoken files fetched off the
 * internet. ChatOpenAI delegates to inner completions/responses models, and those are what count
 * tokens (usage estimates when streaming), so all three count offline.
 */
export function createChatModel(config: Pick<Config, 'llmModel' | 'llmTimeoutMs' | 'openai'>, fields: Partial<ChatOpenAIFields> = {}): ChatOpenAI {
  const settings: ChatOpenAIFields = {
    model: config.llmModel,
    temperature: 0,
    timeout: config.llmTimeoutMs,
    maxRetries: 1,
    maxConcurrency: 4,
    // A key is required by the client even for servers that ignore it.
    apiKey: config.openai.apiKey ?? 'not-needed',
    configuration: config.openai.baseURL ? { baseURL: config.openai.baseURL } : undefined,
    ...fields,
  }
  const completions = new ChatOpenAICompletions(settings)
  const responses = new ChatOpenAIResponses(settings)
  const model = new ChatOpenAI({ ...settings, completions, responses })
  for (const counter of [model, completions, responses]) counter.getNumTokens = countOffline
  return model
}

