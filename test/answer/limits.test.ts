import { describe, expect, it } from 'vitest'
import { Breaker, ModelLimits, Slots, startBudget } from '../../src/answer/limits.js'
import { createLogger } from '../../src/log.js'

describe('Slots (bounded model concurrency)', () => {
  it('runs up to `active` at once, queues up to `queued` in order, refuses beyond at once (ModelUnavailable overloaded)', async () => {
    const slots = new Slots(2, 2)
    const a = await slots.acquire()
    const b = await slots.acquire()
    const order: string[] = []
    const c = slots.acquire().then((release) => (order.push('c'), release))
    const d = slots.acquire().then((release) => (order.push('d'), release))
    expect([slots.inUse, slots.inQueue]).toEqual([2, 2])
    await expect(slots.acquire()).rejects.toMatchObject({ reason: 'overloaded' })
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

/** A breaker on a clock the test moves, with its log lines kept. */
function breakerAt(failures = 3, coolDownMs = 30_000) {
  const clock = { now: 1_000 }
  const lines: string[] = []
  const breaker = new Breaker({ failures, coolDownMs, logger: createLogger('debug', (line) => lines.push(line)), now: () => clock.now })
  return { breaker, clock, lines }
}

describe('Breaker (the model circuit breaker)', () => {
  it('opens after `failures` consecutive failures, with one log line, and refuses calls while open', () => {
    const { breaker, lines } = breakerAt(3)
    breaker.failed()
    breaker.failed()
    expect(breaker.allow()).toBe(true)
    expect(breaker.status).toBe('ok')
    breaker.failed()
    expect(breaker.status).toBe('degraded')
    expect(breaker.allow()).toBe(false)
    expect(breaker.openSignal.aborted).toBe(true)
    expect(lines.filter((line) => line.includes('circuit breaker open'))).toHaveLength(1)
  })

  it('a success between failures resets the count', () => {
    const { breaker } = breakerAt(2)
    breaker.failed()
    breaker.succeeded()
    breaker.failed()
    expect(breaker.status).toBe('ok')
  })

  it('after the cool-down lets one probe through; its success closes the breaker with one log line', () => {
    const { breaker, clock, lines } = breakerAt(1, 30_000)
    breaker.failed()
    clock.now += 29_999
    expect(breaker.allow()).toBe(false)
    clock.now += 1
    expect(breaker.allow()).toBe(true)
    expect(breaker.allow()).toBe(false) // one probe at a time
    breaker.succeeded()
    expect(breaker.status).toBe('ok')
    expect(breaker.allow()).toBe(true)
    expect(breaker.openSignal.aborted).toBe(false)
    expect(lines.filter((line) => line.includes('circuit breaker closed'))).toHaveLength(1)
  })

  it('a failed probe opens it for another cool-down', () => {
    const { breaker, clock } = breakerAt(1, 1_000)
    breaker.failed()
    clock.now += 1_000
    expect(breaker.allow()).toBe(true)
    breaker.failed()
    expect(breaker.status).toBe('degraded')
    clock.now += 999
    expect(breaker.allow()).toBe(false)
    clock.now += 1
    expect(breaker.allow()).toBe(true)
  })

  it('a probe whose caller went away frees the probe for the next question', () => {
    const { breaker, clock } = breakerAt(1, 1_000)
    breaker.failed()
    clock.now += 1_000
    expect(breaker.allow()).toBe(true)
    breaker.released()
    expect(breaker.allow()).toBe(true)
  })
})

describe('ModelLimits (deadline, slots and breaker together)', () => {
  const limits = (active: number, queued: number, failures = 3) => {
    const { breaker } = breakerAt(failures)
    return new ModelLimits({ timeoutMs: 60_000, slots: new Slots(active, queued), breaker })
  }

  it('a question whose deadline passed while waiting for a slot gets ModelUnavailable(deadline)', async () => {
    const model = limits(1, 4)
    const held = await model.enter(model.budget())
    const waiting = model.enter(startBudget(50))
    await expect(waiting).rejects.toMatchObject({ reason: 'deadline' })
    held.done('ok')
  })

  it('questions waiting for a slot stop waiting when the breaker opens', async () => {
    const model = limits(1, 4, 1)
    const held = await model.enter(model.budget())
    const waiting = model.enter(model.budget())
    held.done('failed')
    await expect(waiting).rejects.toMatchObject({ reason: 'breaker_open' })
    await expect(model.enter(model.budget())).rejects.toMatchObject({ reason: 'breaker_open' })
    expect(model.status).toBe('degraded')
  })

  it('the caller going away is AbortedError, not a reason to answer', async () => {
    const model = limits(1, 4)
    const held = await model.enter(model.budget())
    const caller = new AbortController()
    const waiting = model.enter(model.budget(caller.signal))
    caller.abort()
    await expect(waiting).rejects.toMatchObject({ code: 'aborted' })
    held.done('cancelled')
    expect(model.status).toBe('ok')
  })

  it('a full queue is ModelUnavailable(overloaded) at once', async () => {
    const model = limits(1, 0)
    const held = await model.enter(model.budget())
    await expect(model.enter(model.budget())).rejects.toMatchObject({ reason: 'overloaded' })
    held.done('ok')
  })
})
