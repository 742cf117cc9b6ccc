import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createAnswerer, type Answerer } from '../../src/answer/answer.js'
import { ingest } from '../../src/index/ingest.js'
import { loadIndex, type SearchIndex } from '../../src/index/search-index.js'
import { loadDataset } from '../../src/interfaces/eval/run.js'
import { silentLogger } from '../../src/log.js'
import { timeRules } from '../../src/rules/time.js'
import { localConfig, ROOT, SEED_EF, seedIndex, tempDir } from '../helpers.js'

/**
 * Over every answered figure question of the eval sets: a figure's year or period, as its source
 * sentence gives it before the figure, is in the answer — a partial-year or old figure must not
 * read as the current one.
 */

const COMPARISONS = /同比|比上年|较上年|比去年/g
const hasTime = (text: string) => timeRules.firstTimeWord(text.replace(COMPARISONS, '')) !== undefined

/** The quote that ends at each [n] of an answer, without the park label in front of it. */
function quotesOf(answer: string, index: SearchIndex): Array<{ n: number; quote: string }> {
  const labels = index.parks.map((p) => `${p.name}：`)
  return [...answer.matchAll(/([^；]*?)\[(\d+)\]/g)].map((m) => {
    let quote = m[1]!.replace(/^From the documents: /, '')
    for (const label of labels) if (quote.startsWith(label)) quote = quote.slice(label.length)
    return { n: Number(m[2]), quote }
  })
}

async function indexOf(corpus: string): Promise<SearchIndex> {
  if (corpus === 'seed') return seedIndex()
  const indexDir = path.join(await tempDir(), 'index')
  await ingest({ corpusDir: path.join(ROOT, 'evals/corpus', corpus), indexDir, config: localConfig, ef: SEED_EF, logger: silentLogger })
  return loadIndex({ indexDir, config: localConfig, ef: SEED_EF })
}

describe.each([
  { dataset: 'evals', corpus: 'seed' },
  { dataset: 'evals/new-dev', corpus: 'new-dev' },
])('rule: a figure keeps its year or period ($dataset)', ({ dataset, corpus }) => {
  it('every answered figure item quotes the time its sentence gives', async () => {
    const index = await indexOf(corpus)
    const answerer: Answerer = createAnswerer({ index, logger: silentLogger })
    const items = (await loadDataset(path.join(ROOT, dataset))).items.map(({ item }) => item).filter((item) => item.type === 'numeric')
    let checked = 0
    for (const item of items) {
      const response = await answerer.answer({ question: item.question })
      if (!response.found) continue
      for (const { n, quote } of quotesOf(response.answer, index)) {
        const passage = response.citations.find((c) => c.n === n)!.text
        const sentence = passage.split(/(?<=[。！？；;\n])/).find((s) => s.includes(quote))
        if (!sentence) continue
        const upToFigure = sentence.slice(0, sentence.indexOf(quote) + quote.length)
        if (!hasTime(upToFigure)) continue
        checked++
        expect(hasTime(quote), `${item.id}: "${quote}" drops the time of "${upToFigure}"`).toBe(true)
      }
    }
    // The check ran on real cases, not on none.
    expect(checked).toBeGreaterThan(0)
  }, 120_000)
})
