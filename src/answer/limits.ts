import { AbortedError } from '../errors.js'
import type { Logger } from '../log.js'

/*
 * Every limit on model work, in one place: a deadline per question (for the rewrite, the answer
 * and the wait for a slot together), bounded concurrency, and a circuit breaker that stops
 * sending questions to a model that keeps failing. Whatever a limit refuses is answered
 * extractively, at once: a model is an upgrade, never a requirement.
 */

/** The model may not be asked now (no slot, breaker open, deadline passed): answer without it. */
export class ModelUnavailable extends Error {
  constructor(readonly reason: 'overloaded' | 'breaker_open' | 'deadline') {
    super(reason === 'overloaded' ? 'every model slot and queue place is taken' : reason === 'breaker_open' ? 'the model is failing; circuit breaker open' : 'the question\'s deadline for model work has passed')
    this.name = 'ModelUnavailable'
  }
}

/**
 * Bounded concurrency for model calls: at most `active` run at once, at most `queued` wait for a
 * turn (first come, first served); a caller beyond that is refused at once (`ModelUnavailable`)
 * rather than waiting without bound. A waiting caller whose signal aborts leaves the queue.
 */
export class Slots {
  private running = 0
  private readonly waiting: Array<{ grant: () => void; onAbort: () => void }> = []

  constructor(
    readonly active: number,
    readonly queued: number,
  ) {
    if (!Number.isInteger(active) || active < 1) throw new RangeError('active must be a whole number ≥ 1')
    if (!Number.isInteger(queued) || queued < 0) throw new RangeError('queued must be a whole number ≥ 0')
  }

  get inUse(): number {
    return this.running
  }

  get inQueue(): number {
    return this.waiting.length
  }

  /** Resolves with a release function once a slot is free. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw new AbortedError()
    if (this.running < this.active) {
      this.running++
      return this.releaser()
    }
    if (this.waiting.length >= this.queued) {
      throw new ModelUnavailable('overloaded')
    }
    return new Promise((resolve, reject) => {
      const entry = {
        grant: () => {
          signal?.removeEventListener('abort', entry.onAbort)
          this.running++
          resolve(this.releaser())
        },
        onAbort: () => {
          const at = this.waiting.indexOf(entry)
          if (at >= 0) this.waiting.splice(at, 1)
          reject(new AbortedError())
        },
      }
      signal?.addEventListener('abort', entry.onAbort, { once: true })
      this.waiting.push(entry)
    })
  }

  private releaser(): () => void {
    let released = false
    return () => {
      if (released) return
      released = true
      this.running--
      this.waiting.shift()?.grant()
    }
  }
}

export interface BreakerOptions {
  /** Consecutive failures (errors or timeouts) that open it. */
  failures: number
  /** How long it stays open before one probe call may try the model again. */
  coolDownMs: number
  logger: Logger
  now?: () => number
}

/**
 * A circuit breaker for the model. Closed: calls go through. After `failures` consecutive
 * failures it opens: every question is answered extractively at once for `coolDownMs` (and those
 * waiting for a slot stop waiting), then one probe call may go; its success closes the breaker,
 * its failure opens it for another cool-down. One log line when it opens and when it closes.
 */
export class Breaker {
  private consecutive = 0
  private openedAt?: number
  private probing = false
  private opened = new AbortController()
  private readonly now: () => number

  constructor(private readonly options: BreakerOptions) {
    if (!Number.isInteger(options.failures) || options.failures < 1) throw new RangeError('failures must be a whole number ≥ 1')
    this.now = options.now ?? Date.now
  }

  /** `degraded` while open (questions are answered without the model). */
  get status(): 'ok' | 'degraded' {
    return this.openedAt === undefined ? 'ok' : 'degraded'
  }

  /** Aborts when the breaker opens: a question waiting for a slot need not wait any longer. */
  get openSignal(): AbortSignal {
    return this.opened.signal
  }

  /** May a call go to the model now? While open, only one probe after the cool-down. */
  allow(): boolean {
    if (this.openedAt === undefined) return true
    if (this.probing || this.now() - this.openedAt < this.options.coolDownMs) return false
    this.probing = true
    return true
  }

  succeeded(): void {
    this.consecutive = 0
    this.probing = false
    if (this.openedAt === undefined) return
    this.openedAt = undefined
    this.opened = new AbortController()
    this.options.logger.info('model circuit breaker closed: the model answered again')
  }

