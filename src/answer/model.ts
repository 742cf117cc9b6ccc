import { BaseLanguageModel } from '@langchain/core/language_models/base'
import type { BaseChatModel } from '@langchain/core/language_models/chat_models'
import type { MessageContent } from '@langchain/core/messages'
import { initChatModel } from 'langchain/chat_models/universal'
import type { Config } from '../config.js'
import { ConfigError } from '../errors.js'
import { textOf } from './llm.js'
import { countTokens } from './tokens.js'

/*
 * Its own module because langchain and the provider packages it loads are by far the slowest
 * imports: processes that answer extractively (the default) never load them; the interfaces import
 * this file only for LLM answers.
 */

/** The client insists on a key even for an OpenAI-compatible server that ignores it. */
const PLACEHOLDER_API_KEY = 'not-needed'

/**
 * The chat model LLM_MODEL names, built by langchain's `initChatModel`, which imports the
 * provider's package only now. Extra `fields` go to the model's constructor as they are.
 *
 * `initChatModel` returns a wrapper that builds a concrete model per distinct call config and
 * caches it under that config: a call with `{ signal }` gets another instance than the one built up
 * front, and calls that arrive together before it is cached each build their own. Each instance
 * has its own limit on calls in flight, and none would count tokens offline. No field is
 * configurable per call here, so the one concrete model is what callers get.
 */
export async function createChatModel(
  config: Pick<Config, 'llmProvider' | 'llmModel' | 'llmTimeoutMs' | 'openai' | 'http'>,
  fields: Record<string, unknown> = {},
): Promise<BaseChatModel> {
  const settings = {
    modelProvider: config.llmProvider,
    temperature: 0,
    timeout: config.llmTimeoutMs,
    maxRetries: 1,
    // The limiter inside LangChain must not be narrower than the one the interfaces apply
    // (LLM_CONCURRENCY): calls they let through would otherwise wait here while their deadline runs.
    maxConcurrency: config.http.llmConcurrency,
    // Other providers' packages read their own key variables (ANTHROPIC_API_KEY …); an OpenAI key
    // must not reach them.
    ...(config.llmProvider === 'openai' ? openaiConnection(config.openai) : {}),
    ...fields,
  }
  let universal
  try {
    universal = await initChatModel(config.llmModel, settings)
  } catch (error) {
    throw missingPackage(error, config) ?? error
  }
  const model = await universal._getModelInstance()
  countTokensOffline(model)
  return model
}

function openaiConnection({ apiKey, baseURL }: Config['openai']): Record<string, unknown> {
  if (!apiKey && !baseURL) {
    throw new ConfigError('LLM_MODEL names an OpenAI model, but neither OPENAI_API_KEY nor OPENAI_BASE_URL is set')
  }
  return { apiKey: apiKey ?? PLACEHOLDER_API_KEY, configuration: baseURL ? { baseURL } : undefined }
}

/** The ConfigError for a provider package that is not installed (initChatModel imports it lazily). */
function missingPackage(error: unknown, config: Pick<Config, 'llmProvider' | 'llmModel'>): ConfigError | undefined {
  const name = error instanceof Error ? /Unable to import (\S+)\. /.exec(error.message)?.[1] : undefined
  if (!name) return undefined
  return new ConfigError(
    `LLM_MODEL=${config.llmProvider}:${config.llmModel} needs the package ${name}, which is not installed: ` +
      `run \`npm install ${name}\`, or name another provider in LLM_MODEL`,
  )
}

async function countOffline(content: MessageContent): Promise<number> {
  return countTokens(textOf(content))
}

/**
 * Token counts from bundled ranks, not from tiktoken files fetched off the internet (a streaming
 * call would hang offline). A model may delegate to inner models that count tokens themselves
 * (ChatOpenAI's completions and responses models estimate usage when streaming), so every
 * language model among its fields counts offline too.
 */
function countTokensOffline(model: BaseChatModel): void {
  const inner = Object.values(model).filter((field): field is BaseLanguageModel => field instanceof BaseLanguageModel)
  for (const counter of [model, ...inner]) counter.getNumTokens = countOffline
}
