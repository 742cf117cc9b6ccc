import { clauseCues } from '../rules/clauses.js'
import { timeRules } from '../rules/time.js'
import { memoizeByText } from '../text/memo.js'
import type { ClauseScope } from './parks.js'
import { FULL_YEAR, measuresIn, periodsIn, yearOffsetsIn, yearsIn, type Question } from './query.js'

// Every quoted span of every passage is checked for its measure, question after question.
const measuresOf = memoizeByText(measuresIn)

/**
 * Does a piece of text agree with what the question pins down — park, year, period, measure?
 * Each check gives +1 (agrees), 0 (says nothing either way) or -1 (speaks of something else),
 * so that a passage about 2019 or 上半年 or 规模工业总产值 cannot win a question about 2020,
 * 1-10月 or 工业总产值 on word overlap alone.
 */

export interface Agreement {
  park: number
  year: number
  period: number
  measure: number
}

export interface TextContext {
  /** The text that must carry the fact (a passage, or a quoted span). */
  text: string
  /**
   * Earlier text of the passage cut into sentences, in order (the last may be the start of the
   * text's own sentence): their time words date the text. `EarlierText` makes them.
   */
  earlier: readonly string[]
  /** Title and section: the scene when the earlier text names no time. */
  heading: string
  /** The park the passage belongs to. */
  park: string
  /** Parks the text and its context name. */
  mentions: readonly string[]
  /** Publication year of the document (resolves 今年/去年). */
  documentYear?: string
  /** Whom the text's clause is about, up to its figure (ParkCatalog.scopeOf), when it says. */
  scope?: ClauseScope
  /**
   * What the checks read from the fields above whatever the question (its years, its scene's, its
   * periods), kept by a caller that checks the same text for question after question.
   */
  facts?: TextFacts
}

/**
 * The question-independent readings of one context, each worked out on first use. A quoted span is
 * checked against every question whose passages include it; what it says of itself is read once.
 */
export class TextFacts {
  scene?: readonly string[]
  own?: readonly string[]
  /** The years it compares with (较2021年的969.3亿元). */
  compared?: readonly string[]
  datedByPeriod?: boolean
  offsets?: readonly number[]
  periods?: readonly string[]
  periodScene?: readonly string[]
  measures?: readonly string[][]
  /** Measures without those named as a share's base. */
  ownMeasures?: readonly string[][]
}

const factsOf = (c: TextContext): TextFacts => c.facts ?? new TextFacts()

const SENTENCE_END = /(?<=[。！？!?；;\n])/

/** A text cut after each sentence end (。！？；, a line break). */
export function splitSentences(text: string): string[] {
  return text.split(SENTENCE_END)
}

/**
 * The sentences of a passage before any position, cut once per passage: `at(start)` is
 * `splitSentences(text.slice(0, start))` without re-splitting the prefix for every quoted span,
 * and its whole sentences are the same strings each time (memoised look-ups need not re-hash them).
 */
export class EarlierText {
  private readonly pieces: Array<{ start: number; end: number; text: string }> = []
  private readonly cache = new Map<number, readonly string[]>()

  constructor(private readonly text: string) {
    let start = 0
    for (const piece of splitSentences(text)) {
      this.pieces.push({ start, end: start + piece.length, text: piece })
      start += piece.length
    }
  }

  at(start: number): readonly string[] {
    let earlier = this.cache.get(start)
    if (!earlier) {
      const whole = this.pieces.filter((p) => p.end <= start && p.text !== '').map((p) => p.text)
      const open = this.pieces.find((p) => p.start < start && p.end > start)
      earlier = open ? [...whole, this.text.slice(open.start, start)] : whole
      this.cache.set(start, earlier)
    }
    return earlier
  }
}

/**
 * The years (or periods) of the scene a text is set in: those of the nearest earlier sentence of
 * its passage that names one — text runs forward in time, so an older year further up does not
 * date it — or else those of the title and section.
 */
