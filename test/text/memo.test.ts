import { describe, expect, it } from 'vitest'
import { memoizeByText } from '../../src/text/memo.js'

describe('memoizeByText', () => {
  it('computes each text once, undefined results included, and starts afresh when full', () => {
    const calls: string[] = []
    const length = memoizeByText((text) => {
      calls.push(text)
      return text === '' ? undefined : text.length
    }, 2)
    expect([length('ab'), length('ab'), length(''), length('')]).toEqual([2, 2, undefined, undefined])
    expect(calls).toEqual(['ab', ''])
    expect(length('abc')).toBe(3)
    // The third text filled it: the first two are computed again.
    expect(length('ab')).toBe(2)
    expect(calls).toEqual(['ab', '', 'abc', 'ab'])
  })
})
