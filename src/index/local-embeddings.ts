import { Embeddings } from '@langchain/core/embeddings'
import { numbered, PassageTerms, queryTerms, termFrequencies, type TermCounts, type TermDictionary } from '../text/tokenize.js'
import { gram, projectSparse, topEigenvectors, type SparseVector } from './projection.js'

/**
 * The default, offline embedder: TF-IDF weights of jieba words and CJK bigrams, hashed into a
 * fixed number of dimensions with a sign bit (so collisions cancel out on average rather than
 * add up), then L2-normalised so that cosine similarity is a dot product. Deterministic: the same
 * text and IDF table give the same vector on every machine. The IDF table is learned at ingest
 * and saved with the index; without it a query could not be weighted like the passages were.
 *
 * A corpus of PROJECT_FROM passages or more is also projected onto its PROJECTED_DIMENSIONS
 * leading directions (latent semantic analysis, see projection.ts), learned at the same time:
 * HNSW finds the neighbours of sparse hashed vectors among 100,000 badly (recall 0.78 at ef 128)
 * and builds their graph slowly; dense ones it builds in a fraction of the time and searches
 * somewhat better (docs/BENCHMARKS.md). A smaller corpus keeps the hashed vectors, searched exactly by dimension
 * (vector-columns.ts) with no graph.
 */

export const LOCAL_EMBEDDER_ID = 'local-hashed-tfidf-v1'
export const LOCAL_DIMENSIONS = 1024
/** Passages from which a corpus's vectors are projected (below it, exact enough as they are). */
export const PROJECT_FROM = 8192
/** Dimensions of the projected vectors (chosen by recall and speed at 100,000 passages: docs/BENCHMARKS.md). */
export const PROJECTED_DIMENSIONS = 256
/** Passages the projection is learned from, at most: evenly spaced through the corpus. */
const PROJECTION_SAMPLE = 20_000

export interface LocalEmbedderState {
  id: typeof LOCAL_EMBEDDER_ID
  dimensions: number
  documents: number
  /** Document frequency of every term seen at ingest. */
  df: Record<string, number>
  /** For a large corpus: the directions vectors are projected onto (see PROJECT_FROM). */
  projection?: {
    dimensions: number
    /** Float32, one row of `dimensions` per hashed dimension, little-endian, base64. */
    basis: string
  }
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

/** As embedTerms: a text without any term is a fixed unit vector, which keeps cosine defined. */
const orUnit = (hashed: SparseVector): SparseVector => (hashed.indices.length > 0 ? hashed : { indices: [0], values: [1] })

export class LocalHashEmbeddings extends Embeddings {
  /** Of the vectors it returns: the projection's when there is one, else the hashed ones'. */
  readonly dimensions: number
  private readonly hashed: number
  private readonly idf = new Map<string, number>()
  private readonly unseenIdf: number
  /** hashed × dimensions, row-major (a hashed dimension's row is contiguous). */
  private readonly basis?: Float32Array
  private scratch?: Float64Array
  /** Passages' terms' IDF and hash by number, per dictionary (see hashedVector). */
  private readonly byNumber = new WeakMap<TermDictionary, { idf: Float64Array; hash: Uint32Array; known: Uint8Array }>()
  /** How many texts were embedded: lets callers (and tests) see that reuse really skipped work. */
  embeddedCount = 0

  constructor(readonly state: LocalEmbedderState) {
    super({})
    this.hashed = state.dimensions
    this.dimensions = state.projection?.dimensions ?? state.dimensions
    if (state.projection) {
      const bytes = Buffer.from(state.projection.basis, 'base64')
      this.basis = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
      if (this.basis.length !== this.hashed * this.dimensions) throw new Error('local embedder state: projection basis has the wrong size')
    }
    for (const [term, df] of Object.entries(state.df)) this.idf.set(term, Math.log((state.documents + 1) / (df + 1)) + 1)
    this.unseenIdf = Math.log(state.documents + 1) + 1
  }

  /** Learns document frequencies from the texts that will be indexed. */
  static fit(texts: string[], dimensions: number = LOCAL_DIMENSIONS): LocalHashEmbeddings {
    return LocalHashEmbeddings.fitTerms(texts.map(termFrequencies), dimensions)
  }

  /** The same from the passages' term frequencies, when the caller has them already (an ingest does). */
  static fitTerms(given: ReadonlyArray<TermCounts>, dimensions: number = LOCAL_DIMENSIONS): LocalHashEmbeddings {
    // Counted by term number, kept as an object (terms in the order first seen) for JSON.
    const { dictionary, passages } = numbered(given)
    const counts = new Int32Array(dictionary.terms.length)
    const order: number[] = []
    for (const tf of passages) {
      tf.forEachId((_, id) => {
        if (counts[id]!++ === 0) order.push(id)
      })
    }
    const df: Record<string, number> = Object.create(null)
    for (const id of order) df[dictionary.terms[id]!] = counts[id]!
    const state: LocalEmbedderState = { id: LOCAL_EMBEDDER_ID, dimensions, documents: passages.length, df }
    if (passages.length < PROJECT_FROM) return new LocalHashEmbeddings(state)
    const unprojected = new LocalHashEmbeddings(state)
    const step = Math.max(1, Math.ceil(passages.length / PROJECTION_SAMPLE))
    const sample: SparseVector[] = []
    for (let i = 0; i < passages.length; i += step) sample.push(unprojected.hashedVector(passages[i]!))
    const { vectors } = topEigenvectors(gram(sample, dimensions), dimensions, PROJECTED_DIMENSIONS)
    // Eigenvectors are rows; stored transposed, so that a hashed dimension's weights are contiguous.
    const k = vectors.length / dimensions
    const basis = new Float32Array(dimensions * k)
    for (let e = 0; e < k; e++) for (let h = 0; h < dimensions; h++) basis[h * k + e] = vectors[e * dimensions + h]!
    return new LocalHashEmbeddings({ ...state, projection: { dimensions: k, basis: Buffer.from(basis.buffer).toString('base64') } })
  }

