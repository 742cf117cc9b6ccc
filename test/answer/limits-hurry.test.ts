import { describe, expect, it } from 'vitest'
import { Breaker, ModelLimits, Slots } from '../../src/answer/limits.js'
import { silentLogger } from '../../src/log.js'

const limits = () => new ModelLimits({ timeoutMs: 60_000, slots: new Slots(1, 4), breaker: new Breaker({ failures: 3, coolDownMs: 30_000, logger: silentLogger }) })

describe('ModelLimits.hurry (a shutdown about to cut answers in flight)', () => {
  it('ends every running budget at once, as a deadline and not as the caller leaving; later budgets start ended', async () => {
    const model = limits()
    const caller = new AbortController()
    const running = [model.budget(), model.budget(caller.signal)]
    const waiting = model.enter(running[1]!).then(() => model.enter(running[0]!))
    expect(running.map((b) => b.signal.aborted)).toEqual([false, false])
    model.hurry()
    expect(running.map((b) => b.signal.aborted)).toEqual([true, true])
    expect(running.map((b) => b.cancelled())).toEqual([false, false])
    // The one waiting for a slot is sent to the extractive answer, not told the caller left.
    await expect(waiting).rejects.toMatchObject({ reason: 'deadline' })
    const later = model.budget()
    expect(later.signal.aborted).toBe(true)
    await expect(model.enter(later)).rejects.toMatchObject({ reason: 'deadline' })
  })
})
