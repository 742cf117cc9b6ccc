import { AbortedError, ServiceError } from '../errors.js'

/**
 * Bounded concurrency for LLM calls: at most `active` run at once, at most `queued` wait for a
 * turn (first come, first served); a caller beyond that is told the service is overloaded at once
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
      throw new ServiceError('overloaded', `Too many questions are waiting for the language model (${this.running} running, ${this.waiting.length} queued); try again shortly`)
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
