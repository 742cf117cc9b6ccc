import { indexedText, type Passage } from '../src/ingest/chunk.js'
import { SENTENCE, spans } from '../src/text/sentences.js'

/** Deterministic 32-bit PRNG (mulberry32): the same seed gives the same synthetic corpus everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

interface SeedSentence {
  text: string
  chunk: Passage
  /** Index of the sentence in the list `seedSentences` returns. */
  index: number
}

function seedSentences(seed: readonly Passage[]): SeedSentence[] {
  const out: SeedSentence[] = []
  for (const chunk of seed) {
    for (const { start, end } of spans(chunk.text, SENTENCE)) {
      const text = chunk.text.slice(start, end).trim()
      // Fragments (a lone figure, a heading) would make passages unlike the real ones.
      // Only whole sentences, ended by their punctuation: then a passage's terms are exactly the
      // sum of its sentences' terms (jieba and the bigrams never reach across 。！？；).
      if (text.length >= 8 && /[。！？!?；;]["”’」』）)]*$/.test(text)) out.push({ text, chunk, index: out.length })
    }
  }
  return out
}

export interface SyntheticChunk extends Passage {
  /** Which seed sentences the text is made of, in order (see `syntheticChunks().sentences`). */
  parts: number[]
}

/**
 * `count` passages recombined from the seed passages' sentences: each takes the title and park of
 * the seed passage its first sentence came from, then draws random sentences until it reaches a
 * length drawn from the real chunker's range (150–400 characters). The words, their frequencies
 * and the passage lengths are the corpus's own; only the combinations are new.
 */
export function syntheticChunks(seed: readonly Passage[], count: number, random: () => number = seededRandom(20261123)): { chunks: SyntheticChunk[]; sentences: string[] } {
  const sentences = seedSentences(seed)
  if (sentences.length === 0) throw new Error('syntheticChunks: the seed passages hold no sentences')
  const pick = () => sentences[Math.floor(random() * sentences.length)]!
  const chunks: SyntheticChunk[] = []
  for (let i = 0; i < count; i++) {
    const first = pick()
    const length = 150 + Math.floor(random() * 251)
    const parts = [first.index]
    let text = first.text
    while (text.length < length) {
      const next = pick()
      parts.push(next.index)
      text += next.text
    }
    const source = `synthetic/${String(i % 1000).padStart(4, '0')}.txt`
    chunks.push({ id: `synthetic-${i}`, source, title: first.chunk.title, park: first.chunk.park, section: first.chunk.section, start: 0, end: text.length, text, parts })
  }
  return { chunks, sentences: sentences.map((s) => s.text) }
}

/**
 * The term frequencies of every synthetic passage's indexed text, each sentence and header cut
 * once rather than once per passage: 100,000 passages share a few hundred sentences, and cutting
 * them all again would time jieba (measured by the ingest benchmark), not the index.
 */
export function syntheticTerms(chunks: readonly SyntheticChunk[], sentences: readonly string[], termFrequencies: (text: string) => Map<string, number>): Map<string, number>[]
/** The same, each passage's terms kept as `keep` makes them (each Map is dropped as soon as it is made). */
export function syntheticTerms<T>(chunks: readonly SyntheticChunk[], sentences: readonly string[], termFrequencies: (text: string) => Map<string, number>, keep: (terms: Map<string, number>) => T): T[]
export function syntheticTerms(chunks: readonly SyntheticChunk[], sentences: readonly string[], termFrequencies: (text: string) => Map<string, number>, keep: (terms: Map<string, number>) => unknown = (terms) => terms): unknown[] {
  const sentenceTerms = sentences.map(termFrequencies)
  const headerTerms = new Map<string, Map<string, number>>()
  return chunks.map((chunk) => {
    const header = indexedText({ ...chunk, text: '' })
    let tf = headerTerms.get(header)
    if (!tf) headerTerms.set(header, (tf = termFrequencies(header)))
    const sum = new Map(tf)
    for (const part of chunk.parts) for (const [term, n] of sentenceTerms[part]!) sum.set(term, (sum.get(term) ?? 0) + n)
    return keep(sum)
  })
}
