import { clauseCues } from '../rules/clauses.js'
import { glossary } from '../rules/glossary.js'
import { places } from '../rules/places.js'
import { kindCues, type AnswerKind } from '../rules/kinds.js'
import { parkWords } from '../rules/park-words.js'
import { timeRules } from '../rules/time.js'
import { memoizeByText } from '../text/memo.js'
import { stopwords } from '../text/stopwords.js'
import { escapeRegExp } from '../text/table.js'
import { tagged, wordStarts, words } from '../text/tokenize.js'
import { work } from '../text/work.js'
import type { ForeignPark, ParkCatalog, Scope } from './parks.js'

/**
 * What a question asks for, read without a model: the parks, years and periods it is about, the
 * named measure (工业总产值 …), the kind of answer (a figure, a list, a date, a reason …) and the
 * words to search with. English questions are mapped onto the documents' Chinese vocabulary.
 */

export type { AnswerKind }

export interface Question {
  text: string
  english: boolean
  /** The question with short forms and English terms replaced by the documents' words. */
  normalized: string
  parks: string[]
  /** Parks named that the catalog does not know (合肥高新区). */
  foreignParks: ForeignPark[]
  /** Places named outside any park name (合肥 in 合肥2022年的投资): the answer must be about them. */
  places: string[]
  years: string[]
  /** 今年 (0), 去年 (-1) …, when it names no year: read against each document's year. */
  yearOffsets: readonly number[]
  periods: string[]
  /** Measure groups (synonyms) the question names, most specific only. */
  measures: string[][]
  kind: AnswerKind
  /** Content words (no park names, years, question words), each with its synonyms. */
  terms: string[][]
  /** Whether it asks about a whole city (全市, 赣州市) or a zone, when it names either. */
  scope?: Scope
  /** It asks for a share (占比, 比重): a share's base (占…总产值的) is then what it asks about. */
  asksShare: boolean
  /** Text for dense and BM25 search. */
  searchText: string
}

export const FULL_YEAR = timeRules.fullYear

/**
 * Bounds on what one question may ask about. A real question names a few things; a question of
 * 2,000 distinct characters would otherwise cost (terms × candidate windows) of synchronous work.
 */
export const MAX_QUESTION_TERMS = 20
/** Parks, places, years, periods and measures each. */
export const MAX_NAMED = 6

/** Periods written in a text (上半年, 1-10月 …), normalised. Callers must not change the array. */
export const periodsIn: (text: string) => readonly string[] = memoizeByText((text) => [...new Set((text.normalize('NFKC').match(timeRules.period) ?? []).map(timeRules.normalizePeriod))])

interface TimeWords {
  years: string[]
  /** 今年/本年 (0), 去年/上年 (-1), 明年 (+1): resolved only once the document's year is known. */
  yearOffsets: number[]
  /** A date without a year ("7月29日"). */
  bareDate: boolean
}

const timeWordsIn = memoizeByText((text): TimeWords => {
  const normalized = text.normalize('NFKC')
  return {
    years: timeRules.yearsWritten(normalized),
    yearOffsets: timeRules.relativeYears.filter(({ word }) => normalized.includes(word)).map(({ offset }) => offset),
    bareDate: /(?<![\d年])\d{1,2}\s*月\s*\d{1,2}\s*日/.test(normalized),
  }
})

/** 今年 (0), 去年 (-1), 前年 (-2) …: the years a text names relative to its own. */
export function yearOffsetsIn(text: string): readonly number[] {
  return timeWordsIn(text).yearOffsets
}

/**
 * Years a text speaks of: four-digit years from 1990 to 2049, and — when the publication year of
 * its document is known — 今年/去年/明年 resolved against it.
 */
export function yearsIn(text: string, documentYear?: string, bareDateYear: string | undefined = documentYear): string[] {
  const words = timeWordsIn(text)
  const years = [...words.years]
  if (documentYear) for (const offset of words.yearOffsets) years.push(String(Number(documentYear) + offset))
  // "7月29日" without a year belongs to the year being told about (a newspaper's own by default).
  if (bareDateYear && words.bareDate) years.push(bareDateYear)
  return [...new Set(years)]
}

export { escapeRegExp }

