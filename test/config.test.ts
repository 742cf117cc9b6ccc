import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'
import { ConfigError } from '../src/errors.js'

describe('loadConfig', () => {
  it('defaults to the offline setup with paths under the working directory', () => {
    const config = loadConfig({}, '/srv/parkqa')
    expect(config).toMatchObject({
      port: 3000,
      corpusDir: path.resolve('/srv/parkqa/corpus'),
      indexDir: path.resolve('/srv/parkqa/data/index'),
      embeddings: 'local',
      llmModel: 'gpt-4o-mini',
      logLevel: 'info',
      telegram: { allowedChats: [] },
      http: { corsOrigins: [], trustProxy: false, rateLimit: { max: 60, windowMs: 60_000 }, llmConcurrency: 4, llmQueue: 32 },
      indexPollMs: 2000,
    })
  })

  it('reads the HTTP settings', () => {
    const config = loadConfig({
      HOST: '127.0.0.1',
      CORS_ORIGINS: 'https://parks.example, http://localhost:5173/',
      TRUST_PROXY: '1',
      RATE_LIMIT_MAX: '0',
      RATE_LIMIT_WINDOW_MS: '1000',
      LLM_CONCURRENCY: '2',
      LLM_QUEUE: '0',
      INDEX_POLL_MS: '0',
    })
    expect(config.http).toEqual({
      host: '127.0.0.1',
      corsOrigins: ['https://parks.example', 'http://localhost:5173'],
      trustProxy: 1,
      rateLimit: { max: 0, windowMs: 1000 },
      llmConcurrency: 2,
      llmQueue: 0,
    })
    expect(config.indexPollMs).toBe(0)
    expect(loadConfig({ TRUST_PROXY: 'true' }).http.trustProxy).toBe(true)
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).http.trustProxy).toEqual(['loopback', '10.0.0.0/8'])
  })

  it('rejects bad HTTP settings with the variable named', () => {
    expect(() => loadConfig({ CORS_ORIGINS: 'https://parks.example/app' })).toThrow(/CORS_ORIGINS: "https:\/\/parks.example\/app" is not an origin/)
    expect(() => loadConfig({ CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS/)
    expect(() => loadConfig({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY: "everyone"/)
    expect(() => loadConfig({ LLM_CONCURRENCY: '0' })).toThrow(/LLM_CONCURRENCY must be a whole number from 1/)
  })

  it('reads the Telegram settings and rejects bad ones with the variable named', () => {
    expect(loadConfig({}).telegram).toEqual({ token: undefined, apiRoot: undefined, allowedChats: [], webhookUrl: undefined, webhookSecret: undefined, questionsPerMinute: 10 })
    expect(loadConfig({ TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/tg', TELEGRAM_WEBHOOK_SECRET: 'a-Z_9', TELEGRAM_USER_LIMIT: '0' }).telegram).toMatchObject({
      webhookUrl: 'https://bot.example.org/tg',
      webhookSecret: 'a-Z_9',
      questionsPerMinute: 0,
    })
    expect(() => loadConfig({ TELEGRAM_WEBHOOK_URL: 'http://bot.example.org/tg' })).toThrow(/TELEGRAM_WEBHOOK_URL must be an https:\/\/ URL/)
    expect(() => loadConfig({ TELEGRAM_WEBHOOK_SECRET: 'has spaces' })).toThrow(/TELEGRAM_WEBHOOK_SECRET must be 1–256 characters/)
    expect(() => loadConfig({ TELEGRAM_USER_LIMIT: 'many' })).toThrow(/TELEGRAM_USER_LIMIT must be a whole number from 0 to 10000/)
    expect(() => loadConfig({ TELEGRAM_ALLOWED_CHATS: '42,abc' })).toThrow(/TELEGRAM_ALLOWED_CHATS: "abc" is not a chat id/)
  })

  it('reads every documented variable', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        CORPUS_DIR: '/data/docs',
        INDEX_DIR: 'idx',
        EMBEDDINGS: 'OpenAI',
        OPENAI_BASE_URL: 'http://127.0.0.1:9000/v1',
        LLM_MODEL: 'qwen2.5',
        TELEGRAM_BOT_TOKEN: '123:abc',
        TELEGRAM_ALLOWED_CHATS: '42, -1001234',
        LOG_LEVEL: 'warn',
      },
      '/srv',
    )
    expect(config).toMatchObject({
      port: 8080,
      corpusDir: '/data/docs',
      indexDir: path.resolve('/srv/idx'),
      embeddings: 'openai',
      openai: { baseURL: 'http://127.0.0.1:9000/v1' },
      llmModel: 'qwen2.5',
      telegram: { token: '123:abc', allowedChats: [42, -1001234] },
      logLevel: 'warn',
    })
  })

  it('names every bad variable and why', () => {
    let error: unknown
    try {
      loadConfig({ PORT: 'eighty', EMBEDDINGS: 'bert', LOG_LEVEL: 'loud', OPENAI_BASE_URL: 'not a url' })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    const message = (error as Error).message
    expect(message).toContain('PORT must be a whole number from 0 to 65535, got "eighty"')
    expect(message).toContain('EMBEDDINGS must be "local" or "openai"')
    expect(message).toContain('LOG_LEVEL')
    expect(message).toContain('OPENAI_BASE_URL')
  })

  it('asks for a key or a server when EMBEDDINGS=openai', () => {
    expect(() => loadConfig({ EMBEDDINGS: 'openai' })).toThrow(/neither OPENAI_API_KEY nor OPENAI_BASE_URL/)
    expect(() => loadConfig({ TELEGRAM_ALLOWED_CHATS: '12,abc' })).toThrow(/"abc" is not a chat id/)
  })
})
