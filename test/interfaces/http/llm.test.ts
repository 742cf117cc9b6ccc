import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createAnswerer } from '../../../src/answer/answer.js'
import { Breaker, ModelLimits, Slots } from '../../../src/answer/limits.js'
import { createChatModel } from '../../../src/answer/model.js'
import type { SearchIndex } from '../../../src/index/search-index.js'
import { silentLogger } from '../../../src/log.js'
import { startFakeOpenAI, type FakeOpenAI } from '../../fakes/openai-server.js'
import { seedIndex, testConfig } from '../../helpers.js'
import { parseSse, servedLive, startTestServer, type TestServer } from './client.js'

/** The HTTP API in LLM mode: the real ChatOpenAI against a fake OpenAI server on 127.0.0.1. */

let index: SearchIndex
let fake: FakeOpenAI
const QUESTION = '张家界高新区2020年工业总产值是多少？'
const MODEL_ANSWER = '张家界高新区2020年完成工业总产值23.05亿元，增长4.26%[1]。'

beforeAll(async () => {
  index = await seedIndex()
  fake = await startFakeOpenAI()
})

afterAll(async () => {
  await fake.close()
})

beforeEach(() => {
  fake.requests.length = 0
  fake.disconnects = 0
})

async function llmServer(slots: Slots, breaker = new Breaker({ failures: 3, coolDownMs: 30_000, logger: silentLogger })): Promise<TestServer> {
  const chat = await createChatModel(testConfig({ OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: fake.baseURL, LLM_TIMEOUT_MS: '30000' }))
  const limits = new ModelLimits({ timeoutMs: 30_000, slots, breaker })
  return startTestServer(servedLive(index, (i) => createAnswerer({ index: i, logger: silentLogger, model: { chat, limits } }), () => limits.status))
}

describe('HTTP API with a language model', () => {
  it('streams the model’s tokens as they come, then citations, then done', async () => {
    fake.behaviour = { kind: 'slow', content: MODEL_ANSWER, pieceMs: 5 }
    const server = await llmServer(new Slots(4, 4))
    try {
      const response = await server.post('/ask', { question: QUESTION }, { accept: 'text/event-stream' })
      const events = parseSse(await response.text())
      const tokens = events.filter((e) => e.event === 'token').map((e) => (e.data as { text: string }).text)
      expect(tokens.length).toBeGreaterThan(5)
      expect(tokens.join('')).toBe(MODEL_ANSWER)
      expect(events.slice(-2).map((e) => e.event)).toEqual(['citations', 'done'])
      expect(events.at(-1)!.data).toEqual({ answer: MODEL_ANSWER, found: true, mode: 'llm', cited: [1] })
      expect(fake.requests[0]!.body.stream).toBe(true)
    } finally {
      await server.close()
    }
  })

  it('a client that disconnects mid-stream aborts the model call and frees its slot', async () => {
    fake.behaviour = { kind: 'slow', content: MODEL_ANSWER.repeat(20), pieceMs: 100 }
    const slots = new Slots(1, 0)
    const server = await llmServer(slots)
    try {
      const response = await server.post('/ask', { question: QUESTION }, { accept: 'text/event-stream' })
      const reader = response.body!.getReader()
      const first = await reader.read()
      expect(new TextDecoder().decode(first.value)).toContain('event: token')
      await reader.cancel()
      await expect.poll(() => fake.disconnects, { timeout: 10_000 }).toBe(1)
      await expect.poll(() => slots.inUse, { timeout: 10_000 }).toBe(0)
      await expect.poll(() => server.logs.find((l) => l.path === '/ask'), { timeout: 10_000 }).toMatchObject({ completed: false })
    } finally {
      await server.close()
    }
  })

  it('a client that disconnects while waiting for a JSON answer aborts the model call', async () => {
    fake.behaviour = { kind: 'slow', content: MODEL_ANSWER, pieceMs: 1000 }
    const server = await llmServer(new Slots(1, 0))
    try {
      const client = new AbortController()
      const pending = fetch(server.url + '/ask', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: QUESTION }), signal: client.signal }).catch((e: Error) => e)
      await fake.nextRequest()
      client.abort()
      expect(await pending).toBeInstanceOf(Error)
      await expect.poll(() => fake.disconnects, { timeout: 10_000 }).toBe(1)
    } finally {
      await server.close()
    }
  })

  it('bounded LLM concurrency: with every slot and queue place taken, a question gets the extractive answer at once', async () => {
    fake.behaviour = { kind: 'stall', ms: 1500 }
    const slots = new Slots(1, 1)
    const server = await llmServer(slots)
    try {
      const arrived = fake.nextRequest()
      const running = server.post('/ask', { question: QUESTION })
      await arrived
      const queued = server.post('/ask', { question: QUESTION })
      await expect.poll(() => slots.inQueue, { timeout: 10_000 }).toBe(1)
      const turnedAway = await server.post('/ask', { question: QUESTION })
      expect(turnedAway.status).toBe(200)
      expect(await turnedAway.json()).toMatchObject({ mode: 'extractive', found: true, cited: [1] })
      expect(slots.inQueue).toBe(1)
      const [first, second] = await Promise.all([running, queued])
      expect([first.status, second.status]).toEqual([200, 200])
      expect((await first.json()).mode).toBe('llm')
      expect((await second.json()).mode).toBe('llm')
    } finally {
      await server.close()
    }
  })

  it('/healthz reports the model degraded while its circuit breaker is open, and ok again once a probe succeeds', async () => {
    fake.behaviour = { kind: 'error', status: 500 }
    const clock = { now: 0 }
    const breaker = new Breaker({ failures: 2, coolDownMs: 10_000, logger: silentLogger, now: () => clock.now })
    const server = await llmServer(new Slots(4, 4), breaker)
    const health = async () => (await (await fetch(server.url + '/healthz')).json()).model
    try {
      expect(await health()).toBe('ok')
      for (let i = 0; i < 2; i++) expect(await (await server.post('/ask', { question: QUESTION })).json()).toMatchObject({ mode: 'extractive' })
      expect(await health()).toBe('degraded')
      const sent = fake.requests.length
      expect(await (await server.post('/ask', { question: QUESTION })).json()).toMatchObject({ mode: 'extractive' })
      expect(fake.requests.length).toBe(sent)
      clock.now += 10_000
      fake.behaviour = { kind: 'reply', content: MODEL_ANSWER }
      expect(await (await server.post('/ask', { question: QUESTION })).json()).toMatchObject({ mode: 'llm' })
      expect(await health()).toBe('ok')
    } finally {
      await server.close()
    }
  })
})
