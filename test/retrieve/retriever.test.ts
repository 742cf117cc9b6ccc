import { beforeAll, describe, expect, it } from 'vitest'
import { RunnableLambda } from '@langchain/core/runnables'
import type { Document } from '@langchain/core/documents'
import type { SearchIndex } from '../../src/index/search-index.js'
import { ParkCatalog } from '../../src/retrieve/parks.js'
import { AgreementReranker } from '../../src/retrieve/rerank.js'
import { ParkRetriever } from '../../src/retrieve/retriever.js'
import { seedIndex, SEED } from '../helpers.js'

let index: SearchIndex
beforeAll(async () => {
  index = await seedIndex()
})

describe('ParkRetriever (a LangChain BaseRetriever)', () => {
  it('returns k passages, best first, with their metadata, and composes with runnables', async () => {
    const retriever = new ParkRetriever({ index, k: 3 })
    const docs = await retriever.invoke('张家界高新区2020年工业总产值')
    expect(docs).toHaveLength(3)
    expect(docs[0]!.metadata).toMatchObject({ source: SEED.zhangjiajiePark, park: '张家界高新区' })
    expect(docs[0]!.pageContent).toContain('23.05亿元')
    const scores = docs.map((d) => d.metadata.score as number)
    expect([...scores].sort((a, b) => b - a)).toEqual(scores)
    const chain = retriever.pipe(RunnableLambda.from((found: Document[]) => found.map((d) => d.metadata.park as string)))
    expect(await chain.invoke('常德经开区上半年引进项目')).toContain('常德经开区')
  })

  it('filters strictly by park, with any of its names', async () => {
    const docs = await new ParkRetriever({ index, k: 10, park: 'Huaihua' }).invoke('工业总产值')
    expect(docs).toHaveLength(10)
    expect(docs.every((d) => d.metadata.park === '怀化高新区')).toBe(true)
    expect(() => new ParkRetriever({ index, k: 3, park: '长沙' })).toThrow(/Known parks/)
  })

  it('returns at most k candidates, fused from dense and BM25', async () => {
    expect(await new ParkRetriever({ index, k: 7 }).invoke('工业总产值')).toHaveLength(7)
  })
})

describe('AgreementReranker (a LangChain document compressor)', () => {
  it('a year or period the question names beats word overlap: 上半年 vs 2019', async () => {
    const catalog = new ParkCatalog([...index.parks])
    const question = '常德经开区2020年上半年引进了多少个项目'
    const candidates = await new ParkRetriever({ index, k: 40 }).invoke(question)
    const [first] = await new AgreementReranker({ index, catalog, k: 1 }).compressDocuments(candidates, question)
    expect(first!.pageContent).toContain('47个')
    expect(first!.metadata.park).toBe('常德经开区')
  })

  it('keeps k passages, re-scored best first', async () => {
    const catalog = new ParkCatalog([...index.parks])
    const candidates = await new ParkRetriever({ index, k: 40 }).invoke('张家界高新区2020年工业总产值')
    const ranked = await new AgreementReranker({ index, catalog, k: 5 }).compressDocuments(candidates, '张家界高新区2020年工业总产值是多少')
    expect(ranked).toHaveLength(5)
    const scores = ranked.map((d) => d.metadata.score)
    expect([...scores].sort((a, b) => b - a)).toEqual(scores)
    expect(ranked[0]!.pageContent).toContain('23.05亿元')
  })

  it('skips the coverage of a passage that cannot make the k best: the k best are those of scoring every candidate', async () => {
    const catalog = new ParkCatalog([...index.parks])
    const questions = ['张家界高新区2020年工业总产值是多少', '常德经开区2020年上半年引进了多少个项目', '怀化高新区的主导产业有哪些', 'What is the industrial output of Zhangjiajie?', '园区如何解决企业融资难']
    for (const question of questions) {
      const candidates = await new ParkRetriever({ index, k: 40 }).invoke(question)
      // With k as large as the pool no passage can be skipped: every one is scored.
      const everyOne = await new AgreementReranker({ index, catalog, k: candidates.length }).compressDocuments(candidates, question)
      for (const k of [1, 3, 5]) {
        const best = await new AgreementReranker({ index, catalog, k }).compressDocuments(candidates, question)
        expect(best.map((d) => [d.metadata.id, d.metadata.score]), `${question}, k ${k}`).toEqual(everyOne.slice(0, k).map((d) => [d.metadata.id, d.metadata.score]))
      }
    }
  })
})
