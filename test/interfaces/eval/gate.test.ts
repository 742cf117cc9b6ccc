import fs from 'node:fs/promises'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { createAnswerer } from '../../../src/answer/answer.js'
import { ingest } from '../../../src/index/ingest.js'
import { loadIndex, type SearchIndex } from '../../../src/index/search-index.js'
import { gateFailures, ratchet, readThresholds } from '../../../src/interfaces/eval/gate.js'
import { markedSection, renderMarkdown } from '../../../src/interfaces/eval/report.js'
import { loadDataset, runEval, type Dataset, type EvalReport } from '../../../src/interfaces/eval/run.js'
import { silentLogger } from '../../../src/log.js'
import { RETRIEVER_MODES, type RetrieverMode } from '../../../src/retrieve/retriever.js'
import { localConfig, ROOT, SEED_EF, seedIndex, tempDir } from '../../helpers.js'

/**
 * The quality gate, as `npm run quality` runs it: each eval set offline on its own fixture corpus
 * against its thresholds — the seed documents (`evals/*.jsonl` on evals/corpus/seed) and new
 * documents without metadata (evals/new-dev, evals/new-heldout) — and the README's Quality
 * tables must be what the runner makes today.
 */

interface Suite {
  dataset: string
  corpus: string
  /** The README section its table fills. */
  section: string
  minItems: number
}

const SUITES: Suite[] = [
  { dataset: 'evals', corpus: 'evals/corpus/seed', section: 'eval', minItems: 100 },
  { dataset: 'evals/new-dev', corpus: 'evals/corpus/new-dev', section: 'eval-new-dev', minItems: 50 },
  { dataset: 'evals/new-heldout', corpus: 'evals/corpus/new-heldout', section: 'eval-new-heldout', minItems: 25 },
  { dataset: 'evals/new-dev2', corpus: 'evals/corpus/new-dev2', section: 'eval-new-dev2', minItems: 35 },
  { dataset: 'evals/new-heldout2', corpus: 'evals/corpus/new-heldout2', section: 'eval-new-heldout2', minItems: 25 },
  { dataset: 'evals/new-dev3', corpus: 'evals/corpus/new-dev3', section: 'eval-new-dev3', minItems: 60 },
  { dataset: 'evals/new-heldout3', corpus: 'evals/corpus/new-heldout3', section: 'eval-new-heldout3', minItems: 25 },
  { dataset: 'evals/new-dev4', corpus: 'evals/corpus/new-dev4', section: 'eval-new-dev4', minItems: 60 },
  { dataset: 'evals/new-heldout4', corpus: 'evals/corpus/new-heldout4', section: 'eval-new-heldout4', minItems: 25 },
  { dataset: 'evals/new-heldout5', corpus: 'evals/corpus/new-heldout5', section: 'eval-new-heldout5', minItems: 25 },
  { dataset: 'evals/new-heldout6', corpus: 'evals/corpus/new-heldout6', section: 'eval-new-heldout6', minItems: 30 },
  { dataset: 'evals/new-heldout7', corpus: 'evals/corpus/new-heldout7', section: 'eval-new-heldout7', minItems: 30 },
  { dataset: 'evals/new-heldout8', corpus: 'evals/corpus/new-heldout8', section: 'eval-new-heldout8', minItems: 30 },
  { dataset: 'evals/new-heldout9', corpus: 'evals/corpus/new-heldout9', section: 'eval-new-heldout9', minItems: 30 },
  { dataset: 'evals/new-heldout10', corpus: 'evals/corpus/new-heldout10', section: 'eval-new-heldout10', minItems: 30 },
  { dataset: 'evals/new-heldout11', corpus: 'evals/corpus/new-heldout11', section: 'eval-new-heldout11', minItems: 30 },
  { dataset: 'evals/new-heldout12', corpus: 'evals/corpus/new-heldout12', section: 'eval-new-heldout12', minItems: 30 },
  { dataset: 'evals/new-heldout13', corpus: 'evals/corpus/new-heldout13', section: 'eval-new-heldout13', minItems: 30 },
  { dataset: 'evals/new-heldout14', corpus: 'evals/corpus/new-heldout14', section: 'eval-new-heldout14', minItems: 30 },
  { dataset: 'evals/new-heldout15', corpus: 'evals/corpus/new-heldout15', section: 'eval-new-heldout15', minItems: 30 },
  { dataset: 'evals/new-heldout16', corpus: 'evals/corpus/new-heldout16', section: 'eval-new-heldout16', minItems: 30 },
  { dataset: 'evals/new-heldout17', corpus: 'evals/corpus/new-heldout17', section: 'eval-new-heldout17', minItems: 30 },
  { dataset: 'evals/new-heldout18', corpus: 'evals/corpus/new-heldout18', section: 'eval-new-heldout18', minItems: 30 },
  { dataset: 'evals/new-heldout19', corpus: 'evals/corpus/new-heldout19', section: 'eval-new-heldout19', minItems: 30 },
  { dataset: 'evals/new-heldout20', corpus: 'evals/corpus/new-heldout20', section: 'eval-new-heldout20', minItems: 30 },
  { dataset: 'evals/new-heldout21', corpus: 'evals/corpus/new-heldout21', section: 'eval-new-heldout21', minItems: 30 },
  { dataset: 'evals/new-heldout22', corpus: 'evals/corpus/new-heldout22', section: 'eval-new-heldout22', minItems: 30 },
  { dataset: 'evals/new-dev5', corpus: 'evals/corpus/new-dev5', section: 'eval-new-dev5', minItems: 34 },
  { dataset: 'evals/new-dev6', corpus: 'evals/corpus/new-dev6', section: 'eval-new-dev6', minItems: 34 },
  { dataset: 'evals/new-dev7', corpus: 'evals/corpus/new-dev7', section: 'eval-new-dev7', minItems: 34 },
  { dataset: 'evals/new-heldout23', corpus: 'evals/corpus/new-heldout23', section: 'eval-new-heldout23', minItems: 30 },
  { dataset: 'evals/new-heldout24', corpus: 'evals/corpus/new-heldout24', section: 'eval-new-heldout24', minItems: 30 },
  { dataset: 'evals/new-heldout25', corpus: 'evals/corpus/new-heldout25', section: 'eval-new-heldout25', minItems: 30 },
  { dataset: 'evals/new-heldout26', corpus: 'evals/corpus/new-heldout26', section: 'eval-new-heldout26', minItems: 30 },
  { dataset: 'evals/new-heldout27', corpus: 'evals/corpus/new-heldout27', section: 'eval-new-heldout27', minItems: 30 },
  { dataset: 'evals/new-heldout28', corpus: 'evals/corpus/new-heldout28', section: 'eval-new-heldout28', minItems: 30 },
  { dataset: 'evals/new-heldout29', corpus: 'evals/corpus/new-heldout29', section: 'eval-new-heldout29', minItems: 30 },
  { dataset: 'evals/new-heldout30', corpus: 'evals/corpus/new-heldout30', section: 'eval-new-heldout30', minItems: 30 },
  { dataset: 'evals/new-heldout31', corpus: 'evals/corpus/new-heldout31', section: 'eval-new-heldout31', minItems: 30 },
  { dataset: 'evals/new-heldout32', corpus: 'evals/corpus/new-heldout32', section: 'eval-new-heldout32', minItems: 30 },
  { dataset: 'evals/new-heldout33', corpus: 'evals/corpus/new-heldout33', section: 'eval-new-heldout33', minItems: 30 },
  { dataset: 'evals/new-heldout34', corpus: 'evals/corpus/new-heldout34', section: 'eval-new-heldout34', minItems: 30 },
]

