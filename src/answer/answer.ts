import type { BaseChatModel } from '@langchain/core/language_models/chat_models'
import { AbortedError } from '../errors.js'
import type { Logger } from '../log.js'
import type { SearchIndex } from '../index/search-index.js'
import { ParkCatalog } from '../retrieve/parks.js'
import { analyzeQuestion, type Question } from '../retrieve/query.js'
import { retrieve, type RetrieverMode } from '../retrieve/retriever.js'
import { extractAnswer, onlyUnknownParks, renderQuotes, type Passage, type Vocabulary } from './extractive.js'
import { condense } from './followup.js'
import { answerMessages, checkModelAnswer, condenseMessages, textOf } from './llm.js'
import { MAX_QUESTION_CHARS, parseRequest, type ParsedRequest } from './request.js'
import type { Slots } from './slots.js'
import type { AnswerMode, AnswerRequest, AnswerResponse, Citation } from './types.js'

/**
 * `answer()` — the one function behind the HTTP API, the Telegram bot, the CLI and the eval
 * runner: question → passages (hybrid, park-aware) → an extractive answer, or an LLM answer when a
 * model is configured, falling back to the extractive one whenever the model fails.
 */

export const REFUSAL = {
  zh: '文档中没有找到这个问题的答案。下面列出的是最接近的段落，供参考。',
  en: 'The documents do not say. The closest passages are listed below for reference.',
}

/** Events of `stream()`: tokens as the model writes them, then the final, validated response. */
export type AnswerEvent = { type: 'token'; text: string } | { type: 'done'; response: AnswerResponse }

export interface AnswerOptions {
  /** Aborts the work (an LLM call included) when the caller goes away; nothing is answered then. */
  signal?: AbortSignal
}

export interface AnswererDeps {
  index: SearchIndex
  logger: Logger
  /** A chat model turns on LLM answers; without one answers are extractive. */
  chat?: BaseChatModel
  /** Deadline for one LLM call (answer or rewrite), after which the extractive answer is used. */
  llmTimeoutMs?: number
  retriever?: RetrieverMode
  /** Overrides the extractive refusal threshold (for calibration runs). */
  minCoverage?: number
  /** Bounds the LLM calls in flight; without it they are unbounded. */
  llmSlots?: Slots
}

export interface Answerer {
  answer(request: AnswerRequest, options?: AnswerOptions): Promise<AnswerResponse>
  stream(request: AnswerRequest, options?: AnswerOptions): AsyncGenerator<AnswerEvent>
  readonly catalog: ParkCatalog
  /** How answers are written: by a model when one is configured, else extracted. */
  readonly mode: AnswerMode
}

interface Prepared {
  question: Question
  passages: Passage[]
  citations: Citation[]
}

function toCitation(p: Passage): Citation {
  return { n: p.n, id: p.id, source: p.source, title: p.title, park: p.park, text: p.text, score: p.score }
}