function sceneOf<T>(c: TextContext, names: (text: string) => readonly T[]): readonly T[] {
  for (let i = c.earlier.length - 1; i >= 0; i--) {
    const found = names(c.earlier[i]!)
    if (found.length > 0) return found
  }
  return names(c.heading)
}

/** `scope` stands for `c.scope` when a caller works it out per question (it does not copy the context for it). */
export function parkAgreement(q: Question, c: TextContext, scope: ClauseScope | undefined = c.scope): number {
  // 同期，赣州市实现地区生产总值… does not answer for the zone in that city (a company of another
  // city, 深圳市华美兴泰…, says nothing either way), nor 园区实现… for the city.
  if (q.scope === 'zone' && scope?.scope === 'city') {
    const city = scope.city?.slice(0, -1)
    if (city === undefined || q.parks.some((park) => park.startsWith(city))) return -1
  }
  if (q.scope === 'city' && scope?.scope === 'zone') return -1
  if (q.parks.length === 0) return 0
  if (q.parks.includes(c.park) || c.mentions.some((m) => q.parks.includes(m))) return 1
  return -1
}

export function yearAgreement(q: Question, c: TextContext): number {
  if (q.years.length === 0) return relativeYearAgreement(q, c)
  const facts = factsOf(c)
  const scene = (facts.scene ??= sceneYears(c))
  // A bare "2月4日" in a review of 2020 is in 2020, not in the year the review was printed; but a
  // year far from the document's (而在2012年…) is a comparison, not the scene a date is in.
  const near = scene.length === 1 && (c.documentYear === undefined || Math.abs(Number(scene[0]) - Number(c.documentYear)) < FAR_YEARS)
  // 较2021年的969.3亿元 gives 2021's figure; 超过去年全年水平 dates nothing (its figure is this year's).
  const own = (facts.own ??= yearsIn(timeRules.withoutBaselines(c.text), c.documentYear, near ? scene[0] : c.documentYear))
  if (own.some((y) => q.years.includes(y)) || (facts.compared ??= timeRules.baselineYears(c.text).map(String)).some((y) => q.years.includes(y))) return 1
  if (own.length > 0) return -1
  // An article of 2023 may report on 2022, but a figure it dates only by its document (no year of
  // its own, or a period such as 上半年 that opens a new scene) is not about 2012.
  const far = c.documentYear !== undefined && q.years.every((y) => Math.abs(Number(y) - Number(c.documentYear)) >= FAR_YEARS)
  if (far && (facts.datedByPeriod ??= periodsIn(c.text).length > 0 || periodOpensScene(c))) return -1
  if (scene.some((y) => q.years.includes(y))) return 1
  if (scene.length > 0) return -1
  return far ? -1 : 0
}

/** The years of the scene a text is set in (see sceneOf). */
function sceneYears(c: TextContext): readonly string[] {
  // A bare date up the passage (3月16日，…开工) is in the year the heading reviews (…2022年发展综述).
  const headingYears = yearsIn(c.heading, c.documentYear)
  const reviewed = headingYears.length === 1 && (c.documentYear === undefined || Math.abs(Number(headingYears[0]) - Number(c.documentYear)) < FAR_YEARS) ? headingYears[0] : c.documentYear
  // A year after the document's (明年计划…) is a plan mentioned on the way: the report goes on about its own time.
  const future = (year: string) => c.documentYear !== undefined && Number(year) > Number(c.documentYear)
  return sceneOf(c, (text) => yearsIn(timeRules.withoutBaselines(text), c.documentYear, reviewed).filter((year) => !future(year)))
}

/** The question as asked in a document of `documentYear`: 去年 read as that year's year before. Once per question and year: every window of a passage asks. */
const inYears = new WeakMap<Question, Map<string, Question>>()
function inYearsOf(q: Question, documentYear: string): Question {
  let byYear = inYears.get(q)
  if (!byYear) inYears.set(q, (byYear = new Map()))
  let dated = byYear.get(documentYear)
  if (!dated) {
    // A copy, then the years: V8 makes `{ ...q, years }` a slow object, read in every window.
    dated = { ...q }
    dated.years = q.yearOffsets.map((o) => String(Number(documentYear) + o))
    byYear.set(documentYear, dated)
  }
  return dated
}

