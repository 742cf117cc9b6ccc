import { glossary } from '../rules/glossary.js'
import { memoizeByText } from '../text/memo.js'
import { work } from '../text/work.js'
import type { Question } from './query.js'

// The same passages and clauses are covered question after question: normalise each once.
const folded = memoizeByText(fold)

/** Share of the question's words (weighted by IDF) found in a text. */
/**
 * The weight of a one-character question term against a word's, when a quote is chosen within a
 * passage (passages are ranked with full weight: a lone character still says which passage).
 */
export const LONE_CHARACTER = 0.35

export function coverage(q: Question, text: string, weight: (word: string) => number, loneCharacter = 1): number {
  return foldedCoverage(q, folded(text), weight, loneCharacter)
}

/** A text folded as coverage compares it (NFKC, lower case), for callers that keep it folded. */
export function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase()
}

/** `coverage` of a text already folded (`fold`). */
export function foldedCoverage(q: Question, lower: string, weight: (word: string) => number, loneCharacter = 1): number {
  if (q.terms.length === 0) return 0
  work.termChecks += q.terms.length
  const { weights, lone } = termWeights(q, weight)
  let total = 0
  let found = 0
  for (let i = 0; i < q.terms.length; i++) {
    const group = q.terms[i]!
    // A lone character (快 of 更快) matches inside unrelated words (加快, 快递): it counts for less.
    const w = weights[i]! * (lone[i] ? loneCharacter : 1)
    total += w
    if (group.some((term) => lower.includes(term))) found += w
    else {
      let share = 0
      for (const term of group) share = Math.max(share, bigramShare(term, lower), problemShare(term, lower))
      found += w * share
    }
  }
  return total === 0 ? 0 : found / total
}

/**
 * Each term group's weight (its rarest word's), and whether it is only lone characters, per
 * question and weighting: a question's windows are covered one after another, with the same weights.
 */
const weightsOf = new WeakMap<Question, Map<(word: string) => number, { weights: number[]; lone: boolean[] }>>()

function termWeights(q: Question, weight: (word: string) => number): { weights: number[]; lone: boolean[] } {
  let byWeight = weightsOf.get(q)
  if (!byWeight) weightsOf.set(q, (byWeight = new Map()))
  let weights = byWeight.get(weight)
  if (!weights) {
    weights = { weights: q.terms.map((group) => Math.max(...group.map(weight))), lone: q.terms.map((group) => group.every((term) => term.length === 1)) }
    byWeight.set(weight, weights)
  }
  return weights
}

/** What a text naming the thing a problem is about (招工, 用工) earns for the problem (招工难). */
const PROBLEM_STEM_SHARE = 0.7

/**
 * Partial credit for a problem word (招工难, 用工荒, 融资贵: glossary problemEndings) when the text
 * names what it is about but not the problem (成立企业用工服务专班，开通“园区招工直通车”).
 */
function problemShare(term: string, text: string): number {
  if (term.length < 3) return 0
  const stem = term.slice(0, -1)
  return stem.length >= 2 && glossary.problemEndings.includes(term.slice(-1)) && text.includes(stem) ? PROBLEM_STEM_SHARE : 0
}

/** Does a text hold a word of three or more characters nearly (two thirds of its character pairs)? */
export function nearlyHolds(term: string, text: string): boolean {
  return bigramShare(term, text) > 0
}

/**
 * Partial credit for a word of three or more characters the text does not hold verbatim but
 * nearly does (标准厂房 in 标准化厂房, 新建 vs 新盖 gets nothing): the share of its character pairs
 * found, counted only from two thirds up.
 */
function bigramShare(term: string, text: string): number {
  // Most question words have two characters: no look-up for those.
  if (term.length < 3) return 0
  const pairs = pairsOf(term)
  if (pairs.length < 2) return 0
  let held = 0
  for (const pair of pairs) if (text.includes(pair)) held++
  const share = held / pairs.length
  return share >= 2 / 3 ? share : 0
}

/** A word's character pairs (none for a word under three characters). */
const pairsOf = memoizeByText((term: string): readonly string[] => {
  const chars = Array.from(term)
  if (chars.length < 3) return []
  return chars.slice(1).map((char, i) => chars[i]! + char)
})
