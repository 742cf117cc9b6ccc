import type { Turn } from '../../answer/types.js'

/**
 * The last few turns of each conversation (a private chat, or one user in a group), passed as
 * `history` so that follow-ups ("那2019年呢？") work. Memory is bounded three ways: turns per
 * conversation, characters per turn, and conversations remembered (the least recently active is
 * forgotten first). A conversation idle for `idleMs` starts afresh.
 */
export interface ConversationLimits {
  /** Question/answer exchanges kept per chat. */
  exchanges: number
  /** Characters kept of an answer; the question is kept whole (it is at most 2,000). */
  answerChars: number
  chats: number
  idleMs: number
}

export const CONVERSATION_LIMITS: ConversationLimits = { exchanges: 3, answerChars: 1000, chats: 1000, idleMs: 30 * 60_000 }

export class Conversations {
  private readonly chats = new Map<string, { turns: Turn[]; at: number }>()

  constructor(private readonly limits: ConversationLimits = CONVERSATION_LIMITS) {}

  history(key: string, now = Date.now()): Turn[] {
    const chat = this.chats.get(key)
    if (!chat || now - chat.at > this.limits.idleMs) return []
    return [...chat.turns]
  }

  remember(key: string, question: string, answer: string, now = Date.now()): void {
    const turns = [...this.history(key, now), { role: 'user' as const, content: question }, { role: 'assistant' as const, content: answer.slice(0, this.limits.answerChars) }]
    // Re-inserted so that Map order is least recently active first.
    this.chats.delete(key)
    this.chats.set(key, { turns: turns.slice(-2 * this.limits.exchanges), at: now })
    for (const oldest of this.chats.keys()) {
      if (this.chats.size <= this.limits.chats) break
      this.chats.delete(oldest)
    }
  }

  forget(key: string): void {
    this.chats.delete(key)
  }

  get size(): number {
    return this.chats.size
  }
}
