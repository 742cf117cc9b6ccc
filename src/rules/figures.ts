import { z } from 'zod'
import { alternation, escapeRegExp, readTable, table, wordList } from '../text/table.js'

/** `figures.json`: counting units and the rest of a figure's grammar, and the patterns built from them. */

export const FIGURE_KINDS = ['money', 'count', 'percent', 'quantity'] as const
export type FigureKind = (typeof FIGURE_KINDS)[number]

const unitSchema = z.strictObject({
  unit: z.string().min(1),
  kind: z.enum(FIGURE_KINDS),
  /** What the unit may follow: digits (5个), Chinese numerals (五个), or both. */
  follows: z.enum(['digits', 'numerals', 'both']).default('digits'),
})

const figuresSchema = table({
  approximators: wordList(),
  magnitudes: wordList(),
  numerals: wordList(),
  ordinal: z.strictObject({ prefix: z.string().min(1), units: wordList(), asks: wordList() }),
  units: z.array(unitSchema).min(1).superRefine((units, ctx) => {
    units.forEach((row, i) => {
      if (units.findIndex((other) => other.unit === row.unit) !== i) ctx.addIssue({ code: 'custom', path: [i, 'unit'], message: `unit "${row.unit}" is listed twice` })
    })
  }),
  asks: z.strictObject({ countChars: wordList(), countWords: wordList(), countEnglish: wordList(), quantityEnglish: wordList(), moneyWords: wordList(), moneyEnglish: wordList(), interchangeable: wordList(), moneyMeasures: z.array(wordList()).min(1) }),
})

export type Unit = z.output<typeof unitSchema>

export interface FigureRules {
  units: readonly Unit[]
  /** Any figure with a unit, a rank (第8名) or a spelled count (三大) (global). */
  figure: RegExp
  /** A count of things: 37个, 五家 (global). */
  count: RegExp
  /** An amount of money: 12.5亿元, 300万美元 (global). */
  money: RegExp
  /** A number right after its unit in brackets, as a flattened table gives it ((亿元)586.3). */
  headed: { figure: RegExp; count: RegExp }
  /** A percentage or a change in one: 5.2%, 3个百分点 (global). */
  percent: RegExp
  /** Source of a pattern for a figure, with an optional count unit, that a measure name follows ("120家" of 120家规上企业). */
  countingPrefix: string
  /** A rank, its unit optional: 第18位, 排名第3 (global). */
  rank: RegExp
  /** Which groups of asks.moneyMeasures a text names (产值; 营收 or 收入 …), by index. */
  moneyMeasuresIn(text: string): number[]
  /** A question that asks for a rank: 第几, 名次. */
  asksRank: RegExp
  /** A question that counts something: 多少个, 几家, how many. */
  asksCount: RegExp
  /** A question that asks for an amount of money: 多少钱, 产值, revenue. */
  asksMoney: RegExp
  /**
   * The unit a question counts in when only a figure in that unit answers it (多少辆 wants 辆, not
   * 家); undefined for the counters used one for another (个, 家, 项 …).
   */
  askedUnit(question: string): { unit: string; figure: RegExp } | undefined
  /** The quantity unit a question asks a figure in (几天, 多少吨): only a figure in it answers, whatever else the question says (花了几天 asks no money). */
  askedQuantity(question: string): { unit: string; figure: RegExp } | undefined
}

