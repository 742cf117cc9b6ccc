import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BaseCallbackHandler } from '@langchain/core/callbacks/base'
import { awaitAllCallbacks } from '@langchain/core/callbacks/promises'
import type { Serialized } from '@langchain/core/load/serializable'
import { createAnswerer, type AnswerEvent } from '../../src/answer/answer.js'
import { createChatModel } from '../../src/answer/model.js'
import { createModelLimits } from '../../src/answer/limits.js'
import type { SearchIndex } from '../../src/index/search-index.js'
import { createLogger, silentLogger } from '../../src/log.js'
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai-server.js'
import { seedIndex, testConfig } from '../helpers.js'

/**
 * The answer path as a LangChain pipeline: one trace tree per question with the named stages as
 * children, and the limits on model work (one deadline per question, a circuit breaker) against a
 * real ChatOpenAI and a fake OpenAI server on 127.0.0.1.
 */

let index: SearchIndex
let fake: FakeOpenAI

beforeAll(async () => {
  index = await seedIndex()
  fake = await startFakeOpenAI()
})

afterAll(async () => {
  await fake.close()
})

const QUESTION = '张家界高新区2020年工业总产值是多少？'
const OTHER_QUESTION = '常德经开区上半年引进了多少个项目？'
const STAGES = ['condense', 'analyse', 'retrieve', 'rerank', 'synthesize']

interface Run {
  id: string
  parent?: string
  name: string
}

/** Records every run LangChain reports, with its parent: the trace tree a tracer would draw. */
class Recorder extends BaseCallbackHandler {
  name = 'recorder'
  readonly runs: Run[] = []

  // The callback manager calls handlers with (…, runId, parentRunId, tags, metadata, runType, runName),
  // whatever the declared parameter names say.
  override handleChainStart(chain: Serialized, _inputs: unknown, runId: string, parentRunId?: string, _tags?: string[], _metadata?: Record<string, unknown>, _runType?: string, runName?: string) {
    this.runs.push({ id: runId, parent: parentRunId, name: runName ?? chain.id.at(-1)! })
  }

  override handleRetrieverStart(retriever: Serialized, _query: string, runId: string, parentRunId?: string, _tags?: string[], _metadata?: Record<string, unknown>, name?: string) {
    this.runs.push({ id: runId, parent: parentRunId, name: name ?? retriever.id.at(-1)! })
  }

  override handleChatModelStart(llm: Serialized, _messages: unknown, runId: string, parentRunId?: string, _extra?: unknown, _tags?: string[], _metadata?: Record<string, unknown>, runName?: string) {
    this.runs.push({ id: runId, parent: parentRunId, name: runName ?? llm.id.at(-1)! })
  }

  roots(): Run[] {
    return this.runs.filter((run) => run.parent === undefined)
  }

  children(of: Run): Run[] {
    return this.runs.filter((run) => run.parent === of.id)
  }

  /** Every run under `of`, at any depth. */
  below(of: Run): Run[] {
    return this.children(of).flatMap((child) => [child, ...this.below(child)])
  }
}

function chatAt(timeoutMs: number) {
  return createChatModel(testConfig({ OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: fake.baseURL, LLM_TIMEOUT_MS: String(timeoutMs) }))
}

describe('the answer pipeline (LCEL, traced)', () => {
  it('offline: one trace tree per question, the five stages as its children in order, the retriever inside retrieve', async () => {
    const recorder = new Recorder()
    const answerer = createAnswerer({ index, logger: silentLogger })
    const response = await answerer.answer({ question: QUESTION }, { callbacks: [recorder] })
    await answerer.answer({ question: '常德经开区上半年引进了多少个项目？' }, { callbacks: [recorder] })
    await awaitAllCallbacks()
    expect(response).toMatchObject({ found: true, mode: 'extractive' })
    const roots = recorder.roots()
    expect(roots.map((r) => r.name)).toEqual(['parkqa', 'parkqa'])
    for (const root of roots) {
      expect(recorder.children(root).map((r) => r.name)).toEqual(STAGES)
      const retrieve = recorder.children(root).find((r) => r.name === 'retrieve')!
      expect(recorder.below(retrieve).map((r) => r.name)).toContain('ParkRetriever')
    }
  })

  it('with a model: the rewrite and the answer are model runs inside condense and synthesize', async () => {
    fake.behaviour = { kind: 'reply', content: '完成工业总产值23.05亿元[1]。' }
    const recorder = new Recorder()
    const answerer = createAnswerer({ index, logger: silentLogger, model: { chat: await chatAt(15_000), limits: createModelLimits({ timeoutMs: 15_000, concurrency: 4, queue: 32, breaker: { failures: 3, coolDownMs: 30_000 }, logger: silentLogger }) } })
    const response = await answerer.answer({ question: '那2019年呢？', history: [{ role: 'user', content: QUESTION }] }, { callbacks: [recorder] })
    await awaitAllCallbacks()
    expect(response).toMatchObject({ mode: 'llm', found: true, cited: [1] })
    const [root] = recorder.roots()
    expect(recorder.roots()).toHaveLength(1)
    const stage = (name: string) => recorder.children(root!).find((r) => r.name === name)!
    expect(recorder.below(stage('condense')).map((r) => r.name)).toContain('ChatOpenAI')
    expect(recorder.below(stage('synthesize')).map((r) => r.name)).toContain('ChatOpenAI')
    expect(recorder.below(stage('retrieve')).map((r) => r.name)).not.toContain('ChatOpenAI')
  })

  it('stream() and answer() are one implementation: the last streamed event is what answer() returns', async () => {
    const answerer = createAnswerer({ index, logger: silentLogger })
    const events: AnswerEvent[] = []
    for await (const event of answerer.stream({ question: QUESTION, k: 3 })) events.push(event)
    expect(events.map((e) => e.type)).toEqual(['token', 'done'])
    const done = events.at(-1)!
    expect(done.type === 'done' && done.response).toEqual(await answerer.answer({ question: QUESTION, k: 3 }))
  })

  it('cited is data: the numbers of the passages the quotes come from, each a citation holding its quote', async () => {
    const answerer = createAnswerer({ index, logger: silentLogger })
    const response = await answerer.answer({ question: '常德高新区和常德经开区2020年上半年各引进了多少个项目？' })
    expect(response.found).toBe(true)
    expect(response.cited.length).toBeGreaterThan(0)
    for (const n of response.cited) expect(response.citations.some((c) => c.n === n)).toBe(true)
    const refused = await answerer.answer({ question: '长沙高新区2020年工业总产值是多少？' })
    expect(refused).toMatchObject({ found: false, cited: [] })
  })
})

