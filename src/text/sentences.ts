/** Sentence and clause boundaries of Chinese text, shared by the chunker and the extractive answerer. */

export const SENTENCE = /[^。！？!?；;…⋯]*(?:[。！？!?；;]+|[…⋯]+|$)[”’」』）)]*/g
export const CLAUSE = /[^，,、：:]*(?:[，,、：:]+|$)/g

export interface Span {
  start: number
  end: number
}

/** Non-empty matches of `pattern` in `text`, as offsets shifted by `offset`. */
export function spans(text: string, pattern: RegExp, offset = 0): Span[] {
  const out: Span[] = []
  for (const match of text.matchAll(pattern)) {
    if (match[0] !== '') out.push({ start: offset + match.index, end: offset + match.index + match[0].length })
  }
  return out
}

const FULL_STOP = /[。！？!?\n]/g

/** Where the last full sentence of `text` starts: after its last 。！？ or line break (a semicolon ends none), else 0. */
export function fullSentenceStart(text: string): number {
  let start = 0
  for (const m of text.matchAll(FULL_STOP)) start = m.index + 1
  return start
}
