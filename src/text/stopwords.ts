import { alternation, readTable, table, wordList } from './table.js'

/** `stopwords.json`: the words that carry no topic, one list per point where they are dropped. */

const stopwordsSchema = table({
  functionWords: wordList(),
  questionPhrases: wordList(),
  answerWords: wordList(),
  frameWords: wordList(),
})

export interface Stopwords {
  /** Dropped from every text cut into words (passages and questions). */
  functionWords: ReadonlySet<string>
  /** Matches every question phrase (global): cut out of a question before it is cut into words. */
  questionPhrases: RegExp
  /** Dropped from a question's terms. */
  answerWords: ReadonlySet<string>
  /** Never required of a passage, though they count towards coverage. */
  frameWords: ReadonlySet<string>
}

export function loadStopwords(file: URL = new URL('./stopwords.json', import.meta.url)): Stopwords {
  const data = readTable(file, stopwordsSchema)
  return {
    functionWords: new Set(data.functionWords),
    questionPhrases: new RegExp(alternation(data.questionPhrases), 'g'),
    answerWords: new Set(data.answerWords),
    frameWords: new Set(data.frameWords),
  }
}

export const stopwords = loadStopwords()
