import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createAnswerer } from '../../../src/answer/answer.js'
import { createChatModel } from '../../../src/answer/model.js'
import { Slots } from '../../../src/answer/slots.js'
import { loadConfig } from '../../../src/config.js'
import type { SearchIndex } from '../../../src/index/search-index.js'
import { silentLogger } from '../../../src/log.js'
import { startFakeOpenAI, type FakeOpenAI } from '../../fakes/openai-server.js'
import { seedIndex } from '../../helpers.js'
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

async function llmServer(slots: Slots): Promise<TestServer> {
  const chat = await createChatModel(loadConfig({ OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: fake.baseURL, LLM_TIMEOUT_MS: '30000' }))
  return startTestServer(servedLive(index, (i) => createAnswerer({ index: i, logger: silentLogger, chat, llmTimeoutMs: 30_000, llmSlots: slots })))
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
      expect(events.at(-1)!.data).toEqual({ answer: MODEL_ANSWER, found: true, mode: 'llm' })
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

  it('bounded LLM concurrency: with every slot and queue place taken, a question gets 503 overloaded', async () => {
    fake.behaviour = { kind: 'stall', ms: 1500 }
    const slots = new Slots(1, 1)
    const server = await llmServer(slots)
    try {
      const arrived = fake.nextRequest()
      const running = server.post('/ask', { question: QUESTION })
      await arrived
      const queued = server.post('/ask', { question: QUESTION })
      await expect.poll(() => slots.inQueue, { timeout: 10_000 }).toBe(1)
      const refused = await server.post('/ask', { question: QUESTION })
      expect(refused.status).toBe(503)
      expect(refused.headers.get('retry-after')).toBe('2')
      expect((await refused.json()).error.code).toBe('overloaded')
      const [first, second] = await Promise.all([running, queued])
      expect([first.status, second.status]).toEqual([200, 200])
      expect((await first.json()).mode).toBe('llm')
      expect((await second.json()).mode).toBe('llm')
    } finally {
      await server.close()
    }
  })
})
