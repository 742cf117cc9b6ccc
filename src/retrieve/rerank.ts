import { BaseDocumentCompressor } from '@langchain/core/retrievers/document_compressors'
import type { SearchHit, SearchIndex } from '../index/search-index.js'
import type { Passage } from '../ingest/chunk.js'
import { agreement, TextFacts, type TextContext } from './agreement.js'
import { fold, foldedCoverage } from './coverage.js'
import type { ParkCatalog } from './parks.js'
import { passageReadings } from './readings.js'
import { analyzeQuestion, type Question } from './query.js'
import { byScoreThenId, candidatePool, ParkRetriever, toDocument, withScore, type PassageDocument, type RetrieverMode } from './retriever.js'

// Weights of the re-ranking after fusion, tuned on evals/*.jsonl (see the closing note of issue 4).
const WEIGHTS = { fused: 1, park: 1, year: 0.25, period: 0.2, measure: 0.25, coverage: 0.4 }

/** A candidate as the re-rank reads it whatever the question: its agreement context and the text its coverage counts. */
interface CandidateReading {
  /** What it was read from. */
  passage: Passage
  context: TextContext
  /** The passage and its heading, folded for coverage. */
  covered: string
}

/** Candidates as the re-rank reads them (see passageReadings). */
const readingOf = passageReadings(20_000, (passage: Passage, catalog: ParkCatalog): CandidateReading => {
  const heading = `${passage.title} ${passage.section}`
  const context = { text: passage.text, earlier: [], heading, park: passage.park, mentions: catalog.mentioned(passage.text), documentYear: passage.documentYear, facts: new TextFacts() }
  return { passage, context, covered: fold(`${passage.text} ${heading}`) }
})

export interface RerankInput {
  index: SearchIndex
  catalog: ParkCatalog
  /** Passages kept. */
  k: number
}

/**
 * The park-aware re-rank, in the shape of a LangChain document compressor: fused candidates are
 * re-scored by agreement with the question's park, year, period and measure and by word coverage,
 * so that a passage about 2019 or 上半年 cannot win a question about 2020 on word overlap alone.
 */
export class AgreementReranker extends BaseDocumentCompressor {
  constructor(private readonly input: RerankInput) {
    super()
  }

  /** For a LangChain caller that has only the query text. */
  override async compressDocuments(documents: PassageDocument[], query: string): Promise<PassageDocument[]> {
    return this.rerank(documents, analyzeQuestion(query, this.input.catalog))
  }

  rerank(documents: readonly PassageDocument[], q: Question): PassageDocument[] {
    const { index, catalog, k } = this.input
    if (k <= 0) return []
    const top = Math.max(...documents.map((d) => d.metadata.score), Number.EPSILON)
    const weight = (word: string) => index.wordWeight(word)
    const rounded = (total: number) => Math.round(total * 10000) / 10000
    // Everything but word coverage first: coverage, the costly part, is worked out only for a
    // passage that could still make the k best with full coverage (best possible first).
    const candidates = documents
      .map(({ metadata: passage }) => {
        const { context, covered } = readingOf(passage, catalog)
        const a = agreement(q, context)
        const agreed = WEIGHTS.fused * (passage.score / top) + WEIGHTS.park * a.park + WEIGHTS.year * a.year + WEIGHTS.period * a.period + WEIGHTS.measure * a.measure
        return { passage, covered, agreed }
      })
      .sort((x, y) => y.agreed - x.agreed)
    const best: SearchHit[] = []
    for (const { passage, covered, agreed } of candidates) {
      // Coverage is at most 1; an equal score may still win on its id.
      if (best.length >= k && rounded(agreed + WEIGHTS.coverage) < best[k - 1]!.score) break
      best.push({ passage, score: rounded(agreed + WEIGHTS.coverage * foldedCoverage(q, covered, weight)) })
      best.sort(byScoreThenId)
    }
    return best.slice(0, k).map(({ passage, score }) => toDocument(withScore(passage, score)))
  }
}

export interface RetrieveOptions {
  k: number
  park?: string
  mode?: RetrieverMode
}

/** Retrieve then re-rank, outside the answer pipeline (benchmarks, and callers that need passages only). */
export async function retrieve(index: SearchIndex, catalog: ParkCatalog, q: Question, options: RetrieveOptions): Promise<PassageDocument[]> {
  const candidates = await new ParkRetriever({ index, catalog, k: candidatePool(options.k), park: options.park, mode: options.mode }).invoke(q.searchText || q.text)
  return new AgreementReranker({ index, catalog, k: options.k }).rerank(candidates, q)
}