interface EnglishPhrase {
  pattern: RegExp
  /** Its first word in lower case, when ASCII: a text that lacks it cannot match (checked first, ~200 phrases a question). */
  first?: string
  chinese: string
  /** Glossary terms (a park name is not a topic word). */
  terms?: string[]
}

// Compiled once per catalog: an English question must not pay for ~200 RegExp compilations.
const englishPhrases = new WeakMap<ParkCatalog, EnglishPhrase[]>()

function phrasesFor(parks: ParkCatalog): EnglishPhrase[] {
  let phrases = englishPhrases.get(parks)
  if (!phrases) {
    const entries: Array<[string, string, string[] | undefined]> = [
      ...parks.parks.flatMap((p) => p.english.map((e): [string, string, undefined] => [e, p.name, undefined])),
      ...Object.entries(glossary.english).map(([en, zh]): [string, string, string[]] => [en, zh.join(' '), zh.map((t) => t.toLowerCase())]),
    ].sort((a, b) => b[0].length - a[0].length)
    // A space and a hyphen join words alike (above-designated-size, above designated size).
    const written = (en: string) => en.split(/[\s-]+/).map(escapeRegExp).join('[\\s-]+')
    const firstWord = (en: string) => {
      const first = en.split(/[\s-]+/)[0]!.toLowerCase()
      return /^[\x00-\x7f]+$/.test(first) ? { first } : {}
    }
    phrases = entries.map(([en, chinese, terms]) => ({ pattern: new RegExp(`(?<![A-Za-z])${written(en)}(?![A-Za-z])`, 'gi'), ...firstWord(en), chinese, terms }))
    englishPhrases.set(parks, phrases)
  }
  return phrases
}

function englishToChinese(text: string, parks: ParkCatalog, groups: string[][]): string {
  let out = text.normalize('NFKC')
  let lower = out.toLowerCase()
  for (const { pattern, first, chinese, terms } of phrasesFor(parks)) {
    if (first !== undefined && !lower.includes(first)) continue
    const replaced = out.replace(pattern, () => {
      if (terms) groups.push(terms)
      return ` ${chinese} `
    })
    if (replaced !== out) lower = (out = replaced).toLowerCase()
  }
  return timeRules.englishMonthRanges(out)
}

function expandShortForms(text: string, groups: string[][]): { replaced: string; extra: string[] } {
  let replaced = text
  const extra: string[] = []
  for (const [short, [first, ...more]] of glossary.shortFormsLongestFirst) {
    if (!replaced.includes(short)) continue
    if (first !== short) replaced = replaced.split(short).join(first!)
    extra.push(...more)
    groups.push([first!, ...more].map((t) => t.toLowerCase()))
  }
  // The text is not changed below: folded once, not once per synonym group.
  const folded = replaced.toLowerCase()
  for (const group of glossary.synonyms) {
    const lower = group.map((word) => word.toLowerCase())
    if (!lower.some((word) => folded.includes(word)) || groups.some((g) => lower.every((word) => g.includes(word)))) continue
    extra.push(...group.filter((word) => !folded.includes(word.toLowerCase())))
    groups.push(lower)
  }
  return { replaced, extra }
}

/** Measure groups named in a text; a group inside a longer named measure does not count on its own. */
export function measuresIn(text: string): string[][] {
  const groups = glossary.measures
  const hits: Array<{ group: string[]; start: number; end: number }> = []
  for (const group of groups) {
    for (const name of group) {
      let at = text.indexOf(name)
      while (at >= 0) {
        hits.push({ group, start: at, end: at + name.length })
        at = text.indexOf(name, at + 1)
      }
    }
  }
  const kept = hits.filter((h) => !hits.some((o) => o !== h && o.group !== h.group && o.start <= h.start && o.end >= h.end && o.end - o.start > h.end - h.start))
  return [...new Set(kept.map((h) => h.group))]
}

/** Parts of speech of words that are no place names though a place is called so (合作/vn, 通道/v). */
const COMMON_WORD_TAGS = /^(?:v|vn|vd|a|ad|d|c|p)$/

