import { citedCitations, type AnswerResponse, type Citation } from '../../answer/types.js'
import { evidenceOf, sourcesOf, squeeze, type EvalItem } from './dataset.js'

/**
 * Scoring of one answer against one eval item (DEVELOPERS.md, issue 7). All text is compared
 * squeezed: NFKC with every whitespace removed, so PDF spacing and full-width forms do not count.
 */

export interface ItemScore {
  correct: boolean
  /** 1-based rank of the first citation holding the evidence; null when none does (or nothing to find). */
  hitRank: number | null
  /** Answered and answerable: whether the passages the answer cites hold the evidence. */
  citedEvidence: boolean | null
}

export function isAnswerable(item: EvalItem): boolean {
  return item.answers.length > 0
}

/**
 * A passage holds the evidence when it contains any evidence string, or — being from one of the
 * item's sources — any answer string (evidence may straddle two passages; the figure does not).
 */
function holdsEvidence(item: EvalItem, citation: Citation): boolean {
  const text = squeeze(citation.text)
  if (evidenceOf(item).some((e) => text.includes(squeeze(e)))) return true
  return sourcesOf(item).includes(citation.source) && item.answers.some((a) => text.includes(squeeze(a)))
}

/** Correct: found, and the answer holds any answer string (for a list, all but at most one). */
function answerIsCorrect(item: EvalItem, response: AnswerResponse): boolean {
  if (!isAnswerable(item)) return !response.found
  if (!response.found) return false
  const answer = squeeze(response.answer)
  const held = item.answers.filter((a) => answer.includes(squeeze(a))).length
  return item.type === 'list' ? held >= Math.max(1, item.answers.length - 1) : held > 0
}

export function scoreItem(item: EvalItem, response: AnswerResponse): ItemScore {
  const correct = answerIsCorrect(item, response)
  if (!isAnswerable(item)) return { correct, hitRank: null, citedEvidence: null }
  const index = response.citations.findIndex((c) => holdsEvidence(item, c))
  const citedEvidence = response.found ? citedCitations(response).some((c) => holdsEvidence(item, c)) : null
  return { correct, hitRank: index < 0 ? null : index + 1, citedEvidence }
}
