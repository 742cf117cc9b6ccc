import type { BaseChatModel } from '@langchain/core/language_models/chat_models'
import { StringOutputParser } from '@langchain/core/output_parsers'
import type { CallbackManagerForChainRun } from '@langchain/core/callbacks/manager'
import { patchConfig, Runnable, RunnableSequence, type RunnableConfig } from '@langchain/core/runnables'
import { concat } from '@langchain/core/utils/stream'
import { AbortedError } from '../errors.js'
import type { SearchIndex } from '../index/search-index.js'
import type { Logger } from '../log.js'
import type { ParkCatalog } from '../retrieve/parks.js'
import { loadReadings, latinNames, withChineseNames } from '../retrieve/names.js'
import { analyzeQuestion, type Question } from '../retrieve/query.js'
import { AgreementReranker } from '../retrieve/rerank.js'
import { candidatePool, ParkRetriever, type PassageDocument, type RetrieverMode } from '../retrieve/retriever.js'
import type { Vocabulary } from './extractive.js'
import { condense } from './followup.js'
import { ModelUnavailable, type Budget, type ModelLimits, type Permit } from './limits.js'
import { formatHistory, formatPassages } from './llm.js'
import { chatPrompt } from './prompts.js'
import { MAX_QUESTION_CHARS, type ParsedRequest } from './request.js'
import { extractiveResponse, modelResponse, worthAsking, type Synthesis } from './synthesize.js'
import { toCitation, type AnswerResponse, type NumberedPassage, type Turn } from './types.js'

/*
 * The answer path as one LCEL sequence of named stages:
 *
 *   condense → analyse → retrieve → rerank → synthesize
 *
 * Each stage is a runnable with a run name, so a LangChain tracer (LangSmith through its own
 * environment variables, or any callback handler) shows one tree per question with the stages as
 * children, and the retriever and model runs inside them. State flows as one object that each
 * stage extends; the last stage streams `{token}` chunks and then one `{done}` with the response.
 */

/** The pipeline's input: a parsed request, its park filter resolved to a park name. */
export interface PipelineInput {
  request: ParsedRequest
  park?: string
}

interface Condensed extends PipelineInput {
  /** The question standing alone (a follow-up rewritten with what the history makes clear). */
  standalone: string
}

interface Analysed extends Condensed {
  question: Question
}

interface Retrieved extends Analysed {
  documents: PassageDocument[]
}

/** Streamed by the last stage. Concatenated by LangChain for the trace, they read as the answer. */
export type SynthesisChunk = { token: string } | { done: AnswerResponse }

/** The model and the limits on its use (deadline, slots, breaker), shared by a process. */
export interface ModelLink {
  chat: BaseChatModel
  limits: ModelLimits
}

export interface PipelineDeps {
  index: SearchIndex
  catalog: ParkCatalog
  vocabulary: Vocabulary
  logger: Logger
  model?: ModelLink
  retriever?: RetrieverMode
  minCoverage?: number
}

/** Per-question settings ride in `configurable`, where every stage can read them. */
export interface PipelineConfigurable {
  /** The model budget (deadline, caller's signal) of this question. */
  budget?: Budget
  /** The caller reads tokens as they come: ask the model to stream too (else one reply). */
  streaming?: boolean
}

function configurableOf(config: RunnableConfig | undefined): PipelineConfigurable {
  return (config?.configurable as PipelineConfigurable | undefined) ?? {}
}

function budgetOf(config: RunnableConfig | undefined): Budget | undefined {
  return configurableOf(config).budget
}

/**
 * A named stage of the pipeline: a runnable that reports its run (so tracers see it, with what it
 * runs as children) but, unlike `RunnableLambda`, does not also build a LangSmith run tree and an
 * async-local context for every call — measured at about a millisecond per question here.
 */
/** How long the event loop may run pipeline stages before it lets other work in. */
const BUSY_MS = 2
let lastTurn = 0

/**
 * A turn of the event loop before a stage once the loop has worked a while without one: other
 * requests (and /healthz) get in between the stages of heavy questions, and a light question does
 * not pay for turns it does not need.
 */
async function turn(): Promise<void> {
  if (performance.now() - lastTurn > BUSY_MS) {
    await new Promise<void>((resolve) => setImmediate(resolve))
    lastTurn = performance.now()
  }
}

class Stage<I, O> extends Runnable<I, O> {
  lc_namespace = ['parkqa', 'pipeline']

  constructor(
    override readonly name: string,
    private readonly fn: (input: I, config: RunnableConfig) => Promise<O> | O,
  ) {
    super()
  }

  override invoke(input: I, options?: RunnableConfig): Promise<O> {
    return this._callWithConfig(
      async (value: I, config?: RunnableConfig, run?: CallbackManagerForChainRun) => {
        await turn()
        return this.fn(value, patchConfig(config ?? {}, { callbacks: run?.getChild() }))
      },
      input,
      options,
    )
  }
}

