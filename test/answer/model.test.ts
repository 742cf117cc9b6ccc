import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ChatOpenAI } from '@langchain/openai'
import { initChatModel, MODEL_PROVIDER_CONFIG } from 'langchain/chat_models/universal'
import { textOf } from '../../src/answer/llm.js'
import { createChatModel } from '../../src/answer/model.js'
import { LLM_PROVIDERS } from '../../src/config.js'
import { testConfig } from '../helpers.js'
import { ConfigError } from '../../src/errors.js'
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai-server.js'

/**
 * The chat model initChatModel builds, for real, against a fake OpenAI-compatible server on
 * 127.0.0.1. Every fetch the process makes is recorded; one for anywhere else is answered as a
 * captive portal would (200, nothing usable), so that nothing leaves the machine and nothing is
 * retried.
 */

let fake: FakeOpenAI
const fetched: string[] = []
const realFetch = globalThis.fetch
const QUESTION = '张家界高新区2020年工业总产值是多少？'
/** How long a test waits for requests to pile up at the server: generous, as this machine stalls. */
const POLL = { timeout: 60_000 }

beforeAll(async () => {
  fake = await startFakeOpenAI()
  globalThis.fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input)
    fetched.push(url)
    return url.startsWith(fake.baseURL) ? realFetch(input, init) : new Response('{}', { status: 200 })
  }
})

afterAll(async () => {
  globalThis.fetch = realFetch
  await fake.close()
})

beforeEach(() => {
  fake.requests.length = 0
  fake.behaviour = { kind: 'reply', content: '完成工业总产值23.05亿元[1]。' }
  fetched.length = 0
})

/** The model for the environment a user would write, pointed at the fake server. */
function modelFor(env: Record<string, string> = {}, fields?: Record<string, unknown>) {
  return createChatModel(testConfig({ OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: fake.baseURL, LLM_TIMEOUT_MS: '60000', ...env }), fields)
}

describe('createChatModel (initChatModel against a fake OpenAI-compatible server)', () => {
  it('answers and streams through OPENAI_BASE_URL, at temperature 0', async () => {
    const model = await modelFor()
    // The concrete model, not initChatModel's wrapper (see createChatModel).
    expect(model).toBeInstanceOf(ChatOpenAI)
    expect((model as ChatOpenAI).timeout).toBe(60_000)
    expect(textOf((await model.invoke(QUESTION)).content)).toBe('完成工业总产值23.05亿元[1]。')
    const pieces: string[] = []
    for await (const chunk of await model.stream(QUESTION)) pieces.push(textOf(chunk.content))
    expect(pieces.filter((piece) => piece !== '').length).toBeGreaterThan(2)
    expect(pieces.join('')).toBe('完成工业总产值23.05亿元[1]。')
    expect(fake.requests.map((r) => [r.path, r.body.stream ?? false, r.body.temperature])).toEqual([
      ['/v1/chat/completions', false, 0],
      ['/v1/chat/completions', true, 0],
    ])
  })

  it.each([
    ['gpt-4o-mini', 'gpt-4o-mini'],
    ['openai:gpt-4o-mini', 'gpt-4o-mini'],
    ['openai:qwen2.5:7b', 'qwen2.5:7b'],
  ])('LLM_MODEL=%s asks the server for %s', async (spec, name) => {
    const model = await modelFor({ LLM_MODEL: spec })
    await model.invoke(QUESTION)
    expect(fake.requests.map((r) => r.body.model)).toEqual([name])
  })

  it('with LLM_CONCURRENCY=16, 16 calls are in flight at the server at once', async () => {
    fake.behaviour = { kind: 'hold', content: 'ok [1]' }
    const model = await modelFor({ LLM_CONCURRENCY: '16' })
    // As the answerer calls it: each call with its own deadline signal.
    const calls = Array.from({ length: 16 }, (_, i) => model.invoke(`${QUESTION} ${i}`, { signal: new AbortController().signal }))
    await expect.poll(() => fake.inFlight, POLL).toBe(16)
    fake.release()
    const replies = await Promise.all(calls)
    expect(replies.map((reply) => textOf(reply.content))).toEqual(Array(16).fill('ok [1]'))
  })

  it('with LLM_CONCURRENCY=2, the third and fourth calls reach the server only as the first two finish', async () => {
    fake.behaviour = { kind: 'hold', content: 'ok [1]' }
    const model = await modelFor({ LLM_CONCURRENCY: '2' })
    const calls = Array.from({ length: 4 }, (_, i) => model.invoke(`${QUESTION} ${i}`))
    await expect.poll(() => fake.inFlight, POLL).toBe(2)
    expect(fake.requests).toHaveLength(2)
    fake.release()
    await expect.poll(() => fake.requests.length, POLL).toBe(4)
    fake.release()
    expect(await Promise.all(calls)).toHaveLength(4)
  })

  // These packages are not dependencies of parkqa; installing one would make its case pass through.
  it.each([
    ['anthropic:claude-3-5-haiku-latest', '@langchain/anthropic'],
    ['google-genai:gemini-2.0-flash', '@langchain/google-genai'],
    ['ollama:llama3', '@langchain/ollama'],
  ])('LLM_MODEL=%s without %s installed: a ConfigError saying how to install it', async (spec, pkg) => {
    const error: unknown = await modelFor({ LLM_MODEL: spec }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    const message = (error as Error).message
    expect(message).toContain(`LLM_MODEL=${spec}`)
    expect(message).toContain(`npm install ${pkg}`)
    expect(fake.requests).toHaveLength(0)
  })

  it('an OpenAI model with neither a key nor a server is a ConfigError, not a call to api.openai.com with a placeholder key', async () => {
    const error: unknown = await createChatModel(testConfig({})).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as Error).message).toMatch(/LLM_MODEL .*neither OPENAI_API_KEY nor OPENAI_BASE_URL/)
  })

  it('counts tokens offline: a streaming model with a placeholder key makes no request but to the configured server', async () => {
    // Streaming through invoke makes ChatOpenAI's inner completions model estimate token usage.
    const model = await modelFor({ OPENAI_API_KEY: '' }, { streaming: true })
    expect(textOf((await model.invoke(QUESTION)).content)).toBe('完成工业总产值23.05亿元[1]。')
    for await (const chunk of await model.stream(QUESTION)) expect(chunk).toBeDefined()
    expect(await model.getNumTokens('张家界高新区2020年完成工业总产值23.05亿元')).toBeGreaterThan(5)
    expect(fetched.length).toBeGreaterThan(0)
    expect(fetched.every((url) => url.startsWith(fake.baseURL))).toBe(true)
  })

  it('(control) a model initChatModel builds on its own would fetch tiktoken ranks from the internet', async () => {
    const stock = await initChatModel('openai:gpt-4o-mini', { apiKey: 'test-key', configuration: { baseURL: fake.baseURL }, streaming: true })
    const originalWarn = console.warn
    console.warn = () => undefined
    try {
      await stock.invoke(QUESTION)
    } finally {
      console.warn = originalWarn
    }
    expect(fetched.some((url) => url.includes('tiktoken'))).toBe(true)
  })

  it('LLM_MODEL accepts exactly the providers the installed initChatModel knows', () => {
    expect([...LLM_PROVIDERS].sort()).toEqual(Object.keys(MODEL_PROVIDER_CONFIG).sort())
  })
})
