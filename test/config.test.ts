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
    })
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
