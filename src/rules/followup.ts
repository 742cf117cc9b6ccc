import { alternation, readTable, table, wordList } from '../text/table.js'

/** `followup.json`: the words by which a follow-up points back at the previous question. */

const followupSchema = table({ openers: wordList(), pronouns: wordList(), ellipticalOpeners: wordList() })

export interface FollowupWords {
  /** The opener and pronoun a follow-up starts with, either or both or neither ("那它的", "还有", ""). */
  reference: RegExp
  /** A follow-up that may be elliptical: "那2019年呢？". */
  ellipticalOpener: RegExp
}

export function loadFollowupWords(file: URL = new URL('./followup.json', import.meta.url)): FollowupWords {
  const data = readTable(file, followupSchema)
  return {
    reference: new RegExp(`^(?:${alternation(data.openers)})?\\s*(?:${alternation(data.pronouns)})?`),
    ellipticalOpener: new RegExp(`^(?:${alternation(data.ellipticalOpeners)})`),
  }
}

export const followupWords = loadFollowupWords()
