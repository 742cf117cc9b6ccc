import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers'
import { Document } from '@langchain/core/documents'
import type { Passage } from '../ingest/chunk.js'
import type { SearchHit, SearchIndex } from '../index/search-index.js'
import { ParkCatalog } from './parks.js'

export const RETRIEVER_MODES = ['hybrid', 'bm25', 'dense'] as const
export type RetrieverMode = (typeof RETRIEVER_MODES)[number]

/** A passage with the score of the stage that ranked it last (fusion, then re-rank). */
export type ScoredPassage = Passage & { score: number }

/**
 * A copy of a passage with its score. V8 copies `{ ...passage }` in one step, but builds
 * `{ ...passage, score }` property by property, about seven times slower, into an object whose
 * fields the answer step then reads more slowly too (measured): dozens are made per question.
 */
export function withScore(passage: Passage, score: number): ScoredPassage {
  const scored = { ...passage } as ScoredPassage
  scored.score = score
  return scored
}

/** What retrieval hands on: LangChain documents whose metadata is the passage itself. */
export type PassageDocument = Document<ScoredPassage>

export function toDocument(passage: ScoredPassage): PassageDocument {
  return new Document({ id: passage.id, pageContent: passage.text, metadata: passage })
}

/** Candidates handed to the re-rank for `k` passages: enough that agreement can lift one from far down. */
export function candidatePool(k: number): number {
  return Math.max(40, k * 4)
}

/**
 * Weighted sum of each list's scores scaled to its best hit. Measured against reciprocal rank
 * fusion on evals/*.jsonl: hit@1 0.956 vs 0.911 — a BM25 score that towers over the rest (an
 * exact figure or name) is worth more than its rank says.
 */
function fuse(lists: SearchHit[][], k: number): ScoredPassage[] {
  const fused = new Map<string, SearchHit>()
  for (const list of lists) {
    let best = Number.EPSILON
    for (const hit of list) best = Math.max(best, hit.score)
    for (const hit of list) {
      let entry = fused.get(hit.passage.id)
      if (!entry) fused.set(hit.passage.id, (entry = { passage: hit.passage, score: 0 }))
      entry.score += Math.max(0, hit.score) / best
    }
  }
  return [...fused.values()]
    .sort(byScoreThenId)
    .slice(0, k)
    .map(({ passage, score }) => withScore(passage, score))
}

/** Best first; equal scores in id order, so that a ranking never depends on arrival order. */
export function byScoreThenId(x: SearchHit, y: SearchHit): number {
  return y.score - x.score || (x.passage.id < y.passage.id ? -1 : x.passage.id > y.passage.id ? 1 : 0)
}

export interface ParkRetrieverInput extends BaseRetrieverInput {
  index: SearchIndex
  /** How many candidates to return (the re-rank then keeps the best few). */
  k: number
  /** Strict filter: only this park's passages (any name of it the index knows). */
  park?: string
  /** The catalog that resolves `park`, when the caller has one (else one is built from the index). */
  catalog?: ParkCatalog
  mode?: RetrieverMode
}

/**
 * Hybrid retrieval as a LangChain retriever: dense (HNSW) and BM25 candidates fused by a weighted
 * sum. The park-aware re-rank (`AgreementReranker`) is a stage of its own after it.
 */
export class ParkRetriever extends BaseRetriever<ScoredPassage> {
  static override lc_name() {
    return 'ParkRetriever'
  }

  lc_namespace = ['parkqa', 'retrievers']
  private readonly index: SearchIndex
  private readonly k: number
  private readonly park?: string
  private readonly mode: RetrieverMode

  constructor({ index, k, park, mode, catalog, ...rest }: ParkRetrieverInput) {
    super(rest)
    this.index = index
    this.k = k
    this.park = park === undefined ? undefined : (catalog ?? new ParkCatalog([...index.parks])).resolve(park)
    this.mode = mode ?? 'hybrid'
  }

  override async _getRelevantDocuments(query: string): Promise<PassageDocument[]> {
    const accept = this.park ? (passage: Passage) => passage.park === this.park : undefined
    const lists: SearchHit[][] = []
    if (this.mode !== 'dense') lists.push(this.index.lexical(query, this.k, accept))
    if (this.mode !== 'bm25') lists.push(await this.index.dense(query, this.k, accept))
    return fuse(lists, this.k).map(toDocument)
  }
}
