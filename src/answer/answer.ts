import type { Callbacks } from '@langchain/core/callbacks/manager'
import { AbortedError } from '../errors.js'
import type { SearchIndex } from '../index/search-index.js'
import type { Logger } from '../log.js'
import { ParkCatalog } from '../retrieve/parks.js'
import type { RetrieverMode } from '../retrieve/retriever.js'
import type { Vocabulary } from './extractive.js'
import { createPipeline, type ModelLink, type PipelineConfigurable } from './pipeline.js'
import { parseRequest } from './request.js'
import type { AnswerMode, AnswerRequest, AnswerResponse } from './types.js'

export { REFUSAL } from './synthesize.js'

/**
 * `answer()` and `stream()` — what the HTTP API, the Telegram bot, the CLI and the eval runner
 * call: the request checked, then the LCEL pipeline (`pipeline.ts`). `stream()` is the one
 * implementation; `answer()` is its final event.
 */

/** Events of `stream()`: tokens as they are written, then the final, validated response. */
export type AnswerEvent = { type: 'token'; text: string } | { type: 'done'; response: AnswerResponse }

export interface AnswerOptions {
  /** Aborts the work (a model call included) when the caller goes away; nothing is answered then. */
  signal?: AbortSignal
  /** LangChain callback handlers for this question's trace (LangSmith needs none: it is set by its environment variables). */
  callbacks?: Callbacks
}

export interface AnswererDeps {
  index: SearchIndex
  logger: Logger
  /** A model turns on LLM answers; without one answers are extractive. */
  model?: ModelLink
  retriever?: RetrieverMode
  /** Overrides the extractive refusal threshold (for calibration runs). */
  minCoverage?: number
}

export interface Answerer {
  answer(request: AnswerRequest, options?: AnswerOptions): Promise<AnswerResponse>
  stream(request: AnswerRequest, options?: AnswerOptions): AsyncGenerator<AnswerEvent>
  readonly catalog: ParkCatalog
  /** How answers are written: by a model when one is configured, else extracted. */
  readonly mode: AnswerMode
}

export function createAnswerer(deps: AnswererDeps): Answerer {
  const { index } = deps
  const catalog = new ParkCatalog([...index.parks])
  const vocabulary: Vocabulary = {
    catalog,
    weight: (word) => index.wordWeight(word),
    passagesWith: (word) => index.wordPassages(word),
    passageCount: index.passageCount,
  }
  const pipeline = createPipeline({ ...deps, catalog, vocabulary })

  async function* stream(request: AnswerRequest, { signal, callbacks }: AnswerOptions = {}): AsyncGenerator<AnswerEvent> {
    const parsed = parseRequest(request)
    // Resolved before anything runs: an unknown park is the caller's error, not a refusal.
    const park = parsed.park === undefined ? undefined : catalog.resolve(parsed.park)
    if (signal?.aborted) throw new AbortedError()
    const configurable: PipelineConfigurable = { budget: deps.model?.limits.budget(signal) }
    try {
      const chunks = await pipeline.stream({ request: parsed, park }, { signal, callbacks, configurable, runName: 'parkqa' })
      for await (const chunk of chunks) {
        if ('token' in chunk) yield { type: 'token', text: chunk.token }
        else yield { type: 'done', response: chunk.done }
      }
    } catch (error) {
      // LangChain ends an aborted run with an error of its own; the caller going away is ours.
      if (signal?.aborted) throw new AbortedError()
      throw error
    }
  }

  async function answer(request: AnswerRequest, options: AnswerOptions = {}): Promise<AnswerResponse> {
    let response: AnswerResponse | undefined
    for await (const event of stream(request, options)) if (event.type === 'done') response = event.response
    if (!response) throw new Error('the answer pipeline ended without a response')
    return response
  }

  return { answer, stream, catalog, mode: deps.model ? 'llm' : 'extractive' }
}