function stage<I, O>(name: string, fn: (input: I, config: RunnableConfig) => Promise<O> | O): Runnable<I, O> {
  return new Stage(name, fn)
}

/**
 * The last stage streams its chunks. Invoked (a caller that waits for the whole answer), its
 * chunks come back concatenated, as a `RunnableLambda` over a generator would give them.
 */
class StreamingStage<I, O extends object> extends Runnable<I, O> {
  lc_namespace = ['parkqa', 'pipeline']

  constructor(
    override readonly name: string,
    private readonly fn: (input: I, config: RunnableConfig) => AsyncGenerator<O>,
  ) {
    super()
  }

  override invoke(input: I, options?: RunnableConfig): Promise<O> {
    return this._callWithConfig(
      async (value: I, config?: RunnableConfig, run?: CallbackManagerForChainRun) => {
        let output: O | undefined
        for await (const chunk of this.fn(value, patchConfig(config ?? {}, { callbacks: run?.getChild() }))) output = output === undefined ? chunk : concat(output, chunk)
        return output as O
      },
      input,
      options,
    )
  }

  override async *transform(inputs: AsyncGenerator<I>, options?: Partial<RunnableConfig>): AsyncGenerator<O> {
    const run = async function* (this: StreamingStage<I, O>, chunks: AsyncGenerator<I>, manager?: CallbackManagerForChainRun, config?: Partial<RunnableConfig>): AsyncGenerator<O> {
      let input: I | undefined
      for await (const chunk of chunks) input = chunk
      yield* this.fn(input as I, patchConfig(config ?? {}, { callbacks: manager?.getChild() }))
    }
    yield* this._transformStreamWithConfig(inputs, run.bind(this), options)
  }

  override async *_streamIterator(input: I, options?: Partial<RunnableConfig>): AsyncGenerator<O> {
    yield* this.transform((async function* () {
      yield input
    })(), options)
  }
}

/** The answer pipeline, and the same stages run without LangChain's run bookkeeping. */
export interface Pipeline {
  runnable: Runnable<PipelineInput, SynthesisChunk>
  /**
   * The stages called one after another, for a question no callback or tracer observes, with the
   * same functions and so the same response. LangChain's bookkeeping around each stage (callback
   * managers, run ids, configs) was about a third of an extractive answer's time here.
   */
  untraced(input: PipelineInput, configurable: PipelineConfigurable): Promise<AnswerResponse>
}

