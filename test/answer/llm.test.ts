import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ChatOpenAI } from '@langchain/openai'
import { createAnswerer, type AnswerEvent } from '../../src/answer/answer.js'
import { createModelLimits } from '../../src/answer/limits.js'
import { checkModelAnswer } from '../../src/answer/llm.js'
import { createChatModel } from '../../src/answer/model.js'
import type { SearchIndex } from '../../src/index/search-index.js'
import { createLogger } from '../../src/log.js'
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai-server.js'
import { seedIndex, testConfig } from '../helpers.js'

/**
 * LLM mode through the real ChatOpenAI against a fake OpenAI-compatible server on 127.0.0.1.
 * Every fetch the process makes is recorded: the LLM path must talk to the configured server only
 * (no tiktoken download from the internet).
 */

let index: SearchIndex
let fake: FakeOpenAI
const fetched: string[] = []
const realFetch = globalThis.fetch
const warnings: string[] = []
const logger = createLogger('warn', (line) => warnings.push(line))
// The deadline the fallback tests race against; every other test gets a generous one, so that a
// slow, loaded machine does not turn a working call into a timeout.
const TIMEOUT_MS = 600
const RELAXED_MS = 15_000
/** A server that stalls this long is one the deadline must cut. */
const STALL_MS = 30_000

beforeAll(async () => {
  globalThis.fetch = (input, init) => {
    fetched.push(input instanceof Request ? input.url : String(input))
    return realFetch(input, init)
  }
  index = await seedIndex()
  fake = await startFakeOpenAI()
})

afterAll(async () => {
  globalThis.fetch = realFetch
  await fake.close()
})

beforeEach(() => {
  fake.requests.length = 0
  warnings.length = 0
})

async function llmAnswerer(fields: Parameters<typeof createChatModel>[1] = {}, timeoutMs = RELAXED_MS) {
  const chat = await createChatModel(testConfig({ OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: fake.baseURL, LLM_TIMEOUT_MS: String(timeoutMs) }), fields)
  return createAnswerer({ index, logger, model: { chat, limits: createModelLimits({ timeoutMs, concurrency: 4, queue: 32, breaker: { failures: 100, coolDownMs: 30_000 }, logger }) } })
}

const QUESTION = '张家界高新区2020年工业总产值是多少？'

