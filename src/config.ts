import path from 'node:path'
import { z } from 'zod'
import { ConfigError } from './errors.js'

/** The only place that reads `process.env`: everything else receives a `Config`. */

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional()

const intInRange = (fallback: number, min: number, max: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return fallback
      const parsed = Number(value)
      if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}, got "${value}"` })
        return z.NEVER
      }
      return parsed
    })

const envSchema = z
  .object({
    PORT: intInRange(3000, 0, 65535),
    CORPUS_DIR: optionalString,
    INDEX_DIR: optionalString,
    EMBEDDINGS: z
      .string()
      .trim()
      .toLowerCase()
      .optional()
      .transform((value) => (value === undefined || value === '' ? 'local' : value))
      .pipe(z.enum(['local', 'openai'], { error: 'must be "local" or "openai"' })),
    EMBEDDING_MODEL: optionalString,
    OPENAI_API_KEY: optionalString,
    OPENAI_BASE_URL: optionalString.pipe(z.url({ error: 'must be a URL such as http://127.0.0.1:8000/v1' }).optional()),
    LLM_MODEL: optionalString,
    LLM_TIMEOUT_MS: intInRange(20000, 100, 600000),
    HNSW_EF: intInRange(128, 10, 5000),
    TELEGRAM_BOT_TOKEN: optionalString,
    TELEGRAM_API_ROOT: optionalString.pipe(z.url({ error: 'must be a URL' }).optional()),
    TELEGRAM_ALLOWED_CHATS: optionalString,
    LOG_LEVEL: z
      .string()
      .trim()
      .toLowerCase()
      .optional()
      .transform((value) => (value === undefined || value === '' ? 'info' : value))
      .pipe(z.enum(['debug', 'info', 'warn', 'error', 'silent'], { error: 'must be debug, info, warn, error or silent' })),
  })
  .superRefine((env, ctx) => {
    if (env.EMBEDDINGS === 'openai' && !env.OPENAI_API_KEY && !env.OPENAI_BASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['EMBEDDINGS'],
        message: 'is "openai" but neither OPENAI_API_KEY nor OPENAI_BASE_URL is set',
      })
    }
  })

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

export interface Config {
  port: number
  corpusDir: string
  indexDir: string
  embeddings: 'local' | 'openai'
  embeddingModel: string
  openai: { apiKey?: string; baseURL?: string }
  llmModel: string
  /** The LLM answers only when a key or a server is configured; otherwise answers are extractive. */
  llmEnabled: boolean
  llmTimeoutMs: number
  hnswEf: number
  telegram: { token?: string; apiRoot?: string; allowedChats: number[] }
  logLevel: LogLevel
}

function parseChatIds(raw: string | undefined): number[] {
  if (!raw) return []
  return raw.split(',').map((part) => {
    const id = Number(part.trim())
    if (!Number.isSafeInteger(id)) {
      throw new ConfigError(`TELEGRAM_ALLOWED_CHATS: "${part.trim()}" is not a chat id (comma-separated integers expected)`)
    }
    return id
  })
}

/**
 * Validates the environment. Relative directories resolve against `cwd` so that the CLI and the
 * server agree on where the corpus and index live.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Config {
  const parsed = envSchema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`)
    throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`)
  }
  const e = parsed.data
  return {
    port: e.PORT,
    corpusDir: path.resolve(cwd, e.CORPUS_DIR ?? 'corpus'),
    indexDir: path.resolve(cwd, e.INDEX_DIR ?? path.join('data', 'index')),
    embeddings: e.EMBEDDINGS,
    embeddingModel: e.EMBEDDING_MODEL ?? 'text-embedding-3-small',
    openai: { apiKey: e.OPENAI_API_KEY, baseURL: e.OPENAI_BASE_URL },
    llmModel: e.LLM_MODEL ?? 'gpt-4o-mini',
    llmEnabled: Boolean(e.OPENAI_API_KEY || e.OPENAI_BASE_URL),
    llmTimeoutMs: e.LLM_TIMEOUT_MS,
    hnswEf: e.HNSW_EF,
    telegram: {
      token: e.TELEGRAM_BOT_TOKEN,
      apiRoot: e.TELEGRAM_API_ROOT,
      allowedChats: parseChatIds(e.TELEGRAM_ALLOWED_CHATS),
    },
    logLevel: e.LOG_LEVEL,
  }
}
