import { Jieba } from '@node-rs/jieba'
import { dict } from '@node-rs/jieba/dict.js'

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

const CJK_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g
const HAS_WORD_CHAR = /[\p{L}\p{N}]/u

// Function words that carry no topic; kept short on purpose — 不/没 and the like change meaning.
const STOPWORDS = new Set(['的', '了', '和', '与', '及', '是', '在', '为', '对', '把', '将', '也', '都', '就', '而', '并', '其', '等', '之', '着', '以', '于', 'the', 'a', 'an', 'of', 'in', 'and', 'to', 'is', 'for'])

export function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase()
}

/** jieba words without punctuation, whitespace or stopwords. */
export function words(text: string): string[] {
  return segmenter()
    .cut(normalize(text), true)
    .map((word) => word.trim())
    .filter((word) => word !== '' && HAS_WORD_CHAR.test(word) && !STOPWORDS.has(word))
}

/** jieba words with their part-of-speech tags (ns: place name, nr: person name …). */
export function tagged(text: string): Array<{ word: string; tag: string }> {
  return segmenter().tag(normalize(text))
}

/** Overlapping character pairs of every CJK run (a lone CJK character stands for itself). */
export function bigrams(text: string): string[] {
  const out: string[] = []
  for (const run of normalize(text).match(CJK_RUN) ?? []) {
    const chars = Array.from(run)
    if (chars.length === 1) out.push(run)
    for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!)
  }
  return out
}

/** Terms for lexical matching; the prefixes keep a word and an equal bigram apart. */
export function terms(text: string): string[] {
  return [...words(text).map((w) => `w:${w}`), ...bigrams(text).map((b) => `b:${b}`)]
}

export function termFrequencies(text: string): Map<string, number> {
  const tf = new Map<string, number>()
  for (const term of terms(text)) tf.set(term, (tf.get(term) ?? 0) + 1)
  return tf
}