  failed(): void {
    this.consecutive++
    const probeFailed = this.probing
    this.probing = false
    if (probeFailed) {
      this.openedAt = this.now()
      return
    }
    if (this.openedAt !== undefined || this.consecutive < this.options.failures) return
    this.openedAt = this.now()
    this.opened.abort()
    this.options.logger.warn(`model circuit breaker open after ${this.consecutive} consecutive failures: answers are extractive for ${Math.round(this.options.coolDownMs / 1000)} s, then one probe`)
  }

  /** A call that ended neither in success nor failure (the caller went away) frees the probe. */
  released(): void {
    this.probing = false
  }
}

/** One question's budget for model work: the deadline, cut short when the caller goes away. */
export interface Budget {
  /** Aborts at the deadline or when the caller goes away. */
  signal: AbortSignal
  /** The caller went away: nothing is answered. */
  cancelled(): boolean
}

export function startBudget(timeoutMs: number, caller?: AbortSignal, cutShort?: AbortSignal): Budget {
  const deadline = cutShort ? AbortSignal.any([AbortSignal.timeout(timeoutMs), cutShort]) : AbortSignal.timeout(timeoutMs)
  return { signal: caller ? AbortSignal.any([deadline, caller]) : deadline, cancelled: () => caller?.aborted ?? false }
}

/** A granted model call: `done` releases its slot and tells the breaker how it went. */
export interface Permit {
  done(outcome: 'ok' | 'failed' | 'cancelled'): void
}

export interface ModelLimitsOptions {
  timeoutMs: number
  slots: Slots
  breaker: Breaker
}

/**
 * The limits one process puts on model work, shared by every question (the HTTP API and the bot)
 * and every index version.
 */
export class ModelLimits {
  /** A way to end each budget still running early, oldest first (so those past their deadline drop off the front). */
  private readonly running = new Map<AbortController, number>()
  private hurried = false

  constructor(readonly options: ModelLimitsOptions) {}

  get status(): 'ok' | 'degraded' {
    return this.options.breaker.status
  }

  budget(caller?: AbortSignal): Budget {
    const now = Date.now()
    for (const [cut, started] of this.running) {
      if (now - started < this.options.timeoutMs) break
      this.running.delete(cut)
    }
    const cut = new AbortController()
    if (this.hurried) cut.abort()
    else this.running.set(cut, now)
    return startBudget(this.options.timeoutMs, caller, cut.signal)
  }

  /**
   * Ends every budget now, and every later one at once: model work stops and the questions are
   * answered extractively (a shutdown whose grace period is about to end). Not the caller going away.
   */
  hurry(): void {
    this.hurried = true
    for (const cut of this.running.keys()) cut.abort()
    this.running.clear()
  }

  /**
   * A slot for one model call within `budget`, or `ModelUnavailable` (breaker open, queue full,
   * deadline passed or breaker opened while waiting), or `AbortedError` (the caller went away).
   */
  async enter(budget: Budget): Promise<Permit> {
    const { slots, breaker } = this.options
    if (budget.cancelled()) throw new AbortedError()
    if (budget.signal.aborted) throw new ModelUnavailable('deadline')
    if (!breaker.allow()) throw new ModelUnavailable('breaker_open')
    // A probe (breaker open) waits on its deadline only; any other call also stops waiting when
    // the breaker opens meanwhile.
    const closed = breaker.status === 'ok'
    let release: () => void
    try {
      release = await slots.acquire(closed ? AbortSignal.any([budget.signal, breaker.openSignal]) : budget.signal)
    } catch (error) {
      breaker.released()
      if (budget.cancelled()) throw new AbortedError()
      if (error instanceof ModelUnavailable) throw error
      throw new ModelUnavailable(breaker.status === 'degraded' ? 'breaker_open' : 'deadline')
    }
    return {
      done(outcome) {
        // The breaker first: a failure that opens it sends the waiting questions away before
        // the freed slot could go to one of them.
        if (outcome === 'ok') breaker.succeeded()
        else if (outcome === 'failed') breaker.failed()
        else breaker.released()
        release()
      },
    }
  }
}

export interface ModelLimitSettings {
  timeoutMs: number
  concurrency: number
  queue: number
  breaker: { failures: number; coolDownMs: number }
  logger: Logger
}

export function createModelLimits(settings: ModelLimitSettings): ModelLimits {
  return new ModelLimits({
    timeoutMs: settings.timeoutMs,
    slots: new Slots(settings.concurrency, settings.queue),
    breaker: new Breaker({ ...settings.breaker, logger: settings.logger }),
  })
}
