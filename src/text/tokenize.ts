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

/** Terms with their counts, as a Map gives them (`forEach(count, term)`): all that indexing reads of them. */
export type TermCounts = Pick<ReadonlyMap<string, number>, 'forEach'>

/**
 * Two texts' term counts added up (a passage's and its header's), in the order a Map of the first
 * with the second added would hold them, without making that Map: an ingest would make one per
 * passage twice over, and keep them all until the index is built.
 */
export function sumOfTerms(first: ReadonlyMap<string, number>, second: ReadonlyMap<string, number>): TermCounts {
  return {
    forEach(visit) {
      first.forEach((count, term, map) => visit(count + (second.get(term) ?? 0), term, map))
      second.forEach((count, term, map) => {
        if (!first.has(term)) visit(count, term, map)
      })
    },
  }
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