export function createPipeline(deps: PipelineDeps): Pipeline {
  const { index, catalog, vocabulary, logger, model } = deps

  /**
   * One model call under the question's budget: a slot (or `ModelUnavailable` at once), the
   * deadline as its abort signal, and its outcome told to the breaker.
   */
  async function withModel<T>(config: RunnableConfig, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const budget = budgetOf(config)
    if (!model || !budget) throw new ModelUnavailable('breaker_open')
    const permit = await model.limits.enter(budget)
    try {
      const result = await call(budget.signal)
      permit.done('ok')
      return result
    } catch (error) {
      permit.done(budget.cancelled() ? 'cancelled' : 'failed')
      throw budget.cancelled() ? new AbortedError() : error
    }
  }

  function warnFallback(what: string, error: unknown, instead: string): void {
    const message = `${what} ${error instanceof ModelUnavailable ? 'skipped' : 'failed'} (${(error as Error).message}); ${instead}`
    // An open breaker would otherwise log once per question.
    if (error instanceof ModelUnavailable && error.reason === 'breaker_open') logger.debug(message)
    else logger.warn(message)
  }

  // condense: the model's rewrite of a follow-up, falling back to the rule-based one.
  const ruleRewrite = stage('rule-rewrite', (input: { question: string; history: Turn[] }) => condense(input.question, input.history, catalog))
  let rewrite: Runnable<{ question: string; history: Turn[] }, string> = ruleRewrite
  if (model) {
    const chain = chatPrompt('condense-follow-up').pipe(model.chat).pipe(new StringOutputParser())
    const modelRewrite = stage('model-rewrite', async (input: { question: string; history: Turn[] }, config: RunnableConfig) => {
      try {
        const rewritten = (await withModel(config, (signal) => chain.invoke({ history: formatHistory(input.history), question: input.question }, { ...config, signal }))).trim()
        // The rewrite must stay a question a request could have asked.
        if (rewritten === '' || rewritten.length > MAX_QUESTION_CHARS) throw new Error(`the rewrite is empty or over ${MAX_QUESTION_CHARS} characters`)
        return rewritten
      } catch (error) {
        if (!(error instanceof AbortedError)) warnFallback('LLM follow-up rewrite', error, 'using the rule-based rewrite')
        throw error
      }
    })
    rewrite = modelRewrite.withFallbacks([ruleRewrite])
  }
  const condensed = async (input: PipelineInput, config: RunnableConfig): Promise<Condensed> => {
    const { question, history } = input.request
    return { ...input, standalone: history.length === 0 ? question : await rewrite.invoke({ question, history }, config) }
  }

  const analysed = (input: Condensed): Analysed => ({ ...input, question: analyzeQuestion(input.standalone, catalog) })

  const retrieverFor = (input: Analysed) => new ParkRetriever({ index, catalog, k: candidatePool(input.request.k), park: input.park, mode: deps.retriever })
  const query = (input: Analysed) => input.question.searchText || input.question.text

  /**
   * The passages for a question; an English one that writes a name in pinyin (Xinshuo) is asked
   * again with the name as the passages found write it (鑫烁), so that search and answer can see it.
   */
  async function retrieved(input: Analysed, find: (input: Analysed) => Promise<PassageDocument[]>): Promise<Retrieved> {
    const documents = await find(input)
    const { question } = input
    if (!question.english || latinNames(question.normalized).length === 0) return { ...input, documents }
    const named = withChineseNames(question.text, question.normalized, documents.map((d) => d.pageContent), await loadReadings())
    if (named === undefined) return { ...input, documents }
    const renamed = { ...input, question: analyzeQuestion(named, catalog) }
    return { ...renamed, documents: await find(renamed) }
  }

  const reranked = (input: Retrieved): Synthesis => {
    const ranked = new AgreementReranker({ index, catalog, k: input.request.k }).rerank(input.documents, input.question)
    const passages = ranked.map((doc, i): NumberedPassage => {
      // As withScore: a copy, then the number (V8 copies `{ ...x }` fast, `{ ...x, n }` slowly).
      const numbered = { ...doc.metadata } as NumberedPassage
      numbered.n = i + 1
      return numbered
    })
    return { question: input.question, passages }
  }

  const answerChain = model ? chatPrompt('answer').pipe(model.chat).pipe(new StringOutputParser()) : undefined

  async function* synthesize(input: Synthesis, config: RunnableConfig): AsyncGenerator<SynthesisChunk> {
    const extractive = () => extractiveResponse(input, vocabulary, deps.minCoverage)
    if (answerChain && worthAsking(input)) {
      const response = yield* modelAnswer(input, config)
      if (response) {
        yield { done: response }
        return
      }
    }
    const response = extractive()
    yield { token: response.answer }
    yield { done: response }
  }

  /** Streams the model's tokens; its validated response, or undefined to fall back to extractive. */
  async function* modelAnswer(input: Synthesis, config: RunnableConfig): AsyncGenerator<SynthesisChunk, AnswerResponse | undefined> {
    const budget = budgetOf(config)
    if (!model || !answerChain || !budget) return undefined
    let permit: Permit
    try {
      permit = await model.limits.enter(budget)
    } catch (error) {
      if (error instanceof AbortedError) throw error
      warnFallback('LLM answer', error, 'using the extractive answer')
      return undefined
    }
    // Until the stream ends one way or the other, an early stop is the caller going away.
    let outcome: 'ok' | 'failed' | 'cancelled' = 'cancelled'
    let raw = ''
    try {
      const prompt = { passages: formatPassages(input.passages.map(toCitation)), question: input.question.text }
      const callConfig = { ...config, signal: budget.signal }
      const stream = configurableOf(config).streaming ? await answerChain.stream(prompt, callConfig) : [await answerChain.invoke(prompt, callConfig)]
      for await (const token of stream) {
        if (token === '') continue
        raw += token
        yield { token }
      }
      outcome = 'ok'
    } catch (error) {
      if (budget.cancelled()) throw new AbortedError()
      outcome = 'failed'
      warnFallback('LLM answer', error, 'using the extractive answer')
      return undefined
    } finally {
      permit.done(outcome)
    }
    const response = modelResponse(input, raw)
    if (!response) logger.warn('LLM answer unusable (empty, or no valid citation); using the extractive answer')
    return response
  }

  const runnable = RunnableSequence.from<PipelineInput, SynthesisChunk>(
    [
      stage('condense', condensed),
      stage('analyse', analysed),
      stage('retrieve', (input: Analysed, config: RunnableConfig): Promise<Retrieved> => retrieved(input, (asked) => retrieverFor(asked).invoke(query(asked), config))),
      stage('rerank', reranked),
      new StreamingStage('synthesize', synthesize),
    ],
    'parkqa',
  )

  async function untraced(input: PipelineInput, configurable: PipelineConfigurable): Promise<AnswerResponse> {
    const config: RunnableConfig = { configurable }
    await turn()
    const asked = await condensed(input, config)
    await turn()
    const question = analysed(asked)
    await turn()
    const found = await retrieved(question, (asked) => retrieverFor(asked)._getRelevantDocuments(query(asked)))
    await turn()
    const synthesis = reranked(found)
    await turn()
    let response: AnswerResponse | undefined
    for await (const chunk of synthesize(synthesis, config)) if ('done' in chunk) response = chunk.done
    if (!response) throw new Error('the answer pipeline ended without a response')
    return response
  }

  return { runnable, untraced }
}