describe('LLM answers (ChatOpenAI against a fake server)', () => {
  it('sends the retrieved passages as delimited data and keeps only markers that point at a passage', async () => {
    fake.behaviour = { kind: 'reply', content: '张家界高新区2020年完成工业总产值23.05亿元[1][99]，增长4.26%[1, 42]。' }
    const response = await (await llmAnswerer()).answer({ question: QUESTION })
    expect(response.mode).toBe('llm')
    expect(response.found).toBe(true)
    expect(response.answer).toBe('张家界高新区2020年完成工业总产值23.05亿元[1]，增长4.26%[1]。')
    expect(response.cited).toEqual([1])
    expect(response.citations).toHaveLength(5)
    const [system, user] = fake.requests[0]!.body.messages
    expect(system!.role).toBe('system')
    expect(system!.content).toContain('untrusted')
    for (const c of response.citations) expect(user!.content).toContain(`<passage n="${c.n}" park="${c.park}" source="${c.source}">\n${c.text}\n</passage>`)
    expect(user!.content).toContain(QUESTION)
  })

  it('does not ask the model about a park the documents never name', async () => {
    fake.behaviour = { kind: 'reply', content: '长沙高新区2020年完成工业总产值23.05亿元[1]。' }
    const response = await (await llmAnswerer()).answer({ question: '长沙高新区2020年工业总产值是多少？' })
    expect(response).toMatchObject({ found: false, mode: 'extractive' })
    expect(fake.requests).toHaveLength(0)
  })

  it('"not in the documents" from the model gives found:false with the closest passages', async () => {
    fake.behaviour = { kind: 'reply', content: 'NOT_IN_DOCUMENTS' }
    const response = await (await llmAnswerer()).answer({ question: '张家界高新区2017年工业总产值是多少？' })
    expect(response).toMatchObject({ found: false, mode: 'llm' })
    expect(response.citations).toHaveLength(5)
  })

  it.each([
    ['a 500', { kind: 'error', status: 500 } as const],
    ['a server slower than the deadline', { kind: 'stall', ms: STALL_MS } as const],
    ['garbage', { kind: 'garbage' } as const],
    ['an answer citing nothing', { kind: 'reply', content: '大概二十多亿元吧。' } as const],
  ])('falls back to the extractive answer on %s, within the deadline', async (_, behaviour) => {
    fake.behaviour = behaviour
    const started = Date.now()
    const response = await (await llmAnswerer({}, TIMEOUT_MS)).answer({ question: QUESTION })
    // Sooner than the stalled reply: the deadline cut the call. No tighter bound, as a loaded
    // machine has taken seconds over the deadline just to retrieve.
    expect(Date.now() - started).toBeLessThan(STALL_MS)
    expect(response).toMatchObject({ mode: 'extractive', found: true })
    expect(response.answer).toMatch(/23\.05亿元.*\[1\]/)
    expect(warnings.some((w) => w.startsWith('warn: LLM answer'))).toBe(true)
  })

  it('streams tokens, then the validated response with citations', async () => {
    fake.behaviour = { kind: 'reply', content: '完成工业总产值23.05亿元[1][7]。' }
    const events: AnswerEvent[] = []
    for await (const event of (await llmAnswerer()).stream({ question: QUESTION })) events.push(event)
    const tokens = events.filter((e) => e.type === 'token')
    expect(tokens.length).toBeGreaterThan(2)
    expect(tokens.map((t) => (t.type === 'token' ? t.text : '')).join('')).toBe('完成工业总产值23.05亿元[1][7]。')
    const done = events.at(-1)!
    expect(done.type).toBe('done')
    if (done.type === 'done') {
      expect(done.response).toMatchObject({ mode: 'llm', found: true, answer: '完成工业总产值23.05亿元[1]。' })
      expect(done.response.citations).toHaveLength(5)
    }
    // The last request: a late one from an earlier test's deadline may be recorded before it.
    expect(fake.requests.at(-1)!.body.stream).toBe(true)
  })

  it('a stream that fails ends with the extractive response', async () => {
    fake.behaviour = { kind: 'error', status: 503 }
    const events: AnswerEvent[] = []
    for await (const event of (await llmAnswerer()).stream({ question: QUESTION })) events.push(event)
    const done = events.at(-1)!
    expect(done.type === 'done' && done.response.mode).toBe('extractive')
  })

  it('rewrites a follow-up with the condense prompt and answers the rewritten question', async () => {
    fake.behaviour = { kind: 'reply', content: '张家界高新区2020年规模工业总产值是多少？' }
    const answerer = await llmAnswerer()
    const history = [{ role: 'user' as const, content: QUESTION }]
    await answerer.answer({ question: '规模工业的呢？', history }).catch(() => undefined)
    expect(fake.requests[0]!.body.messages[1]!.content).toContain('Follow-up: 规模工业的呢？')
    expect(fake.requests[1]!.body.messages[1]!.content).toContain('Question: 张家界高新区2020年规模工业总产值是多少？')
  })

  it('counts tokens offline: the streaming path makes no request but to the configured server', async () => {
    fake.behaviour = { kind: 'reply', content: '完成工业总产值23.05亿元[1]。' }
    fetched.length = 0
    const response = await (await llmAnswerer({ streaming: true })).answer({ question: QUESTION })
    expect(response.mode).toBe('llm')
    const chat = await createChatModel(testConfig({ OPENAI_BASE_URL: fake.baseURL, LLM_TIMEOUT_MS: String(TIMEOUT_MS) }))
    expect(await chat.getNumTokens('张家界高新区2020年完成工业总产值23.05亿元')).toBeGreaterThan(5)
    expect(fetched.length).toBeGreaterThan(0)
    expect(fetched.every((url) => url.startsWith(fake.baseURL))).toBe(true)
  })

  it('(control) stock ChatOpenAI would fetch tiktoken ranks from the internet', async () => {
    fetched.length = 0
    const stock = new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'x', configuration: { baseURL: fake.baseURL } })
    const blocked = globalThis.fetch
    // Answer like a captive portal would: the download "succeeds" with nothing usable, no retries.
    globalThis.fetch = async (input) => {
      fetched.push(input instanceof Request ? input.url : String(input))
      return new Response('{}', { status: 200 })
    }
    const originalWarn = console.warn
    console.warn = () => undefined
    try {
      await stock.getNumTokens('张家界')
    } finally {
      globalThis.fetch = blocked
      console.warn = originalWarn
    }
    expect(fetched.some((url) => url.includes('tiktoken'))).toBe(true)
  })
})

describe('rule: the model-answer check', () => {
  it('keeps markers that name one of the k passages, drops the rest, and lists the cited ones in order of first use', () => {
    expect(checkModelAnswer('甲[3]，乙[1][9]，丙[3, 2]。', 3)).toEqual({ found: true, text: '甲[3]，乙[1]，丙[3][2]。', cited: [3, 1, 2] })
  })

  it('an answer citing nothing valid is unusable (the caller falls back to extractive)', () => {
    expect(checkModelAnswer('大概二十多亿元[7]。', 5)).toBeUndefined()
    expect(checkModelAnswer('   ', 5)).toBeUndefined()
  })

  it('the sentinel means the documents do not say', () => {
    expect(checkModelAnswer('NOT_IN_DOCUMENTS', 5)).toEqual({ found: false, text: '', cited: [] })
  })
})
