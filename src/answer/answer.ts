import { CallbackManager, type Callbacks } from '@langchain/core/callbacks/manager'
import { AbortedError } from '../errors.js'
import type { SearchIndex } from '../index/search-index.js'
import type { Logger } from '../log.js'
import { ParkCatalog } from '../retrieve/parks.js'
import { memoizeByText } from '../text/memo.js'
import { tagged } from '../text/tokenize.js'
import type { RetrieverMode } from '../retrieve/retriever.js'
import type { Vocabulary } from './extractive.js'
import { createPipeline, type ModelLink, type PipelineConfigurable, type PipelineInput } from './pipeline.js'
import { parseRequest } from './request.js'
import type { AnswerMode, AnswerRequest, AnswerResponse } from './types.js'

export { REFUSAL } from './synthesize.js'

/**
 * `answer()` and `stream()` — what the HTTP API, the Telegram bot, the CLI and the eval runner
 * call: the request checked, then the LCEL pipeline (`pipeline.ts`). Both run the one pipeline:
 * `stream()` event by event, `answer()` to its final event.
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
  /**
   * The same response as the JSON text `POST /ask` sends: an answer made on a worker thread
   * crosses threads as text, and is sent as it came rather than parsed and written out again.
   */
  answerJson(request: AnswerRequest, options?: AnswerOptions): Promise<string>
  stream(request: AnswerRequest, options?: AnswerOptions): AsyncGenerator<AnswerEvent>
  readonly catalog: ParkCatalog
  /** How answers are written: by a model when one is configured, else extracted. */
  readonly mode: AnswerMode
}

/** Is a word, read on its own, a noun (jieba's n, nr, ns, nt, nz …; not vn)? */
const isNoun = memoizeByText((word: string): boolean => {
  const tags = tagged(word)
  return tags.length > 0 && tags.every((t) => t.tag.startsWith('n'))
})

/** The weight of a question word no passage holds, against the rarest word's. */
const UNSEEN_WORD = 0.5

/** What the extractive answerer reads of an index (the benchmark times that stage on its own too). */
export function vocabularyOf(index: SearchIndex, catalog: ParkCatalog): Vocabulary {
  return {
    catalog,
    // A verb or other word no passage holds is the asker's wording (融到资, 冒出来), not the
    // documents': it counts for less, so that a paraphrase alone does not turn an answer into a
    // refusal. A noun no passage holds (内资) is a topic they do not cover, and counts in full.
    weight: (word) => index.wordWeight(word) * (index.wordPassages(word) === 0 && !isNoun(word) ? UNSEEN_WORD : 1),
    passagesWith: (word) => index.wordPassages(word),
    passageCount: index.passageCount,
  }
}

export function createAnswerer(deps: AnswererDeps): Answerer {
  const { index } = deps
  const catalog = new ParkCatalog([...index.parks])
  const vocabulary = vocabularyOf(index, catalog)
  const pipeline = createPipeline({ ...deps, catalog, vocabulary })

  function prepare(request: AnswerRequest, signal: AbortSignal | undefined, streaming: boolean): { input: PipelineInput; configurable: PipelineConfigurable } {
    const parsed = parseRequest(request)
    // Resolved before anything runs: an unknown park is the caller's error, not a refusal.
    const park = parsed.park === undefined ? undefined : catalog.resolve(parsed.park)
    if (signal?.aborted) throw new AbortedError()
    return { input: { request: parsed, park }, configurable: { budget: deps.model?.limits.budget(signal), streaming } }
  }

  async function* stream(request: AnswerRequest, { signal, callbacks }: AnswerOptions = {}): AsyncGenerator<AnswerEvent> {
    const { input, configurable } = prepare(request, signal, true)
    try {
      const chunks = await pipeline.runnable.stream(input, { signal, callbacks, configurable, runName: 'parkqa' })
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

  /**
   * The same pipeline run to its end: invoked, its chunks arrive concatenated, and `done` is the
   * final event. Invoking skips the streaming machinery (about 1.5 ms a question here) that a
   * caller who waits for the whole answer does not need.
   */
  async function answer(request: AnswerRequest, { signal, callbacks }: AnswerOptions = {}): Promise<AnswerResponse> {
    const { input, configurable } = prepare(request, signal, false)
    // An extractive answer nobody traces skips LangChain's bookkeeping (LangChain itself says whether
    // anything would observe the run: callbacks, LangSmith's or its verbose environment variables).
    if (!deps.model && !callbacks && !CallbackManager.configure()) {
      const response = await pipeline.untraced(input, configurable)
      if (signal?.aborted) throw new AbortedError()
      return response
    }
    try {
      const { done } = (await pipeline.runnable.invoke(input, { signal, callbacks, configurable, runName: 'parkqa' })) as { done?: AnswerResponse }
      if (!done) throw new Error('the answer pipeline ended without a response')
      return done
    } catch (error) {
      if (signal?.aborted) throw new AbortedError()
      throw error
    }
  }

  const answerJson = async (request: AnswerRequest, options?: AnswerOptions): Promise<string> => JSON.stringify(await answer(request, options))

  return { answer, answerJson, stream, catalog, mode: deps.model ? 'llm' : 'extractive' }
}
