import type { BaseChatModel } from '@langchain/core/language_models/chat_models'
import type { Config } from '../config.js'
import { AppError } from '../errors.js'
import { ingest } from '../index/ingest.js'
import { loadIndex, loadNewestGood, type SearchIndex } from '../index/search-index.js'
import type { Logger } from '../log.js'
import { createAnswerer, type Answerer } from '../answer/answer.js'
import { createModelLimits } from '../answer/limits.js'
import { createAnswerPool } from '../answer/pool.js'
import type { ModelLink } from '../answer/pipeline.js'
import type { RetrieverMode } from '../retrieve/retriever.js'
import { LiveIndex } from './live-index.js'

/** Wiring shared by the commands: the index (built on first use) and the answerer the config asks for. */

/**
 * The index to answer from. By default one is built only when there is none; with `refresh`, an
 * incremental ingest runs first (nothing is re-embedded when the corpus is unchanged), so that
 * answers come from the corpus as it is now.
 */
export async function openIndex(config: Config, logger: Logger, { refresh = false } = {}): Promise<SearchIndex> {
  const options = { indexDir: config.indexDir, config, ef: config.hnswEf }
  if (refresh) {
    await ingest({ corpusDir: config.corpusDir, indexDir: config.indexDir, config, ef: config.hnswEf, maxFileBytes: config.maxFileBytes, logger })
    return loadIndex(options)
  }
  try {
    return await loadIndex(options)
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'index_missing') throw error
    logger.info(`no index in ${config.indexDir} yet: building it from ${config.corpusDir}`)
    await ingest({ corpusDir: config.corpusDir, indexDir: config.indexDir, config, ef: config.hnswEf, maxFileBytes: config.maxFileBytes, logger })
    return await loadIndex(options)
  }
}

/**
 * The index a service starts with: the corpus is ingested first (a no-op when nothing changed).
 * When that ingest fails (a bad file, another ingest holding the lock, a full disk) but an index
 * exists, the service starts on that index rather than not at all — on the newest complete version
 * that is intact, when the current one is corrupt. Every failure is logged.
 */
export async function openServedIndex(config: Config, logger: Logger): Promise<SearchIndex> {
  try {
    return await openIndex(config, logger, { refresh: true })
  } catch (error) {
    if (!(error instanceof AppError)) throw error
    let existing
    try {
      existing = await loadNewestGood({ indexDir: config.indexDir, config, ef: config.hnswEf })
    } catch (loadError) {
      if (loadError instanceof AppError && loadError.code !== 'index_missing') logger.error(`no index version can be served: ${loadError.message}`)
      throw error
    }
    if (existing.skipped) {
      logger.warn(`index version ${existing.skipped.version} cannot be served (${existing.skipped.reason}); serving the previous complete version ${existing.index.version}`)
    }
    logger.warn(`the corpus could not be ingested (${error.code}: ${error.message}); serving the existing index version ${existing.index.version}`)
    return existing.index
  }
}

export interface AnswererChoice {
  /** LLM answers; defaults to whether the config names a model server or key. */
  llm?: boolean
  retriever?: RetrieverMode
}

const usesLlm = (config: Config, choice: AnswererChoice): boolean => choice.llm ?? config.llmEnabled

/**
 * The chat model when answers are to come from an LLM. langchain and the provider's package are
 * loaded only then: they are the slowest imports by far, and extractive answers (the default) do
 * not need them.
 */
async function chatModelFor(config: Config, choice: AnswererChoice): Promise<BaseChatModel | undefined> {
  if (!usesLlm(config, choice)) return undefined
  const { createChatModel } = await import('../answer/model.js')
  return createChatModel(config)
}

/** The model with the limits every question of this process shares: one deadline each, LLM_CONCURRENCY slots, one breaker. */
async function modelFor(config: Config, logger: Logger, choice: AnswererChoice): Promise<ModelLink | undefined> {
  const chat = await chatModelFor(config, choice)
  if (!chat) return undefined
  const limits = createModelLimits({ timeoutMs: config.llmTimeoutMs, concurrency: config.http.llmConcurrency, queue: config.http.llmQueue, breaker: config.llmBreaker, logger })
  return { chat, limits }
}

export async function answererFor(config: Config, index: SearchIndex, logger: Logger, choice: AnswererChoice = {}): Promise<Answerer> {
  return createAnswerer({ index, logger, model: await modelFor(config, logger, choice), retriever: choice.retriever })
}

/**
 * The index a long-running service answers from, following new versions as they are written. One
 * model and its limits serve everything the process answers (the HTTP API and the bot) on every
 * index version. Extractive answers run on `config.workers` threads; with a model they stay on this
 * one, where the model's limits (one deadline, its slots, its breaker) are shared, and where the
 * time goes to waiting for the model rather than to CPU.
 */
export async function liveIndexFor(config: Config, logger: Logger, choice: AnswererChoice = {}): Promise<LiveIndex> {
  const model = await modelFor(config, logger, choice)
  const local = (index: SearchIndex) => createAnswerer({ index, logger, model, retriever: choice.retriever })
  const pooled = (index: SearchIndex) => {
    const pool = createAnswerPool({ input: { indexDir: config.indexDir, version: index.version, config, retriever: choice.retriever }, workers: config.workers, logger, local: local(index) })
    void pool.started.then(() => logger.info(`index version ${index.version}: extractive answers on ${config.workers} worker thread${config.workers === 1 ? '' : 's'}`))
    return pool
  }
  return new LiveIndex({
    indexDir: config.indexDir,
    logger,
    mode: model ? 'llm' : 'extractive',
    modelStatus: () => (model ? model.limits.status : 'off'),
    load: (version) => loadIndex({ indexDir: config.indexDir, config, ef: config.hnswEf, version }),
    answererFor: model || config.workers === 0 ? local : pooled,
    hurry: () => model?.limits.hurry(),
  })
}
