import { Jieba } from '@node-rs/jieba'
import { dict } from '@node-rs/jieba/dict.js'
import { memoizeByText } from './memo.js'
import { stopwords } from './stopwords.js'

/**
 * Tokenisation shared by the local embedder, BM25 and (later) retrieval, so that a question and a
 * passage are always cut the same way: jieba words plus CJK character bigrams. Bigrams rescue
 * words jieba does not know (company and park names) and short forms such as 固投 or 规工.
 */

let jieba: Jieba | undefined
function segmenter(): Jieba {
  jieba ??= Jieba.withDict(dict)
  return jieba
}

/**
 * Loads jieba's dictionary now (about half a second on a quiet core) rather than in the first
 * question: a service that says it is ready should answer at its usual speed.
 */
export function loadSegmenter(): void {
  segmenter()
}

const CJK_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g
const HAS_WORD_CHAR = /[\p{L}\p{N}]/u

export function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase()
}

/** jieba words of already normalised text, without punctuation, whitespace or stopwords. */
function eachWord(normalized: string, use: (word: string) => void): void {
  for (const cut of segmenter().cut(normalized, true)) {
    const word = cut.trim()
    if (word !== '' && HAS_WORD_CHAR.test(word) && !stopwords.functionWords.has(word)) use(word)
  }
}

/** Overlapping character pairs of every CJK run of normalised text (a lone character stands for itself). */
function eachBigram(normalized: string, use: (bigram: string) => void): void {
  // Every character CJK_RUN matches is in the BMP: one UTF-16 unit each.
  for (const run of normalized.match(CJK_RUN) ?? []) {
    if (run.length === 1) use(run)
    for (let i = 0; i + 1 < run.length; i++) use(run.slice(i, i + 2))
  }
}

/** jieba words without punctuation, whitespace or stopwords. */
export function words(text: string): string[] {
  const out: string[] = []
  eachWord(normalize(text), (word) => out.push(word))
  return out
}

/**
 * Where jieba's words of `text` start (offsets into `text` as given): a name found inside a word
 * (道里 in 报道里) is not that name.
 */
export function wordStarts(text: string): Set<number> {
  const starts = new Set<number>()
  let at = 0
  for (const cut of segmenter().cut(text, true)) {
    starts.add(at)
    at += cut.length
  }
  return starts
}

/** jieba words with their part-of-speech tags (ns: place name, nr: person name …). */
export function tagged(text: string): Array<{ word: string; tag: string }> {
  return segmenter().tag(normalize(text))
}

/** Terms with their counts, visited in order (a Map of them is one): all that indexing reads of them. */
export interface TermCounts {
  forEach(visit: (count: number, term: string) => void): void
}

/**
 * Terms numbered in the order they are first seen, one table for a whole ingest: a passage's terms
 * are then kept as numbers (PassageTerms) rather than as a Map of strings of its own, which an
 * ingest would hold for every passage until the index is built.
 */
export class TermDictionary {
  private readonly ids = new Map<string, number>()
  readonly terms: string[] = []

  idOf(term: string): number {
    let id = this.ids.get(term)
    if (id === undefined) {
      id = this.terms.length
      this.ids.set(term, id)
      this.terms.push(term)
    }
    return id
  }

  /** The id of a term seen before; undefined for one never seen. */
  find(term: string): number | undefined {
    return this.ids.get(term)
  }
}

/**
 * A passage's term counts as dictionary numbers, in the order they were given: what an ingest's
 * passages are. Indexing reads them by number, working a term's hash and weight out once rather
 * than once per passage.
 */
export class PassageTerms implements TermCounts {
  private constructor(
    readonly dictionary: TermDictionary,
    private readonly ids: Uint32Array,
    private readonly counts: Uint32Array,
  ) {}

  /** These term counts, numbered in `dictionary`. */
  static of(counts: TermCounts, dictionary: TermDictionary): PassageTerms {
    const ids: number[] = []
    const values: number[] = []
    counts.forEach((count, term) => {
      ids.push(dictionary.idOf(term))
      values.push(count)
    })
    return new PassageTerms(dictionary, Uint32Array.from(ids), Uint32Array.from(values))
  }

