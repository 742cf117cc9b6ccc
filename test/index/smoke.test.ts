import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { evidenceOf, readDataset, squeeze, type EvalItem } from '../../src/interfaces/eval/dataset.js'
import type { SearchHit, SearchIndex } from '../../src/index/search-index.js'
import { ROOT, seedIndex } from '../helpers.js'

/**
 * Retrieval smoke test on the seed corpus: for every question of evals/smoke.jsonl, the passage
 * that holds its evidence is among the top 5 of a plain dense search and of a plain BM25 search.
 */
let index: SearchIndex
let items: EvalItem[]

beforeAll(async () => {
  index = await seedIndex()
  items = (await readDataset(path.join(ROOT, 'evals', 'smoke.jsonl'))).map((line) => line.item!)
})

/**
 * English questions stay in the file for the eval runner, but plain search cannot match them to
 * Chinese passages: that needs the English→Chinese glossary of the retrieval layer.
 */
const chinese = () => items.filter((item) => item.type !== 'english')

function rankOfEvidence(item: EvalItem, hits: SearchHit[]): number {
  const evidence = evidenceOf(item).map(squeeze)
  return hits.findIndex((hit) => evidence.some((e) => squeeze(hit.passage.text).includes(e)))
}

describe('retrieval smoke test (evals/smoke.jsonl)', () => {
  it('has at least 10 Chinese questions covering every seed document', () => {
    expect(chinese().length).toBeGreaterThanOrEqual(10)
    expect(new Set(chinese().flatMap((i) => i.sources ?? [i.source!])).size).toBe(5)
  })

  it('finds the evidence passage in the top 5 of dense search', async () => {
    const misses: string[] = []
    for (const item of chinese()) {
      const rank = rankOfEvidence(item, await index.dense(item.question, 5))
      if (rank < 0) misses.push(`${item.id} ${item.question}`)
    }
    expect(misses).toEqual([])
  })

  it('finds the evidence passage in the top 5 of BM25', () => {
    const misses = chinese().filter((item) => rankOfEvidence(item, index.lexical(item.question, 5)) < 0).map((i) => `${i.id} ${i.question}`)
    expect(misses).toEqual([])
  })
})