describe('limits on model work', () => {
  it('a model that never answers: 40 concurrent questions all get extractive answers at their one deadline, then the breaker answers at once', async () => {
    fake.behaviour = { kind: 'stall', ms: 600_000 }
    const deadlineMs = 2_000
    const lines: string[] = []
    const logger = createLogger('info', (line) => lines.push(line))
    const limits = createModelLimits({ timeoutMs: deadlineMs, concurrency: 4, queue: 32, breaker: { failures: 3, coolDownMs: 60_000 }, logger })
    const answerer = createAnswerer({ index, logger, model: { chat: await chatAt(deadlineMs), limits } })
    const requestsBefore = fake.requests.length

    const started = Date.now()
    const timed = await Promise.all(
      Array.from({ length: 40 }, async () => {
        const response = await answerer.answer({ question: QUESTION })
        return { response, ms: Date.now() - started }
      }),
    )
    for (const { response } of timed) expect(response).toMatchObject({ mode: 'extractive', found: true })
    // Only the slots' worth of calls ever reached the model (each with at most the one retry the
    // client may start as the deadline strikes); the rest never waited past the deadline.
    expect(fake.requests.length - requestsBefore).toBeLessThanOrEqual(8)
    const slowest = Math.max(...timed.map((t) => t.ms))
    // Within the one deadline (+ 1 s), not one deadline per queued turn (40 / 4 × 2 s = 20 s).
    expect(slowest).toBeLessThan(deadlineMs + 1_000 + stallAllowance())
    expect(limits.status).toBe('degraded')
    expect(lines.filter((line) => line.includes('circuit breaker open'))).toHaveLength(1)

    // The breaker is open: the next question does not wait for the model at all (a late retry of
    // an earlier call may still arrive; none is about this question).
    const asked = (text: string) => fake.requests.some((r) => r.body.messages.some((m) => m.content.includes(text)))
    const t0 = Date.now()
    const next = await answerer.answer({ question: OTHER_QUESTION })
    const openMs = Date.now() - t0
    expect(next).toMatchObject({ mode: 'extractive', found: true })
    expect(asked(OTHER_QUESTION)).toBe(false)
    expect(openMs).toBeLessThan(100 + stallAllowance())
  })

  it('a follow-up against a hanging model costs one deadline for rewrite and answer together, not two', async () => {
    fake.behaviour = { kind: 'stall', ms: 600_000 }
    const deadlineMs = 1_500
    const limits = createModelLimits({ timeoutMs: deadlineMs, concurrency: 4, queue: 32, breaker: { failures: 100, coolDownMs: 60_000 }, logger: silentLogger })
    const answerer = createAnswerer({ index, logger: silentLogger, model: { chat: await chatAt(deadlineMs), limits } })
    const t0 = Date.now()
    const response = await answerer.answer({ question: '那2017年呢？', history: [{ role: 'user', content: QUESTION }] })
    const ms = Date.now() - t0
    expect(response.mode).toBe('extractive')
    // The rewrite used up the deadline: it was sent, the answer never was.
    const prompts = fake.requests.map((r) => r.body.messages.map((m) => m.content).join('\n'))
    expect(prompts.some((p) => p.includes('Follow-up: 那2017年呢？'))).toBe(true)
    expect(prompts.some((p) => /Question: [^\n]*2017/.test(p))).toBe(false)
    expect(ms).toBeLessThan(2 * deadlineMs + stallAllowance())
  })
})

/**
 * Extra time a stalled machine may add to a wall-clock bound (this VM has lost seconds to its
 * hypervisor in one slice). CI and developers' machines get the same generous margin.
 */
function stallAllowance(): number {
  return 3_000
}
