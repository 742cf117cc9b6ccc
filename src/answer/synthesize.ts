import type { Question } from '../retrieve/query.js'
import { extractAnswer, onlyUnknownParks, renderQuotes, type Vocabulary } from './extractive.js'
import { checkModelAnswer } from './llm.js'
import { toCitation, type AnswerResponse, type NumberedPassage } from './types.js'

/*
 * The two synthesizers (in LlamaIndex's words): passages → the response. The extractive one
 * quotes the passages and needs nothing else; the LLM one validates what a model wrote. Both
 * return which passages the answer cites as data (`cited`).
 */

export const REFUSAL = {
  zh: '文档中没有找到这个问题的答案。下面列出的是最接近的段落，供参考。',
  en: 'The documents do not say. The closest passages are listed below for reference.',
}

export interface Synthesis {
  question: Question
  passages: readonly NumberedPassage[]
}

function refusal({ question, passages }: Synthesis, mode: AnswerResponse['mode']): AnswerResponse {
  return { answer: question.english ? REFUSAL.en : REFUSAL.zh, found: false, mode, cited: [], citations: passages.map(toCitation) }
}

export function extractiveResponse(synthesis: Synthesis, vocabulary: Vocabulary, minCoverage?: number): AnswerResponse {
  const { question, passages } = synthesis
  const extractive = extractAnswer(question, passages, vocabulary, minCoverage)
  if (!extractive.found) return refusal(synthesis, 'extractive')
  const quoted = renderQuotes(extractive.quotes, passages)
  const cited = [...new Set(extractive.quotes.map((quote) => quote.n))]
  const missing = extractive.missing.length === 0 ? '' : question.english ? `; the documents do not give ${extractive.missing.join(', ')}` : `；文档中没有找到${extractive.missing.join('、')}`
  const answer = question.english ? `From the documents: ${quoted}${missing}` : `${quoted}${missing}`
  return { answer, found: true, mode: 'extractive', cited, citations: passages.map(toCitation) }
}

/** What the model wrote, validated; undefined when unusable (the caller falls back to extractive). */
export function modelResponse(synthesis: Synthesis, raw: string): AnswerResponse | undefined {
  const checked = checkModelAnswer(raw, synthesis.passages.length)
  if (!checked) return undefined
  if (!checked.found) return refusal(synthesis, 'llm')
  return { answer: checked.text, found: true, mode: 'llm', cited: checked.cited, citations: synthesis.passages.map(toCitation) }
}

/** No passages, or a question only about parks the documents never name: nothing to ask a model. */
export function worthAsking({ question, passages }: Synthesis): boolean {
  return passages.length > 0 && !onlyUnknownParks(question)
}
