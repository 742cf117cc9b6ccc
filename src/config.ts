import fs from 'node:fs'
import os from 'node:os'
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

/**
 * The providers `initChatModel` (langchain/chat_models/universal) knows. Listed here rather than
 * imported so that reading the configuration never loads langchain; test/answer/model.test.ts
 * checks that the list still matches the installed langchain.
 */
export const LLM_PROVIDERS = [
  'openai',
  'anthropic',
  'azure_openai',
  'langsmith',
  'cohere',
  'google',
  'google-vertexai',
  'google-vertexai-web',
  'google-genai',
  'ollama',
  'mistralai',
  'mistral',
  'groq',
  'bedrock',
  'aws',
  'deepseek',
  'xai',
  'cerebras',
  'fireworks',
  'together',
  'perplexity',
] as const

export type LlmProvider = (typeof LLM_PROVIDERS)[number]

const isLlmProvider = (name: string): name is LlmProvider => (LLM_PROVIDERS as readonly string[]).includes(name)

/**
 * `provider:model`, or a bare model name for OpenAI or the OpenAI-compatible server at
 * OPENAI_BASE_URL. Everything before the first ":" must be a provider, so that a misspelt one is
 * an error rather than a model name sent to OpenAI; `openai:` keeps a name holding ":" whole.
 */
const llmModel = optionalString.transform((value, ctx): { provider: LlmProvider; model: string } => {
  const spec = value ?? 'gpt-4o-mini'
  const colon = spec.indexOf(':')
  if (colon === -1) return { provider: 'openai', model: spec }
  const provider = spec.slice(0, colon).trim().toLowerCase()
  const model = spec.slice(colon + 1).trim()
  if (isLlmProvider(provider) && model !== '') return { provider, model }
  ctx.addIssue({
    code: 'custom',
    message:
      `must be a model name (gpt-4o-mini) or provider:model with a provider among ${LLM_PROVIDERS.join(', ')}; got "${spec}"` +
      ' (write openai:name for a name that itself holds ":")',
  })
  return z.NEVER
})

const MAX_WORKERS = 64

/**
 * WORKERS: threads answering extractive questions beside the one serving HTTP. `auto` (the default)
 * is one fewer than the cores, so that HTTP keeps a core; 0 answers on the HTTP thread itself.
 */
const workers = z
  .string()
  .trim()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === '' || value.toLowerCase() === 'auto') return Math.min(MAX_WORKERS, Math.max(0, os.availableParallelism() - 1))
    const parsed = Number(value)
    if (!Number.isInteger(parsed) || parsed < 0 || parsed > MAX_WORKERS) {
      ctx.addIssue({ code: 'custom', message: `must be auto or a whole number from 0 to ${MAX_WORKERS}, got "${value}"` })
      return z.NEVER
    }
    return parsed
  })
const url = optionalString.pipe(z.url({ error: 'must be a URL such as http://127.0.0.1:8000/v1' }).optional())

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
    OPENAI_BASE_URL: url,
    EMBEDDINGS_BASE_URL: url,
    LLM_MODEL: llmModel,
    LLM_TIMEOUT_MS: intInRange(20000, 100, 600000),
    LLM_BREAKER_FAILURES: intInRange(3, 1, 100),
    LLM_BREAKER_COOLDOWN_MS: intInRange(30_000, 1000, 3_600_000),
    HNSW_EF: intInRange(128, 10, 5000),
    MAX_FILE_MB: intInRange(50, 1, 2048),
    TELEGRAM_BOT_TOKEN: optionalString,
    TELEGRAM_API_ROOT: optionalString.pipe(z.url({ error: 'must be a URL' }).optional()),
    TELEGRAM_ALLOWED_CHATS: optionalString,
    TELEGRAM_WEBHOOK_URL: optionalString.pipe(
      z
        .url({ protocol: /^https$/, error: 'must be an https:// URL (Telegram delivers webhooks over HTTPS only)' })
        .optional(),
    ),
    TELEGRAM_WEBHOOK_SECRET: optionalString.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,256}$/, { error: 'must be 1–256 characters of A–Z, a–z, 0–9, _ and -' })
        .optional(),
    ),
    TELEGRAM_USER_LIMIT: intInRange(10, 0, 10_000),
    HOST: optionalString,
    CORS_ORIGINS: optionalString,
    TRUST_PROXY: optionalString,
    RATE_LIMIT_MAX: intInRange(60, 0, 1_000_000),
    RATE_LIMIT_WINDOW_MS: intInRange(60_000, 1000, 86_400_000),
    LLM_CONCURRENCY: intInRange(4, 1, 256),
    LLM_QUEUE: intInRange(32, 0, 10_000),
    INDEX_POLL_MS: intInRange(2000, 0, 3_600_000),
    SHUTDOWN_GRACE_MS: intInRange(8000, 0, 600_000),
    WORKERS: workers,
    LOG_LEVEL: z
      .string()
      .trim()
      .toLowerCase()
      .optional()
      .transform((value) => (value === undefined || value === '' ? 'info' : value))
      .pipe(z.enum(['debug', 'info', 'warn', 'error', 'silent'], { error: 'must be debug, info, warn, error or silent' })),
  })
  .superRefine((env, ctx) => {
    if (env.EMBEDDINGS === 'openai' && !env.OPENAI_API_KEY && !env.EMBEDDINGS_BASE_URL && !env.OPENAI_BASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['EMBEDDINGS'],
        message: 'is "openai" but neither OPENAI_API_KEY nor a base URL (EMBEDDINGS_BASE_URL or OPENAI_BASE_URL) is set',
      })
    }
  })

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

