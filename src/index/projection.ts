/**
 * Latent semantic analysis for the local embedder: the directions along which a corpus's hashed
 * TF-IDF vectors vary most, learned at ingest, onto which passages and questions are projected.
 * Sparse, nearly orthogonal 1,024-dimension vectors are the worst case for a proximity graph
 * (HNSW's recall at 100,000 passages was 0.78); a few hundred dense dimensions of the same
 * corpus are what the graph can navigate, and they keep what the passages share.
 *
 * The directions are the top eigenvectors of the passages' Gram matrix XᵀX (the right singular
 * vectors of X), found by subspace iteration and a Rayleigh–Ritz step: deterministic (seeded),
 * plain loops over Float64Arrays, no dependency.
 */

/** Passage vectors as their nonzero entries (a hashed vector has ~100 of its 1,024). */
export interface SparseVector {
  indices: Uint16Array | number[]
  values: Float64Array | number[]
}

/** XᵀX (dimensions × dimensions, row-major) of the rows given sparse. */
export function gram(rows: readonly SparseVector[], dimensions: number): Float64Array {
  const c = new Float64Array(dimensions * dimensions)
  for (const { indices, values } of rows) {
    for (let a = 0; a < indices.length; a++) {
      const row = indices[a]! * dimensions
      const va = values[a]!
      // Upper triangle only (indices ascend); mirrored below.
      for (let b = a; b < indices.length; b++) c[row + indices[b]!]! += va * values[b]!
    }
  }
  for (let i = 0; i < dimensions; i++) for (let j = i + 1; j < dimensions; j++) c[j * dimensions + i] = c[i * dimensions + j]!
  return c
}

/** Deterministic 32-bit PRNG (mulberry32). */
function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = Math.imul(state ^ (state >>> 15), state | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

/** Orthonormalises the columns of q (n × m, column-major) in place by modified Gram–Schmidt, twice. */
function orthonormalize(q: Float64Array, n: number, m: number, random: () => number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < m; j++) {
      const col = j * n
      for (let i = 0; i < j; i++) {
        const other = i * n
        let dot = 0
        for (let r = 0; r < n; r++) dot += q[col + r]! * q[other + r]!
        for (let r = 0; r < n; r++) q[col + r]! -= dot * q[other + r]!
      }
      let norm = 0
      for (let r = 0; r < n; r++) norm += q[col + r]! * q[col + r]!
      norm = Math.sqrt(norm)
      if (norm < 1e-10) {
        // A direction the matrix does not reach (its rank is below m): any unit vector orthogonal to the rest.
        for (let r = 0; r < n; r++) q[col + r] = random() - 0.5
        j--
        continue
      }
      for (let r = 0; r < n; r++) q[col + r]! /= norm
    }
  }
}

/** c (n × n, symmetric, row-major) times q (n × m, column-major), column-major. */
function multiply(c: Float64Array, q: Float64Array, n: number, m: number): Float64Array {
  const out = new Float64Array(n * m)
  for (let j = 0; j < m; j++) {
    const col = j * n
    for (let r = 0; r < n; r++) {
      const row = r * n
      let sum = 0
      for (let k = 0; k < n; k++) sum += c[row + k]! * q[col + k]!
      out[col + r] = sum
    }
  }
  return out
}

