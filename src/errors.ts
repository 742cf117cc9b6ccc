/**
 * Typed errors: each has a stable `code` that interfaces map to exit codes or HTTP statuses, and a
 * human `message` that is safe to show to users (no stack, no internal detail beyond a file name).
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = new.target.name
  }
}

/** Bad environment or options. */
export class ConfigError extends AppError {
  constructor(message: string) {
    super('invalid_config', message)
  }
}

export type UsageErrorCode = 'invalid_usage' | 'missing_question'

/** A command line the command cannot run: an unknown option, a missing argument. */
export class UsageError extends AppError {
  constructor(code: UsageErrorCode, message: string) {
    super(code, message)
  }
}

export type CorpusErrorCode =
  | 'corpus_missing'
  | 'corpus_empty'
  | 'file_unreadable'
  | 'file_not_utf8'
  | 'file_empty'
  | 'file_too_large'
  | 'file_encrypted'
  | 'file_no_text'
  | 'file_corrupt'
  | 'metadata_invalid'

/** The corpus cannot be ingested as it is; `file` names the culprit when there is one. */
export class CorpusError extends AppError {
  constructor(
    code: CorpusErrorCode,
    message: string,
    readonly file?: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options)
  }
}

export type IndexErrorCode = 'index_missing' | 'index_corrupt' | 'index_embedder_mismatch' | 'index_locked' | 'index_unwritable'

export class IndexError extends AppError {
  constructor(code: IndexErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}

/** A failure of an external embedding service; the message never carries the request or key. */
export class EmbeddingError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('embedding_failed', message, options)
  }
}

export type RequestErrorCode = 'invalid_request' | 'unknown_park'

/** A question the caller can fix: bad fields, or a park filter naming no park the index knows. */
export class RequestError extends AppError {
  constructor(code: RequestErrorCode, message: string) {
    super(code, message)
  }
}

export type ServiceErrorCode = 'not_ready' | 'port_in_use' | 'port_forbidden'

/** The service cannot take the question now (index still loading), or cannot listen where it is told to. */
export class ServiceError extends AppError {
  constructor(code: ServiceErrorCode, message: string) {
    super(code, message)
  }
}

/** The caller went away (client disconnected): the work it started stops, nothing is answered. */
export class AbortedError extends AppError {
  constructor(message = 'The request was cancelled') {
    super('aborted', message)
  }
}

export type BotErrorCode = 'telegram_unauthorized' | 'telegram_unreachable' | 'telegram_conflict' | 'telegram_failed'

/** The Telegram Bot API refused or could not be reached; the message never carries the token. */
export class BotError extends AppError {
  constructor(code: BotErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}
