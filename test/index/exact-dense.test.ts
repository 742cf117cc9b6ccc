import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { readDataset } from '../../src/interfaces/eval/dataset.js'
import { LocalHashEmbeddings } from '../../src/index/local-embeddings.js'
import type { SearchIndex } from '../../src/index/search-index.js'
import { ROOT, seedIndex } from '../helpers.js'

/**
 * Dense search over hashed (unprojected) vectors scores every passage exactly from the question's
 * few nonzero dimensions instead of asking HNSW: it must find what exact cosine search finds.
 */
let index: SearchIndex
let questions: string[]
/** Every passage's vector, by passage id, as the graph holds it. */
let vectors: Map<string, number[]>

beforeAll(async () => {
  index = await seedIndex()
  questions = (await readDataset(path.join(ROOT, 'evals', 'smoke.jsonl'))).map((line) => line.item!.question)
  vectors = new Map()
  for (const source of index.sources()) {
    const document = index.indexedDocument(source)!
    document.vectors().forEach((vector, i) => vectors.set(document.passages[i]!.id, vector))
  }
})

/** Brute force: cosine with every passage (the vectors are unit length), best first, ties by index order. */
async function exactNearest(question: string, k: number, accept: (park: string) => boolean = () => true): Promise<Array<{ id: string; score: number }>> {
  const query = await index.embeddings.embedQuery(question)
  return index
    .passages()
    .map((passage, order) => ({ id: passage.id, park: passage.park, order, score: vectors.get(passage.id)!.reduce((sum, x, d) => sum + x * query[d]!, 0) }))
    .filter((hit) => accept(hit.park))
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, k)
    .map(({ id, score }) => ({ id, score }))
}

describe('exact dense search over hashed vectors', () => {
  it('is what the seed index uses: its embedder is unprojected and gives sparse question vectors', () => {
    expect(index.embeddings).toBeInstanceOf(LocalHashEmbeddings)
    expect((index.embeddings as LocalHashEmbeddings).sparseQuery(questions[0]!)).toBeDefined()
  })

  it('finds the same passages, in the same order and with the same scores, as brute-force cosine search', async () => {
    expect(questions.length).toBeGreaterThanOrEqual(10)
    for (const question of questions) {
      const hits = await index.dense(question, 10)
      const expected = await exactNearest(question, 10)
      expect(hits.map((hit) => hit.passage.id), question).toEqual(expected.map((hit) => hit.id))
      hits.forEach((hit, i) => expect(hit.score).toBeCloseTo(expected[i]!.score, 5))
    }
  })

  it('returns k passages of a filtered park when it has k, and all it has when fewer', async () => {
    const counts = new Map<string, number>()
    for (const passage of index.passages()) counts.set(passage.park, (counts.get(passage.park) ?? 0) + 1)
    const [small] = [...counts].sort((a, b) => a[1] - b[1])
    const [large] = [...counts].sort((a, b) => b[1] - a[1])
    for (const [park, count] of [small!, large!]) {
      const hits = await index.dense(questions[0]!, 10, (passage) => passage.park === park)
      expect(hits).toHaveLength(Math.min(10, count))
      expect(hits.every((hit) => hit.passage.park === park)).toBe(true)
      expect(hits.map((hit) => hit.passage.id)).toEqual((await exactNearest(questions[0]!, 10, (p) => p === park)).map((hit) => hit.id))
    }
  })

  it('gives a question without any term the same fixed vector as embedQuery', async () => {
    const embedder = index.embeddings as LocalHashEmbeddings
    const sparse = embedder.sparseQuery('？！')!
    const dense = await embedder.embedQuery('？！')
    expect([...sparse.indices]).toEqual(dense.flatMap((x, d) => (x !== 0 ? [d] : [])))
    expect([...sparse.values]).toEqual(dense.filter((x) => x !== 0))
  })

  it('is not used for projected vectors, which are dense: those go to HNSW', () => {
    const state = (index.embeddings as LocalHashEmbeddings).state
    const basis = Buffer.from(new Float32Array(state.dimensions * 2).buffer).toString('base64')
    const projected = new LocalHashEmbeddings({ ...state, projection: { dimensions: 2, basis } })
    expect(projected.sparseQuery(questions[0]!)).toBeUndefined()
  })
})
