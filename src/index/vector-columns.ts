import { packArrays, unpackArrays } from './arrays-file.js'
import { BestK } from './best-k.js'
import type { SparseVector } from './projection.js'

/**
 * Passage vectors stored by dimension: for each dimension, which passages have a nonzero value
 * there and what it is. The local embedder's hashed vectors touch a few hundred of their 1,024
 * dimensions and a question's a few dozen, so every passage's exact cosine with a question is a
 * few dozen short runs through these. HNSW, asked instead, approximates (over the hashed vectors
 * of a few thousand passages it finds fewer than half of the true 40 nearest) and takes its
 * question as 1,024 numbers to convert. Written by ingest (vectors.bin), the only copy of an
 * index's hashed vectors (no graph is built over them), and loaded as it is.
 */
export class VectorColumns {
  private constructor(
    /** starts[d] … starts[d + 1]: dimension d's entries. */
    private readonly starts: Int32Array,
    private readonly labels: Int32Array,
    private readonly values: Float32Array,
    /** How many passages (labels 0 … passages − 1). */
    readonly passages: number,
  ) {}

  /**
   * The columns of these vectors (passage i is label i), given as their nonzero entries (dimensions
   * ascending within each), each scaled to unit length as HNSW's cosine space stores it.
   */
  static fromSparse(vectors: readonly SparseVector[], dimensions: number): VectorColumns {
    const starts = new Int32Array(dimensions + 1)
    for (const { indices } of vectors) for (let i = 0; i < indices.length; i++) starts[indices[i]! + 1]!++
    for (let d = 0; d < dimensions; d++) starts[d + 1]! += starts[d]!
    const next = starts.slice(0, dimensions)
    const labels = new Int32Array(starts[dimensions]!)
    const values = new Float32Array(starts[dimensions]!)
    vectors.forEach(({ indices, values: weights }, label) => {
      const scale = 1 / (norm(weights) || 1)
      for (let i = 0; i < indices.length; i++) {
        const at = next[indices[i]!]!++
        labels[at] = label
        values[at] = weights[i]! * scale
      }
    })
    return new VectorColumns(starts, labels, values, vectors.length)
  }

  /** Every passage's vector as its nonzero entries (unit length, dimensions ascending), by label: what an ingest reuses. */
  rows(): SparseVector[] {
    const { starts, labels, values } = this
    const rows = Array.from({ length: this.passages }, (): { indices: number[]; values: number[] } => ({ indices: [], values: [] }))
    for (let d = 0; d + 1 < starts.length; d++) {
      for (let at = starts[d]!; at < starts[d + 1]!; at++) {
        const row = rows[labels[at]!]!
        row.indices.push(d)
        row.values.push(values[at]!)
      }
    }
    return rows
  }

  /** The k passages (that `accept` keeps) nearest to `query` by cosine, best first, ties in passage order. */
  nearest({ indices, values: weights }: SparseVector, k: number, accept?: (label: number) => boolean): Array<{ index: number; score: number }> {
    const { starts, labels, values } = this
    const scores = new Float64Array(this.passages)
    const scale = 1 / (norm(weights) || 1)
    for (let i = 0; i < indices.length; i++) {
      const d = indices[i]!
      const weight = weights[i]! * scale
      // A dimension beyond the stored ones holds no passage.
      for (let at = starts[d] ?? 0, end = starts[d + 1] ?? 0; at < end; at++) scores[labels[at]!]! += weight * values[at]!
    }
    const best = new BestK(k, scores)
    for (let label = 0; label < this.passages; label++) if (!accept || accept(label)) best.offer(label)
    return best.hits()
  }

  get dimensions(): number {
    return this.starts.length - 1
  }

  /** One binary file (arrays-file.ts). */
  serialize(): Buffer {
    return packArrays(MAGIC, { passages: this.passages, dimensions: this.starts.length - 1, entries: this.labels.length }, [this.starts, this.labels, this.values])
  }

  static deserialize(file: Buffer): VectorColumns {
    const { header, take } = unpackArrays<{ passages: number; dimensions: number; entries: number }>(file, MAGIC, 'vector columns')
    const starts = take(Int32Array, header.dimensions + 1)
    const labels = take(Int32Array, header.entries)
    const values = take(Float32Array, header.entries)
    return new VectorColumns(starts, labels, values, header.passages)
  }
}

const MAGIC = 'PQVC1\n'

/** A vector's nonzero entries, dimensions ascending. */
export function nonzeros(vector: ArrayLike<number>): SparseVector {
  const indices: number[] = []
  const values: number[] = []
  for (let d = 0; d < vector.length; d++) {
    if (vector[d] === 0) continue
    indices.push(d)
    values.push(vector[d]!)
  }
  return { indices, values }
}

/** The vector of `dimensions` numbers whose nonzero entries these are. */
export function densify({ indices, values }: SparseVector, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0)
  for (let i = 0; i < indices.length; i++) vector[indices[i]!] = values[i]!
  return vector
}

function norm(vector: ArrayLike<number>): number {
  let sum = 0
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!
  return Math.sqrt(sum)
}
