import { createAnswerer } from '../src/answer/answer.js'
import type { SearchIndex } from '../src/index/search-index.js'
import { silentLogger } from '../src/log.js'
import { ParkCatalog } from '../src/retrieve/parks.js'
import { analyzeQuestion } from '../src/retrieve/query.js'
import { retrieve } from '../src/retrieve/rerank.js'
import type { RetrieverMode } from '../src/retrieve/retriever.js'
import { benchStages, type StageTimings } from './stages.js'
import { summarize, timeEach, type LatencySummary } from './stats.js'
import { benchWorst, type WorstCase } from './worst.js'

export interface LatencyResult {
  questions: number
  passes: number
  dense: LatencySummary
  bm25: LatencySummary
  hybrid: LatencySummary
  /** retrieval, then the extractive answer with its citations: what /ask does per request */
  answer: LatencySummary
  /** The most expensive valid requests against normal questions (issue 18: ≤ 10×). */
  worst: WorstCase[]
  /** Where one question's time goes, stage by stage. */
  stages: StageTimings
}

/**
 * Per-question latency in process, over every eval question, `passes` times after one warm-up
 * pass. Each retriever is timed from the question text (analysis included) to its top 5.
 */
export async function benchLatency(index: SearchIndex, questions: readonly string[], corpusText: string, passes = 3): Promise<LatencyResult> {
  const catalog = new ParkCatalog([...index.parks])
  const answerer = createAnswerer({ index, logger: silentLogger })
  const retriever = (mode: RetrieverMode) => (question: string) => retrieve(index, catalog, analyzeQuestion(question, catalog), { k: 5, mode })
  const runs = {
    dense: retriever('dense'),
    bm25: retriever('bm25'),
    hybrid: retriever('hybrid'),
    answer: (question: string) => answerer.answer({ question }),
  }
  const samples: Record<keyof typeof runs, number[]> = { dense: [], bm25: [], hybrid: [], answer: [] }
  for (let pass = 0; pass <= passes; pass++) {
    for (const [name, run] of Object.entries(runs) as Array<[keyof typeof runs, (q: string) => Promise<unknown>]>) {
      const ms = await timeEach(questions, run)
      if (pass > 0) samples[name].push(...ms)
    }
  }
  return {
    questions: questions.length,
    passes,
    dense: summarize(samples.dense),
    bm25: summarize(samples.bm25),
    hybrid: summarize(samples.hybrid),
    answer: summarize(samples.answer),
    worst: await benchWorst(answerer, questions, corpusText),
    stages: await benchStages(index, questions[0]!),
  }
}
