import type { ErrorRequestHandler, Response } from 'express'
import type { Logger as Pino } from 'pino'
import { AppError } from '../../errors.js'
import type { ErrorCode } from './schemas.js'

/**
 * Every failure becomes `{error:{code, message}}` with a stable code and a message safe to show:
 * typed errors keep theirs, body-parser's are translated, anything else is `internal` — its
 * detail (stack, paths) goes to the log under the request id, never into the response.
 */

export interface HttpFailure {
  status: number
  code: ErrorCode
  message: string
  /** Seconds a client should wait before trying again. */
  retryAfter?: number
}

const APP_ERRORS: Record<string, Omit<HttpFailure, 'message'>> = {
  invalid_request: { status: 400, code: 'invalid_request' },
  unknown_park: { status: 400, code: 'unknown_park' },
  not_ready: { status: 503, code: 'not_ready', retryAfter: 5 },
}

/** body-parser's error types (the `type` property of its errors). */
const BODY_ERRORS: Record<string, HttpFailure> = {
  'entity.too.large': { status: 413, code: 'payload_too_large', message: 'The body is larger than 16 KB' },
  'entity.parse.failed': { status: 400, code: 'invalid_request', message: 'body: is not valid JSON' },
  'entity.verify.failed': { status: 400, code: 'invalid_request', message: 'body: is not valid UTF-8' },
  'charset.unsupported': { status: 415, code: 'unsupported_media_type', message: 'The body must be JSON in UTF-8' },
  'encoding.unsupported': { status: 415, code: 'unsupported_media_type', message: 'Content-Encoding not supported: send the body uncompressed' },
  'request.aborted': { status: 400, code: 'invalid_request', message: 'The body ended early' },
  'request.size.invalid': { status: 400, code: 'invalid_request', message: 'The body is shorter or longer than Content-Length says' },
}

/**
 * zlib's errors, which body-parser passes on untyped when a body is not what its Content-Encoding
 * says (gzip that is not gzip, truncated deflate, bytes that are not brotli): Z_DATA_ERROR,
 * Z_BUF_ERROR, ERR__ERROR_FORMAT_PADDING_2 …
 */
const DECOMPRESSION_ERROR = /^(Z_|ERR__ERROR|ERR_BROTLI|ERR_ZSTD)/
const BAD_ENCODING: HttpFailure = { status: 400, code: 'invalid_request', message: 'body: does not decompress as its Content-Encoding says' }

export function toHttpFailure(error: unknown): HttpFailure | undefined {
  if (error instanceof AppError) {
    const known = APP_ERRORS[error.code]
    return known ? { ...known, message: error.message } : undefined
  }
  const { type, code } = (error ?? {}) as { type?: unknown; code?: unknown }
  if (typeof type === 'string') return BODY_ERRORS[type]
  return typeof code === 'string' && DECOMPRESSION_ERROR.test(code) ? BAD_ENCODING : undefined
}

export const INTERNAL: HttpFailure = { status: 500, code: 'internal', message: 'Something went wrong on our side; the error has been logged' }

export function sendFailure(res: Response, failure: HttpFailure): void {
  if (failure.retryAfter !== undefined) res.set('Retry-After', String(failure.retryAfter))
  res.status(failure.status).json({ error: { code: failure.code, message: failure.message } })
}

export function errorHandler(logger: Pino): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const failure = toHttpFailure(error)
    const requestId = res.locals.requestId as string | undefined
    if (!failure) logger.error({ reqId: requestId, err: error }, `unexpected failure on ${req.method} ${req.path}`)
    if (res.headersSent || res.destroyed || req.socket.destroyed) {
      // Nothing can be said any more (the client left or was cut off, or a stream had begun).
      res.destroy()
      return
    }
    sendFailure(res, failure ?? INTERNAL)
  }
}
