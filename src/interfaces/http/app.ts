import { randomUUID, timingSafeEqual } from 'node:crypto'
import express, { type Request, type RequestHandler, type Response } from 'express'
import cors from 'cors'
import helmet from 'helmet'
import { rateLimit } from 'express-rate-limit'
import type { Logger as Pino } from 'pino'
import type { z } from 'zod'
import type { Answerer } from '../../answer/answer.js'
import type { AnswerRequest } from '../../answer/types.js'
import type { HttpConfig } from '../../config.js'
import { AbortedError } from '../../errors.js'
import type { SearchIndex } from '../../index/search-index.js'
import type { LiveIndex } from '../live-index.js'
import { errorHandler, INTERNAL, sendFailure, toHttpFailure } from './errors.js'
import { openApiDocument } from './openapi.js'
import { requestTimedOut } from './server.js'
import type { parksSchema, streamEventSchemas } from './schemas.js'
import { webPage } from '../web/router.js'

export interface AppDeps {
  live: Pick<LiveIndex, 'current' | 'ready' | 'mode' | 'modelStatus'>
  logger: Pino
  http: HttpConfig
  /** Shown in the OpenAPI document. */
  version: string
  /** Telegram webhook updates are taken at `path` when Telegram sends `secret` with them. */
  telegramWebhook?: TelegramWebhook
}

export interface TelegramWebhook {
  path: string
  secret: string
  receive(update: unknown): Promise<void>
}

/** Updates Telegram delivers are small; this bounds what an impostor can make the server parse. */
const WEBHOOK_BODY_LIMIT = '1mb'

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

function telegramWebhookRoute(hook: TelegramWebhook): RequestHandler[] {
  return [
    // The secret is checked before the body is read: an impostor's update is never parsed.
    (req, res, next) => {
      if (sameSecret(req.get('x-telegram-bot-api-secret-token') ?? '', hook.secret)) return next()
      sendFailure(res, { status: 401, code: 'unauthorized', message: 'Missing or wrong X-Telegram-Bot-Api-Secret-Token' })
    },
    express.json({ limit: WEBHOOK_BODY_LIMIT }),
    async (req, res) => {
      await hook.receive(req.body)
      res.json({ ok: true })
    },
  ]
}

export const BODY_LIMIT = '16kb'

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** body-parser would replace invalid bytes with U+FFFD silently; a question must arrive intact. */
function rejectInvalidUtf8(_req: unknown, _res: unknown, body: Buffer): void {
  utf8.decode(body)
}

/** `application/json`, in UTF-8 when a charset is named; anything else is 415 before the body is read. */
const requireJson: RequestHandler = (req, res, next) => {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.get('content-type') ?? '')?.[1]?.toLowerCase()
  if (!req.is('application/json') || (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')) {
    sendFailure(res, { status: 415, code: 'unsupported_media_type', message: 'Send the question as a JSON body with Content-Type: application/json (UTF-8)' })
    return
  }
  next()
}

/** A request id (the caller's `X-Request-Id` when it is sane) on the response and on one log line per request. */
function requestLog(logger: Pino): RequestHandler {
  return (req, res, next) => {
    const offered = req.get('x-request-id')
    const id = offered && /^[\w.:-]{1,64}$/.test(offered) ? offered : randomUUID()
    res.locals.requestId = id
    res.set('X-Request-Id', id)
    const started = process.hrtime.bigint()
    res.on('close', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      // The status the client got: Node's own 408 for a request that took too long to arrive,
      // none (null) when the connection was cut before a response began.
      const status = requestTimedOut(req.socket) ? 408 : res.headersSent ? res.statusCode : null
      // Method, path and outcome only: no headers, query strings or bodies (they may hold secrets).
      logger.info({ reqId: id, method: req.method, path: req.path, status, ms: Math.round(ms * 10) / 10, completed: res.writableFinished }, 'request')
    })
    next()
  }
}

function rateLimiter(limits: HttpConfig['rateLimit']): RequestHandler {
  if (limits.max === 0) return (_req, _res, next) => next()
  const seconds = Math.ceil(limits.windowMs / 1000)
  return rateLimit({
    windowMs: limits.windowMs,
    limit: limits.max,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, res) =>
      sendFailure(res, {
        status: 429,
        code: 'rate_limited',
        message: `Too many questions from this client: at most ${limits.max} every ${seconds} s; try again later`,
        retryAfter: seconds,
      }),
  })
}

/** The parks passages are about, most passages first; worked out once per index version. */
const parksOf = new WeakMap<SearchIndex, string>()
function parksJson(index: SearchIndex): string {
  let json = parksOf.get(index)
  if (json === undefined) {
    const counts = new Map<string, number>()
    for (const passage of index.passages()) counts.set(passage.park, (counts.get(passage.park) ?? 0) + 1)
    const parks: z.infer<typeof parksSchema>['parks'] = index.parks
      .filter((park) => counts.has(park.name))
      .map((park) => ({ name: park.name, ...(park.english[0] ? { english: park.english[0] } : {}), passages: counts.get(park.name)! }))
      .sort((a, b) => b.passages - a.passages || a.name.localeCompare(b.name, 'zh'))
    json = JSON.stringify({ parks })
    parksOf.set(index, json)
  }
  return json
}