export function loadFigureRules(file: URL = new URL('./figures.json', import.meta.url)): FigureRules {
  const data = readTable(file, figuresSchema)
  const afterDigits = (kinds: readonly FigureKind[]) => unitsOf(data.units, kinds, 'digits')
  const afterNumerals = (kinds: readonly FigureKind[]) => unitsOf(data.units, kinds, 'numerals')
  // The number in front of a unit, in digits (1,234.5, 10多万) or Chinese numerals (三十); from a
  // number's first digit, and never a year (2022年度 is no figure, 10年 is one).
  const digits = `(?<![\\d.])(?!(?:19|20)\\d{2}\\s*年)\\d[\\d,.]*\\s*(?:${alternation(data.approximators)})?\\s*(?:${alternation(data.magnitudes)})?\\s*`
  const numerals = `(?:${alternation(data.numerals)})+\\s*`
  const counts = countsAfter(data.units, 'digits')
  const ordinal = `${escapeRegExp(data.ordinal.prefix)}\\s*\\d+\\s*(?:${alternation(data.ordinal.units)})`
  // Compiled once: a counting question must not pay for building its unit's pattern.
  const askedCountUnit = new RegExp(`(?:${alternation(data.asks.countChars)})+\\s*(${alternation(afterDigits(['count']))})`)
  const ownUnits = new Map(
    data.units
      .filter((u) => u.kind === 'count' && !data.asks.interchangeable.includes(u.unit))
      .map((u) => [u.unit, { unit: u.unit, figure: new RegExp(`${digits}${escapeRegExp(u.unit)}|${numerals}${escapeRegExp(u.unit)}`) }]),
  )
  // 几天, 多少吨: a quantity asked by its unit (多大 asks no unit 大).
  const askedQuantityUnit = new RegExp(`(?:多少|几)\\s*(${alternation(afterDigits(['quantity']))})`)
  const quantityUnits = new Map(
    data.units.filter((u) => u.kind === 'quantity').map((u) => [u.unit, { unit: u.unit, figure: new RegExp(`${digits}${escapeRegExp(u.unit)}|${numerals}${escapeRegExp(u.unit)}`) }]),
  )
  return {
    units: data.units,
    figure: new RegExp(`${digits}(?:${alternation(afterDigits(FIGURE_KINDS))})|${ordinal}|${numerals}(?:${alternation(afterNumerals(FIGURE_KINDS))})`, 'g'),
    count: new RegExp(`${digits}(?:${counts})|${numerals}(?:${countsAfter(data.units, 'numerals')})`, 'g'),
    money: new RegExp(`${digits}(?:${alternation(afterDigits(['money']))})`, 'g'),
    percent: new RegExp(`${digits}(?:${alternation(afterDigits(['percent']))})`, 'g'),
    headed: {
      figure: new RegExp(`[（(](?:${alternation(afterDigits(FIGURE_KINDS))})[）)]\\s*\\d`),
      count: new RegExp(`[（(](?:${counts})[）)]\\s*\\d`),
    },
    countingPrefix: `${digits}(?:${counts})?\\s*`,
    rank: new RegExp(`${escapeRegExp(data.ordinal.prefix)}\\s*\\d+`, 'g'),
    asksRank: new RegExp(alternation(data.ordinal.asks), 'i'),
    moneyMeasuresIn: (text) => data.asks.moneyMeasures.flatMap((group, i) => (group.some((word) => text.includes(word)) ? [i] : [])),
    asksCount: new RegExp(`(?<!${escapeRegExp(data.ordinal.prefix)})(?:${alternation(data.asks.countChars)})+(?:${counts})|${alternation(data.asks.countWords)}|${englishWords(data.asks.countEnglish)}(?!\\s+${englishWords(data.asks.quantityEnglish)})`, 'i'),
    asksMoney: new RegExp(`${alternation(data.asks.moneyWords)}|${englishWords(data.asks.moneyEnglish)}`, 'i'),
    askedUnit: (question) => {
      const unit = askedCountUnit.exec(question)?.[1]
      return unit === undefined ? undefined : ownUnits.get(unit)
    },
    askedQuantity: (question) => {
      const unit = askedQuantityUnit.exec(question)?.[1]
      return unit === undefined ? undefined : quantityUnits.get(unit)
    },
  }
}

function unitsOf(units: readonly Unit[], kinds: readonly FigureKind[], after: 'digits' | 'numerals'): string[] {
  return units.filter((u) => kinds.includes(u.kind) && (u.follows === after || u.follows === 'both')).map((u) => u.unit)
}

/**
 * Count units as a pattern, each unless it begins a longer quantity unit: 三个月 is a duration,
 * not a count of three.
 */
function countsAfter(units: readonly Unit[], after: 'digits' | 'numerals'): string {
  const counts = unitsOf(units, ['count'], after)
  return [...counts]
    .sort((a, b) => b.length - a.length)
    .map((unit) => {
      const longer = units.filter((u) => u.kind === 'quantity' && u.unit.length > unit.length && u.unit.startsWith(unit)).map((u) => u.unit.slice(unit.length))
      return longer.length === 0 ? escapeRegExp(unit) : `${escapeRegExp(unit)}(?!${alternation(longer)})`
    })
    .join('|')
}

/** English words match whole: "value" not in "valued". */
function englishWords(words: readonly string[]): string {
  return `\\b(?:${alternation(words)})\\b`
}

export const figureRules = loadFigureRules()
