import { memoizeByText } from '../text/memo.js'
import { words } from '../text/tokenize.js'
import { glossary } from './glossary.js'
import type { ForeignPark, ParkCatalog } from './parks.js'

/**
 * What a question asks for, read without a model: the parks, years and periods it is about, the
 * named measure (工业总产值 …), the kind of answer (a figure, a list, a date, a reason …) and the
 * words to search with. English questions are mapped onto the documents' Chinese vocabulary.
 */

export type AnswerKind = 'number' | 'percent' | 'list' | 'date' | 'reason' | 'entity' | 'other'

export interface Question {
  text: string
  english: boolean
  /** The question with short forms and English terms replaced by the documents' words. */
  normalized: string
  parks: string[]
  /** Parks named that the catalog does not know (长沙高新区). */
  foreignParks: ForeignPark[]
  years: string[]
  periods: string[]
  /** Measure groups (synonyms) the question names, most specific only. */
  measures: string[][]
  kind: AnswerKind
  /** Content words (no park names, years, question words), each with its synonyms. */
  terms: string[][]
  /** Text for dense and BM25 search. */
  searchText: string
}

// Question words and fillers: they say what kind of answer is wanted, not what it is about.
const QUESTION_WORDS =
  /请问|一下|叫啥名字|叫什么名字|叫什么|叫啥|什么名字|名字是|名称是|是多少|有多少|多少钱|多少|多大|多高|多快|多长|什么时候|什么样|为什么|为何|怎么样|怎么|怎样|如何|哪些|哪几个|哪几家|哪几|哪一年|哪一天|哪年|哪天|哪家|哪个|哪里|哪儿|什么|是谁|有谁|谁|几个|几家|几项|几次|第几|一共|总共|大概|大约|呢|吗|呀|啊|吧|了没|没有|有没有|那么|那|它们|它的|它|其/g

const STOP_TERMS = new Set(['年', '月', '日', '是', '有', '多', '个', '家', '项', '次', '请问', '一下', '一共', '总共', '那', '呢', '吗', '它', '它的', '多少', '什么', '哪些', '哪', '几', '情况', '至', '到', '怎么', '如何', '为什么'])

export const FULL_YEAR = '全年'

const PERIOD = /(\d{1,2})\s*[-—–~～至到]\s*(\d{1,2})\s*月|上半年|下半年|前三季度|[一二三四1-4]季度|全年/g

// Ranges that have a name are compared by it: 1-6月 is 上半年.
const NAMED_RANGES: Record<string, string> = { '1-3月': '一季度', '1-6月': '上半年', '1-9月': '前三季度', '1-12月': FULL_YEAR }
const QUARTER_DIGITS: Record<string, string> = { '1': '一', '2': '二', '3': '三', '4': '四' }

function normalizePeriod(match: string): string {
  const range = /(\d{1,2})\s*[-—–~～至到]\s*(\d{1,2})\s*月/.exec(match)
  if (range) {
    const name = `${Number(range[1])}-${Number(range[2])}月`
    return NAMED_RANGES[name] ?? name
  }
  return match.replace(/^[1-4](?=季度)/, (d) => QUARTER_DIGITS[d]!)
}

/** Periods written in a text (上半年, 1-10月 …), normalised. Callers must not change the array. */
export const periodsIn: (text: string) => readonly string[] = memoizeByText((text) => [...new Set((text.normalize('NFKC').match(PERIOD) ?? []).map(normalizePeriod))])

interface TimeWords {
  years: string[]
  /** 今年/本年, 去年/上年, 明年: resolved only once the document's year is known. */
  thisYear: boolean
  lastYear: boolean
  nextYear: boolean
  /** A date without a year ("7月29日"). */
  bareDate: boolean
}

const timeWordsIn = memoizeByText((text): TimeWords => {
  const normalized = text.normalize('NFKC')
  return {
    years: normalized.match(/(?<!\d)(?:199\d|20[0-4]\d)(?!\d)/g) ?? [],
    thisYear: /今年|本年/.test(normalized),
    lastYear: /去年|上年/.test(normalized),
    nextYear: /明年/.test(normalized),
    bareDate: /(?<![\d年])\d{1,2}\s*月\s*\d{1,2}\s*日/.test(normalized),
  }
})

/**
 * Years a text speaks of: four-digit years from 1990 to 2049, and — when the publication year of
 * its document is known — 今年/去年/明年 resolved against it.
 */
export function yearsIn(text: string, documentYear?: string, bareDateYear: string | undefined = documentYear): string[] {
  const words = timeWordsIn(text)
  const years = [...words.years]
  if (documentYear) {
    const year = Number(documentYear)
    if (words.thisYear) years.push(String(year))
    if (words.lastYear) years.push(String(year - 1))
    if (words.nextYear) years.push(String(year + 1))
  }
  // "7月29日" without a year belongs to the year being told about (a newspaper's own by default).
  if (bareDateYear && words.bareDate) years.push(bareDateYear)
  return [...new Set(years)]
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

interface EnglishPhrase {
  pattern: RegExp
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
      ...Object.entries(glossary().english).map(([en, zh]): [string, string, string[]] => [en, zh.join(' '), zh.map((t) => t.toLowerCase())]),
    ].sort((a, b) => b[0].length - a[0].length)
    phrases = entries.map(([en, chinese, terms]) => ({ pattern: new RegExp(`(?<![A-Za-z])${escapeRegExp(en)}(?![A-Za-z])`, 'gi'), chinese, terms }))
    englishPhrases.set(parks, phrases)
  }
  return phrases
}

