import { numbered, queryTerms, termFrequencies, type TermCounts } from '../text/tokenize.js'
import { work } from '../text/work.js'
import { packArrays, unpackArrays } from './arrays-file.js'
import { BestK } from './best-k.js'

/**
 * Okapi BM25 over the same terms as the local embedder (jieba words + CJK bigrams). Exact terms
 * matter in this corpus — a figure, a company name, 规模工业 vs 工业 — and BM25 ranks them
 * where a hashed vector blurs them.
 *
 * Laid out for 100,000 passages and more: postings are typed arrays (passage ids ascending, with
 * their term counts) in one block, scores accumulate in a Float64Array, the k best are selected
 * with a heap, and a question's common terms (CJK bigrams such as 高新 or 园区 reach most passages)
 * are pruned exactly: once no passage that has not yet scored could reach the k-th best score,
 * those terms only complete the scores of the passages that still can (MaxScore's bound, applied
 * term at a time). Each such term's list is searched for those passages by galloping (both
 * ascend, so a search costs the log of the gap to the next one) unless the list is short enough
 * that walking it whole is cheaper. The result is the same ranking and scores as scoring every
 * posting.
 */

export interface Bm25Hit {
  /** Position of the passage in the order it was indexed. */
  index: number
  score: number
}

/** The index as it is stored: typed arrays in one binary file (see `serialize`). */
export interface Bm25Data {
  k1: number
  b: number
  /** Terms, by term id. */
  terms: string[]
  /** Term count of each passage. */
  lengths: Uint32Array
  /** Term id t's postings are docs/counts[offsets[t] … offsets[t+1]). */
  offsets: Uint32Array
  /** Passage ids, ascending within each term. */
  docs: Uint32Array
  /** The term's count in that passage (capped at 65,535). */
  counts: Uint16Array
}

const MAGIC = 'PQBM25v1'
/** Postings shorter than this are walked without first checking whether they can be pruned. */
const PRUNE_FROM = 1536
/** A galloping search costs about this many postings' walk: lists shorter than the pool times it are walked whole. */
const GALLOP_COST = 4
/** Room for rounding in the bound (sums of the same terms in another order differ in the last bits). */
const slack = (bound: number) => bound * (1 + 1e-9) + 1e-12

export class Bm25Index {
  private readonly averageLength: number
  private readonly ids = new Map<string, number>()
  private readonly idf: Float64Array
  /** The largest score each term adds to any passage: the bound pruning rests on. */
  private readonly maxImpact: Float64Array
  /** k1 · (1 − b + b · length / average) per passage, the length part of every score. */
  private readonly lengthNorm: Float64Array
  /** Scratch score per passage, zero between searches. */
  private readonly scores: Float64Array

