import type { Answerer } from '../answer/answer.js'
import type { AnswerMode, ModelStatus } from '../answer/types.js'
import { AbortedError, ServiceError } from '../errors.js'
import type { SearchIndex } from '../index/search-index.js'
import { readCurrentVersion } from '../index/store.js'
import type { Logger } from '../log.js'

/** One loaded index version and the answerer over it. */
export interface Serving {
  index: SearchIndex
  answerer: ClosableAnswerer
}

/** An answerer that may hold resources (worker threads) to let go once its version is replaced. */
export type ClosableAnswerer = Answerer & { close?(): void }

export interface LiveIndexDeps {
  indexDir: string
  logger: Logger
  /** How answers are written once an index is served (for health checks before that). */
  mode: AnswerMode
  /** The model's health: `off` without one, `degraded` while its circuit breaker is open. */
  modelStatus?: () => ModelStatus
  load(version: string): Promise<SearchIndex>
  answererFor(index: SearchIndex): ClosableAnswerer
  /** Model work still running stops, and its questions are answered extractively (see ModelLimits.hurry). */
  hurry?: () => void
}

/**
 * The index a long-running service answers from, swapped for a newer version when `npm run ingest`
 * switches CURRENT. A question takes `current()` once and keeps it to the end, so questions in
 * flight finish on the version they started with while new ones get the new one.
 */
export class LiveIndex {
  private serving?: Serving
  private readonly waiting = new Set<(serving: Serving) => void>()
  private timer?: NodeJS.Timeout
  private checking?: Promise<boolean>
  /** A version that failed to load is not retried until CURRENT names another. */
  private failedVersion?: string

  constructor(private readonly deps: LiveIndexDeps) {}

  get mode(): AnswerMode {
    return this.serving?.answerer.mode ?? this.deps.mode
  }

  get modelStatus(): ModelStatus {
    return this.deps.modelStatus?.() ?? 'off'
  }

  get ready(): boolean {
    return this.serving !== undefined
  }

  /** What to answer from now; `not_ready` until the first index is served. */
  current(): Serving {
    if (!this.serving) throw new ServiceError('not_ready', 'The index is still being loaded; try again in a few seconds')
    return this.serving
  }

  /** The index served, once there is one; rejects with `AbortedError` when `signal` aborts first. */
  whenReady(signal?: AbortSignal): Promise<Serving> {
    if (this.serving) return Promise.resolve(this.serving)
    return new Promise((resolve, reject) => {
      const ready = (serving: Serving) => {
        signal?.removeEventListener('abort', aborted)
        resolve(serving)
      }
      const aborted = () => {
        this.waiting.delete(ready)
        reject(new AbortedError())
      }
      if (signal?.aborted) return aborted()
      signal?.addEventListener('abort', aborted, { once: true })
      this.waiting.add(ready)
    })
  }

  serve(index: SearchIndex): void {
    const serving = { index, answerer: this.deps.answererFor(index) }
    // Questions in flight on the old version finish there; its workers stop once they have.
    this.serving?.answerer.close?.()
    this.serving = serving
    for (const ready of this.waiting) ready(serving)
    this.waiting.clear()
    this.deps.logger.info(`serving index version ${index.version}: ${index.documentCount} documents, ${index.passageCount} passages`)
  }

  /** Loads the version CURRENT names if it is not the one served; true when it switched. */
  refresh(): Promise<boolean> {
    // Concurrent callers share one check: a version is never loaded twice at once.
    this.checking ??= this.check().finally(() => (this.checking = undefined))
    return this.checking
  }

  private async check(): Promise<boolean> {
    const { indexDir, logger } = this.deps
    let version: string | undefined
    try {
      version = await readCurrentVersion(indexDir)
    } catch (error) {
      logger.warn(`cannot read the current index version in ${indexDir}: ${(error as Error).message}`)
      return false
    }
    if (!version || version === this.serving?.index.version || version === this.failedVersion) return false
    try {
      this.serve(await this.deps.load(version))
      this.failedVersion = undefined
      return true
    } catch (error) {
      this.failedVersion = version
      logger.error(`index version ${version} cannot be served (${(error as Error).message}); still serving ${this.serving?.index.version ?? 'nothing'}`)
      return false
    }
  }

  /** Looks for a new version every `intervalMs` (0 = never) until `stop()`. */
  watch(intervalMs: number): void {
    this.stop()
    if (intervalMs <= 0) return
    this.timer = setInterval(() => void this.refresh(), intervalMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }

  /** Lets the served answerer's workers go (once their questions are answered). */
  close(): void {
    this.stop()
    this.serving?.answerer.close?.()
  }

  /** At the end of a shutdown's grace period: questions in flight stop waiting for the model and answer extractively. */
  hurry(): void {
    this.deps.hurry?.()
  }
}