/** Does the segmenter read text[start, end) as a common word? Only its neighbourhood is tagged: a long question costs no more. */
function isCommonWord(text: string, start: number, end: number): boolean {
  const from = Math.max(0, start - COMMON_WORD_CONTEXT)
  let at = from
  for (const { word, tag } of tagged(text.slice(from, end + COMMON_WORD_CONTEXT))) {
    if (at === start && word === text.slice(start, end)) return COMMON_WORD_TAGS.test(tag)
    at += word.length
  }
  return false
}
const COMMON_WORD_CONTEXT = 4

/** Places (from places.json) a text names, longest first at each position, each once. */
function placesIn(text: string): string[] {
  const found: string[] = []
  let starts: Set<number> | undefined
  for (let end = text.length; end >= 2; end--) {
    // Most characters end no place name: asked before a window of the text is cut for each.
    if (!places.mayEndWith(text[end - 1]!)) continue
    const place = places.endingAt(text.slice(Math.max(0, end - 12), end))
    if (!place) continue
    // A place name must start a word: 报道里 does not name 道里.
    starts ??= wordStarts(text)
    if (!starts.has(end - place.surface.length)) continue
    // Nor be a common word the segmenter reads as one (高校合作共建: 合作 is no 合作市); a city's
    // name stands whatever the segmenter makes of it (包头/v).
    if (!place.city && isCommonWord(text, end - place.surface.length, end)) continue
    if (!found.includes(place.short)) found.push(place.short)
    end -= place.surface.length - 1
  }
  return found
}

/** English when, outside parentheses (which may hold a Chinese name), there is no Chinese and some Latin. */
export function isEnglish(text: string): boolean {
  return !/[\u4e00-\u9fff]/.test(text.replace(/[（(][^）)]*[）)]|「[^」]*」/g, '')) && /[A-Za-z]/.test(text)
}

/** A name an English question was given in Chinese (names.ts): a company's, never a park asked about. */
const GIVEN_NAME = /「[^」]*」/g

/** A two-word name is also written by the first character of each word (冷水江钢铁 → 冷钢). */
function abbreviations(name: string): string[] {
  const parts = words(name)
  return parts.length === 2 && parts.every((part) => part.length >= 2) ? [parts.map((part) => part[0]).join('')] : []
}

