import fs from 'node:fs/promises'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { createAnswerer } from '../../../src/answer/answer.js'
import type { SearchIndex } from '../../../src/index/search-index.js'
import { gateFailures, ratchet, readThresholds } from '../../../src/interfaces/eval/gate.js'
import { markedSection, renderMarkdown } from '../../../src/interfaces/eval/report.js'
import { loadDataset, runEval, type Dataset, type EvalReport } from '../../../src/interfaces/eval/run.js'
import { silentLogger } from '../../../src/log.js'
import { RETRIEVER_MODES, type RetrieverMode } from '../../../src/retrieve/retriever.js'
import { ROOT, seedIndex } from '../../helpers.js'

/**
 * The quality gate: the offline eval over every `evals/*.jsonl`, on the fixture seed corpus
 * (evals/corpus/seed, as `npm run quality` runs it), against `evals/thresholds.json` — and the
 * README's Quality table must be what the runner makes today.
 */

const RATCHET = 'npm run eval -- --dataset evals --corpus evals/corpus/seed --mode extractive --gate evals/thresholds.json --ratchet'

let index: SearchIndex
let dataset: Dataset
const reports = new Map<RetrieverMode, EvalReport>()

async function evaluate(retriever: RetrieverMode, k: number): Promise<EvalReport> {
  const cached = reports.get(retriever)
  if (cached && cached.run.k === k) return cached
  const answerer = createAnswerer({ index, logger: silentLogger, retriever })
  const report = await runEval(dataset, { settings: { dataset: 'evals', mode: 'extractive', retriever, k }, answer: (request) => answerer.answer(request) })
  reports.set(retriever, report)
  return report
}

beforeAll(async () => {
  index = await seedIndex()
  dataset = await loadDataset(path.join(ROOT, 'evals'))
}, 60_000)

describe('quality gate (evals/thresholds.json)', () => {
  it('the offline eval of evals/ meets every threshold, and no threshold lags behind it', async () => {
    const thresholds = await readThresholds(path.join(ROOT, 'evals', 'thresholds.json'))
    expect(thresholds).toMatchObject({ dataset: 'evals', mode: 'extractive' })
    const report = await evaluate(thresholds.retriever, thresholds.k)
    expect(report.malformed).toEqual([])
    expect(report.summary.n).toBeGreaterThanOrEqual(100)
    expect(gateFailures(report.summary, thresholds)).toEqual([])
    // The ratchet: a measured improvement of more than 0.02 must be locked in.
    const tight = ratchet(thresholds, report.summary)
    for (const [metric, min] of Object.entries(tight.min)) {
      expect(min - thresholds.min[metric as keyof typeof tight.min], `${metric} improved: raise it with \`${RATCHET}\``).toBeLessThanOrEqual(0.02)
    }
    expect(thresholds.max.false_refusal_rate - tight.max.false_refusal_rate, `false_refusal_rate improved: lower it with \`${RATCHET}\``).toBeLessThanOrEqual(0.02)
  }, 300_000)

  it("README's Quality section is the runner's current output (npm run quality)", async () => {
    const thresholds = await readThresholds(path.join(ROOT, 'evals', 'thresholds.json'))
    const runs = []
    for (const retriever of RETRIEVER_MODES) runs.push(await evaluate(retriever, thresholds.k))
    const items = new Map(dataset.items.map(({ item }) => [item.id, item]))
    // Latency belongs to the machine and the moment; everything else must match exactly.
    const withoutLatency = (md: string | undefined) => md?.split('\n').filter((line) => !line.startsWith('Latency')).join('\n')
    const readme = await fs.readFile(path.join(ROOT, 'README.md'), 'utf8')
    expect(withoutLatency(markedSection(readme)), 'README Quality table is stale: run `npm run quality`').toBe(withoutLatency(renderMarkdown(runs, items)))
  }, 300_000)
})