export function createAnswerer(deps: AnswererDeps): Answerer {
  const { index, logger, chat } = deps
  const catalog = new ParkCatalog(index.manifest.parks)
  const timeoutMs = deps.llmTimeoutMs ?? 20000
  const vocabulary: Vocabulary = {
    catalog,
    weight: (word) => index.bm25.wordWeight(word),
    passagesWith: (word) => index.bm25.wordPassages(word),
    passageCount: index.chunks.length,
  }

  /** The model's deadline, cut short when the caller goes away. */
  function deadline(signal?: AbortSignal): AbortSignal {
    const timeout = AbortSignal.timeout(timeoutMs)
    return signal ? AbortSignal.any([timeout, signal]) : timeout
  }

  function stopIfCancelled(signal?: AbortSignal): void {
    if (signal?.aborted) throw new AbortedError()
  }

  async function slot(signal?: AbortSignal): Promise<() => void> {
    return deps.llmSlots ? deps.llmSlots.acquire(signal) : () => {}
  }

  async function standalone(request: ParsedRequest, signal?: AbortSignal): Promise<string> {
    if (request.history.length === 0) return request.question
    if (chat) {
      try {
        const release = await slot(signal)
        try {
          const reply = await chat.invoke(condenseMessages(request.question, request.history), { signal: deadline(signal) })
          const rewritten = textOf(reply.content).trim()
          if (rewritten !== '' && rewritten.length <= MAX_QUESTION_CHARS) return rewritten
        } finally {
          release()
        }
      } catch (error) {
        stopIfCancelled(signal)
        logger.warn(`LLM follow-up rewrite failed (${(error as Error).message}); using the rule-based rewrite`)
      }
    }
    return condense(request.question, request.history, catalog)
  }

  async function prepare(request: ParsedRequest, signal?: AbortSignal): Promise<Prepared> {
    const park = request.park === undefined ? undefined : catalog.resolve(request.park)
    const question = analyzeQuestion(await standalone(request, signal), catalog)
    const retrieved = await retrieve(index, catalog, question, { k: request.k, park, mode: deps.retriever })
    const passages = retrieved.map(({ chunk, score }, i): Passage => ({ n: i + 1, id: chunk.id, source: chunk.source, title: chunk.title, park: chunk.park, section: chunk.section, documentYear: index.documentYear(chunk.source), text: chunk.text, score }))
    return { question, passages, citations: passages.map(toCitation) }
  }

  /** No passages, or a question only about parks the documents never name: nothing to ask a model. */
  function worthAsking({ question, citations }: Prepared): boolean {
    return citations.length > 0 && !onlyUnknownParks(question, vocabulary)
  }

  function extractiveResponse({ question, passages, citations }: Prepared): AnswerResponse {
    const extractive = extractAnswer(question, passages, vocabulary, deps.minCoverage)
    if (!extractive.found) return { answer: question.english ? REFUSAL.en : REFUSAL.zh, found: false, mode: 'extractive', citations }
    const quoted = renderQuotes(extractive.quotes, citations)
    return { answer: question.english ? `From the documents: ${quoted}` : quoted, found: true, mode: 'extractive', citations }
  }

  function llmResponse(prepared: Prepared, raw: string): AnswerResponse | undefined {
    const checked = checkModelAnswer(raw, prepared.citations.length)
    if (!checked) return undefined
    const { question, citations } = prepared
    if (!checked.found) return { answer: question.english ? REFUSAL.en : REFUSAL.zh, found: false, mode: 'llm', citations }
    return { answer: checked.text, found: true, mode: 'llm', citations }
  }

  async function* stream(request: AnswerRequest, { signal }: AnswerOptions = {}): AsyncGenerator<AnswerEvent> {
    const parsed = parseRequest(request)
    const prepared = await prepare(parsed, signal)
    stopIfCancelled(signal)
    if (!chat || !worthAsking(prepared)) {
      const response = extractiveResponse(prepared)
      yield { type: 'token', text: response.answer }
      yield { type: 'done', response }
      return
    }
    const release = await slot(signal)
    let raw = ''
    try {
      const chunks = await chat.stream(answerMessages(prepared.question.text, prepared.citations), { signal: deadline(signal) })
      for await (const chunk of chunks) {
        const text = textOf(chunk.content)
        if (text === '') continue
        raw += text
        yield { type: 'token', text }
      }
      const response = llmResponse(prepared, raw)
      if (response) {
        yield { type: 'done', response }
        return
      }
      logger.warn('LLM answer unusable (empty, or no valid citation); using the extractive answer')
    } catch (error) {
      stopIfCancelled(signal)
      logger.warn(`LLM answer failed (${(error as Error).message}); using the extractive answer`)
    } finally {
      release()
    }
    // The tokens streamed so far (if any) are superseded by this final response.
    yield { type: 'done', response: extractiveResponse(prepared) }
  }

  async function answer(request: AnswerRequest, { signal }: AnswerOptions = {}): Promise<AnswerResponse> {
    const parsed = parseRequest(request)
    const prepared = await prepare(parsed, signal)
    stopIfCancelled(signal)
    if (!chat || !worthAsking(prepared)) return extractiveResponse(prepared)
    const release = await slot(signal)
    try {
      const reply = await chat.invoke(answerMessages(prepared.question.text, prepared.citations), { signal: deadline(signal) })
      const response = llmResponse(prepared, textOf(reply.content))
      if (response) return response
      logger.warn('LLM answer unusable (empty, or no valid citation); using the extractive answer')
    } catch (error) {
      stopIfCancelled(signal)
      logger.warn(`LLM answer failed (${(error as Error).message}); using the extractive answer`)
    } finally {
      release()
    }
    return extractiveResponse(prepared)
  }

  return { answer, stream, catalog, mode: chat ? 'llm' : 'extractive' }
}