/** What express's `trust proxy` setting accepts: off, on, a hop count, or addresses/subnets. */
export type TrustProxy = boolean | number | string[]

export interface HttpConfig {
  /** Interface to listen on; undefined = all interfaces. */
  host?: string
  /** Origins allowed to call the API from a browser; empty = no CORS headers at all. */
  corsOrigins: string[]
  trustProxy: TrustProxy
  /** Questions per client per window; 0 turns rate limiting off. */
  rateLimit: { max: number; windowMs: number }
  /** LLM calls running at once, and how many more may wait before requests get 503. */
  llmConcurrency: number
  llmQueue: number
}

export interface TelegramConfig {
  token?: string
  apiRoot?: string
  /** Chats the bot answers; empty = every chat (a public bot). */
  allowedChats: number[]
  /** Set: updates arrive by webhook on the HTTP app at this URL's path instead of long polling. */
  webhookUrl?: string
  /** Telegram sends it in X-Telegram-Bot-Api-Secret-Token; when unset a random one is made per start. */
  webhookSecret?: string
  /** Questions one user may ask per minute; 0 = no limit. */
  questionsPerMinute: number
}

export interface Config {
  port: number
  http: HttpConfig
  /** How often the server looks for a new index version; 0 = never (restart to pick one up). */
  indexPollMs: number
  /**
   * On SIGTERM/SIGINT, how long requests and bot answers in flight may run on before they are cut;
   * below a supervisor's own stop timeout (docker stop: 10 s) so that they finish before SIGKILL.
   */
  shutdownGraceMs: number
  /** Worker threads that answer extractive questions (WORKERS); 0 = on the thread serving HTTP. */
  workers: number
  corpusDir: string
  indexDir: string
  embeddings: 'local' | 'openai'
  embeddingModel: string
  /** OPENAI_API_KEY and OPENAI_BASE_URL: the chat model's server (provider openai); the key also serves embeddings. */
  openai: { apiKey?: string; baseURL?: string }
  /** Where EMBEDDINGS=openai sends passages: EMBEDDINGS_BASE_URL, else OPENAI_BASE_URL. */
  embeddingsBaseURL?: string
  /** The LangChain integration that serves the chat model: LLM_MODEL's `provider:`, openai when it names none. */
  llmProvider: LlmProvider
  /** The chat model's name, without the provider. */
  llmModel: string
  /**
   * The LLM answers when an OpenAI key or server is configured, or when LLM_MODEL names another
   * provider (whose package reads its own key variable); otherwise answers are extractive.
   */
  llmEnabled: boolean
  llmTimeoutMs: number
  /** Consecutive model failures that open the circuit breaker, and how long it stays open. */
  llmBreaker: { failures: number; coolDownMs: number }
  hnswEf: number
  /** A corpus file larger than this (MAX_FILE_MB) stops an ingest, naming it: a scan or an archive, not an article. */
  maxFileBytes: number
  telegram: TelegramConfig
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

function parseOrigins(raw: string | undefined): string[] {
  if (!raw) return []
  return raw.split(',').map((part) => {
    const origin = part.trim()
    let parsed: URL | undefined
    try {
      parsed = new URL(origin)
    } catch {
      parsed = undefined
    }
    if (!parsed || parsed.origin !== origin.replace(/\/$/, '')) {
      throw new ConfigError(`CORS_ORIGINS: "${origin}" is not an origin such as https://example.org (comma-separated, no path)`)
    }
    return parsed.origin
  })
}

function parseTrustProxy(raw: string | undefined): TrustProxy {
  if (!raw || raw.toLowerCase() === 'false') return false
  if (raw.toLowerCase() === 'true') return true
  if (/^\d+$/.test(raw)) return Number(raw)
  const entries = raw.split(',').map((part) => part.trim())
  const named = new Set(['loopback', 'linklocal', 'uniquelocal'])
  for (const entry of entries) {
    if (!named.has(entry) && !/^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(entry)) {
      throw new ConfigError(`TRUST_PROXY: "${entry}" is not true, false, a hop count, loopback/linklocal/uniquelocal, or an IP address or subnet`)
    }
  }
  return entries
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
    http: {
      host: e.HOST,
      corsOrigins: parseOrigins(e.CORS_ORIGINS),
      trustProxy: parseTrustProxy(e.TRUST_PROXY),
      rateLimit: { max: e.RATE_LIMIT_MAX, windowMs: e.RATE_LIMIT_WINDOW_MS },
      llmConcurrency: e.LLM_CONCURRENCY,
      llmQueue: e.LLM_QUEUE,
    },
    indexPollMs: e.INDEX_POLL_MS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    workers: e.WORKERS,
    corpusDir: path.resolve(cwd, e.CORPUS_DIR ?? 'corpus'),
    indexDir: path.resolve(cwd, e.INDEX_DIR ?? path.join('data', 'index')),
    embeddings: e.EMBEDDINGS,
    embeddingModel: e.EMBEDDING_MODEL ?? 'text-embedding-3-small',
    openai: { apiKey: e.OPENAI_API_KEY, baseURL: e.OPENAI_BASE_URL },
    embeddingsBaseURL: e.EMBEDDINGS_BASE_URL ?? e.OPENAI_BASE_URL,
    llmProvider: e.LLM_MODEL.provider,
    llmModel: e.LLM_MODEL.model,
    llmEnabled: Boolean(e.OPENAI_API_KEY || e.OPENAI_BASE_URL) || e.LLM_MODEL.provider !== 'openai',
    llmTimeoutMs: e.LLM_TIMEOUT_MS,
    llmBreaker: { failures: e.LLM_BREAKER_FAILURES, coolDownMs: e.LLM_BREAKER_COOLDOWN_MS },
    hnswEf: e.HNSW_EF,
    maxFileBytes: e.MAX_FILE_MB * 1024 * 1024,
    telegram: {
      token: e.TELEGRAM_BOT_TOKEN,
      apiRoot: e.TELEGRAM_API_ROOT,
      allowedChats: parseChatIds(e.TELEGRAM_ALLOWED_CHATS),
      webhookUrl: e.TELEGRAM_WEBHOOK_URL,
      webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
      questionsPerMinute: e.TELEGRAM_USER_LIMIT,
    },
    logLevel: e.LOG_LEVEL,
  }
}

