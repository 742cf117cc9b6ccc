import { pino, type Logger as Pino } from 'pino'
import type { Answerer } from '../../../src/answer/answer.js'
import type { AnswerMode, ModelStatus } from '../../../src/answer/types.js'
import type { HttpConfig } from '../../../src/config.js'
import type { SearchIndex } from '../../../src/index/search-index.js'
import { createApp } from '../../../src/interfaces/http/app.js'
import { listen, type RunningServer } from '../../../src/interfaces/http/server.js'
import { LiveIndex } from '../../../src/interfaces/live-index.js'
import { silentLogger } from '../../../src/log.js'

/** Test plumbing for the HTTP API: the real app on an ephemeral port, a log to read, an SSE parser. */

export const HTTP_DEFAULTS: HttpConfig = {
  corsOrigins: [],
  trustProxy: false,
  rateLimit: { max: 0, windowMs: 60_000 },
  llmConcurrency: 4,
  llmQueue: 32,
}

export interface TestServer extends RunningServer {
  logs: Array<Record<string, unknown>>
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>
}

export function captureLog(): { log: Pino; logs: Array<Record<string, unknown>> } {
  const logs: Array<Record<string, unknown>> = []
  const log = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line)) })
  return { log, logs }
}

/** A LiveIndex that serves only what it is handed (it never looks for versions on disk). */
export function handedLive(answerer: (index: SearchIndex) => Answerer, mode: AnswerMode = 'extractive', modelStatus?: () => ModelStatus): LiveIndex {
  return new LiveIndex({ indexDir: '/nonexistent', logger: silentLogger, mode, modelStatus, load: () => Promise.reject(new Error('unused')), answererFor: answerer })
}

/** A LiveIndex already serving `index` through `answerer`. */
export function servedLive(index: SearchIndex, answerer: (index: SearchIndex) => Answerer, modelStatus?: () => ModelStatus): LiveIndex {
  const live = handedLive(answerer, 'extractive', modelStatus)
  live.serve(index)
  return live
}

export async function startTestServer(live: Pick<LiveIndex, 'current' | 'ready' | 'mode' | 'modelStatus'>, http: Partial<HttpConfig> = {}): Promise<TestServer> {
  const { log, logs } = captureLog()
  const app = createApp({ live, logger: log, http: { ...HTTP_DEFAULTS, ...http }, version: '0.0.0-test' })
  const server = await listen(app, 0, '127.0.0.1')
  return Object.assign(server, {
    logs,
    post: (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(server.url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' || body instanceof Uint8Array ? (body as unknown as BodyInit) : JSON.stringify(body),
      }),
  })
}

export interface SseEvent {
  event: string
  data: unknown
}

export function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message'
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n')
      return { event, data: JSON.parse(data) as unknown }
    })
}