const QUOTED = /[“"「『]([^”"」』]+)[”"」』]/g

/** What a question names: its language, its wording in the documents' words, parks and years. */
interface Naming {
  text: string
  english: boolean
  normalized: string
  /** Glossary groups its English or short forms map to (its terms start with them). */
  groups: string[][]
  /** Synonyms and long forms the search text adds. */
  extra: string[]
  /** Parks the catalog knows, in the order named. */
  mentioned: string[]
  /** The question without the years it only compares with. */
  asked: string
  years: string[]
}

function readNaming(question: string, parks: ParkCatalog): Naming {
  const text = question.trim()
  work.analysedChars += text.length
  const english = isEnglish(text)
  const groups: string[][] = []
  const translated = english ? englishToChinese(text, parks, groups) : text.normalize('NFKC')
  const { replaced, extra } = expandShortForms(translated, groups)
  const normalized = replaced
  // 冷水江 of 「冷水江钢铁」 is a company's name, not the city asked about.
  const mentioned = [...parks.mentioned(english ? normalized.replace(GIVEN_NAME, ' ') : normalized)]
  // 比上年增长了多少 asks about this year's growth: the year compared with is not the one asked.
  const asked = timeRules.withoutBaselines(normalized)
  return { text, english, normalized, groups, extra, mentioned, asked, years: yearsIn(asked) }
}

/** The content words a question asks about, each with its synonyms (jieba reads the whole question for them). */
function readTerms({ english, normalized, groups, mentioned }: Naming, parks: ParkCatalog): { stripped: string; allTerms: string[][]; terms: string[][] } {
  const stripped = normalized.replace(stopwords.questionPhrases, ' ')
  const topic = parks.withoutNames(english ? stripped.replace(/[A-Za-z][A-Za-z'-]*/g, ' ') : stripped)
  // A word covered by a glossary group (生产总值 of 地区生产总值|GDP) counts once, with its synonyms.
  // 2023年产值 is 2023年 + 产值: the segmenter would read 年产值 (annual output), which few texts say.
  const single = [...new Set(words(topic.replace(/(\d\s*年)/g, '$1 ')))]
    .filter((w) => !stopwords.answerWords.has(w) && !/^[\d.\-]+$/.test(w))
    .filter((w) => !groups.some((g) => g.some((t) => t.includes(w) || w.includes(t))))
  const named = [...groups]
  // A phrase the asker quotes (“科技贷”) is a name: the answering clause holds it as written.
  for (const [, phrase] of normalized.matchAll(QUOTED)) if (phrase!.length >= 2 && phrase!.length <= 12) named.push([phrase!.toLowerCase(), ...abbreviations(phrase!)])
  // Groups sharing a word (签约 from the glossary, 签约|签下 from the synonyms) are one term.
  const distinctGroups: string[][] = []
  for (const group of named) {
    const same = distinctGroups.find((o) => o.some((t) => group.includes(t)))
    if (same) same.push(...group.filter((t) => !same.includes(t)))
    else distinctGroups.push([...group])
  }
  const allTerms = [...distinctGroups, ...single.map((w) => [w])]
  // 洪江全市 is 洪江市: a text naming the city asked about says 全市 in its own words.
  const cities = mentioned.filter((park) => parks.isCity(park)).map((city) => city.toLowerCase())
  for (const group of allTerms) if (cities.length > 0 && group.some((term) => parkWords.scope.cityWide.includes(term))) group.push(...cities)
  // Work per passage grows with the terms: a pasted page is read for its first MAX_QUESTION_TERMS.
  return { stripped, allTerms, terms: allTerms.slice(0, MAX_QUESTION_TERMS) }
}

/** What folding a follow-up into the question before it reads of each (answer/followup.ts). */
export type FollowupReading = Pick<Question, 'english' | 'parks' | 'years' | 'terms'> & {
  /** Its first term's first word, when known without cutting it into words (a glossary word leads its terms). */
  leadingTerm?: string
}

/**
 * A question read only for its language, parks and years, its words when they are asked for: a
 * follow-up's history may hold long turns, and the rest of a reading (places, kind, scope …) is
 * not needed to fold them, nor the words of a turn only read as the question before.
 */
export function readFollowup(question: string, parks: ParkCatalog): FollowupReading {
  const naming = readNaming(question, parks)
  let terms: string[][] | undefined
  return {
    english: naming.english,
    parks: naming.mentioned.slice(0, MAX_NAMED),
    years: naming.years.slice(0, MAX_NAMED),
    // readTerms puts the glossary's groups first, in order.
    ...(naming.groups.length > 0 ? { leadingTerm: naming.groups[0]![0]! } : {}),
    get terms() {
      return (terms ??= readTerms(naming, parks).terms)
    },
  }
}

export function analyzeQuestion(question: string, parks: ParkCatalog): Question {
  const naming = readNaming(question, parks)
  const { text, english, normalized, extra, mentioned, asked, years } = naming
  const { stripped, allTerms, terms } = readTerms(naming, parks)
  const foreignParks = parks.foreignParks(english ? text : normalized)
  const periods = [...periodsIn(normalized)]
  const measures = measuresIn(normalized)
  const searchParts = allTerms.length > terms.length ? [...mentioned, ...years, ...periods, ...terms.map((g) => g[0]!)] : english ? [stripped.replace(/[A-Za-z][A-Za-z'-]*/g, ' '), ...extra] : [stripped, ...extra]
  return {
    text,
    english,
    normalized,
    parks: mentioned.slice(0, MAX_NAMED),
    foreignParks: foreignParks.slice(0, MAX_NAMED),
    // The place of a park the catalog does not know is that park's (长沙 of 长沙高新区), not a place asked about.
    places: english ? [] : placesIn(parks.withoutNames(normalized)).filter((place) => !foreignParks.some((p) => p.name.includes(place))).slice(0, MAX_NAMED),
    years: years.slice(0, MAX_NAMED),
    yearOffsets: years.length > 0 ? [] : yearOffsetsIn(asked),
    periods: periods.slice(0, MAX_NAMED),
    measures: measures.slice(0, MAX_NAMED),
    kind: kindCues.kindOf(english ? text : normalized, english),
    terms,
    scope: parks.questionScope(english ? mentioned.join(' ') : normalized),
    asksShare: clauseCues.asksShare.test(text),
    searchText: searchParts.join(' ').replace(/\s+/g, ' ').trim(),
  }
}
