import { describe, expect, it } from 'vitest'
import { Conversations } from '../../../src/interfaces/telegram/conversations.js'
import { UserLimit } from '../../../src/interfaces/telegram/user-limit.js'

describe('Conversations', () => {
  it('keeps the last exchanges of each chat, answers shortened', () => {
    const conversations = new Conversations({ exchanges: 2, answerChars: 5, chats: 10, idleMs: 60_000 })
    for (const n of [1, 2, 3]) conversations.remember('1', `问${n}`, `答${n}答答答答答答`, 1000)
    expect(conversations.history('1', 2000)).toEqual([
      { role: 'user', content: '问2' },
      { role: 'assistant', content: '答2答答答' },
      { role: 'user', content: '问3' },
      { role: 'assistant', content: '答3答答答' },
    ])
    expect(conversations.history('2', 2000)).toEqual([])
  })

  it('forgets idle conversations and the least recently active chats beyond its bound', () => {
    const conversations = new Conversations({ exchanges: 3, answerChars: 100, chats: 2, idleMs: 1000 })
    conversations.remember('1', 'a', 'x', 0)
    expect(conversations.history('1', 5000)).toEqual([])
    conversations.remember('2', 'b', 'y', 10)
    conversations.remember('3', 'c', 'z', 20)
    conversations.remember('2', 'b2', 'y2', 30)
    conversations.remember('4', 'd', 'w', 40)
    expect(conversations.size).toBe(2)
    expect(conversations.history('3', 50)).toEqual([])
    expect(conversations.history('2', 50)).toHaveLength(4)
  })

  it('forgets one conversation on request (/new)', () => {
    const conversations = new Conversations({ exchanges: 3, answerChars: 100, chats: 10, idleMs: 60_000 })
    conversations.remember('1', 'a', 'x', 0)
    conversations.remember('1:7', 'b', 'y', 0)
    conversations.forget('1')
    expect(conversations.history('1', 10)).toEqual([])
    expect(conversations.history('1:7', 10)).toHaveLength(2)
  })
})

describe('UserLimit', () => {
  it('admits so many questions per window, tells the wait once, then admits again', () => {
    const limit = new UserLimit(2, 60_000)
    expect(limit.take(1, 0)).toEqual({ ok: true })
    expect(limit.take(1, 1000)).toEqual({ ok: true })
    expect(limit.take(2, 1000)).toEqual({ ok: true })
    expect(limit.take(1, 2000)).toEqual({ ok: false, waitMs: 58_000, firstRefusal: true })
    expect(limit.take(1, 3000)).toMatchObject({ ok: false, firstRefusal: false })
    expect(limit.take(1, 60_000)).toEqual({ ok: true })
    expect(limit.take(1, 60_900)).toMatchObject({ ok: false, firstRefusal: true })
  })

  it('is off at 0', () => {
    const limit = new UserLimit(0)
    for (let i = 0; i < 100; i++) expect(limit.take(1, i).ok).toBe(true)
  })
})
