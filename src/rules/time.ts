import { z } from 'zod'
import { memoizeByText } from '../text/memo.js'
import { alternation, escapeRegExp, readTable, table, wordList } from '../text/table.js'

/** `time.json`: the words for years and periods, and the patterns built from them. */

const year = z.number().int().min(1000).max(9999)
const month = z.number().int().min(1).max(12)

const timeSchema = table({
  years: z.strictObject({ first: year, last: year }).refine((y) => y.first <= y.last, 'first must not be after last'),
  relativeYears: z.record(z.string().min(1), z.number().int()),
  rangeDashes: wordList(),
  periodWords: wordList(),
  quarters: z.record(z.string().regex(/^\d$/, 'a quarter is written with one digit'), z.string().min(1)),
  namedRanges: z.record(z.string().regex(/^\d{1,2}-\d{1,2}月$/, 'a range is written like 1-6月'), z.string().min(1)),
  periodEnds: z.record(z.string().min(1), z.string().min(1)),
  monthEnds: wordList(),
  upTo: wordList(),
  monthsSoFar: z.strictObject({ before: z.string().min(1), after: z.string().min(1) }),
  fullYear: z.string().min(1),
  englishMonths: z.record(z.string().regex(/^[a-z]+$/, 'a month is written in lower-case letters'), month).superRefine((months, ctx) => {
    const seen = new Set<number>()
    for (const [name, n] of Object.entries(months)) {
      if (seen.has(n)) ctx.addIssue({ code: 'custom', path: [name], message: `month ${n} has two names` })
      seen.add(n)
    }
  }),
  englishRangeWords: wordList(),
  baselines: wordList(),
})

export interface TimeRules {
  /** Four-digit numbers that are years, in the order written (each match of a text's digit runs). */
  yearsWritten(text: string): string[]
  /** 今年/去年 …: how many years from the document's year; listed in the table's order. */
  relativeYears: ReadonlyArray<{ word: string; offset: number }>
  /** Every period word or month range (global). */
  period: RegExp
  /** Where the first year, period or relative year (今年) of a text is, if any. */
  firstTimeWord(text: string): number | undefined
  /** The years, relative years and periods a text names, as written and in their order (今年1-10月 → 今年, 1-10月). */
  timeWordsIn(text: string): string[]
  /** One match of `period` as it is compared: 1至6月 → 上半年, 1季度 → 一季度, 1-10月 → 1-10月. */
  normalizePeriod(match: string): string
  fullYear: string
  /** The text without the years and periods it compares with (比2022年的2730.4亿元, 比上年, 比上半年): those set no scene. */
  withoutBaselines(text: string): string
  /** The years a text compares with (从2013年的7.7亿元提高到…: 2013). */
  baselineYears(text: string): number[]
  /** English month ranges as the documents write them: "from January to June" → " 1-6月 ". */
  englishMonthRanges(text: string): string
}

