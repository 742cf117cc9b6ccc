import { describe, expect, it } from 'vitest'
import { Slots } from '../../src/answer/slots.js'

describe('Slots (bounded LLM concurrency)', () => {
  it('runs up to `active` at once, queues up to `queued` in order, refuses beyond with overloaded', async () => {
    const slots = new Slots(2, 2)
    const a = await slots.acquire()
    const b = await slots.acquire()
    const order: string[] = []
    const c = slots.acquire().then((release) => (order.push('c'), release))
    const d = slots.acquire().then((release) => (order.push('d'), release))
    expect([slots.inUse, slots.inQueue]).toEqual([2, 2])
    await expect(slots.acquire()).rejects.toMatchObject({ code: 'overloaded' })
    a()
    a() // releasing twice frees one slot only
    ;(await c)()
    b()
    ;(await d)()
    expect(order).toEqual(['c', 'd'])
    expect([slots.inUse, slots.inQueue]).toEqual([0, 0])
  })

  it('a waiting caller whose signal aborts leaves the queue', async () => {
    const slots = new Slots(1, 1)
    const held = await slots.acquire()
    const controller = new AbortController()
    const waiting = slots.acquire(controller.signal)
    controller.abort()
    await expect(waiting).rejects.toMatchObject({ code: 'aborted' })
    expect(slots.inQueue).toBe(0)
    held()
    expect(slots.inUse).toBe(0)
    await expect(slots.acquire(AbortSignal.abort())).rejects.toMatchObject({ code: 'aborted' })
  })
})
