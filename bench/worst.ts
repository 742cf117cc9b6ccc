import type { Answerer } from '../src/answer/answer.js'
import { MAX_QUESTION_CHARS } from '../src/answer/request.js'
import type { AnswerRequest } from '../src/answer/types.js'

/**
 * The most expensive valid requests found so far (issue 18): 2,000 distinct characters, a pasted
 * page, unknown English words, a flood of years, follow-ups after long turns. The benchmark times
 * them against normal questions; test/answer/bounded-work.test.ts bounds their work counters.
 */
export function worstRequests(corpusText: string): Record<string, (k: number) => AnswerRequest> {
  const rare = Array.from({ length: MAX_QUESTION_CHARS }, (_, i) => String.fromCodePoint(0x4e00 + 3000 + 7 * i)).join('')
  const common = [...new Set(corpusText.replace(/[^\u4e00-\u9fff]/g, ''))].slice(0, MAX_QUESTION_CHARS).join('')
  const pasted = corpusText.replace(/\s/g, '').slice(0, MAX_QUESTION_CHARS)
  const english = Array.from({ length: 400 }, (_, i) => `w${i.toString(36)}x`).join(' ').slice(0, MAX_QUESTION_CHARS)
  const years = Array.from({ length: 200 }, (_, i) => `${1900 + i}年`).join('')
  const longTurns = Array.from({ length: 10 }, (_, i) => ({ role: 'user' as const, content: `${pasted}${rare}`.slice(i, i + 4000) }))
  const questionTurns = Array.from({ length: 10 }, (_, i) => ({ role: 'user' as const, content: pasted.slice(i, i + MAX_QUESTION_CHARS) }))
  return {
    'distinct characters the corpus lacks': (k) => ({ question: rare, k }),
    'distinct characters the corpus has': (k) => ({ question: common, k }),
    'a pasted page of the corpus': (k) => ({ question: pasted, k }),
    'unknown English words': (k) => ({ question: english, k }),
    'two hundred years': (k) => ({ question: years, k }),
    'a follow-up after ten 4,000-character turns': (k) => ({ question: '那2019年呢？', history: longTurns, k }),
    'a follow-up after ten turns of the longest question': (k) => ({ question: '那2019年呢？', history: questionTurns, k }),
  }
}

export interface WorstCase {
  k: number
  /** Median whole-answer time of the eval questions at this k. */
  normalMs: number
  /** The slowest worst request's median, and which it was. */
  worstMs: number
  worst: string
  ratio: number
}

const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!

/** Worst request ÷ normal question, at k 5 and 20, normal and worst runs interleaved so a stall hits both. */
export async function benchWorst(answerer: Answerer, questions: readonly string[], corpusText: string, rounds = 5): Promise<WorstCase[]> {
  const worst = worstRequests(corpusText)
  const out: WorstCase[] = []
  for (const k of [5, 20]) {
    const normal: number[] = []
    const slow: Record<string, number[]> = {}
    for (let round = 0; round <= rounds; round++) {
      for (const question of questions) {
        const started = performance.now()
        await answerer.answer({ question, k })
        if (round > 0) normal.push(performance.now() - started)
      }
      for (const [name, request] of Object.entries(worst)) {
        const started = performance.now()
        await answerer.answer(request(k))
        if (round > 0) (slow[name] ??= []).push(performance.now() - started)
      }
    }
    const [name, ms] = Object.entries(slow).map(([n, s]) => [n, median(s)] as const).sort((a, b) => b[1] - a[1])[0]!
    const normalMs = median(normal)
    out.push({ k, normalMs: Math.round(normalMs * 100) / 100, worstMs: Math.round(ms * 100) / 100, worst: name, ratio: Math.round((ms / normalMs) * 10) / 10 })
  }
  return out
}
