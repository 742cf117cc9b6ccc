import fs from 'node:fs/promises'
import path from 'node:path'
import hnswlib from 'hnswlib-node'
import { beforeAll, describe, expect, it } from 'vitest'
import { readDataset } from '../../src/interfaces/eval/dataset.js'
import { LocalHashEmbeddings } from '../../src/index/local-embeddings.js'
import { FILES, type Manifest, type SearchIndex } from '../../src/index/search-index.js'
import { readCurrentVersion, versionPath } from '../../src/index/store.js'
import { nonzeros, VectorColumns } from '../../src/index/vector-columns.js'
import { copySeedIndex, ROOT, seedIndex } from '../helpers.js'

/**
 * Dense search over hashed (unprojected) vectors scores every passage exactly from the question's
 * few nonzero dimensions instead of asking HNSW: it must find what exact cosine search finds.
 */
let index: SearchIndex
let questions: string[]
/** Every passage's vector, by passage id, as the index holds it. */
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

/** Brute force: cosine with every passage (held at unit length), best first, ties by index order. */
async function exactNearest(question: string, k: number, accept: (park: string) => boolean = () => true): Promise<Array<{ id: string; score: number }>> {
  const raw = await index.embeddings.embedQuery(question)
  const length = Math.sqrt(raw.reduce((sum, x) => sum + x * x, 0))
  const query = raw.map((x) => x / length)
  return index
    .passages()
    .map((passage, order) => ({ id: passage.id, park: passage.park, order, score: vectors.get(passage.id)!.reduce((sum, x, d) => sum + x * query[d]!, 0) }))
    .filter((hit) => accept(hit.park))
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, k)
    .map(({ id, score }) => ({ id, score }))
}

describe('exact dense search over hashed vectors', () => {
  it('is what the seed index uses: ingest wrote its vectors by dimension, and its embedder gives sparse question vectors', async () => {
    expect(index.embeddings).toBeInstanceOf(LocalHashEmbeddings)
    expect((index.embeddings as LocalHashEmbeddings).projected).toBe(false)
    expect((index.embeddings as LocalHashEmbeddings).sparseQuery(questions[0]!)).toBeDefined()
    const indexDir = await copySeedIndex()
    const manifest = JSON.parse(await fs.readFile(path.join(versionPath(indexDir, (await readCurrentVersion(indexDir))!), FILES.manifest), 'utf8')) as Manifest
    expect(Object.keys(manifest.files)).toContain(FILES.vectors)
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
    expect(projected.projected).toBe(true)
    expect(projected.sparseQuery(questions[0]!)).toBeUndefined()
  })

  it('keeps no graph over hashed vectors: vectors.bin is their only copy, and the graph file holds no point', async () => {
    const indexDir = await copySeedIndex()
    const dir = versionPath(indexDir, (await readCurrentVersion(indexDir))!)
    const graph = new hnswlib.HierarchicalNSW('cosine', 1024)
    await graph.readIndex(path.join(dir, 'hnswlib.index'))
    expect(graph.getCurrentCount()).toBe(0)
    const columns = VectorColumns.deserialize(await fs.readFile(path.join(dir, FILES.vectors)))
    expect(columns.passages).toBe(index.passageCount)
  })
})

describe('VectorColumns', () => {
  const vectors = [
    [0.6, 0, 0.8, 0],
    [0, 1, 0, 0],
    [0.6, 0, 0, 0.8],
    [0, 0.6, 0.8, 0],
  ]

  it("scores every passage exactly from the question's nonzero dimensions, best first, ties in passage order", () => {
    const columns = VectorColumns.fromSparse(vectors.map(nonzeros), 4)
    expect(columns.nearest({ indices: [0, 2], values: [0.6, 0.8] }, 4).map(({ index, score }) => [index, Number(score.toFixed(6))])).toEqual([
      [0, 1],
      [3, 0.64],
      [2, 0.36],
      [1, 0],
    ])
    expect(columns.nearest({ indices: [1], values: [1] }, 2, (label) => label !== 1).map(({ index }) => index)).toEqual([3, 0])
    // Cosine, as HNSW's space: neither a passage's nor the question's length counts.
    expect(VectorColumns.fromSparse([[3, 0, 4, 0]].map(nonzeros), 4).nearest({ indices: [0], values: [2] }, 1)[0]!.score).toBeCloseTo(0.6, 6)
  })

  it('gives every passage its vector back as its nonzero entries at unit length (what an ingest reuses)', () => {
    const columns = VectorColumns.fromSparse([[3, 0, 4, 0], [0, 2, 0, 0], [0, 0, 0, 0]].map(nonzeros), 4)
    expect(columns.rows().map((row) => [[...row.indices], [...row.values].map((value) => Number(value.toFixed(6)))])).toEqual([
      [
        [0, 2],
        [0.6, 0.8],
      ],
      [[1], [1]],
      [[], []],
    ])
  })

  it('reads back what it wrote, and refuses a file that is not one or is cut short', () => {
    const columns = VectorColumns.fromSparse(vectors.map(nonzeros), 4)
    const file = columns.serialize()
    const query = { indices: [0, 3], values: [0.8, 0.6] }
    expect(VectorColumns.deserialize(file).nearest(query, 4)).toEqual(columns.nearest(query, 4))
    expect(() => VectorColumns.deserialize(Buffer.from('not columns at all'))).toThrow(/not a vector columns file/)
    expect(() => VectorColumns.deserialize(file.subarray(0, file.length - 4))).toThrow(/truncated/)
  })
})