  constructor(readonly data: Bm25Data) {
    const { k1, b, terms, lengths, offsets, docs, counts } = data
    const n = lengths.length
    let total = 0
    for (let i = 0; i < n; i++) total += lengths[i]!
    this.averageLength = n === 0 ? 0 : total / n
    this.lengthNorm = new Float64Array(n)
    for (let i = 0; i < n; i++) this.lengthNorm[i] = k1 * (1 - b + (b * lengths[i]!) / (this.averageLength || 1))
    this.idf = new Float64Array(terms.length)
    this.maxImpact = new Float64Array(terms.length)
    for (let t = 0; t < terms.length; t++) {
      this.ids.set(terms[t]!, t)
      const df = offsets[t + 1]! - offsets[t]!
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5))
      this.idf[t] = idf
      let best = 0
      for (let p = offsets[t]!; p < offsets[t + 1]!; p++) {
        const tf = counts[p]!
        const impact = (idf * tf * (k1 + 1)) / (tf + this.lengthNorm[docs[p]!]!)
        if (impact > best) best = impact
      }
      this.maxImpact[t] = best
    }
    this.scores = new Float64Array(n)
  }

  get passageCount(): number {
    return this.data.lengths.length
  }

  /** How telling a word is: its IDF, or that of a word no passage holds when it is unknown. */
  wordWeight(word: string): number {
    const id = this.ids.get(`w:${word}`)
    return id === undefined ? Math.log(1 + (this.passageCount + 0.5) / 0.5) : this.idf[id]!
  }

  /** In how many passages a word occurs (0 when none). */
  wordPassages(word: string): number {
    const id = this.ids.get(`w:${word}`)
    return id === undefined ? 0 : this.data.offsets[id + 1]! - this.data.offsets[id]!
  }

  static build(texts: string[], k1 = 1.2, b = 0.75): Bm25Index {
    return Bm25Index.fromTerms(texts.map(termFrequencies), k1, b)
  }

  /** The index of passages given by their term frequencies, in order. */
  static fromTerms(given: ReadonlyArray<TermCounts>, k1 = 1.2, b = 0.75): Bm25Index {
    // Terms by their number in the passages' dictionary, then renumbered in the order first seen.
    const { dictionary, passages } = numbered(given)
    const ids = new Int32Array(dictionary.terms.length).fill(-1)
    const terms: string[] = []
    const df: number[] = []
    const lengths = new Uint32Array(passages.length)
    passages.forEach((tf, index) => {
      let length = 0
      tf.forEachId((count, number) => {
        let id = ids[number]!
        if (id < 0) {
          id = ids[number] = terms.length
          terms.push(dictionary.terms[number]!)
          df.push(0)
        }
        df[id]!++
        length += count
      })
      lengths[index] = length
    })
    const offsets = new Uint32Array(terms.length + 1)
    for (let t = 0; t < terms.length; t++) offsets[t + 1] = offsets[t]! + df[t]!
    const docs = new Uint32Array(offsets[terms.length]!)
    const counts = new Uint16Array(docs.length)
    const next = offsets.slice(0, terms.length)
    // Passages in order: each term's postings come out with ascending passage ids.
    passages.forEach((tf, index) => {
      tf.forEachId((count, number) => {
        const at = next[ids[number]!]!++
        docs[at] = index
        counts[at] = Math.min(count, 0xffff)
      })
    })
    return new Bm25Index({ k1, b, terms, lengths, offsets, docs, counts })
  }

  /** The index as one binary file: a JSON header (parameters, terms), then the arrays (arrays-file.ts). */
  serialize(): Buffer {
    const { k1, b, terms, lengths, offsets, docs, counts } = this.data
    return packArrays(MAGIC, { k1, b, passages: lengths.length, terms, postings: docs.length }, [lengths, offsets, docs, counts])
  }

  static deserialize(file: Buffer): Bm25Index {
    const { header, take } = unpackArrays<{ k1: number; b: number; passages: number; terms: string[]; postings: number }>(file, MAGIC, 'BM25 index')
    const lengths = take(Uint32Array, header.passages)
    const offsets = take(Uint32Array, header.terms.length + 1)
    const docs = take(Uint32Array, header.postings)
    const counts = take(Uint16Array, header.postings)
    return new Bm25Index({ k1: header.k1, b: header.b, terms: header.terms, lengths, offsets, docs, counts })
  }

  search(query: string, k: number, accept?: (index: number) => boolean): Bm25Hit[] {
    const terms: number[] = []
    for (const term of queryTerms(query).keys()) {
      const id = this.ids.get(term)
      if (id !== undefined) terms.push(id)
    }
    if (terms.length === 0 || k <= 0) return []
    // Most telling first: rare terms decide which passages can make the k best.
    terms.sort((x, y) => this.maxImpact[y]! - this.maxImpact[x]! || x - y)
    try {
      return this.scored(terms, k, accept)
    } finally {
      // Also when a filter throws: the next search starts from zero.
      this.scores.fill(0)
    }
  }

  /** Adds term t's part of the score to every passage in its postings. */
  private walk(t: number): void {
    const { k1, offsets, docs, counts } = this.data
    const { scores, lengthNorm } = this
    const scale = this.idf[t]! * (k1 + 1)
    const to = offsets[t + 1]!
    for (let p = offsets[t]!; p < to; p++) {
      const d = docs[p]!
      const tf = counts[p]!
      scores[d]! += (scale * tf) / (tf + lengthNorm[d]!)
    }
    work.postingsRead += to - offsets[t]!
  }

  /** The k best passages for the question's terms (ids), scores accumulated into `this.scores`. */
  private scored(terms: number[], k: number, accept?: (index: number) => boolean): Bm25Hit[] {
    const { k1, offsets, docs, counts } = this.data
    const { scores, lengthNorm } = this
    const n = scores.length
    let remaining = 0
    for (const t of terms) remaining += this.maxImpact[t]!

    let i = 0
    let walkedSinceCheck = 0
    let threshold = 0
    for (; i < terms.length; i++) {
      const t = terms[i]!
      const from = offsets[t]!
      const to = offsets[t + 1]!
      // The bound costs a pass over every passage's score: checked only once as many postings as
      // there are passages have been walked since the last check, so checks cost at most the walk.
      if (walkedSinceCheck >= n && to - from >= PRUNE_FROM) {
        walkedSinceCheck = 0
        threshold = kthBest(scores, k, accept)
        if (threshold > slack(remaining)) break
      }
      this.walk(t)
      walkedSinceCheck += to - from
      remaining -= this.maxImpact[t]!
    }

    if (i === terms.length) return topKOfAll(scores, k, accept)
    // No passage below `floor` can reach the k-th best: the remaining terms only complete the others.
    // (Never below the smallest positive score: a passage that has not scored is not one of them.)
    const floor = Math.max(Number.MIN_VALUE, threshold - slack(remaining))
    const pool: number[] = []
    for (let d = 0; d < n; d++) if (scores[d]! >= floor && (!accept || accept(d))) pool.push(d)
    for (; i < terms.length; i++) {
      const t = terms[i]!
      const scale = this.idf[t]! * (k1 + 1)
      const from = offsets[t]!
      const to = offsets[t + 1]!
      if (pool.length * GALLOP_COST >= to - from) {
        // A list not much longer than the pool is cheaper walked whole. Passages outside the pool
        // gain too, harmlessly: only the pool is ranked.
        this.walk(t)
        continue
      }
      work.postingsRead += pool.length
      let p = from
      for (const d of pool) {
        p = gallop(docs, p, to, d)
        if (p < to && docs[p] === d) {
          const tf = counts[p]!
          scores[d]! += (scale * tf) / (tf + lengthNorm[d]!)
        }
      }
    }
    return topK(pool, k, scores)
  }
}

