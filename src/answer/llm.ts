import { HumanMessage, SystemMessage, type BaseMessage, type MessageContent } from '@langchain/core/messages'
import { fill, loadPrompt } from './prompts.js'
import type { Citation, Turn } from './types.js'

/** The model says this, and only this, when the passages do not hold the answer (prompts/answer.md). */
export const NOT_FOUND_SENTINEL = 'NOT_IN_DOCUMENTS'

/** The text of message content (a model reply, one streamed chunk, a prompt), whether a string or a list of parts. */
export function textOf(content: MessageContent): string {
  if (typeof content === 'string') return content
  return content.map((part) => (typeof part === 'string' ? part : part.type === 'text' && 'text' in part ? String(part.text) : '')).join('')
}

/** Passages as delimited, numbered data; a delimiter inside a passage cannot close the block. */
export function formatPassages(citations: Citation[]): string {
  return citations
    .map((c) => `<passage n="${c.n}" park="${c.park}" source="${c.source}">\n${c.text.replace(/<\/?passage/gi, '‹passage')}\n</passage>`)
    .join('\n')
}

export function answerMessages(question: string, citations: Citation[]): BaseMessage[] {
  const prompt = loadPrompt('answer')
  return [new SystemMessage(prompt.system), new HumanMessage(fill(prompt.user, { passages: formatPassages(citations), question }))]
}

export function condenseMessages(question: string, history: Turn[]): BaseMessage[] {
  const prompt = loadPrompt('condense-follow-up')
  const lines = history.map((turn) => `${turn.role === 'user' ? 'User' : 'Assistant'}: ${turn.content}`).join('\n')
  return [new SystemMessage(prompt.system), new HumanMessage(fill(prompt.user, { history: lines, question }))]
}

export interface CheckedAnswer {
  found: boolean
  /** The text with every marker that points at no passage removed. */
  text: string
  /** Passage numbers the text cites. */
  cited: number[]
}

/**
 * Validates what the model wrote: markers must name one of the k passages (others are removed);
 * the sentinel means "not in the documents". Returns undefined for an unusable answer (empty, or
 * claiming an answer while citing nothing), which the caller treats as a failure.
 */
export function checkModelAnswer(raw: string, k: number): CheckedAnswer | undefined {
  const text = raw.trim()
  if (text === '') return undefined
  if (text.includes(NOT_FOUND_SENTINEL)) return { found: false, text: '', cited: [] }
  const cited = new Set<number>()
  const cleaned = text
    .replace(/\[(\d+(?:\s*[,，、]\s*\d+)*)\]/g, (_, list: string) => {
      const valid = list
        .split(/[,，、]/)
        .map((s) => Number(s.trim()))
        .filter((n) => Number.isInteger(n) && n >= 1 && n <= k)
      valid.forEach((n) => cited.add(n))
      return valid.map((n) => `[${n}]`).join('')
    })
    .replace(/[ \t]+([，。,.;；])/g, '$1')
    .trim()
  if (cited.size === 0) return undefined
  return { found: true, text: cleaned, cited: [...cited].sort((a, b) => a - b) }
}
