import type { ScoredPassage } from '../retrieve/retriever.js'

/** The shapes of the `/ask` contract (DEVELOPERS.md), shared by every interface. */

/** The public view of a passage an answer was made from. */
export interface Citation {
  n: number
  id: string
  source: string
  title: string
  park: string
  /** The PDF page the passage starts on; absent for formats without pages. */
  page?: number
  text: string
  score: number
}

export type AnswerMode = 'extractive' | 'llm'

/** `off`: no model configured; `degraded`: its circuit breaker is open and answers are extractive. */
export type ModelStatus = 'ok' | 'degraded' | 'off'

export interface AnswerResponse {
  answer: string
  /** false: the documents do not say; the citations are then the closest passages. */
  found: boolean
  mode: AnswerMode
  /** The `[n]` the answer uses, in order of first use: data, never parsed back out of the text. */
  cited: number[]
  citations: Citation[]
}

/** A passage as the synthesizers see it: ranked, and numbered as the answer cites it. */
export type NumberedPassage = ScoredPassage & { n: number }

/** The citations an answer rests on, in the order it first cites them. */
export function citedCitations(response: AnswerResponse): Citation[] {
  return response.cited.flatMap((n) => response.citations.filter((c) => c.n === n))
}

export function toCitation(p: NumberedPassage): Citation {
  return { n: p.n, id: p.id, source: p.source, title: p.title, park: p.park, ...(p.page !== undefined ? { page: p.page } : {}), text: p.text, score: p.score }
}

export interface Turn {
  role: 'user' | 'assistant'
  content: string
}

export interface AnswerRequest {
  question: string
  k?: number
  park?: string
  history?: Turn[]
}
