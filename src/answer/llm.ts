import type { MessageContent } from '@langchain/core/messages'
import type { Citation, Turn } from './types.js'

/** The model says this, and only this, when the passages do not hold the answer (prompts/answer.md). */
export const NOT_FOUND_SENTINEL = 'NOT_IN_DOCUMENTS'

/** The text of message content (a model reply, one streamed chunk, a prompt), whether a string or a list of parts. */
export function textOf(content: MessageContent): string {
  if (typeof content === 'string') return content
  return content.map((part) => (typeof part === 'string' ? part : part.type === 'text' && 'text' in part ? String(part.text) : '')).join('')
}

/** A value between double quotes in a tag: a file or park name holding `"` or `>` cannot add attributes or end the tag. */
const attribute = (value: string | number) =>
  String(value).replace(/[&"<>\r\n]/g, (ch) => ({ '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;', '\r': '&#13;', '\n': '&#10;' })[ch]!)

/** Passages as delimited, numbered data (prompts/answer.md); a delimiter inside a passage cannot close the block. */
export function formatPassages(citations: readonly Citation[]): string {
  return citations
    .map((c) => `<passage n="${attribute(c.n)}" park="${attribute(c.park)}" source="${attribute(c.source)}">\n${c.text.replace(/<\/?passage/gi, '‹passage')}\n</passage>`)
    .join('\n')
}

/** The conversation so far, one line a turn (prompts/condense-follow-up.md). */
export function formatHistory(history: readonly Turn[]): string {
  return history.map((turn) => `${turn.role === 'user' ? 'User' : 'Assistant'}: ${turn.content}`).join('\n')
}

export interface CheckedAnswer {
  found: boolean
  /** The text with every marker that points at no passage removed. */
  text: string
  /** Passage numbers the text cites, in order of first use. */
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
  const cited: number[] = []
  const cleaned = text
    .replace(/\[(\d+(?:\s*[,，、]\s*\d+)*)\]/g, (_, list: string) => {
      const valid = list
        .split(/[,，、]/)
        .map((s) => Number(s.trim()))
        .filter((n) => Number.isInteger(n) && n >= 1 && n <= k)
      for (const n of valid) if (!cited.includes(n)) cited.push(n)
      return valid.map((n) => `[${n}]`).join('')
    })
    .replace(/[ \t]+([，。,.;；])/g, '$1')
    .trim()
  if (cited.length === 0) return undefined
  return { found: true, text: cleaned, cited }
}