export function loadTimeRules(file: URL = new URL('./time.json', import.meta.url)): TimeRules {
  const data = readTable(file, timeSchema.superRefine(checkPeriodNames))
  // 1季度 → 一季度
  const digitQuarters = new Map(Object.entries(data.quarters).map(([digit, name]) => [`${digit}季度`, name]))
  const { period, range, monthEnd, soFar } = periodPatterns(data, [...digitQuarters.keys()])
  const months = new Map(Object.entries(data.englishMonths))
  const baseline = new RegExp(`(?:${alternation(data.baselines)})\\s*(?:(?<!\\d)\\d{4}\\s*年|${alternation(Object.keys(data.relativeYears))}|${period.source})`, 'g')
  // A year, a relative year (今年) or a period: where firstTimeWord looks, and what timeWordsIn lists.
  const timeWord = new RegExp(`(?<!\\d)\\d{4}\\s*年|${alternation(Object.keys(data.relativeYears))}|${period.source}`, 'g')
  const monthRange = new RegExp(`\\b(?:from\\s+)?(${alternation([...months.keys()])})\\s+(?:${alternation(data.englishRangeWords)})\\s+(${alternation([...months.keys()])})\\b`, 'gi')
  return {
    yearsWritten: (text) => (text.match(/(?<!\d)\d{4}(?!\d)/g) ?? []).filter((y) => Number(y) >= data.years.first && Number(y) <= data.years.last),
    firstTimeWord: (text) => {
      const at = text.search(timeWord)
      return at < 0 ? undefined : at
    },
    relativeYears: Object.entries(data.relativeYears).map(([word, offset]) => ({ word, offset })),
    timeWordsIn: (text) => [...text.matchAll(timeWord)].map((m) => m[0].replace(/\s+/g, '')),
    period,
    normalizePeriod(match) {
      const found = range.exec(match)
      if (found) {
        const name = `${Number(found[1])}-${Number(found[2])}月`
        return data.namedRanges[name] ?? name
      }
      const end = monthEnd.exec(match) ?? soFar.exec(match)
      if (end) {
        const months = monthNumber(end[1]!)
        const name = `1-${months}月`
        if (months >= 1 && months <= 12) return data.namedRanges[name] ?? name
      }
      return data.periodEnds[match] ?? digitQuarters.get(match) ?? match
    },
    fullYear: data.fullYear,
    // Memoized: every window of a passage reads the same earlier sentences for their scene.
    withoutBaselines: memoizeByText((text) => text.replace(baseline, ' ')),
    baselineYears: (text) => [...text.matchAll(baseline)].flatMap((m) => /\d{4}/.exec(m[0]) ?? []).map(Number),
    englishMonthRanges: (text) =>
      text.replace(monthRange, (whole, from: string, to: string) => {
        const [a, b] = [months.get(from.toLowerCase())!, months.get(to.toLowerCase())!]
        return a <= b ? ` ${a}-${b}月 ` : whole
      }),
  }
}

type TimeTable = z.infer<typeof timeSchema>

function periodPatterns(data: TimeTable, digitQuarters: readonly string[]): { period: RegExp; range: RegExp; monthEnd: RegExp; soFar: RegExp } {
  const range = `(\\d{1,2})\\s*(?:${alternation(data.rangeDashes)})\\s*(\\d{1,2})\\s*月`
  // 截至9月底 is the months up to it (1-9月); 6月底投产 is a date.
  const monthEnd = `(?:${alternation(data.upTo)})\\s*(\\d{1,2})\\s*月\\s*(?:${alternation(data.monthEnds)})`
  // 前10个月 is 1-10月 (前十个月 too).
  const soFar = `${escapeRegExp(data.monthsSoFar.before)}\\s*(\\d{1,2}|[${CHINESE_MONTH_DIGITS}]{1,3})\\s*${escapeRegExp(data.monthsSoFar.after)}`
  const quarterNames = Object.values(data.quarters)
  return {
    // alternation() puts the longest first: 三季度末 before 三季度.
    period: new RegExp(`${range}|${monthEnd}|${soFar}|${alternation([...Object.keys(data.periodEnds), ...data.periodWords, ...quarterNames, ...digitQuarters])}`, 'g'),
    range: new RegExp(range),
    monthEnd: new RegExp(monthEnd),
    soFar: new RegExp(soFar),
  }
}

const CHINESE_MONTH_DIGITS = '一二三四五六七八九十'

/** 10 or 十 → 10; 十一 → 11 (a count of months is at most 十二). */
function monthNumber(written: string): number {
  if (/^\d+$/.test(written)) return Number(written)
  const digit = (c: string | undefined) => (c === undefined ? 0 : CHINESE_MONTH_DIGITS.indexOf(c) + 1)
  const [a, b] = [...written]
  if (a === '十') return 10 + digit(b)
  return b === '十' ? digit(a) * 10 : digit(a)
}

/** Every name a period is compared by must itself be read as a period, or two names never meet. */
function checkPeriodNames(data: TimeTable, ctx: z.RefinementCtx): void {
  const named = new Set([...data.periodWords, ...Object.values(data.quarters)])
  if (!named.has(data.fullYear)) ctx.addIssue({ code: 'custom', path: ['fullYear'], message: `"${data.fullYear}" is not one of periodWords` })
  for (const [range, name] of Object.entries(data.namedRanges)) {
    if (!named.has(name)) ctx.addIssue({ code: 'custom', path: ['namedRanges', range], message: `"${name}" is neither a period word nor a quarter` })
  }
  for (const [end, name] of Object.entries(data.periodEnds)) {
    if (!named.has(name)) ctx.addIssue({ code: 'custom', path: ['periodEnds', end], message: `"${name}" is neither a period word nor a quarter` })
  }
}

export const timeRules = loadTimeRules()