  /** `termFrequencies` of a text, numbered in `dictionary` as they are counted (no Map of its own). */
  static ofText(text: string, dictionary: TermDictionary): PassageTerms {
    const normalized = normalize(text)
    const order: number[] = []
    const counts: number[] = []
    // Where each number seen in this text stands in `order` (−1: not seen); reset after.
    let at = positionsFor(dictionary, 0)
    const count = (term: string) => {
      const id = dictionary.idOf(term)
      at = positionsFor(dictionary, id)
      const slot = at[id]!
      if (slot < 0) {
        at[id] = order.length
        order.push(id)
        counts.push(1)
      } else counts[slot]!++
    }
    eachWord(normalized, (word) => count(`w:${word}`))
    eachBigram(normalized, (bigram) => count(`b:${bigram}`))
    for (const id of order) at[id] = -1
    return new PassageTerms(dictionary, Uint32Array.from(order), Uint32Array.from(counts))
  }

  forEach(visit: (count: number, term: string) => void): void {
    const { terms } = this.dictionary
    for (let i = 0; i < this.ids.length; i++) visit(this.counts[i]!, terms[this.ids[i]!]!)
  }

  /** The same visit as forEach, with each term's number instead of its text. */
  forEachId(visit: (count: number, id: number) => void): void {
    for (let i = 0; i < this.ids.length; i++) visit(this.counts[i]!, this.ids[i]!)
  }

  /**
   * These counts with a header's added, in the order a Map of these with the header's added would
   * hold them (this passage's terms, then the header's others): an ingest embeds and indexes each
   * passage with a header (its park, title, section).
   */
  withHeader(header: ReadonlyMap<string, number>): PassageTerms {
    const { dictionary } = this
    const ids = Array.from(this.ids)
    const counts = Array.from(this.counts)
    let at = positionsFor(dictionary, 0)
    ids.forEach((id, i) => {
      at = positionsFor(dictionary, id)
      at[id] = i
    })
    header.forEach((count, term) => {
      const id = dictionary.idOf(term)
      at = positionsFor(dictionary, id)
      if (at[id]! >= 0) counts[at[id]!]! += count
      else {
        ids.push(id)
        counts.push(count)
      }
    })
    for (const id of this.ids) at[id] = -1
    return new PassageTerms(dictionary, Uint32Array.from(ids), Uint32Array.from(counts))
  }
}

/** Scratch for PassageTerms, one per dictionary: where each term number stands in the passage at hand (−1: not in it). */
const positions = new WeakMap<TermDictionary, Int32Array>()

/** The dictionary's scratch, long enough for term number `id`. */
function positionsFor(dictionary: TermDictionary, id: number): Int32Array {
  const at = positions.get(dictionary)
  if (at && id < at.length) return at
  const grown = new Int32Array(Math.max(1024, 2 * (at?.length ?? 0), id + 1)).fill(-1)
  if (at) grown.set(at)
  positions.set(dictionary, grown)
  return grown
}

/** Passages' term counts numbered in one dictionary (as they are when they all share one already). */
export function numbered(passages: readonly TermCounts[]): { dictionary: TermDictionary; passages: readonly PassageTerms[] } {
  const first = passages[0] instanceof PassageTerms ? passages[0].dictionary : undefined
  if (first && passages.every((p) => p instanceof PassageTerms && p.dictionary === first)) return { dictionary: first, passages: passages as readonly PassageTerms[] }
  const dictionary = new TermDictionary()
  return { dictionary, passages: passages.map((p) => PassageTerms.of(p, dictionary)) }
}

/**
 * How often each term occurs: words first, then bigrams, each in order of first occurrence. The
 * text is normalised once and no term list is built: this is most of an ingest's work.
 */
export function termFrequencies(text: string): Map<string, number> {
  const normalized = normalize(text)
  const tf = new Map<string, number>()
  const count = (term: string) => tf.set(term, (tf.get(term) ?? 0) + 1)
  eachWord(normalized, (word) => count(`w:${word}`))
  eachBigram(normalized, (bigram) => count(`b:${bigram}`))
  return tf
}

/**
 * `termFrequencies` of a search query, remembered for the few latest: BM25 and the embedder cut the
 * same query one after the other. Callers must not change the map.
 */
export const queryTerms: (query: string) => ReadonlyMap<string, number> = memoizeByText(termFrequencies, 4)
