import { setTimeout as sleep } from 'node:timers/promises'
import { AbortedError } from '../../errors.js'

/**
 * Everything the bot sends goes through here, paced to Telegram's limits: about one message a
 * second per chat and 30 a second overall. A 429 ("Too Many Requests") is retried after the
 * `retry_after` Telegram names, and that chat stays paused meanwhile — telegraf does not retry.
 */

export interface Pacing {
  /** Least time between two sends to one chat. */
  perChatMs: number
  /** Sends per second over all chats. */
  perSecond: number
  /** 429s retried for one send before it fails. */
  maxRetries: number
}

export const TELEGRAM_PACING: Pacing = { perChatMs: 1000, perSecond: 30, maxRetries: 3 }

/** Seconds to wait when `error` is a 429 from the Bot API, undefined for any other error. */
export type RetryAfter = (error: unknown) => number | undefined

export class Outbox {
  /** The tail of each chat's queue; removed when the chat has nothing queued. */
  private readonly tails = new Map<number, Promise<unknown>>()
  /** When each chat may be sent to next. */
  private readonly nextAt = new Map<number, number>()
  /** Start times of the latest sends over all chats (at most `perSecond` of them). */
  private readonly recent: number[] = []

  constructor(
    private readonly pacing: Pacing,
    private readonly retryAfter: RetryAfter,
  ) {}

  /** Runs `call` in `chatId`'s queue once the pacing allows; resolves with its result. */
  send<T>(chatId: number, call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const previous = this.tails.get(chatId) ?? Promise.resolve()
    const run = previous.catch(() => undefined).then(() => this.paced(chatId, call, signal))
    const tail = run.catch(() => undefined)
    this.tails.set(chatId, tail)
    void tail.then(() => {
      if (this.tails.get(chatId) === tail) this.tails.delete(chatId)
    })
    return run
  }

  /** Whether a chat is waiting out a 429 (best-effort extras such as "typing…" are then skipped). */
  paused(chatId: number): boolean {
    return (this.nextAt.get(chatId) ?? 0) > Date.now() + this.pacing.perChatMs
  }

  private async paced<T>(chatId: number, call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      await this.waitUntil(this.nextAt.get(chatId) ?? 0, signal)
      await this.waitUntil(this.reserveGlobal(), signal)
      try {
        const result = await call()
        this.nextAt.set(chatId, Date.now() + this.pacing.perChatMs)
        this.forgetIdle(chatId)
        return result
      } catch (error) {
        const seconds = this.retryAfter(error)
        if (seconds === undefined || attempt >= this.pacing.maxRetries) {
          this.nextAt.set(chatId, Date.now() + this.pacing.perChatMs)
          this.forgetIdle(chatId)
          throw error
        }
        this.nextAt.set(chatId, Date.now() + Math.max(seconds * 1000, this.pacing.perChatMs))
      }
    }
  }

  /** The earliest time a send may start without exceeding `perSecond`; the slot is taken at once. */
  private reserveGlobal(): number {
    const now = Date.now()
    const oldest = this.recent.length >= this.pacing.perSecond ? this.recent.shift()! : undefined
    const at = oldest === undefined ? now : Math.max(now, oldest + 1000)
    this.recent.push(at)
    return at
  }

  private async waitUntil(at: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw new AbortedError()
    const delay = at - Date.now()
    if (delay <= 0) return
    try {
      await sleep(delay, undefined, { signal })
    } catch {
      throw new AbortedError()
    }
  }

  /** Memory stays bounded by the chats active in the last moment, not every chat ever seen. */
  private forgetIdle(chatId: number): void {
    const at = this.nextAt.get(chatId)
    if (at === undefined) return
    setTimeout(() => {
      if (this.nextAt.get(chatId) === at && !this.tails.has(chatId)) this.nextAt.delete(chatId)
    }, Math.max(0, at - Date.now())).unref()
  }
}
