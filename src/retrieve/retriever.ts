import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers'
import { Document } from '@langchain/core/documents'
import type { Chunk } from '../ingest/chunk.js'
import type { SearchHit, SearchIndex } from '../index/search-index.js'
import { agreement } from './agreement.js'
import { ParkCatalog } from './parks.js'
import { coverage } from './coverage.js'
import { analyzeQuestion, type Question } from './query.js'

export const RETRIEVER_MODES = ['hybrid', 'bm25', 'dense'] as const
export type RetrieverMode = (typeof RETRIEVER_MODES)[number]

export interface RetrieveOptions {
  k: number
  /** Strict filter: only this park's passages (a resolved park name). */
  park?: string
  mode?: RetrieverMode
}

export interface RetrievedPassage {
  chunk: Chunk
  score: number
}

// Weights of the re-ranking after fusion, tuned on evals/*.jsonl (see the closing note of issue 4).
const WEIGHTS = { fused: 1, park: 1, year: 0.25, period: 0.2, measure: 0.25, coverage: 0.4 }

/**
 * Weighted sum of each list's scores scaled to its best hit. Measured against reciprocal rank
 * fusion on evals/*.jsonl: hit@1 0.956 vs 0.911 — a BM25 score that towers over the rest (an
 * exact figure or name) is worth more than its rank says.
 */
function fuse(lists: SearchHit[][]): Map<string, { chunk: Chunk; score: number }> {
  const fused = new Map<string, { chunk: Chunk; score: number }>()
  for (const list of lists) {
    const best = Math.max(...list.map((hit) => hit.score), Number.EPSILON)
    for (const hit of list) {
      const entry = fused.get(hit.chunk.id) ?? { chunk: hit.chunk, score: 0 }
      entry.score += Math.max(0, hit.score) / best
      fused.set(hit.chunk.id, entry)
    }
  }
  return fused
}

/**
 * Hybrid retrieval: dense (HNSW) and BM25 candidates fused by a weighted sum, then re-ranked by
 * agreement with the question's park, year, period and measure and by word coverage.
 */
export async function retrieve(index: SearchIndex, catalog: ParkCatalog, q: Question, options: RetrieveOptions): Promise<RetrievedPassage[]> {
  const mode = options.mode ?? 'hybrid'
  const pool = Math.max(40, options.k * 4)
  const accept = options.park ? (chunk: Chunk) => chunk.park === options.park : undefined
  const query = q.searchText || q.text
  const lists: SearchHit[][] = []
  if (mode !== 'dense') lists.push(index.lexical(query, pool, accept))
  if (mode !== 'bm25') lists.push(await index.dense(query, pool, accept))
  const fused = [...fuse(lists).values()]
  const top = Math.max(...fused.map((f) => f.score), Number.EPSILON)
  const weight = (word: string) => index.bm25.wordWeight(word)
  const scored = fused.map(({ chunk, score }) => {
    const context = `${chunk.title} ${chunk.section}`
    const a = agreement(q, { text: chunk.text, before: '', heading: context, park: chunk.park, mentions: catalog.mentioned(chunk.text), documentYear: index.documentYear(chunk.source) })
    const total =
      WEIGHTS.fused * (score / top) +
      WEIGHTS.park * a.park +
      WEIGHTS.year * a.year +
      WEIGHTS.period * a.period +
      WEIGHTS.measure * a.measure +
      WEIGHTS.coverage * coverage(q, `${chunk.text} ${context}`, weight)
    return { chunk, score: Math.round(total * 10000) / 10000 }
  })
  return scored.sort((x, y) => y.score - x.score || x.chunk.id.localeCompare(y.chunk.id)).slice(0, options.k)
}

export interface ParkRetrieverInput extends BaseRetrieverInput, RetrieveOptions {
  index: SearchIndex
}

/** The same retrieval as a LangChain retriever, so it composes with runnables and chains. */
export class ParkRetriever extends BaseRetriever {
  static override lc_name() {
    return 'ParkRetriever'
  }

  lc_namespace = ['parkqa', 'retrievers']
  private readonly index: SearchIndex
  private readonly catalog: ParkCatalog
  private readonly options: RetrieveOptions

  constructor({ index, k, park, mode, ...rest }: ParkRetrieverInput) {
    super(rest)
    this.index = index
    this.catalog = new ParkCatalog(index.manifest.parks)
    this.options = { k, park: park === undefined ? undefined : this.catalog.resolve(park), mode }
  }

  override async _getRelevantDocuments(query: string): Promise<Document[]> {
    const passages = await retrieve(this.index, this.catalog, analyzeQuestion(query, this.catalog), this.options)
    return passages.map(({ chunk, score }) => new Document({ id: chunk.id, pageContent: chunk.text, metadata: { ...chunk, score } }))
  }
}