/**
 * A response already written as JSON, sent as it is: not parsed and written out again, and without
 * the ETag `res.json` would hash it for (an answer to a POST is never revalidated).
 */
function sendJsonText(res: Response, json: string): void {
  res.status(200).type('application/json')
  res.setHeader('Content-Length', Buffer.byteLength(json))
  res.end(json)
}

/** Aborted when the client goes away before the response is complete. */
function disconnectSignal(res: Response): AbortSignal {
  const controller = new AbortController()
  res.on('close', () => {
    if (!res.writableFinished) controller.abort()
  })
  return controller.signal
}

function wantsStream(req: Request): boolean {
  return req.accepts(['application/json', 'text/event-stream']) === 'text/event-stream'
}

type StreamEvent = keyof typeof streamEventSchemas

/**
 * Server-Sent Events. The first event is awaited before any header is sent, so that a bad request
 * still gets its JSON error and status; after that, a failure is an `error` event.
 */
async function streamAnswer(answerer: Answerer, body: AnswerRequest, res: Response, signal: AbortSignal, logger: Pino): Promise<void> {
  const events = answerer.stream(body, { signal })
  let step = await events.next()
  res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no' })
  res.flushHeaders()
  const send = (event: StreamEvent, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
  try {
    while (!step.done) {
      const event = step.value
      if (event.type === 'token') {
        send('token', { text: event.text })
      } else {
        const { citations, ...final } = event.response
        send('citations', { citations })
        send('done', final)
      }
      step = await events.next()
    }
  } catch (error) {
    if (!signal.aborted) {
      const failure = toHttpFailure(error)
      if (!failure) logger.error({ reqId: res.locals.requestId, err: error }, 'unexpected failure while streaming an answer')
      const { code, message } = failure ?? INTERNAL
      send('error', { code, message })
    }
  } finally {
    await events.return(undefined)
    res.end()
  }
}

/**
 * The HTTP API (contract in DEVELOPERS.md and `/openapi.json`), without listening: the caller
 * decides where it runs (a port in `main`, an ephemeral one in tests).
 */
export function createApp(deps: AppDeps): express.Express {
  const { live, logger, http } = deps
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', http.trustProxy)
  app.use(requestLog(logger))
  app.use(
    helmet({
      // helmet's default CSP, made stricter for the web page: its styles and fonts from this
      // server only (no https: origins, no inline style), and no upgrade-insecure-requests, which
      // would send a browser that reached the server by plain http on a LAN address to https.
      contentSecurityPolicy: {
        directives: { styleSrc: ["'self'"], fontSrc: ["'self'"], upgradeInsecureRequests: null },
      },
    }),
  )
  if (http.corsOrigins.length > 0) {
    app.use(cors({ origin: http.corsOrigins, methods: ['GET', 'POST'], allowedHeaders: ['Content-Type', 'Accept', 'X-Request-Id'], exposedHeaders: ['X-Request-Id', 'Retry-After'], maxAge: 600 }))
  }

  app.get('/healthz', (_req, res) => {
    if (!live.ready) {
      res.status(503).json({ status: 'starting', documents: 0, chunks: 0, indexVersion: null, mode: live.mode, model: live.modelStatus })
      return
    }
    const { index, answerer } = live.current()
    res.json({ status: 'ok', documents: index.documentCount, chunks: index.passageCount, indexVersion: index.version, mode: answerer.mode, model: live.modelStatus })
  })

  app.get('/parks', (_req, res) => {
    res.type('application/json').send(parksJson(live.current().index))
  })

  const openApi = JSON.stringify(openApiDocument(deps.version))
  app.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(openApi)
  })

  if (deps.telegramWebhook) app.post(deps.telegramWebhook.path, ...telegramWebhookRoute(deps.telegramWebhook))

  app.post(
    '/ask',
    rateLimiter(http.rateLimit),
    requireJson,
    express.json({ limit: BODY_LIMIT, strict: true, verify: rejectInvalidUtf8 }),
    async (req, res) => {
      // Taken once: a new index version swapped in meanwhile does not change this question's.
      const { answerer } = live.current()
      const signal = disconnectSignal(res)
      try {
        if (wantsStream(req)) await streamAnswer(answerer, req.body, res, signal, logger)
        else sendJsonText(res, await answerer.answerJson(req.body, { signal }))
      } catch (error) {
        if (error instanceof AbortedError) return
        throw error
      }
    },
  )
  app.all('/ask', (_req, res) => {
    res.set('Allow', 'POST')
    sendFailure(res, { status: 405, code: 'method_not_allowed', message: 'Use POST /ask with a JSON body {question, k?, park?, history?}' })
  })

  app.use(webPage())
  app.use((req, res) => sendFailure(res, { status: 404, code: 'not_found', message: `No such endpoint: ${req.method} ${req.path}. See /openapi.json` }))
  app.use(errorHandler(logger))
  return app
}
