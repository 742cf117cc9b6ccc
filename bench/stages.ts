import { createAnswerer, vocabularyOf } from '../src/answer/answer.js'
import { extractiveResponse } from '../src/answer/synthesize.js'
import type { NumberedPassage } from '../src/answer/types.js'
import type { SearchIndex } from '../src/index/search-index.js'
import { silentLogger } from '../src/log.js'
import { ParkCatalog } from '../src/retrieve/parks.js'
import { analyzeQuestion } from '../src/retrieve/query.js'
import { AgreementReranker } from '../src/retrieve/rerank.js'
import { candidatePool, ParkRetriever } from '../src/retrieve/retriever.js'
import { percentile, round } from './stats.js'

/** Median milliseconds of each stage of one question's extractive answer, in pipeline order. */
export interface StageTimings {
  question: string
  runs: number
  /** reading the question: parks, years, measure, kind, terms (jieba included) */
  analyse: number
  /** BM25 over the candidate pool (k × 4, at least 40) */
  bm25: number
  /** the query's embedding and the HNSW search */
  dense: number
  /** both, fused, as the pipeline's retriever (LangChain's retriever run included) */
  retrieve: number
  /** agreement and coverage of every candidate, the best k kept */
  rerank: number
  /** the extractive answer: every window of the k passages scored, quotes chosen and checked */
  synthesize: number
  /** the response as the API sends it */
  json: number
  /** `answer()` whole: the stages above (but bm25 and dense, inside retrieve) and the pipeline around them */
  whole: number
}

/**
 * Each stage of one question run on its own `runs` times (after as many warm-up runs), its median
 * taken: where a question's time goes. The whole `answer()` minus the stages is the pipeline's own cost.
 */
export async function benchStages(index: SearchIndex, question: string, runs = 300): Promise<StageTimings> {
  const catalog = new ParkCatalog([...index.parks])
  const vocabulary = vocabularyOf(index, catalog)
  const answerer = createAnswerer({ index, logger: silentLogger })
  const k = 5
  const q = analyzeQuestion(question, catalog)
  const query = q.searchText || q.text
  const retriever = new ParkRetriever({ index, catalog, k: candidatePool(k) })
  const candidates = await retriever.invoke(query)
  const ranked = new AgreementReranker({ index, catalog, k }).rerank(candidates, q)
  const passages = ranked.map((doc, i): NumberedPassage => ({ ...doc.metadata, n: i + 1 }))
  const response = extractiveResponse({ question: q, passages }, vocabulary)
  const stages: Record<Exclude<keyof StageTimings, 'question' | 'runs'>, () => unknown> = {
    analyse: () => analyzeQuestion(question, catalog),
    bm25: () => index.lexical(query, candidatePool(k)),
    dense: () => index.dense(query, candidatePool(k)),
    retrieve: () => retriever.invoke(query),
    rerank: () => new AgreementReranker({ index, catalog, k }).rerank(candidates, q),
    synthesize: () => extractiveResponse({ question: q, passages }, vocabulary),
    json: () => JSON.stringify(response),
    whole: () => answerer.answer({ question }),
  }
  const medians: Partial<StageTimings> = {}
  for (const [name, run] of Object.entries(stages) as Array<[keyof typeof stages, () => unknown]>) {
    const samples: number[] = []
    for (let i = 0; i < 2 * runs; i++) {
      const started = performance.now()
      await run()
      if (i >= runs) samples.push(performance.now() - started)
    }
    medians[name] = round(percentile(samples.sort((a, b) => a - b), 50), 4)
  }
  return { question, runs, ...(medians as Omit<StageTimings, 'question' | 'runs'>) }
}
