import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig, loadDotEnv, unknownSettingWarnings } from '../src/config.js'
import { ConfigError } from '../src/errors.js'
import { tempDir } from './helpers.js'

describe('loadConfig', () => {
  it('defaults to the offline setup with paths under the working directory', () => {
    const config = loadConfig({}, '/srv/parkqa')
    expect(config).toMatchObject({
      port: 3000,
      corpusDir: path.resolve('/srv/parkqa/corpus'),
      indexDir: path.resolve('/srv/parkqa/data/index'),
      embeddings: 'local',
      embeddingsBaseURL: undefined,
      llmProvider: 'openai',
      llmModel: 'gpt-4o-mini',
      llmEnabled: false,
      llmBreaker: { failures: 3, coolDownMs: 30_000 },
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
      embeddingsBaseURL: 'http://127.0.0.1:9000/v1',
      llmProvider: 'openai',
      llmModel: 'qwen2.5',
      llmEnabled: true,
      telegram: { token: '123:abc', allowedChats: [42, -1001234] },
      logLevel: 'warn',
    })
  })

  it('names every bad variable and why', () => {
    let error: unknown
    try {
      loadConfig({
        PORT: 'eighty',
        EMBEDDINGS: 'bert',
        LOG_LEVEL: 'loud',
        OPENAI_BASE_URL: 'not a url',
        EMBEDDINGS_BASE_URL: 'nor this',
        LLM_MODEL: 'nope:x',
        LLM_BREAKER_COOLDOWN_MS: 'soon',
        MAX_FILE_MB: '0',
      })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    const message = (error as Error).message
    expect(message).toContain('PORT must be a whole number from 0 to 65535, got "eighty"')
    expect(message).toContain('EMBEDDINGS must be "local" or "openai"')
    expect(message).toContain('LOG_LEVEL')
    expect(message).toContain('OPENAI_BASE_URL must be a URL')
    expect(message).toContain('EMBEDDINGS_BASE_URL must be a URL')
    expect(message).toContain('LLM_MODEL must be')
    expect(message).toContain('LLM_BREAKER_COOLDOWN_MS must be a whole number')
    expect(message).toContain('MAX_FILE_MB must be a whole number from 1 to 2048, got "0"')
  })

  it('reads the corpus file size limit in MB, 50 unless MAX_FILE_MB says otherwise', () => {
    expect(loadConfig({}).maxFileBytes).toBe(50 * 1024 * 1024)
    expect(loadConfig({ MAX_FILE_MB: '5' }).maxFileBytes).toBe(5 * 1024 * 1024)
  })

  it('asks for a key or a server when EMBEDDINGS=openai', () => {
    expect(() => loadConfig({ EMBEDDINGS: 'openai' })).toThrow(/EMBEDDINGS is "openai" but neither OPENAI_API_KEY nor a base URL \(EMBEDDINGS_BASE_URL or OPENAI_BASE_URL\)/)
    expect(loadConfig({ EMBEDDINGS: 'openai', EMBEDDINGS_BASE_URL: 'http://127.0.0.1:9001/v1' }).embeddingsBaseURL).toBe('http://127.0.0.1:9001/v1')
    expect(() => loadConfig({ TELEGRAM_ALLOWED_CHATS: '12,abc' })).toThrow(/"abc" is not a chat id/)
  })

  it('gives embeddings their own server with EMBEDDINGS_BASE_URL, OPENAI_BASE_URL when unset', () => {
    const both = loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:9000/v1', EMBEDDINGS_BASE_URL: 'http://127.0.0.1:9001/v1' })
    expect(both).toMatchObject({ openai: { baseURL: 'http://127.0.0.1:9000/v1' }, embeddingsBaseURL: 'http://127.0.0.1:9001/v1' })
    expect(loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:9000/v1' }).embeddingsBaseURL).toBe('http://127.0.0.1:9000/v1')
    expect(() => loadConfig({ EMBEDDINGS_BASE_URL: 'embeddings.local' })).toThrow(/EMBEDDINGS_BASE_URL must be a URL/)
  })

  it('reads LLM_MODEL as provider:model, a bare name meaning openai', () => {
    expect(loadConfig({ LLM_MODEL: 'openai:gpt-4o' })).toMatchObject({ llmProvider: 'openai', llmModel: 'gpt-4o' })
    expect(loadConfig({ LLM_MODEL: 'Ollama: llama3' })).toMatchObject({ llmProvider: 'ollama', llmModel: 'llama3' })
    // Everything after the provider is the name, colons included.
    expect(loadConfig({ LLM_MODEL: 'openai:qwen2.5:7b' })).toMatchObject({ llmProvider: 'openai', llmModel: 'qwen2.5:7b' })
    expect(() => loadConfig({ LLM_MODEL: 'antropic:claude-3-5-haiku-latest' })).toThrow(
      /LLM_MODEL must be a model name \(gpt-4o-mini\) or provider:model with a provider among openai, anthropic, .*ollama.*; got "antropic:claude-3-5-haiku-latest"/,
    )
    expect(() => loadConfig({ LLM_MODEL: 'openai:' })).toThrow(/LLM_MODEL must be/)
  })

  it('turns LLM answers on for an OpenAI key or server, or for another provider (which reads its own key)', () => {
    expect(loadConfig({ LLM_MODEL: 'openai:gpt-4o' }).llmEnabled).toBe(false)
    expect(loadConfig({ OPENAI_API_KEY: 'sk-x' }).llmEnabled).toBe(true)
    expect(loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:9000/v1' }).llmEnabled).toBe(true)
    expect(loadConfig({ LLM_MODEL: 'anthropic:claude-3-5-haiku-latest' })).toMatchObject({ llmProvider: 'anthropic', llmModel: 'claude-3-5-haiku-latest', llmEnabled: true })
  })

  it('reads the circuit-breaker settings and rejects bad ones with the variable named', () => {
    expect(loadConfig({ LLM_BREAKER_FAILURES: '1', LLM_BREAKER_COOLDOWN_MS: '3600000' }).llmBreaker).toEqual({ failures: 1, coolDownMs: 3_600_000 })
    expect(() => loadConfig({ LLM_BREAKER_FAILURES: '0' })).toThrow(/LLM_BREAKER_FAILURES must be a whole number from 1 to 100, got "0"/)
    expect(() => loadConfig({ LLM_BREAKER_FAILURES: 'three' })).toThrow(/LLM_BREAKER_FAILURES must be a whole number/)
    expect(() => loadConfig({ LLM_BREAKER_COOLDOWN_MS: '999' })).toThrow(/LLM_BREAKER_COOLDOWN_MS must be a whole number from 1000 to 3600000, got "999"/)
  })

  it('reads WORKERS: auto (one fewer than the cores) by default, or a count; rejects anything else', () => {
    const auto = Math.max(0, os.availableParallelism() - 1)
    expect(loadConfig({}).workers).toBe(auto)
    expect(loadConfig({ WORKERS: 'Auto' }).workers).toBe(auto)
    expect(loadConfig({ WORKERS: '0' }).workers).toBe(0)
    expect(loadConfig({ WORKERS: '3' }).workers).toBe(3)
    expect(() => loadConfig({ WORKERS: '-1' })).toThrow(/WORKERS must be auto or a whole number from 0 to 64, got "-1"/)
    expect(() => loadConfig({ WORKERS: 'many' })).toThrow(/WORKERS must be auto or a whole number/)
  })
})

describe('unknownSettingWarnings', () => {
  it('names a misspelt setting and the one meant', () => {
    expect(unknownSettingWarnings({ TELEGRAM_BOT_TOKN: 'x', telegram_bot_token: 'y', LLM_TIMEOUT: '5', PROT: '80' })).toEqual([
      'LLM_TIMEOUT is not a parkqa setting and is ignored; did you mean LLM_TIMEOUT_MS?',
      'PROT is not a parkqa setting and is ignored; did you mean PORT?',
      'TELEGRAM_BOT_TOKN is not a parkqa setting and is ignored; did you mean TELEGRAM_BOT_TOKEN?',
      'telegram_bot_token is not a parkqa setting and is ignored; did you mean TELEGRAM_BOT_TOKEN?',
    ])
  })

  it('names a variable with one of our prefixes, listing the settings that have it', () => {
    expect(unknownSettingWarnings({ RATE_LIMIT_BURST: '5' })).toEqual([
      'RATE_LIMIT_BURST is not a parkqa setting and is ignored (the RATE_ settings are RATE_LIMIT_MAX, RATE_LIMIT_WINDOW_MS)',
    ])
  })

  it('leaves the settings themselves and other programs’ variables alone', () => {
    const env = { PORT: '1', TELEGRAM_BOT_TOKEN: 't', HOME: '/root', HOSTNAME: 'box', PATH: '/bin', PWD: '/', NODE_ENV: 'test', OPENAI_ORG_ID: 'o', OPENAI_PROJECT_ID: 'p', LANG: 'C', TERM: 'xterm', npm_config_cache: '/c' }
    expect(unknownSettingWarnings(env)).toEqual([])
  })
})

describe('loadDotEnv', () => {
  it('reads .env from the working directory when there is one; variables already set win', async () => {
    const dir = await tempDir()
    const names = ['PARKQA_TEST_FROM_FILE', 'PARKQA_TEST_ALREADY_SET']
    await fs.writeFile(path.join(dir, '.env'), `# a comment\n${names[0]}=from .env\n${names[1]}=from .env\n`)
    process.env[names[1]!] = 'from the shell'
    try {
      expect(loadDotEnv(await tempDir())).toBeUndefined()
      expect(process.env[names[0]!]).toBeUndefined()
      expect(loadDotEnv(dir)).toBe(path.join(dir, '.env'))
      expect([process.env[names[0]!], process.env[names[1]!]]).toEqual(['from .env', 'from the shell'])
    } finally {
      for (const name of names) delete process.env[name]
    }
  })
})