/** Every variable a setting is read from. */
export const SETTINGS: readonly string[] = Object.keys(envSchema.shape)

/**
 * Prefixes only parkqa's settings use (TELEGRAM_, LLM_, RATE_ …), so that any other variable with
 * one is probably meant for us. Not OPENAI_: the OpenAI and LangChain packages read more of those.
 */
const OUR_PREFIXES = new Set(SETTINGS.filter((name) => name.includes('_') && !name.startsWith('OPENAI_')).map((name) => name.slice(0, name.indexOf('_') + 1)))

/** Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i]!
      row[j] = Math.min(d[i - 1]![j]! + 1, row[j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1)
    }
  }
  return d[a.length]![b.length]!
}

/**
 * Warnings for variables that look like settings but are none: a typo (TELEGRAM_BOT_TOKN, within
 * two edits of a setting's name; one for short names, so that HOME is not taken for HOST), a
 * setting's name without its unit, or a name with one of our prefixes. A misspelt setting is otherwise silently ignored.
 */
export function unknownSettingWarnings(env: NodeJS.ProcessEnv): string[] {
  const known = new Set(SETTINGS)
  const warnings: string[] = []
  for (const name of Object.keys(env).sort()) {
    if (known.has(name)) continue
    const upper = name.toUpperCase()
    let closest: string | undefined
    let best = Infinity
    for (const setting of SETTINGS) {
      // LLM_TIMEOUT for LLM_TIMEOUT_MS: a unit suffix left off counts as one edit.
      const distance = setting.startsWith(`${upper}_`) ? 1 : editDistance(upper, setting)
      if (distance < best && distance <= (setting.length > 6 ? 2 : 1)) [closest, best] = [setting, distance]
    }
    const prefix = upper.includes('_') ? upper.slice(0, upper.indexOf('_') + 1) : undefined
    if (closest) warnings.push(`${name} is not a parkqa setting and is ignored; did you mean ${closest}?`)
    else if (prefix && OUR_PREFIXES.has(prefix)) {
      warnings.push(`${name} is not a parkqa setting and is ignored (the ${prefix} settings are ${SETTINGS.filter((s) => s.startsWith(prefix)).join(', ')})`)
    }
  }
  return warnings
}

/**
 * `.env` in `cwd`, when there is one, read into the process environment; variables already set
 * win (Node's process.loadEnvFile). Only the commands' entry points call this, through
 * `configFromEnvironment`: tests pass their environment explicitly.
 */
export function loadDotEnv(cwd: string = process.cwd()): string | undefined {
  const file = path.join(cwd, '.env')
  if (!fs.existsSync(file)) return undefined
  try {
    process.loadEnvFile(file)
  } catch (error) {
    throw new ConfigError(`${file} cannot be read: ${(error as Error).message}`)
  }
  return file
}

/** The process environment, with `.env` read into it first. */
export function processEnvironment(cwd: string = process.cwd()): NodeJS.ProcessEnv {
  loadDotEnv(cwd)
  return process.env
}

/**
 * A command's configuration: `.env` (when present) under the environment, validated; the file it
 * read, and warnings for its log about variables that look like settings but are none.
 */
export function configFromEnvironment(cwd: string = process.cwd()): { config: Config; envFile?: string; warnings: string[] } {
  const envFile = loadDotEnv(cwd)
  return { config: loadConfig(process.env, cwd), envFile, warnings: unknownSettingWarnings(process.env) }
}
