import { describe, expect, it } from 'vitest'
import { gram, projectSparse, topEigenvectors, type SparseVector } from '../../src/index/projection.js'

/** A dense vector as its nonzero entries. */
function sparse(vector: ArrayLike<number>): SparseVector {
  const indices: number[] = []
  const values: number[] = []
  for (let i = 0; i < vector.length; i++) {
    if (vector[i] !== 0) {
      indices.push(i)
      values.push(vector[i]!)
    }
  }
  return { indices, values }
}

/** A symmetric matrix with known eigenpairs: Q diag(λ) Qᵀ for an orthonormal Q made by Householder. */
function known(n: number, eigenvalues: number[]): { c: Float64Array; q: number[][] } {
  const u = Array.from({ length: n }, (_, i) => Math.sin(i + 1))
  const norm = Math.hypot(...u)
  const v = u.map((x) => x / norm)
  // Householder reflection H = I − 2vvᵀ: its columns are orthonormal.
  const q = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0) - 2 * v[i]! * v[j]!))
  const c = new Float64Array(n * n)
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let e = 0; e < n; e++) c[i * n + j]! += q[i]![e]! * eigenvalues[e]! * q[j]![e]!
  return { c, q }
}

describe('projection', () => {
  it('gram: XᵀX of sparse rows equals the dense product', () => {
    const rows = [
      [1, 0, 2, 0],
      [0, 3, 0, -1],
      [0.5, 0, 0, 4],
    ]
    const c = gram(rows.map(sparse), 4)
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(c[i * 4 + j]).toBeCloseTo(rows.reduce((sum, r) => sum + r[i]! * r[j]!, 0), 12)
  })

  it('topEigenvectors: the leading eigenpairs of a matrix whose eigenpairs are known, largest first', () => {
    const n = 40
    const eigenvalues = Array.from({ length: n }, (_, i) => (i < 6 ? 100 / (i + 1) : 0.01 * (n - i)))
    const { c, q } = known(n, eigenvalues)
    const { values, vectors } = topEigenvectors(c, n, 4)
    expect(Array.from(values)).toHaveLength(4)
    values.forEach((value, e) => expect(value).toBeCloseTo(eigenvalues[e]!, 6))
    for (let e = 0; e < 4; e++) {
      // Each found vector is ± the known one.
      const dot = q.reduce((sum, row, i) => sum + row[e]! * vectors[e * n + i]!, 0)
      expect(Math.abs(dot)).toBeCloseTo(1, 6)
    }
  })

  it('topEigenvectors: asked for more directions than the matrix has, the rest are orthonormal fill', () => {
    const c = gram([sparse([1, 1, 0, 0, 0, 0]), sparse([0, 0, 2, 0, 0, 0])], 6)
    const { values, vectors } = topEigenvectors(c, 6, 4, { oversample: 0 })
    expect(values[0]).toBeCloseTo(4, 9)
    expect(values[1]).toBeCloseTo(2, 9)
    expect(Math.abs(values[2]!)).toBeLessThan(1e-9)
    for (let a = 0; a < 4; a++) {
      for (let b = 0; b < 4; b++) {
        let dot = 0
        for (let i = 0; i < 6; i++) dot += vectors[a * 6 + i]! * vectors[b * 6 + i]!
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 9)
      }
    }
  })

  it('projectSparse: rows of the basis weighted by the entries, then unit length; all zero gives a fixed unit vector', () => {
    // 3 input dimensions → 2: row h holds the weights of input dimension h.
    const basis = new Float32Array([1, 0, 0, 1, 1, 1])
    expect(projectSparse(basis, 2, sparse([3, 4, 0]))).toEqual([0.6, 0.8])
    expect(projectSparse(basis, 2, sparse([0, 0, 0]))).toEqual([1, 0])
  })
})
