import { queryTerms, termFrequencies } from '../text/tokenize.js'

/**
 * Okapi BM25 over the same terms as the local embedder (jieba words + CJK bigrams). Exact terms
 * matter in this corpus — a figure, a company name, 规模工业 vs 工业 — and BM25 ranks them
 * where a hashed vector blurs them.
 */

export interface Bm25Hit {
  /** Position of the passage in the order it was indexed. */
  index: number
  score: number
}

export interface Bm25Data {
  k1: number
  b: number
  lengths: number[]
  /** term → flat [passage, tf, passage, tf, …] */
  postings: Record<string, number[]>
}

export class Bm25Index {
  private readonly averageLength: number
  private readonly idf = new Map<string, number>()
  private scores?: Float64Array

  constructor(readonly data: Bm25Data) {
    const n = data.lengths.length
    this.averageLength = n === 0 ? 0 : data.lengths.reduce((a, b) => a + b, 0) / n
    for (const [term, posting] of Object.entries(data.postings)) {
      const df = posting.length / 2
      this.idf.set(term, Math.log(1 + (n - df + 0.5) / (df + 0.5)))
    }
  }

  /** How telling a word is: its IDF, or that of a word no passage holds when it is unknown. */
  wordWeight(word: string): number {
    const n = this.data.lengths.length
    return this.idf.get(`w:${word}`) ?? Math.log(1 + (n + 0.5) / 0.5)
  }

  /** In how many passages a word occurs (0 when none). */
  wordPassages(word: string): number {
    return (this.data.postings[`w:${word}`]?.length ?? 0) / 2
  }

  static build(texts: string[], k1 = 1.2, b = 0.75): Bm25Index {
    return Bm25Index.fromTerms(texts.map(termFrequencies), k1, b)
  }

  /** The index of passages given by their term frequencies, in order. */
  static fromTerms(passages: ReadonlyArray<ReadonlyMap<string, number>>, k1 = 1.2, b = 0.75): Bm25Index {
    const postings: Record<string, number[]> = Object.create(null)
    const lengths: number[] = []
    passages.forEach((tf, index) => {
      let length = 0
      for (const [term, count] of tf) {
        ;(postings[term] ??= []).push(index, count)
        length += count
      }
      lengths.push(length)
    })
    return new Bm25Index({ k1, b, lengths, postings })
  }

  search(query: string, k: number, accept?: (index: number) => boolean): Bm25Hit[] {
    const { k1, b, lengths, postings } = this.data
    // Scores in an array by passage, and the passages touched in a list: a Map per query cost more
    // than the scoring. The array is kept between queries and zeroed where it was written; every
    // term adds a positive score, so a passage still at 0 is one not touched yet.
    const scores = (this.scores ??= new Float64Array(lengths.length))
    const touched: number[] = []
    for (const term of queryTerms(query).keys()) {
      const posting = postings[term]
      if (!posting) continue
      const idf = this.idf.get(term)!
      for (let i = 0; i < posting.length; i += 2) {
        const index = posting[i]!
        const tf = posting[i + 1]!
        const norm = tf + k1 * (1 - b + (b * lengths[index]!) / this.averageLength)
        if (scores[index] === 0) touched.push(index)
        scores[index] = scores[index]! + (idf * tf * (k1 + 1)) / norm
      }
    }
    const hits: Bm25Hit[] = []
    for (const index of touched) {
      const score = scores[index]!
      scores[index] = 0
      if (!accept || accept(index)) hits.push({ index, score })
    }
    return hits.sort((x, y) => y.score - x.score || x.index - y.index).slice(0, k)
  }
}