/**
 * A question asking about 去年 or 今年: read against the document's year when it is known; when it
 * is not, the text's own 去年/今年 (or its scene's) must be the same word (前年 is not 去年).
 */
function relativeYearAgreement(q: Question, c: TextContext): number {
  if (q.yearOffsets.length === 0) return 0
  if (c.documentYear !== undefined) return yearAgreement(inYearsOf(q, c.documentYear), c)
  const facts = factsOf(c)
  const said = (facts.offsets ??= yearOffsetsIn(c.text).length > 0 ? yearOffsetsIn(c.text) : sceneOf(c, yearOffsetsIn))
  if (said.length === 0) return 0
  return said.some((o) => q.yearOffsets.includes(o)) ? 1 : -1
}

/** Does a period (上半年) name the scene before any year does, looking back from the text? */
function periodOpensScene(c: TextContext): boolean {
  const nearest = nearestTime(c)
  return nearest !== undefined && nearest.years.length === 0
}

/** The years and periods of the nearest earlier sentence of the passage that names either. */
function nearestTime(c: TextContext): { years: readonly string[]; periods: readonly string[] } | undefined {
  for (let i = c.earlier.length - 1; i >= 0; i--) {
    // 增速比上半年提高0.7个百分点 is a 1-9月 sentence: what it compares with sets no scene.
    const sentence = timeRules.withoutBaselines(c.earlier[i]!)
    const years = yearsIn(sentence, c.documentYear)
    const periods = periodsIn(sentence)
    if (years.length > 0 || periods.length > 0) return { years, periods }
  }
  return undefined
}

/** Years between a question's year and a document's from which an undated text is another year's. */
const FAR_YEARS = 2

/**
 * Period words like 上半年 or 1-10月; a question naming none accepts any (the answer quotes it).
 * 全年 only rules out part-year figures: most full-year figures do not say 全年.
 */
export function periodAgreement(q: Question, c: TextContext): number {
  const asked = q.periods.filter((p) => p !== FULL_YEAR)
  const facts = factsOf(c)
  const own = (facts.periods ??= periodsIn(timeRules.withoutBaselines(c.text)).filter((p) => p !== FULL_YEAR))
  if (asked.length === 0) {
    const partYear = own.length > 0 || (facts.periodScene ??= periodScene(c)).some((p) => p !== FULL_YEAR)
    return q.periods.includes(FULL_YEAR) && partYear ? -1 : 0
  }
  if (own.some((p) => asked.includes(p))) return 1
  if (own.length > 0) return -1
  const around = (facts.periodScene ??= periodScene(c))
  if (around.some((p) => asked.includes(p))) return 1
  // Two times asked (甲高新区上半年和乙经开区2022年全年): a whole-year figure answers the 全年 part.
  return q.periods.includes(FULL_YEAR) && around.every((p) => p === FULL_YEAR) ? 1 : -1
}

/**
 * The period of the scene a text is in, looking back: a year named on the way (回望去年，…)
 * starts another scene, so the 上半年 of the sentences before it does not reach the text.
 */
function periodScene(c: TextContext): readonly string[] {
  if (yearsIn(c.text, c.documentYear).length > 0) return []
  return nearestTime(c)?.periods ?? periodsIn(c.heading)
}

export function measureAgreement(q: Question, c: TextContext): number {
  if (q.measures.length === 0) return 0
  const facts = factsOf(c)
  // 三大主导产业实现产值318.6亿元，占园区规模工业总产值的77.2%: no figure of 规模工业总产值, unless a share is asked.
  const named = q.asksShare ? (facts.measures ??= measuresOf(c.text)) : (facts.ownMeasures ??= measuresOf(c.text.replace(clauseCues.shareBase, ' ')))
  if (q.measures.some((m) => named.includes(m))) return 1
  return -1
}

export function agreement(q: Question, c: TextContext): Agreement {
  return { park: parkAgreement(q, c), year: yearAgreement(q, c), period: periodAgreement(q, c), measure: measureAgreement(q, c) }
}
