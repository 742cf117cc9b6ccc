/** The shapes of the `/ask` contract (DEVELOPERS.md), shared by every interface. */

export interface Citation {
  n: number
  id: string
  source: string
  title: string
  park: string
  text: string
  score: number
}

export type AnswerMode = 'extractive' | 'llm'

export interface AnswerResponse {
  answer: string
  /** false: the documents do not say; the citations are then the closest passages. */
  found: boolean
  mode: AnswerMode
  citations: Citation[]
}

export interface Turn {
  role: 'user' | 'assistant'
  content: string
}

export interface AnswerRequest {
  question: string
  k?: number
  park?: string
  history?: Turn[]
}
