import { describe, expect, it } from 'vitest'
import { AbortedError } from '../../../src/errors.js'
import { Outbox } from '../../../src/interfaces/telegram/outbox.js'

class TooMany extends Error {
  constructor(readonly seconds: number) {
    super('429: Too Many Requests')
  }
}
const retryAfter = (error: unknown) => (error instanceof TooMany ? error.seconds : undefined)

describe('Outbox', () => {
  it('spaces the sends to one chat, in order, while other chats go at once', async () => {
    const outbox = new Outbox({ perChatMs: 300, perSecond: 30, maxRetries: 3 }, retryAfter)
    const sent: Array<{ chat: number; n: number; at: number }> = []
    const start = Date.now()
    await Promise.all([
      ...[1, 2, 3].map((n) => outbox.send(1, async () => void sent.push({ chat: 1, n, at: Date.now() - start }))),
      outbox.send(2, async () => void sent.push({ chat: 2, n: 1, at: Date.now() - start })),
    ])
    const chat1 = sent.filter((s) => s.chat === 1)
    expect(chat1.map((s) => s.n)).toEqual([1, 2, 3])
    expect(chat1[1]!.at - chat1[0]!.at).toBeGreaterThanOrEqual(290)
    expect(chat1[2]!.at - chat1[1]!.at).toBeGreaterThanOrEqual(290)
    expect(sent.find((s) => s.chat === 2)!.at).toBeLessThan(chat1[1]!.at)
  })

  it('keeps to the overall rate across chats', async () => {
    const outbox = new Outbox({ perChatMs: 0, perSecond: 3, maxRetries: 0 }, retryAfter)
    const times: number[] = []
    await Promise.all([1, 2, 3, 4, 5].map((chat) => outbox.send(chat, async () => void times.push(Date.now()))))
    times.sort((a, b) => a - b)
    // The 4th send waits until a second after the 1st.
    expect(times[3]! - times[0]!).toBeGreaterThanOrEqual(990)
  })

  it('retries a 429 after the retry_after Telegram names, and pauses the chat meanwhile', async () => {
    const outbox = new Outbox({ perChatMs: 10, perSecond: 30, maxRetries: 3 }, retryAfter)
    const attempts: number[] = []
    let pausedWhileWaiting: boolean | undefined
    const result = await outbox.send(7, async () => {
      attempts.push(Date.now())
      if (attempts.length === 1) {
        // Looks right after the outbox has caught the 429, before any timer can fire: only a stall
        // longer than the 2 s pause (never seen) could make the look come after the retry.
        setImmediate(() => (pausedWhileWaiting = outbox.paused(7)))
        throw new TooMany(2)
      }
      return 'delivered'
    })
    expect(result).toBe('delivered')
    expect(pausedWhileWaiting).toBe(true)
    expect(attempts).toHaveLength(2)
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(1990)
  })

  it('gives up after the retries, and passes other errors on at once', async () => {
    const outbox = new Outbox({ perChatMs: 0, perSecond: 30, maxRetries: 1 }, retryAfter)
    let calls = 0
    await expect(outbox.send(1, async () => { calls++; throw new TooMany(0) })).rejects.toBeInstanceOf(TooMany)
    expect(calls).toBe(2)
    await expect(outbox.send(1, async () => { throw new Error('403: Forbidden: bot was blocked by the user') })).rejects.toThrow('403')
    // A failed send does not block the chat's queue.
    await expect(outbox.send(1, async () => 'next')).resolves.toBe('next')
  })

  it('abandons queued sends when their signal aborts', async () => {
    const outbox = new Outbox({ perChatMs: 5000, perSecond: 30, maxRetries: 0 }, retryAfter)
    const stop = new AbortController()
    await outbox.send(1, async () => 'first', stop.signal)
    const second = outbox.send(1, async () => 'second', stop.signal)
    stop.abort()
    await expect(second).rejects.toBeInstanceOf(AbortedError)
  })
})
