import { Embeddings } from '@langchain/core/embeddings'
import { termFrequencies, queryTerms } from '../text/tokenize.js'

/**
 * The default, offline embedder: TF-IDF weights of jieba words and CJK bigrams, hashed into a
 * fixed number of dimensions with a sign bit (so collisions cancel out on average rather than
 * add up), then L2-normalised so that cosine similarity is a dot product. Deterministic: the same
 * text and IDF table give the same vector on every machine. The IDF table is learned at ingest
 * and saved with the index; without it a query could not be weighted like the passages were.
 */

export const LOCAL_EMBEDDER_ID = 'local-hashed-tfidf-v1'
export const LOCAL_DIMENSIONS = 1024

export interface LocalEmbedderState {
  id: typeof LOCAL_EMBEDDER_ID
  dimensions: number
  documents: number
  /** Document frequency of every term seen at ingest. */
  df: Record<string, number>
}

/** 32-bit FNV-1a: fast, stable across platforms and Node versions. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

export class LocalHashEmbeddings extends Embeddings {
  readonly dimensions: number
  private readonly idf = new Map<string, number>()
  private readonly unseenIdf: number
  /** How many texts were embedded: lets callers (and tests) see that reuse really skipped work. */
  embeddedCount = 0

  constructor(readonly state: LocalEmbedderState) {
    super({})
    this.dimensions = state.dimensions
    for (const [term, df] of Object.entries(state.df)) this.idf.set(term, Math.log((state.documents + 1) / (df + 1)) + 1)
    this.unseenIdf = Math.log(state.documents + 1) + 1
  }

  /** Learns document frequencies from the texts that will be indexed. */
  static fit(texts: string[], dimensions: number = LOCAL_DIMENSIONS): LocalHashEmbeddings {
    return LocalHashEmbeddings.fitTerms(texts.map(termFrequencies), dimensions)
  }

  /** The same from the passages' term frequencies, when the caller has them already (an ingest does). */
  static fitTerms(passages: ReadonlyArray<ReadonlyMap<string, number>>, dimensions: number = LOCAL_DIMENSIONS): LocalHashEmbeddings {
    const df: Record<string, number> = Object.create(null)
    for (const tf of passages) for (const term of tf.keys()) df[term] = (df[term] ?? 0) + 1
    return new LocalHashEmbeddings({ id: LOCAL_EMBEDDER_ID, dimensions, documents: passages.length, df })
  }

  embed(text: string): number[] {
    return this.embedTerms(termFrequencies(text))
  }

  /** The vector of a text from its term frequencies (see `termFrequencies`). */
  embedTerms(tf: ReadonlyMap<string, number>): number[] {
    const vector = new Array<number>(this.dimensions).fill(0)
    for (const [term, count] of tf) {
      const weight = (1 + Math.log(count)) * (this.idf.get(term) ?? this.unseenIdf)
      const hash = fnv1a(term)
      vector[hash % this.dimensions]! += hash & 0x80000000 ? -weight : weight
    }
    let norm = 0
    for (const value of vector) norm += value * value
    norm = Math.sqrt(norm)
    if (norm === 0) {
      // A text without any term (only punctuation): a fixed unit vector keeps cosine defined.
      vector[0] = 1
      return vector
    }
    return vector.map((value) => value / norm)
  }

  /** Passage vectors from their term frequencies (an ingest has them already). */
  embedPassages(passages: ReadonlyArray<ReadonlyMap<string, number>>): number[][] {
    this.embeddedCount += passages.length
    return passages.map((tf) => this.embedTerms(tf))
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return this.embedPassages(texts.map(termFrequencies))
  }

  async embedQuery(text: string): Promise<number[]> {
    return this.embedTerms(queryTerms(text))
  }
}
