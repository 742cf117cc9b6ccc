import { z } from 'zod'
import { alternation, escapeRegExp, readTable, table, wordList } from '../text/table.js'

/**
 * `park-words.json`: the grammar of a park's name (a place, then 高新区, 经开区, 工业园 …, or
 * "X High-tech Zone"), shared by ingest (which park a document is about) and questions (which
 * parks a question names that the catalog does not know).
 */

const parkWordsSchema = table({
  words: z
    .array(z.strictObject({ word: z.string().min(1), short: z.string().min(1).optional() }))
    .min(1)
    .superRefine((rows, ctx) => {
      const words = rows.map((row) => row.word)
      rows.forEach((row, i) => {
        if (words.indexOf(row.word) !== i) ctx.addIssue({ code: 'custom', path: [i, 'word'], message: `"${row.word}" is listed twice` })
        if (row.short !== undefined && !words.includes(row.short)) ctx.addIssue({ code: 'custom', path: [i, 'short'], message: `"${row.short}" is not one of the words` })
      })
    }),
  infixes: wordList(),
  placeTags: wordList(),
  english: z.strictObject({ qualifiers: wordList(0), kinds: wordList(), fillers: wordList(0), ends: wordList() }),
  scope: z.strictObject({ cityWide: wordList(), zone: wordList(), notSubject: wordList(), organs: wordList() }),
})

export interface ParkWords {
  /** Any park word (global). */
  word: RegExp
  /** A park word (after an optional 国家) right at the start of a text: 株洲 before 高新区 names the zone. */
  zoneAhead: RegExp
  /** The park words themselves. */
  wordList: readonly string[]
  /** An English park name (global); group 1 is its place. */
  english: RegExp
  /** jieba tags of the words a place is made of. */
  placeTags: ReadonlySet<string>
  /** The short name a park word is filed under (高新技术产业开发区 → 高新区), if it has one. */
  shortOf(word: string): string | undefined
  /** Words that may stand between a place and a park word (国家). */
  infixes: readonly string[]
  /** Words that make a clause's subject the whole city (全市) or a zone (园区), and what makes them not its subject (占全市). */
  scope: { cityWide: readonly string[]; zone: readonly string[]; notSubject: readonly string[]; organs: readonly string[] }
}

export function loadParkWords(file: URL = new URL('./park-words.json', import.meta.url)): ParkWords {
  const data = readTable(file, parkWordsSchema)
  const short = new Map(data.words.flatMap((row) => (row.short ? [[row.word, row.short] as const] : [])))
  return {
    word: new RegExp(alternation(data.words.map((row) => row.word)), 'g'),
    zoneAhead: new RegExp(`^(?:${alternation(data.infixes)})?(?:${alternation(data.words.map((row) => row.word))})`),
    wordList: data.words.map((row) => row.word),
    english: englishParkName(data.english),
    placeTags: new Set(data.placeTags),
    shortOf: (word) => short.get(word),
    infixes: data.infixes,
    scope: data.scope,
  }
}

function englishParkName(english: z.output<typeof parkWordsSchema>['english']): RegExp {
  const phrase = (words: string) => words.split(' ').map(escapeRegExp).join('\\s+')
  const optional = (words: readonly string[]) => words.map((w) => `(?:${phrase(w)}\\s+)?`).join('')
  const oneOf = (words: readonly string[]) => `(?:${[...words].sort((a, b) => b.length - a.length).map(phrase).join('|')})`
  return new RegExp(`\\b([A-Z][a-z]+)\\s+${optional(english.qualifiers)}${oneOf(english.kinds)}\\s+${optional(english.fillers)}${oneOf(english.ends)}\\b`, 'g')
}

export const parkWords = loadParkWords()