function englishToChinese(text: string, parks: ParkCatalog, groups: string[][]): string {
  let out = text.normalize('NFKC')
  for (const { pattern, chinese, terms } of phrasesFor(parks)) {
    out = out.replace(pattern, () => {
      if (terms) groups.push(terms)
      return ` ${chinese} `
    })
  }
  // Month names and "first half" style periods.
  out = out.replace(/\b(?:from\s+)?january\s+(?:to|through|-)\s+(october|september|june|march)\b/gi, (_, m: string) => ` 1-${{ october: 10, september: 9, june: 6, march: 3 }[m.toLowerCase() as 'october']}月 `)
  return out
}

function expandShortForms(text: string, groups: string[][]): { replaced: string; extra: string[] } {
  let replaced = text
  const extra: string[] = []
  for (const [short, [first, ...more]] of glossary().shortFormsLongestFirst) {
    if (!replaced.includes(short)) continue
    if (first !== short) replaced = replaced.split(short).join(first!)
    extra.push(...more)
    groups.push([first!, ...more].map((t) => t.toLowerCase()))
  }
  return { replaced, extra }
}

function kindOf(text: string, english: boolean): AnswerKind {
  if (english) {
    const t = text.toLowerCase()
    if (/\bwhen\b|what date|which (day|year|month)|what year/.test(t)) return 'date'
    if (/\bwhy\b|\bhow (did|does|do|was|were|is|are|can|has|have)\b|what (measures|steps|methods)|in what way/.test(t)) return 'reason'
    if (/percentage|per cent|\bpercent\b|growth rate|\bhow fast\b/.test(t)) return 'percent'
    if (/\bhow (many|much|big|large)\b|\bratio\b|\bwhat (was|is|were)\b.*\b(growth|total|number|amount|value|output|investment|revenue|gdp|rate|figure)\b/.test(t)) return 'number'
    if (/\bwhich\b.*\b(cities|companies|industries|projects|parks|ones|areas|sectors|enterprises)\b|\bwhat are\b|\bname the\b|\blist\b/.test(t)) return 'list'
    if (/\bwho\b|\bwhich\b|\bwhat\b/.test(t)) return 'entity'
    return 'other'
  }
  if (/何时|什么时候|哪天|哪一天|哪几天|哪年|哪一年|几月|几号|哪个月|日期|什么时间/.test(text)) return 'date'
  if (/为什么|为何|原因|怎么|怎样|如何|靠什么|凭什么|通过什么|采取了?什么|采取了?哪些|什么(举措|措施|办法|做法)|(举措|措施|办法|做法)(有|是)/.test(text)) return 'reason'
  if (/哪些|哪几|有什么|包括什么|分别是|都有/.test(text)) return 'list'
  if (/百分之|百分比|比例|比重|占比|增速|增幅|增长率|多快|[^\d]率(是|有|为)?多少/.test(text)) return 'percent'
  if (/多少|几|多大|多高|多长|第几|排名/.test(text)) return 'number'
  if (/哪家|哪个|谁|什么|叫啥|哪一|哪里/.test(text)) return 'entity'
  return 'other'
}

/** Measure groups named in a text; a group inside a longer named measure does not count on its own. */
export function measuresIn(text: string): string[][] {
  const groups = glossary().measures
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

/** English when, outside parentheses (which may hold a Chinese name), there is no Chinese and some Latin. */
export function isEnglish(text: string): boolean {
  return !/[\u4e00-\u9fff]/.test(text.replace(/[（(][^）)]*[）)]/g, '')) && /[A-Za-z]/.test(text)
}

export function analyzeQuestion(question: string, parks: ParkCatalog): Question {
  const text = question.trim()
  const english = isEnglish(text)
  const groups: string[][] = []
  const translated = english ? englishToChinese(text, parks, groups) : text.normalize('NFKC')
  const { replaced, extra } = expandShortForms(translated, groups)
  const normalized = replaced
  const mentioned = [...parks.mentioned(normalized)]
  const years = yearsIn(normalized)
  const periods = [...periodsIn(normalized)]
  const measures = measuresIn(normalized)
  const stripped = normalized.replace(QUESTION_WORDS, ' ')
  const topic = parks.withoutNames(english ? stripped.replace(/[A-Za-z][A-Za-z'-]*/g, ' ') : stripped)
  // A word covered by a glossary group (生产总值 of 地区生产总值|GDP) counts once, with its synonyms.
  const single = [...new Set(words(topic))]
    .filter((w) => !STOP_TERMS.has(w) && !/^[\d.\-]+$/.test(w))
    .filter((w) => !groups.some((g) => g.some((t) => t.includes(w) || w.includes(t))))
  const terms = [...single.map((w) => [w]), ...groups.filter((g, i) => groups.findIndex((o) => o.join() === g.join()) === i)]
  const searchParts = english ? [stripped.replace(/[A-Za-z][A-Za-z'-]*/g, ' '), ...extra] : [stripped, ...extra]
  return {
    text,
    english,
    normalized,
    parks: mentioned,
    foreignParks: parks.foreignParks(english ? text : normalized),
    years,
    periods,
    measures,
    kind: kindOf(english ? text : normalized, english),
    terms,
    searchText: searchParts.join(' ').replace(/\s+/g, ' ').trim(),
  }
}
