import { beforeAll, describe, expect, it } from 'vitest'
import { chunkDocument, indexedText } from '../../src/ingest/chunk.js'
import { loadCorpus } from '../../src/ingest/corpus.js'
import { LocalHashEmbeddings, PROJECT_FROM, PROJECTED_DIMENSIONS } from '../../src/index/local-embeddings.js'
import { termFrequencies } from '../../src/text/tokenize.js'
import { silentLogger } from '../../src/log.js'
import { SEED_CORPUS } from '../helpers.js'

let passages: string[]
let embedder: LocalHashEmbeddings

beforeAll(async () => {
  const corpus = await loadCorpus(SEED_CORPUS, silentLogger)
  passages = corpus.documents.flatMap((doc) => chunkDocument(doc, corpus.metadata)).map(indexedText)
  embedder = LocalHashEmbeddings.fit(passages)
})

const cosine = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * b[i]!, 0)

describe('LocalHashEmbeddings', () => {
  it('is deterministic, also after its state goes through JSON', async () => {
    const text = passages[7]!
    const again = new LocalHashEmbeddings(JSON.parse(JSON.stringify(embedder.state)))
    expect(await embedder.embedQuery(text)).toEqual(await embedder.embedQuery(text))
    expect(await again.embedQuery(text)).toEqual(await embedder.embedQuery(text))
    expect(LocalHashEmbeddings.fit(passages).state).toEqual(embedder.state)
  })

  it('returns unit vectors of the configured dimension', async () => {
    const [vector] = await embedder.embedDocuments(['张家界高新区2020年完成工业总产值23.05亿元'])
    expect(vector).toHaveLength(embedder.dimensions)
    expect(cosine(vector!, vector!)).toBeCloseTo(1, 6)
    expect(cosine(await embedder.embedQuery('。，！'), await embedder.embedQuery('？'))).toBeCloseTo(1, 6)
  })

  it('places a paraphrase nearest to the passage it paraphrases', async () => {
    const vectors = await embedder.embedDocuments(passages)
    const paraphrases: Array<[string, string]> = [
      ['张家界高新区去年工业总产值23.05亿元，规模工业总产值21.42亿元，固定资产投资19.27亿元', '完成工业总产值23.05亿元'],
      ['常德经开区今年上半年一共引进了47个项目，同比增长34%，亿元以上的有14个，10亿元以上的2个', '全区共引进项目47个'],
      ['怀化高新区的研发费用达到3.02亿元，实现两位数增长', '研发费用达3.02亿元'],
      ['湘西高新区举办推介会签约12个项目，总投资22.4亿元', '签约12个项目,总投资22.4亿元'],
    ]
    for (const [paraphrase, marker] of paraphrases) {
      const query = await embedder.embedQuery(paraphrase)
      const ranked = vectors.map((v, i) => ({ i, score: cosine(query, v) })).sort((a, b) => b.score - a.score)
      expect(passages[ranked[0]!.i], paraphrase).toContain(marker)
    }
  })

  it('counts what it embeds', async () => {
    const fresh = LocalHashEmbeddings.fit(passages.slice(0, 3))
    await fresh.embedDocuments(passages.slice(0, 3))
    await fresh.embedQuery('问题')
    expect(fresh.embeddedCount).toBe(3)
  })

  it('keeps the hashed vectors below PROJECT_FROM passages', () => {
    expect(embedder.state.projection).toBeUndefined()
    expect(embedder.dimensions).toBe(1024)
  })

  it('projects a corpus of PROJECT_FROM passages onto its leading directions, which still tell its passages and paraphrases apart', async () => {
    // PROJECT_FROM passages, each two or three seed passages run together (deterministically).
    const seedTerms = passages.map(termFrequencies)
    const corpus = Array.from({ length: PROJECT_FROM }, (_, i) => {
      const merged = new Map<string, number>()
      for (const j of [i, i * 7 + 3, i * 13 + 5].slice(0, 2 + (i % 2))) for (const [term, count] of seedTerms[j % seedTerms.length]!) merged.set(term, (merged.get(term) ?? 0) + count)
      return merged
    })
    const projected = LocalHashEmbeddings.fitTerms(corpus)
    expect(projected.dimensions).toBe(PROJECTED_DIMENSIONS)
    expect(projected.state.projection?.dimensions).toBe(PROJECTED_DIMENSIONS)
    const again = new LocalHashEmbeddings(JSON.parse(JSON.stringify(projected.state)))
    expect(await again.embedQuery(passages[3]!)).toEqual(await projected.embedQuery(passages[3]!))

    const vectors = projected.embedPassages(seedTerms)
    for (const vector of vectors) expect(cosine(vector, vector)).toBeCloseTo(1, 6)
    // Each seed passage is its own nearest neighbour among them in the projected space …
    vectors.forEach((vector, i) => {
      const best = vectors.map((other, j) => ({ j, score: cosine(vector, other) })).sort((a, b) => b.score - a.score)[0]!
      expect(best.j).toBe(i)
    })
    // … and a paraphrase still finds the passage it paraphrases.
    const query = await projected.embedQuery('怀化高新区的研发费用达到3.02亿元，实现两位数增长')
    const ranked = vectors.map((v, i) => ({ i, score: cosine(query, v) })).sort((a, b) => b.score - a.score)
    expect(passages[ranked[0]!.i]).toContain('研发费用达3.02亿元')
  })

  it('is outgrown by twice the passages it learned from, or by enough to be projected', () => {
    const small = LocalHashEmbeddings.fit(passages.slice(0, 40))
    expect(small.outgrownBy(79)).toBe(false)
    expect(small.outgrownBy(80)).toBe(true)
    const most = LocalHashEmbeddings.fitTerms(Array.from({ length: PROJECT_FROM - 1 }, (_, i) => termFrequencies(passages[i % passages.length]!)))
    expect(most.outgrownBy(PROJECT_FROM)).toBe(true)
  })
})