  /**
   * Whether a corpus of `passages` has outgrown what this embedder learned (twice the passages it
   * was fitted on, or large enough now to be projected): an ingest then fits a new one and embeds
   * every passage again rather than reuse vectors made for a corpus half its size.
   */
  outgrownBy(passages: number): boolean {
    return passages >= 2 * Math.max(1, this.state.documents) || (!this.state.projection && passages >= PROJECT_FROM)
  }

  embed(text: string): number[] {
    return this.embedTerms(termFrequencies(text))
  }

  /** The vector of a text from its term frequencies (see `termFrequencies`). */
  embedTerms(tf: TermCounts): number[] {
    const hashed = this.hashedVector(tf)
    if (this.basis) return projectSparse(this.basis, this.dimensions, hashed)
    const vector = new Array<number>(this.hashed).fill(0)
    if (hashed.indices.length === 0) {
      // A text without any term (only punctuation): a fixed unit vector keeps cosine defined.
      vector[0] = 1
      return vector
    }
    hashed.indices.forEach((index, i) => (vector[index] = hashed.values[i]!))
    return vector
  }

  /** TF-IDF of the terms hashed into `hashed` dimensions, L2-normalised, as its nonzero entries. */
  private hashedVector(tf: TermCounts): SparseVector {
    // One scratch vector for every text: a text touches a few hundred of its 1,024 dimensions.
    const vector = (this.scratch ??= new Float64Array(this.hashed))
    const touched: number[] = []
    const add = (count: number, idf: number, hash: number) => {
      const weight = (1 + Math.log(count)) * idf
      const slot = hash % this.hashed
      if (vector[slot] === 0) touched.push(slot)
      vector[slot]! += hash & 0x80000000 ? -weight : weight
    }
    if (tf instanceof PassageTerms) {
      // An ingest's passages: each term's IDF and hash worked out once, by its number.
      const { dictionary } = tf
      const terms = this.termsOf(dictionary)
      tf.forEachId((count, id) => {
        if (terms.known[id] !== 1) {
          const term = dictionary.terms[id]!
          terms.idf[id] = this.idf.get(term) ?? this.unseenIdf
          terms.hash[id] = fnv1a(term)
          terms.known[id] = 1
        }
        add(count, terms.idf[id]!, terms.hash[id]!)
      })
    } else tf.forEach((count, term) => add(count, this.idf.get(term) ?? this.unseenIdf, fnv1a(term)))
    touched.sort((x, y) => x - y)
    let norm = 0
    for (const slot of touched) norm += vector[slot]! * vector[slot]!
    norm = Math.sqrt(norm)
    const indices: number[] = []
    const values: number[] = []
    for (const slot of touched) {
      // Terms that cancel out leave a zero, as if never touched.
      if (vector[slot] !== 0) {
        indices.push(slot)
        values.push(vector[slot]! / norm)
      }
      vector[slot] = 0
    }
    return { indices, values }
  }

  /** Each term's IDF and hash by its number in `dictionary`, as far as worked out (`known`). */
  private termsOf(dictionary: TermDictionary): { idf: Float64Array; hash: Uint32Array; known: Uint8Array } {
    const size = dictionary.terms.length
    let terms = this.byNumber.get(dictionary)
    if (!terms || terms.known.length < size) {
      // Sized for the dictionary as it is now; what was worked out before is kept.
      const grown = { idf: new Float64Array(size), hash: new Uint32Array(size), known: new Uint8Array(size) }
      if (terms) {
        grown.idf.set(terms.idf)
        grown.hash.set(terms.hash)
        grown.known.set(terms.known)
      }
      this.byNumber.set(dictionary, (terms = grown))
    }
    return terms
  }

  /** Passage vectors from their term frequencies (an ingest has them already). */
  embedPassages(passages: ReadonlyArray<TermCounts>): number[][] {
    this.embeddedCount += passages.length
    return passages.map((tf) => this.embedTerms(tf))
  }

  /**
   * The same as `embedPassages` for an unprojected embedder, each vector as its nonzero entries:
   * an ingest stores hashed vectors by dimension (vector-columns.ts), and 1,024 numbers per
   * passage, mostly zeros, would only be made to be taken apart again.
   */
  hashedPassages(passages: ReadonlyArray<TermCounts>): SparseVector[] {
    if (this.basis) throw new Error('hashedPassages: this embedder projects its vectors; use embedPassages')
    this.embeddedCount += passages.length
    return passages.map((tf) => orUnit(this.hashedVector(tf)))
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return this.embedPassages(texts.map(termFrequencies))
  }

  /** Whether its vectors are projected (dense), not the hashed ones (sparse). */
  get projected(): boolean {
    return this.basis !== undefined
  }

  /**
   * A question's hashed vector as its few nonzero entries (a question touches a few dozen of the
   * 1,024 dimensions), when vectors are not projected: exact search over the passages' vectors by
   * dimension (vector-columns.ts) takes it so. Undefined for a projected embedder, whose vectors are dense.
   */
  sparseQuery(text: string): SparseVector | undefined {
    if (this.basis) return undefined
    return orUnit(this.hashedVector(queryTerms(text)))
  }

  async embedQuery(text: string): Promise<number[]> {
    return this.embedTerms(queryTerms(text))
  }
}