const thresholdsOf = (suite: Suite) => path.join(ROOT, suite.dataset, 'thresholds.json')
const ratchetCommand = (suite: Suite) => `npm run eval -- --dataset ${suite.dataset} --corpus ${suite.corpus} --mode extractive --gate ${thresholdsOf(suite).slice(ROOT.length + 1)} --ratchet`

const indexes = new Map<Suite, SearchIndex>()
const datasets = new Map<Suite, Dataset>()
const reports = new Map<string, EvalReport>()

async function indexFor(suite: Suite): Promise<SearchIndex> {
  if (suite.corpus === 'evals/corpus/seed') return seedIndex()
  const indexDir = path.join(await tempDir(), 'index')
  await ingest({ corpusDir: path.join(ROOT, suite.corpus), indexDir, config: localConfig, ef: SEED_EF, logger: silentLogger })
  return loadIndex({ indexDir, config: localConfig, ef: SEED_EF })
}

async function evaluate(suite: Suite, retriever: RetrieverMode, k: number): Promise<EvalReport> {
  const key = `${suite.dataset} ${retriever} ${k}`
  const cached = reports.get(key)
  if (cached) return cached
  const answerer = createAnswerer({ index: indexes.get(suite)!, logger: silentLogger, retriever })
  const report = await runEval(datasets.get(suite)!, { settings: { dataset: suite.dataset, mode: 'extractive', retriever, k }, answer: (request) => answerer.answer(request) })
  reports.set(key, report)
  return report
}

beforeAll(async () => {
  for (const suite of SUITES) {
    indexes.set(suite, await indexFor(suite))
    datasets.set(suite, await loadDataset(path.join(ROOT, suite.dataset)))
  }
}, 120_000)

describe.each(SUITES)('quality gate: $dataset on $corpus', (suite) => {
  it('meets every threshold, and no threshold lags behind it', async () => {
    const thresholds = await readThresholds(thresholdsOf(suite))
    expect(thresholds).toMatchObject({ dataset: suite.dataset, mode: 'extractive' })
    const report = await evaluate(suite, thresholds.retriever, thresholds.k)
    expect(report.malformed).toEqual([])
    expect(report.summary.n).toBeGreaterThanOrEqual(suite.minItems)
    expect(gateFailures(report.summary, thresholds)).toEqual([])
    // The ratchet: a measured improvement of more than 0.02 must be locked in.
    const tight = ratchet(thresholds, report.summary)
    for (const [metric, min] of Object.entries(tight.min)) {
      expect(min - thresholds.min[metric as keyof typeof tight.min], `${metric} improved: raise it with \`${ratchetCommand(suite)}\``).toBeLessThanOrEqual(0.02)
    }
    expect(thresholds.max.false_refusal_rate - tight.max.false_refusal_rate, `false_refusal_rate improved: lower it with \`${ratchetCommand(suite)}\``).toBeLessThanOrEqual(0.02)
  }, 300_000)

  it("README's Quality table is the runner's current output (npm run quality)", async () => {
    const thresholds = await readThresholds(thresholdsOf(suite))
    const runs = []
    for (const retriever of RETRIEVER_MODES) runs.push(await evaluate(suite, retriever, thresholds.k))
    const items = new Map(datasets.get(suite)!.items.map(({ item }) => [item.id, item]))
    const readme = await fs.readFile(path.join(ROOT, 'README.md'), 'utf8')
    expect(markedSection(readme, suite.section), 'README Quality table is stale: run `npm run quality`').toBe(renderMarkdown(runs, items))
  }, 300_000)
})