/**
 * First position in docs[from, to) holding a passage id ≥ d (postings are ascending), searched
 * from `from` in growing steps: the pool's passages ascend too, so each search starts where the
 * last ended and costs the log of the gap, not of the list.
 */
function gallop(docs: Uint32Array, from: number, to: number, d: number): number {
  if (from >= to || docs[from]! >= d) return from
  let lo = from
  let step = 1
  while (lo + step < to && docs[lo + step]! < d) {
    lo += step
    step *= 2
  }
  let hi = Math.min(to, lo + step)
  lo++
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (docs[mid]! < d) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** The k best of the scored passages that `accept` keeps. */
function topKOfAll(scores: Float64Array, k: number, accept?: (index: number) => boolean): Bm25Hit[] {
  const best = new BestK(k, scores)
  // The floor only rises when a passage is offered: read again then, not for every passage.
  let floor = Number.MIN_VALUE
  for (let d = 0; d < scores.length; d++) {
    // Ties with the floor go through `offer`, which breaks them by passage id.
    if (scores[d]! >= floor && (!accept || accept(d))) {
      best.offer(d)
      floor = Math.max(Number.MIN_VALUE, best.floor)
    }
  }
  return best.hits()
}

/** The k-th best score among accepted passages (0 when fewer than k have scored). */
function kthBest(scores: Float64Array, k: number, accept?: (index: number) => boolean): number {
  const hits = topKOfAll(scores, k, accept)
  return hits.length < k ? 0 : hits[hits.length - 1]!.score
}

function topK(pool: readonly number[], k: number, scores: Float64Array): Bm25Hit[] {
  const best = new BestK(k, scores)
  for (const d of pool) best.offer(d)
  return best.hits()
}