/** Eigenvalues and eigenvectors of a small symmetric matrix (m × m, row-major) by cyclic Jacobi; vectors as columns of v (row-major). */
function jacobi(a: Float64Array, m: number): { values: Float64Array; vectors: Float64Array } {
  const v = new Float64Array(m * m)
  for (let i = 0; i < m; i++) v[i * m + i] = 1
  let scale = 0
  for (let i = 0; i < m * m; i++) scale += a[i]! * a[i]!
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0
    for (let p = 0; p < m; p++) for (let q = p + 1; q < m; q++) off += a[p * m + q]! * a[p * m + q]!
    // Relative to the matrix: its entries are in the thousands for a corpus of thousands of passages.
    if (off <= 1e-24 * scale) break
    for (let p = 0; p < m; p++) {
      for (let q = p + 1; q < m; q++) {
        const apq = a[p * m + q]!
        if (Math.abs(apq) < 1e-300) continue
        const theta = (a[q * m + q]! - a[p * m + p]!) / (2 * apq)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const cos = 1 / Math.sqrt(t * t + 1)
        const sin = t * cos
        for (let k = 0; k < m; k++) {
          const akp = a[k * m + p]!
          const akq = a[k * m + q]!
          a[k * m + p] = cos * akp - sin * akq
          a[k * m + q] = sin * akp + cos * akq
        }
        for (let k = 0; k < m; k++) {
          const apk = a[p * m + k]!
          const aqk = a[q * m + k]!
          a[p * m + k] = cos * apk - sin * aqk
          a[q * m + k] = sin * apk + cos * aqk
        }
        for (let k = 0; k < m; k++) {
          const vkp = v[k * m + p]!
          const vkq = v[k * m + q]!
          v[k * m + p] = cos * vkp - sin * vkq
          v[k * m + q] = sin * vkp + cos * vkq
        }
      }
    }
  }
  const values = new Float64Array(m)
  for (let i = 0; i < m; i++) values[i] = a[i * m + i]!
  return { values, vectors: v }
}

export interface TopEigen {
  /** Eigenvalues, largest first. */
  values: Float64Array
  /** The matching unit eigenvectors, one per row (`count` × n, row-major). */
  vectors: Float64Array
}

/**
 * The `count` leading eigenvectors of a symmetric positive semi-definite matrix (n × n, row-major)
 * by subspace iteration with `oversample` extra directions, then Rayleigh–Ritz.
 */
export function topEigenvectors(c: Float64Array, n: number, count: number, { iterations = 4, oversample = 16, seed = 20261203 } = {}): TopEigen {
  const m = Math.min(n, count + oversample)
  const random = seeded(seed)
  let q: Float64Array = new Float64Array(n * m)
  for (let i = 0; i < q.length; i++) q[i] = random() - 0.5
  orthonormalize(q, n, m, random)
  for (let it = 0; it < iterations; it++) {
    q = multiply(c, q, n, m)
    orthonormalize(q, n, m, random)
  }
  // B = Qᵀ C Q, then its eigenvectors rotate Q into the eigenvectors of C.
  const cq = multiply(c, q, n, m)
  const b = new Float64Array(m * m)
  for (let i = 0; i < m; i++) {
    for (let j = i; j < m; j++) {
      let sum = 0
      for (let r = 0; r < n; r++) sum += q[i * n + r]! * cq[j * n + r]!
      b[i * m + j] = sum
      b[j * m + i] = sum
    }
  }
  const { values, vectors } = jacobi(b, m)
  const order = Array.from({ length: m }, (_, i) => i).sort((x, y) => values[y]! - values[x]!)
  const k = Math.min(count, m)
  const out = new Float64Array(k * n)
  const outValues = new Float64Array(k)
  for (let e = 0; e < k; e++) {
    const col = order[e]!
    outValues[e] = values[col]!
    for (let i = 0; i < m; i++) {
      const weight = vectors[i * m + col]!
      if (weight === 0) continue
      for (let r = 0; r < n; r++) out[e * n + r]! += weight * q[i * n + r]!
    }
  }
  return { values: outValues, vectors: out }
}

/**
 * The sparse vector projected by `basis` (one row of k weights per input dimension, row-major),
 * L2-normalised; a fixed unit vector when the projection is all zero.
 */
export function projectSparse(basis: Float32Array, k: number, x: SparseVector): number[] {
  const out = new Float64Array(k)
  for (let a = 0; a < x.indices.length; a++) {
    const row = x.indices[a]! * k
    const value = x.values[a]!
    for (let e = 0; e < k; e++) out[e]! += basis[row + e]! * value
  }
  let norm = 0
  for (const value of out) norm += value * value
  norm = Math.sqrt(norm)
  const vector = Array.from(out, (value) => (norm === 0 ? 0 : value / norm))
  if (norm === 0) vector[0] = 1
  return vector
}
