import { EarlierText, measureAgreement, parkAgreement, periodAgreement, TextFacts, yearAgreement, type TextContext } from '../retrieve/agreement.js'
import type { ClauseScope, ParkCatalog } from '../retrieve/parks.js'
import { escapeRegExp, FULL_YEAR, measuresIn, periodsIn, type Question } from '../retrieve/query.js'
import { fold, foldedCoverage, LONE_CHARACTER, nearlyHolds } from '../retrieve/coverage.js'
import { clauseCues } from '../rules/clauses.js'
import { figureRules } from '../rules/figures.js'
import { glossary } from '../rules/glossary.js'
import { timeRules } from '../rules/time.js'
import { HEADING_START } from '../text/headings.js'
import { fullSentenceStart, SENTENCE, spans, type Span } from '../text/sentences.js'
import { stopwords } from '../text/stopwords.js'
import { alternation } from '../text/table.js'
import { memoizeByText } from '../text/memo.js'
import { tagged, words } from '../text/tokenize.js'
import { work } from '../text/work.js'
import type { Passage } from '../ingest/chunk.js'
import { passageReadings } from '../retrieve/readings.js'
import type { NumberedPassage } from './types.js'

/**
 * The offline answerer: quotes the clause(s) of the retrieved passages that answer the question,
 * each followed by the `[n]` of its passage, or says the documents do not say. A quote is always a
 * verbatim slice of its passage (checked by `verifyQuotes`).
 */

export interface Quote {
  n: number
  /** Verbatim text of passage `n`. */
  text: string
  /** The park, prefixed when the quote does not name it (context the passage gives). */
  label?: string
}

export interface ExtractiveResult {
  found: boolean
  quotes: Quote[]
  /** Measures a two-part question asks that no passage gives (said in the answer, not guessed). */
  missing: string[]
}

// Phrases inside a sentence; 、 stays inside (it separates list items, not clauses).
const PHRASE = /[^，,：:]*(?:[，,：:]+|$)/g
// A month dated by a relative year (去年6月) is a date too; a year's review (2023年度…评价) is none.
const DATE = new RegExp(
  `\\d{4}\\s*年\\s*\\d{1,2}\\s*月(?:\\s*\\d{1,2}\\s*日)?|\\d{1,2}\\s*月\\s*\\d{1,2}\\s*日|\\d{4}\\s*年(?![\\d度])|(?:${alternation(timeRules.relativeYears.map((r) => r.word))})\\s*\\d{1,2}\\s*月`,
  'g',
)
const TRAILING = /[\s，,；;：:。、]+$/
const LEADING = /^[\s，,；;：:。、”’）)]+/

/** Minimum share of the question's words a quote (with its sentence) must hold; calibrated on evals/. */
export const MIN_COVERAGE = 0.3

/** A window that agrees with the question on everything (park, time, measure, kind), scored. */
interface Candidate {
  citation: NumberedPassage
  rank: number
  span: Span
  text: string
  score: number
  /** Holds enough of the question's words to answer it. */
  accepted: boolean
  /** Names one of the question's measures: it may answer that part. */
  answersAPart: boolean
}

/** What is worked out once per question, not once per candidate clause. */
interface Asked {
  q: Question
  /** The question without spaces: a figure it states itself is no answer ("53个"). */
  stated: string
  /** A figure asked by measure must follow the measure within its clause, or count it ("180家规上企业"). */
  figureAfterMeasure?: RegExp
  /** "多少个", "how many": the figure must count something; "多少钱", "产值": it must be money. */
  count: boolean
  money: boolean
  /** What the money asked is of (figureRules.moneyMeasuresIn): 产值, not 总投资. */
  moneyOf: number[]
  /** 第几名: only a rank answers. */
  rank: boolean
  /** 多少辆: only a figure in 辆 answers (figureRules.askedUnit); 几天, only one in 天 (askedQuantity). */
  unit?: ReturnType<typeof figureRules.askedUnit>
  /** A which/who question: what the answering clause must name. */
  entity?: ReturnType<typeof clauseCues.entityTarget>
  /** The question asks for the figure a year or period achieved, not for a plan: a target does not answer it. */
  asksResult: boolean
  /** A figure asked without a plan word: a target answers it only when nothing achieved does. */
  prefersResult: boolean
  /** The question compares with the year before (同比, 比上年). */
  asksYearOnYear: boolean
  /** The measure, its unit in brackets, then a number: a flattened table's cell. */
  headedFigure?: RegExp
  /** The question names a change (增长, 多出): a figure answers only right after one. */
  asksChange: boolean
  /** Industries the question names (声学光电和VR产业): a quote about another answers nothing. */
  industries: string[]
  /** A count of all there are (总数, have) or of new ones (新增), when the question says which. */
  tally?: 'stock' | 'additions'
  focus: Focus
  /** The event a date question asks the date of (投产), with its synonyms. */
  event?: readonly string[]
  /** The phases of a project the question names (二期): a figure of another phase, or of the whole project, is no answer. */
  phases: string[]
  /** The levels the question names (国家级): a sentence naming only another (省级) speaks of another. */
  levels: string[]
  /** Brands of companies the passages name that the question names (鸿远 of 鸿远电子一期项目): the answering sentence must name one. */
  brands: readonly string[]
  /** Brands of the other companies the passages name. */
  otherBrands: readonly string[]
  /** clauseCues.contradicts for this question. */
  contradicts(quote: string): boolean
  /** clauseCues.othersCompany for this question, remembered per text: windows share their leads and subjects. */
  othersCompany(text: string): boolean
  /** The verb a figure question asks the amount of (转贷 of 转贷了多少钱): the figure right after it answers best. */
  figureOfVerb?: RegExp
}

/** Every measure name the glossary knows. */
const MEASURE_NAMES = glossary.measures.flat()

/**
 * A measure's name as a pattern that does not match where another measure's name ends inside it:
 * 出口 in 进出口总额12.47亿元 (出口额 in 进出口额) is no export figure.
 */
const measurePattern = memoizeByText((name: string): string => {
  const heads = new Set<string>()
  for (const other of MEASURE_NAMES) {
    if (other === name) continue
    for (let k = 2; k <= Math.min(name.length, other.length - 1); k++) if (other.endsWith(name.slice(0, k))) heads.add(escapeRegExp(other.slice(0, -k)))
  }
  return heads.size > 0 ? `(?<!${[...heads].join('|')})${escapeRegExp(name)}` : escapeRegExp(name)
})

/** The words a question asks a figure with (global). */
const HOW_MUCH = /多少|几|多大|多高|多长|多快|多久|\bhow (?:many|much)\b|\bwhat (?:is|was|were|are)\b/gi

/** Does a question ask for two figures (签约了多少个项目？总投资多大？)? */
function asksTwice(q: Question): boolean {
  return (q.normalized.match(HOW_MUCH) ?? []).length > 1
}

/** How many phrases after a date alone in its phrase may tell what it dates. */
const DATED_PHRASES = 2

/** The word right before 多少 (转贷了多少钱), what the figure asked follows. */
const VERB_BEFORE_HOW_MUCH = /([\u4e00-\u9fff]{2})了?(?:多少|几)/

/** What a figure right after the question's verb (转贷18.4亿元) gains over one beside another (设立5亿元资金池). */
const FIGURE_OF_VERB = 0.15

function asked(q: Question, vocabulary: Vocabulary): Omit<Asked, 'brands' | 'otherBrands'> {
  const names = q.measures.flat().map(measurePattern)
  const count = figureRules.asksCount.test(q.text)
  const asksMoney = figureRules.asksMoney.test(q.text)
  // "GDP同比增长了多少", "比2022年多出来多少" ask for a change, not the amount itself.
  const asksChange = clauseCues.change.test(q.measures.flat().reduce((text, name) => text.split(name).join(' '), q.normalized))
  const prefersResult = (q.kind === 'number' || q.kind === 'percent') && !clauseCues.asksPlan.test(q.text)
  const quantity = figureRules.askedQuantity(q.normalized)
  return {
    q,
    stated: q.normalized.replace(/\s+/g, ''),
    // The figure may follow in the next clause when that clause goes on (…突破千亿元，达到1018.6亿元).
    figureAfterMeasure:
      // A count asked must be a count (企业87家), not another figure of the measure (企业研发投入占…2.3%),
      // unless the question asks something else too (签约了多少个项目？总投资多大？).
      names.length > 0 ? new RegExp(`(?:${names.join('|')})[^，,。；;、]{0,14}?(?:[，,](?:${clauseCues.continuations.join('|')}))?(?:${count && !asksChange && !asksTwice(q) ? figureRules.count.source : '\\d'})|${figureRules.countingPrefix}(?:${names.join('|')})`) : undefined,
    count,
    rank: figureRules.asksRank.test(q.text),
    moneyOf: q.kind === 'number' && asksMoney ? figureRules.moneyMeasuresIn(q.normalized) : [],
    // "GDP同比增长了多少" asks for a rate, not an amount of money; 花了几天, for days.
    money: !count && asksMoney && !asksChange && quantity === undefined,
    unit: asksChange ? undefined : (quantity ?? (count ? figureRules.askedUnit(q.normalized) : undefined)),
    asksChange,
    asksYearOnYear: q.normalized.search(clauseCues.comparison) >= 0,
    // A table cell under the measure's unit: 规模以上工业总产值（亿元）586.3.
    headedFigure: names.length > 0 ? new RegExp(`(?:${names.join('|')})\\s*${figureRules.headed[count ? 'count' : 'figure'].source}`) : undefined,
    industries: q.kind === 'number' || q.kind === 'percent' ? industriesIn(vocabulary.catalog.withoutNames(q.normalized)) : [],
    entity: clauseCues.entityTarget(q.normalized),
    asksResult: prefersResult && (q.years.length + q.periods.length > 0 || clauseCues.asksDone.test(q.text)),
    prefersResult,
    tally: q.kind === 'number' ? clauseCues.tallyOf(q.text) : undefined,
    focus: focusWords(q, vocabulary),
    figureOfVerb: figureOfVerb(q),
    othersCompany: memoizeByText((text) => clauseCues.othersCompany(q.normalized, text)),
    contradicts: clauseCues.contrastsAsked(q.normalized),
    phases: clauseCues.phasesIn(q.normalized),
    levels: clauseCues.levelsIn(q.normalized),
    event: q.kind === 'date' ? clauseCues.eventAsked(q.normalized) : undefined,
  }
}

function figureOfVerb(q: Question): RegExp | undefined {
  if (q.kind !== 'number') return undefined
  const verb = VERB_BEFORE_HOW_MUCH.exec(q.normalized)?.[1]
  return verb === undefined ? undefined : new RegExp(`${escapeRegExp(verb)}[^，,。；;\\d]{0,2}\\d`)
}

/**
 * Does every figure of a quote count the other tally (新增68家 for 总数)? Each figure is read with
 * the words since the figure or clause before it: 新增11家达到23家 holds a total too.
 */
function otherTally(a: Asked, quote: string): boolean {
  if (!a.tally) return false
  // Figures that are not dates (2023年，园区新增…68家).
  const figures = [...quote.matchAll(FIGURE_NOT_DATE)]
  if (figures.length === 0) return false
  let from = 0
  return figures.every((figure) => {
    const lead = quote.slice(from, figure.index).split(/[，,；;。]/).at(-1)!
    from = figure.index + figure[0].length
    const tally = clauseCues.tallyOf(lead)
    return tally !== undefined && tally !== a.tally
  })
}

/** Where the last phrase of a text starts: after its last comma, colon, semicolon or full stop. */
function phraseStart(text: string): number {
  return Math.max(...[...text.matchAll(/[，,：:；;。]/g)].map((m) => m.index + 1), 0)
}

/**
 * Is every amount of money a quote gives one of another thing than the question asks (总投资35亿元
 * for 产值)? Each amount is read with its own phrase, from the comma before it.
 */
function otherMoney(a: Asked, upToQuote: string, quote: string): boolean {
  if (a.moneyOf.length === 0) return false
  const offset = upToQuote.length - quote.length
  const amounts = [...quote.matchAll(figureRules.money)]
  if (amounts.length === 0) return false
  return amounts.every((amount) => {
    const before = upToQuote.slice(0, offset + amount.index)
    const phrase = before.slice(phraseStart(before))
    const named = figureRules.moneyMeasuresIn(phrase)
    return named.length > 0 && !named.some((group) => a.moneyOf.includes(group))
  })
}

/** Is any of these matches one the question does not already state? */
function newIn(a: Asked, matches: readonly string[]): boolean {
  return matches.some((m) => !a.stated.includes(m))
}

/** A window's matches of a figure pattern, kept with the window: every question of its kind reads them. */
function figuresIn(window: WindowReading, pattern: RegExp): readonly string[] {
  window.figures ??= new Map()
  let found = window.figures.get(pattern)
  if (!found) window.figures.set(pattern, (found = matchesIn(pattern, window.quote)))
  return found
}

/** matchesIn, remembered per pattern and text: the same phrases are looked at question after question. */
const matchesByPattern = new WeakMap<RegExp, (text: string) => readonly string[]>()
function matchesOf(pattern: RegExp): (text: string) => readonly string[] {
  let matches = matchesByPattern.get(pattern)
  if (!matches) matchesByPattern.set(pattern, (matches = memoizeByText((text) => matchesIn(pattern, text))))
  return matches
}

/** A pattern's (global) matches in a text, without spaces. */
function matchesIn(pattern: RegExp, text: string): readonly string[] {
  return [...text.matchAll(pattern)].map((m) => m[0].replace(/\s+/g, ''))
}

function figureAfterMeasure(a: Asked, text: string): boolean {
  // 这一数字只有28家 says the measure in other words.
  return !a.figureAfterMeasure || a.figureAfterMeasure.test(text) || clauseCues.figureAnaphor.test(text)
}

/** What a figure, share or date question's answer must hold a match of that the question does not state (undefined: no such kind). */
function askedFigure(a: Asked): RegExp | undefined {
  switch (a.q.kind) {
    case 'number':
      return a.rank ? figureRules.rank : a.count ? figureRules.count : a.money ? figureRules.money : figureRules.figure
    case 'percent':
      return figureRules.percent
    case 'date':
      return DATE
    default:
      return undefined
  }
}

/**
 * How well a clause fits the kind of answer asked: 1 fits, 0 neither way, -1 refused. `holdsNew`
 * says whether it holds a match of askedFigure that the question does not state (worked out once
 * per window: a window without one is refused before the agreements are checked).
 */
function kindFit(a: Asked, text: string, sentence: string, holdsNew: boolean): number {
  switch (a.q.kind) {
    case 'number': {
      if (a.rank) return holdsNew ? 1 : -1
      const holdsFigure = (holdsNew && figureAfterMeasure(a, text)) || a.headedFigure?.test(text) === true
      return holdsFigure && (!a.asksChange || clauseCues.changedFigure.test(text)) && (!a.unit || a.unit.figure.test(text)) ? 1 : -1
    }
    case 'percent':
      return holdsNew && figureAfterMeasure(a, text) ? 1 : -1
    case 'date': {
      if (!holdsNew) return -1
      // 一期是几月份投产的: a date whose phrase names another event (于2023年9月签约) answers another question.
      const event = a.event
      if (!event) return 1
      // 哪一年获批: a date in a sentence that names no 获批 (到2026年…力争) dates something else.
      if (!event.some((word) => sentence.includes(word))) return -1
      const dated = text.split(/[，,；;。]/).filter((phrase) => matchesOf(DATE)(phrase).length > 0)
      // 今年3月18日，…项目正式签约落户: a date alone in its phrase dates the clauses after it (2022年7月，经省政府批准，园区正式转型为…).
      const phrases = sentence.split(/[，,；;。]/)
      const clauseDated = (phrase: string) => {
        const at = phrases.findIndex((p) => p.includes(phrase))
        return clauseCues.namesEvent(phrase) || at < 0 ? phrase : [phrase, ...phrases.slice(at + 1, at + 1 + DATED_PHRASES)].join('，')
      }
      return dated.map(clauseDated).some((phrase) => event.some((word) => phrase.includes(word)) || !clauseCues.namesEvent(phrase)) ? 1 : -1
    }
    case 'list':
      return listOfAsked(a.q, text) ? 1 : 0
    case 'reason':
      return clauseCues.reason.test(text) ? 1 : 0
    case 'entity': {
      const target = a.entity
      if (!target) return 0
      // A which/who question is answered only by a clause that names such a thing.
      if (!('holds' in target)) return clauseCues.personsIn(text, a.q.normalized).some((name) => !a.stated.includes(name)) ? 1 : -1
      // A name without its 公司 (北辰化工年产…) fits less surely than a full one.
      // 深圳一家新能源企业 leaves the company unnamed, and the one the question names is not the one asked.
      const named = clauseCues.withoutKnownCompanies(a.q.normalized, text)
      return target.holds.test(named) ? 1 : target.namedBefore?.test(named) ? 0.5 : -1
    }
    default:
      return 0
  }
}

/** How far a list's joiner may stand from the question's word for what it lists (A、B、C三大主导产业). */
const LIST_REACH = 20

/**
 * Does a clause list what the question asks for: a joiner (、, 和) near one of the question's
 * words? A list of something else in the same sentence (…担任三大主导产业的“链长”，…解决用工、融资、物流等问题) is no answer.
 */
export function listOfAsked(q: Question, text: string): boolean {
  // Each joiner with the end of the item after it (…、深圳市柯林森科技有限公司总经理田敏等，被聘为…).
  const joiners = [...text.matchAll(clauseCues.listJoiner)].map((m) => {
    const end = text.slice(m.index).search(/[，,；;。：:]/)
    return { at: m.index, end: end < 0 ? text.length : m.index + end }
  })
  if (joiners.length === 0) return false
  const lower = text.toLowerCase()
  const words = q.terms.flat().filter((w) => w.length >= 2)
  if (words.every((w) => !lower.includes(w))) return true
  return words.some((word) => {
    for (let at = lower.indexOf(word); at >= 0; at = lower.indexOf(word, at + 1)) {
      if (joiners.some((j) => (j.at < at ? at - j.end : j.at - at - word.length) <= LIST_REACH)) return true
    }
    return false
  })
}

function trimmed(text: string, span: Span): Span {
  const slice = text.slice(span.start, span.end)
  const lead = slice.length - slice.replace(LEADING, '').length
  const body = slice.slice(lead).replace(TRAILING, '')
  return { start: span.start + lead, end: span.start + lead + body.length }
}

/** Sentences of a passage; a line break ends one too (a heading stands on its own line). */
const sentencesOf = memoizeByText((text: string): readonly Span[] =>
  spans(text, SENTENCE).flatMap((s) => spans(text.slice(s.start, s.end), LINE, s.start)),
)
const LINE = /[^\n]+\n*/g

/** How many phrases a quote may span: more for a list or a reason. */
function phrasesPerWindow(q: Question): number {
  return q.kind === 'list' || q.kind === 'reason' ? 5 : 3
}

function windowSpans(text: string, maxPhrases: number): Span[] {
  const out: Span[] = []
  for (const sentence of sentencesOf(text)) {
    const phrases = spans(text.slice(sentence.start, sentence.end), PHRASE, sentence.start)
    for (let i = 0; i < phrases.length; i++) {
      for (let j = i; j < Math.min(phrases.length, i + maxPhrases); j++) out.push({ start: phrases[i]!.start, end: phrases[j]!.end })
    }
    if (phrases.length > maxPhrases && sentence.end - sentence.start <= 160) out.push(sentence)
  }
  return out.map((s) => trimmed(text, s)).filter((s) => s.end - s.start >= 4)
}

/** What the answerer knows of the index: park names and how rare a word is. */
export interface Vocabulary {
  catalog: ParkCatalog
  /** IDF-like weight of a word. */
  weight(word: string): number
  /** Number of passages holding a word. */
  passagesWith(word: string): number
  passageCount: number
}

interface Focus {
  required: string[]
  mayMiss: number
}

/**
 * Rare words of the question that the corpus does hold (a project, a company, 国家级): the passage
 * answering must hold them too (all but one when there are several). Words the corpus never uses
 * are paraphrases, not required.
 */
function focusWords(q: Question, vocabulary: Vocabulary): Focus {
  const rare = Math.max(2, Math.ceil(vocabulary.passageCount * 0.03))
  const words = q.terms.filter((g) => g.length === 1 && g[0]!.length >= 2 && !stopwords.frameWords.has(g[0]!)).map((g) => g[0]!).filter((w) => {
    const n = vocabulary.passagesWith(w)
    return n > 0 && n <= rare
  })
  // A rare verb, preposition, connective or time word (为了, 打算, 到位, 现在) is wording, not topic: it counts
  // towards the one word that may be missing, but need not be there itself.
  if (words.length === 0) return { required: [], mayMiss: 0 }
  const wording = new Set(tagged(q.normalized).filter((t) => /^(v|p|c|d|u|r|y|e|o|t)/.test(t.tag)).map((t) => t.word.toLowerCase()))
  // A period (三季度 of 前三季度) is a time, which the agreement checks read in any form (1—9月).
  return { required: words.filter((w) => !wording.has(w) && timeRules.timeWordsIn(w).length === 0), mayMiss: words.length >= 2 ? 1 : 0 }
}

/**
 * A year-on-year question (同比增长了多少) is not answered by a change over several years
 * (从2013年的7.7亿元提高到2022年的84.6亿元，增长了10倍).
 */
function overYears(a: Asked, q: Question, text: string): boolean {
  if (!a.asksYearOnYear || q.years.length === 0) return false
  const asked = Math.min(...q.years.map(Number))
  return timeRules.baselineYears(text).some((year) => year < asked - 1)
}

/** Industries a text names: the words before 产业, 产业链 or 行业 (声学光电和VR产业). */
function industriesIn(text: string): string[] {
  // The name runs back to the nearest word that cannot be part of one (的, 年, 哪 …).
  return [...text.matchAll(clauseCues.industry)].map((m) => m[1]!.split(NOT_IN_NAME).at(-1)!).filter((name) => name.length >= 2)
}
const NOT_IN_NAME = /[的年是在对把为从了哪几么少，,。；;、\s\d]/

/** Does a quote's lead name only industries the question does not (动力装备产业 for 声学光电产业)? */
function otherIndustry(a: Asked, lead: string, context: string): boolean {
  if (a.industries.length === 0) return false
  const named = industriesIn(lead)
  const shares = (x: string, y: string) => [...Array(Math.max(0, x.length - 1)).keys()].some((i) => y.includes(x.slice(i, i + 2)))
  if (named.length > 0) return !named.some((n) => a.industries.some((asked) => shares(asked, n) || shares(n, asked)))
  // Naming none, the figure is the industry's only when it or the sentence before names it
  // (…配套产业跑出加速度。全年实现营业收入486.5亿元); else it is the whole park's.
  return !a.industries.some((asked) => shares(asked, context))
}

/** Digits that are not a year, month or day (2023年, 4月16日): where a figure starts. */
const FIGURE_NOT_DATE = /\d+(?:\.\d+)?(?!\d|\.\d|\s*[年月日])/g

/** The rest of the phrase a quote's first figure stands in (总投资21.6亿元的…汽车板二期项目正式投产): what the figure is of. */
function figurePhrase(quote: string): string {
  const figure = quote.search(FIGURE_NOT_DATE)
  return figure < 0 ? '' : quote.slice(figure).split(/[，,；;。]/)[0]!
}

/** The clause a quote's figure stands in, up to the figure: whom that figure is about. */
function leadOf(earlier: readonly string[], quote: string): string {
  // Back to the start of the sentence: its subject carries over semicolons (…某经开区实现…；规模以上工业总产值…).
  let start = earlier.length
  while (start > 0 && !/[。！？!?\n]$/.test(earlier[start - 1]!)) start--
  const figure = quote.search(FIGURE_NOT_DATE)
  return earlier.slice(start).join('') + (figure < 0 ? quote : quote.slice(0, figure))
}

/** The share of a quote (`lower`: in lower case) that the question's words do not cover, spaces and clause marks left out. */
function novelty(q: Question, text: string, lower: string): number {
  work.termChecks += q.terms.length
  let covered = lower
  for (const group of q.terms) for (const term of group) if (covered.includes(term)) covered = covered.replaceAll(term, '')
  // Counted, not cut out: a new string per window was most of this.
  let left = 0
  for (let i = 0; i < covered.length; i++) if (!NOT_COUNTED.has(covered.charCodeAt(i))) left++
  return left / Math.max(1, text.length)
}
/** What novelty does not count: whitespace (as /\s/ has it) and clause marks. */
const NOT_COUNTED = new Set([...'\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff，,；;：:。、'].map((c) => c.charCodeAt(0)).concat(Array.from({ length: 11 }, (_, i) => 0x2000 + i)))

/** What a part-year figure loses against a whole-year one when the question names only a year. */
const PART_YEAR_PENALTY = 0.5

/** The share of MIN_COVERAGE a list or a measure needs when its clause is built as the question asks (、…, 实施…). */
const BUILT_AS_ASKED = 0.67

/** What a section heading loses against a sentence. */
const HEADING_PENALTY = 0.5

/** A how/why question is answered by a measure (实施, 通过 …): a clause naming none is most likely the result it asks about. */
const REASON_FIT = 0.45

/** What a target (力争…, 计划到2025年…) loses against an achieved figure when the question names no plan. */
const PLAN_PENALTY = 0.5

/** A sentence that asks (an interviewer's: 记者：…做了哪些工作？). */
const QUESTION_END = /[？?]\s*$/

/** How many sentences of an interview's answer the question before them reaches. */
const ANSWER_SENTENCES = 4

/** How many sentences before a figure's may name the company it is of. */
const NEARBY_SENTENCES = 2

/** The longest question read as asking about the sentence before it (速度从何而来？), not as an interviewer's. */
const RHETORICAL_CHARS = 12

/** The longest sentence read as the topic the next one's measure takes up. */
const TOPIC_CHARS = 40

/** How many sentences before 为此 may state the problem it answers. */
const PROBLEM_SENTENCES = 2

/** A window of a passage as it reads whatever the question: cut, dated and attributed once. */
interface WindowReading {
  span: Span
  quote: string
  sentence: Span
  /** The quote folded for coverage (`fold`). */
  folded: string
  /** The quote in lower case (novelty reads it so): most often the same string as `folded`. */
  lower: string
  /** Its matches of each figure pattern asked so far (figuresIn); none until one is asked. */
  figures: Map<RegExp, readonly string[]> | undefined
  /** The sentence with what it answers and the title, folded: the wider text a quote's coverage counts. */
  wide: string
  /** The sentence up to the quote's end: what dates, plans or contrasts the quote. */
  upToQuote: string
  /** From the sentence before to the quote's end: where an industry the quote is about is named. */
  industryContext: string
  lead: Lead
  /** The agreement context without a scope; per question the scope is added. */
  context: TextContext
  /** A how/why question's problem: the sentence after it answers it (…日益紧张。为此，…). */
  answeredByNext: boolean
  partYear: boolean
  planned: boolean
  /** A section heading (二、…挺起脊梁): it names a topic, it does not answer about it. */
  heading: boolean
  /** Its sentence is a question (记者：…做了哪些工作？). */
  asking: boolean
  /** Its last phrase names a year or period and no figure: the time of the clause after it. */
  danglingTime: boolean
  /** Its sentence's text. */
  sentenceText: string
  /** The levels its sentence names (省级). */
  levels: readonly string[]
  /** The phase of a project its figure is of: the last one named before it, or in its phrase (一期…；二期项目总投资15亿元). */
  phase?: string
  /** The sentence and the two before it, with the passage's opening and title, folded: where a company a figure is of is named (泰禾新材料有限公司…。这家企业…。企业正在建设的…项目总投资36亿元). */
  nearby: string
  /** It says 这一数字 for the measure named before it. */
  figureAnaphor: boolean
  /** Its sentence's first phrase, the subject of every figure after it (…有限公司…项目于去年9月竣工投产，当年即实现产值4.3亿元). */
  subject: string
}

/** The clause a quote's figure stands in, up to the figure, shared by the windows that share it. */
interface Lead {
  text: string
  /** Whom it names (ParkCatalog.scopeOf); `null` until a question about a city or a zone asks. */
  named: ClauseScope | undefined | null
}

interface PassageReading {
  /** What it was read from: a passage of the same id read differently is read again. */
  passage: Passage
  lowerText: string
  /** Windows by the number of phrases a window may span (3, or 5 for lists and reasons). */
  windows: Map<number, WindowReading[]>
}

/**
 * Passages as the answer step reads them (see passageReadings). Most of a question's work was
 * reading the same passages' windows afresh: now only what depends on the question is done per question.
 */
const readingOf = passageReadings(5_000, (citation: NumberedPassage): PassageReading => ({ passage: citation, lowerText: citation.text.toLowerCase(), windows: new Map() }))

function windowReadings(reading: PassageReading, citation: NumberedPassage, catalog: ParkCatalog, q: Question): WindowReading[] {
  const maxPhrases = phrasesPerWindow(q)
  let read = reading.windows.get(maxPhrases)
  if (!read) reading.windows.set(maxPhrases, (read = readWindows(citation, catalog, maxPhrases)))
  return read
}

function readWindows(citation: NumberedPassage, catalog: ParkCatalog, maxPhrases: number): WindowReading[] {
  const text = citation.text
  const sentences = sentencesOf(text)
  const heading = `${citation.title} ${citation.section}`
  // Windows share their sentence and their end: work those out once.
  // A passage that starts inside a sentence reads its first clauses with that sentence's opening.
  const opening = citation.opening ?? ''
  const earlier = new EarlierText(opening + text)
  const mentionsUpTo = new Map<number, readonly string[]>()
  const wideOf = new Map<Span, string>()
  const leads = new Map<string, Lead>()
  const pointsBack = (s: Span | undefined) => s !== undefined && clauseCues.pointsBack.test(text.slice(s.start, s.end))
  const indexOf = (s: Span) => sentences.indexOf(s)
  // The problem may take two sentences (…供电紧张的压力。2022年夏季，企业曾被迫错峰生产。为此，…).
  const problemOf = (s: Span) => (pointsBack(s) && indexOf(s) > 0 ? text.slice(sentences[Math.max(0, indexOf(s) - PROBLEM_SENTENCES)]!.start, s.start) : '')
  // In an interview, the question asked just before is what an answer's sentences are about
  // (记者：…融资难，园区做了哪些工作？ 彭志坚：我们做了几件事：一是…).
  const sentenceText = (i: number) => (i >= 0 && i < sentences.length ? text.slice(sentences[i]!.start, sentences[i]!.end) : '')
  const askedBefore = (s: Span) => {
    for (let i = indexOf(s) - 1; i >= Math.max(0, indexOf(s) - ANSWER_SENTENCES); i--) {
      // 项目…压缩到3.1个月。速度从何而来？: a short question asks about the sentence before it.
      if (QUESTION_END.test(sentenceText(i))) return (asksAboutBefore(i) ? sentenceText(i - 1) : '') + sentenceText(i)
    }
    return ''
  }
  const asksAboutBefore = (i: number) => sentenceText(i).trim().length <= RHETORICAL_CHARS
  // …的平均时间压缩到3.1个月。速度从何而来？刘振宇给出了答案：一是推行…: the result the question after it asks about is no measure.
  const askedAboutNext = (i: number) => QUESTION_END.test(sentenceText(i + 1)) && asksAboutBefore(i + 1) && clauseCues.reason.test(sentenceText(i + 2))
  // …项目快落地的背后，是“放管服”改革。园区全面推行“标准地+承诺制”…: the measures follow their introduction.
  // 用工问题同样是企业关心的大事。园区建立“人力资源驿站”，…: a short topic sentence, no measure or figure of its own, that the next one's measure takes up.
  const namesTopicOf = (i: number) => sentenceText(i).length <= TOPIC_CHARS && !/\d/.test(sentenceText(i)) && !clauseCues.reason.test(sentenceText(i)) && !QUESTION_END.test(sentenceText(i))
  const introducesNext = (i: number) => (clauseCues.introduces.test(sentenceText(i)) || namesTopicOf(i)) && clauseCues.reason.test(sentenceText(i + 1))
  // 这家成立于2015年的企业…全年实现营业收入7.3亿元 is about the company the sentence before names;
  // 而在2012年，这一数字只有28家 about its measure.
  const pointsBackAt = (i: number) => clauseCues.opensWithAnaphor.test(sentenceText(i)) || clauseCues.figureAnaphor.test(sentenceText(i))
  const antecedentOf = (s: Span) => (indexOf(s) > 0 && pointsBackAt(indexOf(s)) ? sentenceText(indexOf(s) - 1) : '')
  const introducedBy = (s: Span) => (indexOf(s) > 0 && introducesNext(indexOf(s) - 1) ? sentenceText(indexOf(s) - 1) : '')
  // 融资难、用工难，曾是…两块“心病”。针对融资难，园区…: the next sentence names this one's problem again.
  const restatesProblemOf = (i: number) => {
    const aimed = clauseCues.aimedAt.exec(sentenceText(i + 1))?.[1]
    return aimed !== undefined && sentenceText(i).includes(aimed)
  }
  const answeredByNext = (s: Span) =>
    indexOf(s) >= 0 && (sentences.slice(indexOf(s) + 1, indexOf(s) + 1 + PROBLEM_SENTENCES).some(pointsBack) || introducesNext(indexOf(s)) || restatesProblemOf(indexOf(s)) || askedAboutNext(indexOf(s)))
  // 今年1-10月，某高新区实现…；…；完成固定资产投资53.8亿元: the clauses before a semicolon (back to the
  // sentence's full stop, or into the passage's opening) give the time and subject of those after it.
  const clausesBefore = (s: Span) => sentenceSoFar(opening, text, s.start)
  const nearby = new Map<Span, string>()
  const nearbyOf = (s: Span) => {
    let folded = nearby.get(s)
    if (folded === undefined) {
      const from = sentences[Math.max(0, indexOf(s) - NEARBY_SENTENCES)]?.start ?? s.start
      nearby.set(s, (folded = fold(`${clausesBefore({ start: from, end: s.end })}${text.slice(from, s.end)} ${citation.title}`)))
    }
    return folded
  }
  return windowSpans(text, maxPhrases).map((span): WindowReading => {
    const quote = text.slice(span.start, span.end)
    const lower = quote.toLowerCase()
    // fold() is NFKC, then lower case: for a quote NFKC leaves as it is, that is `lower` itself.
    const folded = quote.normalize('NFKC') === quote ? lower : fold(quote)
    const sentence = sentences.find((s) => s.start <= span.start && s.end >= span.end) ?? span
    // Windows from one start to the same figure share their lead (the first one's) and its scope.
    const figureAt = quote.search(FIGURE_NOT_DATE)
    // …完成规模工业总产值61.2亿元，…与另一园区并列获评一等奖: a park named after the figure is not whose it is.
    const mentionsEnd = figureAt >= 0 ? span.start + figureAt : span.end
    let mentions = mentionsUpTo.get(mentionsEnd)
    if (!mentions) mentionsUpTo.set(mentionsEnd, (mentions = catalog.mentioned(opening + text.slice(0, mentionsEnd))))
    const before = earlier.at(opening.length + span.start)
    const leadKey = `${span.start}:${figureAt}`
    let lead = leads.get(leadKey)
    if (!lead) leads.set(leadKey, (lead = { text: leadOf(before, quote), named: null }))
    let wide = wideOf.get(sentence)
    const ownSentence = text.slice(sentence.start, sentence.end)
    if (wide === undefined) wideOf.set(sentence, (wide = fold(`${problemOf(sentence)}${askedBefore(sentence)}${introducedBy(sentence)}${antecedentOf(sentence)}${clausesBefore(sentence)}${ownSentence} ${citation.title}`)))
    const upToQuote = text.slice(sentence.start, span.end)
    const phase = clauseCues.phasesIn(lead.text + figurePhrase(quote)).at(-1)
    return {
      span,
      quote,
      folded,
      lower,
      figures: undefined,
      sentence,
      wide,
      upToQuote,
      industryContext: text.slice(sentences[Math.max(0, indexOf(sentence) - 1)]?.start ?? sentence.start, span.end),
      nearby: nearbyOf(sentence),
      sentenceText: ownSentence,
      levels: clauseCues.levelsIn(ownSentence),
      ...(phase ? { phase } : {}),
      lead,
      context: { text: quote, earlier: before, heading, park: citation.park, mentions, documentYear: citation.documentYear, facts: new TextFacts() },
      answeredByNext: answeredByNext(sentence),
      partYear: lastPeriods(upToQuote).some((p) => p !== FULL_YEAR),
      planned: clauseCues.plan.test(upToQuote),
      heading: isHeading(ownSentence.trim(), citation.section),
      asking: QUESTION_END.test(ownSentence),
      danglingTime: danglingTime(quote),
      figureAnaphor: clauseCues.figureAnaphor.test(quote),
      subject: upToQuote.split(/[，,；;]/)[0]!,
    }
  })
}

/** Does a quote end in a phrase that only dates (…312家，而在2012年), the clause after it? */
function danglingTime(quote: string): boolean {
  const phrases = quote.split(/[，,；;]/)
  if (phrases.length < 2) return false
  const last = phrases.at(-1)!
  return timeRules.firstTimeWord(last) !== undefined && matchesOf(figureRules.figure)(last).length === 0 && last.replace(/\d{4}\s*年|[\s\d年月日]/g, '').length <= 4
}

/** The periods of the last phrase that names any: 上半年…19个，全年…36个 ends in the whole year. */
function lastPeriods(text: string): readonly string[] {
  const phrases = text.split(/[，,；;]/)
  for (let i = phrases.length - 1; i >= 0; i--) {
    const periods = periodsIn(phrases[i]!)
    if (periods.length > 0) return periods
  }
  return []
}

/** A heading: the passage's section, or a short numbered or bracketed line that ends no sentence. */
function isHeading(line: string, section: string): boolean {
  if (line === section.trim()) return true
  return line.length <= MAX_HEADING_CHARS && HEADING_START.test(line) && !/[。！？!?；;]$/.test(line)
}
const MAX_HEADING_CHARS = 40

/**
 * Whom a quote is about: the subject its sentence names before the figure; failing that, for a
 * question about a whole city, the passage's own park (a zone's report speaks of the zone).
 */
function windowScope(q: Question, catalog: ParkCatalog, citation: NumberedPassage, lead: Lead): ClauseScope | undefined {
  if (lead.named === null) lead.named = catalog.scopeOf(lead.text)
  const named = lead.named
  if (named || q.scope !== 'city' || !citation.park) return named
  return catalog.isCity(citation.park) ? { scope: 'city', city: citation.park } : { scope: 'zone' }
}

function candidatesOf(a: Asked, citation: NumberedPassage, rank: number, vocabulary: Vocabulary, minCoverage: number): Candidate[] {
  const { q, focus } = a
  const { catalog, weight } = vocabulary
  const reading = readingOf(citation, catalog)
  const { lowerText } = reading
  // Question-wide checks of the passage: the same for each of its windows. A place the question
  // names outside any park (郴州 in 郴州2022年…) must be the passage's.
  // Two places asked side by side (甲、乙两个经开区) are asked one in each passage.
  const holdsPlace = (place: string) => lowerText.includes(place) || citation.title.includes(place) || citation.park.includes(place)
  const placed = q.places.length > 1 ? q.places.some(holdsPlace) : q.places.every(holdsPlace)
  // A near form counts (招工难 in a passage that says 用工难 … 招工): focus words are topic, not wording.
  const focused = focus.required.filter((w) => !lowerText.includes(w) && !nearlyHolds(w, lowerText)).length <= focus.mayMiss
  // Only a window that agrees with the question on everything may answer it (or a part of it):
  // the others are never chosen, so they are neither scored nor kept.
  if (!placed || !focused) return []
  const sentenceCoverage = new Map<Span, number>()
  const candidates: Candidate[] = []
  const figure = askedFigure(a)
  for (const window of windowReadings(reading, citation, catalog, q)) {
    const { span, quote, sentence, upToQuote } = window
    // A question in the text (an interviewer's) answers nothing.
    if (window.asking) continue
    // …312家，而在2012年 ends in the time of the clause that follows: it dates no figure of its own.
    if (window.danglingTime) continue
    // A target (力争增长8.5%) is no answer to the figure a year or period achieved.
    if (a.asksResult && window.planned) continue
    // 鸿远电子上半年产值: a figure of a sentence that, with the two before it, names no company the question does is the park's or another's.
    if (a.brands.length > 0 && !a.brands.some((brand) => window.nearby.includes(brand)) && !pointsBackToCompany(a, window)) continue
    // 二期 asked: a figure of the whole project or of 一期 is another's.
    if (a.phases.length > 0 && (window.phase === undefined || !a.phases.includes(window.phase))) continue
    // 国家级 asked: a sentence about the 省级 one speaks of another.
    if (a.levels.length > 0 && window.levels.length > 0 && !a.levels.some((level) => window.levels.includes(level))) continue
    // 哪一年突破300亿元: a target year (力争到2025年…突破300亿元) is no date it happened; 什么时候投产 may be answered by 预计…投产.
    if (q.kind === 'date' && window.planned && !a.event && !clauseCues.asksPlan.test(q.text)) continue
    // kindFit refuses a figure, share or date question's window without the figure asked: refused before the costlier agreements.
    const holdsNew = figure !== undefined && newIn(a, figuresIn(window, figure))
    if (figure !== undefined && !holdsNew && !(q.kind === 'number' && !a.rank && a.headedFigure?.test(quote) === true)) continue
    const scope = q.scope === undefined ? undefined : windowScope(q, catalog, citation, window.lead)
    // Cheapest check first; each may end the window's turn. The scope is passed beside the context,
    // not copied into it: a copy per window and question cost more than the check.
    const context = window.context
    const park = parkAgreement(q, context, scope)
    if (park < 0 || (q.parks.length > 0 && park === 0)) continue
    // 而在2012年，这一数字只有28家: the figure is of the measure named before it (this sentence or the last).
    const measure = measureAgreement(q, window.figureAnaphor ? { ...context, text: window.industryContext, facts: new TextFacts() } : context)
    if (measure < 0) continue
    const year = yearAgreement(q, context)
    if (year < 0) continue
    const period = periodAgreement(q, context)
    if (period < 0) continue
    const lead = window.lead.text
    const speaksOfOther =
      overYears(a, q, upToQuote) ||
      // For a how/why question, the sentence that the next one answers (…日益紧张。为此，…) is the problem.
      (q.kind === 'reason' && window.answeredByNext) ||
      otherTally(a, quote) ||
      // 新增了多少家 is not answered by a sentence that says nothing of new ones (截至2023年底，…企业78家).
      (a.tally === 'additions' && clauseCues.tallyOf(upToQuote) !== 'additions') ||
      otherMoney(a, upToQuote, quote) ||
      a.contradicts(upToQuote) ||
      (a.industries.length > 0 && otherIndustry(a, lead, window.industryContext)) ||
      ((q.kind === 'number' || q.kind === 'percent') && (a.othersCompany(lead) || a.othersCompany(window.subject)))
    const fit = speaksOfOther ? -1 : kindFit(a, quote, window.sentenceText, holdsNew)
    if (fit < 0) continue
    const own = foldedCoverage(q, window.folded, weight, LONE_CHARACTER)
    let wide = sentenceCoverage.get(sentence)
    if (wide === undefined) sentenceCoverage.set(sentence, (wide = foldedCoverage(q, window.wide, weight, LONE_CHARACTER)))
    const constraints = park + year + period + measure
    const open = q.kind === 'reason' || q.kind === 'entity' || q.kind === 'list' || q.kind === 'other'
    const fresh = open ? 0.6 * Math.min(novelty(q, quote, window.lower), 0.7) : 0
    // A year asked without a period wants the whole year: a part-year figure is kept only when no other.
    const partYear = q.years.length > 0 && q.periods.length === 0 && window.partYear ? PART_YEAR_PENALTY : 0
    const penalty = (a.prefersResult && window.planned ? PLAN_PENALTY : 0) + (window.heading ? HEADING_PENALTY : 0)
    const ofVerb = a.figureOfVerb?.test(quote) ? FIGURE_OF_VERB : 0
    const score = own + 0.5 * wide + (q.kind === 'reason' ? REASON_FIT : 0.3) * fit + 0.25 * constraints + fresh + ofVerb + 0.2 / (rank + 1) - (open ? 0.0008 : 0.0015) * quote.length - partYear - penalty
    // A list or a measure the clause is built as (、…, 实施…) answers a question in other words (主打哪几个产业).
    const needed = (q.kind === 'list' || q.kind === 'reason') && fit > 0 ? minCoverage * BUILT_AS_ASKED : minCoverage
    // One part of a two-part question covers only its own half of the question's words.
    candidates.push({ citation, rank, span, text: quote, score, accepted: Math.max(own, wide) >= needed, answersAPart: measure > 0 })
  }
  return candidates
}

/** Adds the clause that completes a figure (…12.3亿元 → …，增长5.1%). */
function extend(candidate: Candidate): Span {
  const text = candidate.citation.text
  let { start, end } = candidate.span
  for (let step = 0; step < 2; step++) {
    const rest = text.slice(end)
    const next = /^[，,]([^，,。；;！？]*)/.exec(rest)
    if (!next || !clauseCues.growth.test(next[1]!) || end + next[0].length - start > 120) break
    end += next[0].length
  }
  return trimmed(text, { start, end })
}

/** Longest quote kept whole when a time qualifier is pulled in front of it. */
const MAX_QUALIFIED_CHARS = 150

/**
 * Starts a quote early enough to keep the year or period its sentence gives (1-10月，…签约项目26个;
 * 2022年，…11.5亿元): a partial-year or old figure must not read as the current one.
 */
function withTimeQualifier(text: string, span: Span): Span {
  const sentence = sentencesOf(text).find((s) => s.start <= span.start && s.end >= span.end)
  if (!sentence) return span
  const quote = text.slice(span.start, span.end)
  const before = text.slice(sentence.start, span.start)
  const first = timeRules.firstTimeWord(before)
  if (first === undefined || timeRules.firstTimeWord(quote.replace(clauseCues.comparison, '')) !== undefined) return span
  // From the start of the phrase that holds the time word.
  const start = sentence.start + phraseStart(before.slice(0, first))
  return span.end - start <= MAX_QUALIFIED_CHARS ? trimmed(text, { start, end: span.end }) : span
}

/**
 * For a how/why question, starts the quote at the measure its sentence names before the result
 * (园区推行“拿地即开工”改革，将…压缩至45天): the measure is the answer, the result its evidence.
 */
export function withMeasure(text: string, span: Span): Span {
  const sentence = sentencesOf(text).find((s) => s.start <= span.start && s.end >= span.end)
  if (!sentence) return span
  const before = text.slice(sentence.start, span.start)
  const cue = before.search(clauseCues.reason)
  if (cue < 0) return span
  const start = sentence.start + phraseStart(before.slice(0, cue))
  return span.end - start <= MAX_QUALIFIED_CHARS ? trimmed(text, { start, end: span.end }) : span
}

/** Longest quote that reaches back for the company its sentence calls 这家企业 or 公司. */
const MAX_ANTECEDENT_CHARS = 250

/**
 * For a which-company question, a quote that says only 这家企业 or 公司 starts at the nearest of
 * the two sentences before it that names one (泰禾新材料股份有限公司是…。这家企业主要生产…).
 */
export function withAntecedent(text: string, span: Span, holds: RegExp): Span {
  const quote = text.slice(span.start, span.end)
  const sentences = sentencesOf(text)
  const at = sentences.findIndex((s) => s.start <= span.start && s.end > span.start)
  // A quote that says 该公司 is about the company named before it, whatever else it names (…回收企业之一);
  // so is one whose sentence opens so (这家成立于2015年的企业，…，其自主研发的…).
  const opening = at >= 0 ? text.slice(sentences[at]!.start, span.start) : ''
  const pointsBack = clauseCues.withoutAnaphors(quote) !== quote || clauseCues.opensWithAnaphor.test(opening)
  if (!pointsBack && holds.test(quote)) return span
  for (let i = at - 1; i >= Math.max(0, at - 2); i--) {
    const sentence = sentences[i]!
    if (holds.test(clauseCues.withoutAnaphors(text.slice(sentence.start, sentence.end)))) return span.end - sentence.start <= MAX_ANTECEDENT_CHARS ? trimmed(text, { start: sentence.start, end: span.end }) : span
  }
  return span
}

function toQuote(candidate: Candidate, a: Asked, catalog: ParkCatalog): Quote {
  const { q } = a
  const extended = extend(candidate)
  const named = a.entity && 'holds' in a.entity ? withAntecedent(candidate.citation.text, extended, a.entity.holds) : extended
  const span = withTimeQualifier(candidate.citation.text, q.kind === 'reason' ? withMeasure(candidate.citation.text, named) : named)
  const text = candidate.citation.text.slice(span.start, span.end)
  const parks = catalog.mentioned(text)
  const park = candidate.citation.park
  const parkLabel = park && !parks.includes(park) && (q.parks.length === 0 || q.parks.includes(park)) ? park : undefined
  const time = q.kind === 'number' || q.kind === 'percent' ? timeBefore(candidate.citation, span) : undefined
  const label = [parkLabel, time].filter((part) => part !== undefined).join('，')
  return { n: candidate.citation.n, text, ...(label ? { label } : {}) }
}

/** The full sentence (back past semicolons, into a passage's opening) that `text[at]` stands in, up to `at`. */
function sentenceSoFar(opening: string, text: string, at: number): string {
  const before = opening + text.slice(0, at)
  return before.slice(fullSentenceStart(before))
}

/**
 * The time a quote's sentence gives before it, past a semicolon or the passage's start (今年1-10月，
 * …；…；完成固定资产投资53.8亿元), when the quote names none: said in its label, since the quote
 * cannot reach back to it (withTimeQualifier stops at the semicolon).
 */
export function timeBefore(citation: Pick<Passage, 'text' | 'opening'>, span: Span): string | undefined {
  if (timeRules.firstTimeWord(timeRules.withoutBaselines(citation.text.slice(span.start, span.end))) !== undefined) return undefined
  const sentence = timeRules.withoutBaselines(sentenceSoFar(citation.opening ?? '', citation.text, span.start))
  // The nearest phrase that names a time: 2023年…；上半年，… is in 上半年.
  const phrases = sentence.split(/[，,；;：:]/)
  for (let i = phrases.length - 1; i >= 0; i--) {
    const words = timeRules.timeWordsIn(phrases[i]!)
    if (words.length > 0) return words.join('')
  }
  return undefined
}

/** A list the question asks about item by item (签约、新开工、竣工投产的…分别): its items. */
const PARTS_ASKED = /((?:[\u4e00-\u9fff]{2,6}、)+[\u4e00-\u9fff]{2,6})(?:和([\u4e00-\u9fff]{2,6}))?的?[^，,。？?]{0,8}分别/

function partsAsked(q: Question): string[] {
  const list = PARTS_ASKED.exec(q.normalized)
  if (!list) return []
  const [first, ...rest] = list[1]!.split('、')
  // The first item starts where its last word does (某高新区去年签约 → 签约).
  return [words(first!).at(-1) ?? first!, ...rest, ...(list[2] ? [list[2]] : [])].filter((part) => part.length >= 2)
}

/** How many parks a question about each park (两个园区, 各园区) is answered for. */
const MAX_PARKS_EACH = 3

/**
 * The question names a park the documents never name (合肥高新区, or 无锡高新区 where they name only
 * 无锡经开区) and none they do: whatever figure the passages hold belongs to another park, so the
 * answer is that the documents do not say. Every park the passages name is in the catalog (from
 * documents.json, or read from the text at ingest), so a park name outside it is unknown.
 */
export function onlyUnknownParks(q: Question): boolean {
  return q.parks.length === 0 && q.foreignParks.length > 0
}

/**
 * 公司一期…投产。2023年8月，公司…签约总投资32亿元的二期… at a passage's start: the company named
 * before the passage is the one its sentences point back at, when they name no other.
 */
function pointsBackToCompany(a: Asked, window: WindowReading): boolean {
  return clauseCues.opensWithAnaphor.test(window.nearby) && !a.otherBrands.some((brand) => window.nearby.includes(brand))
}

/** A brand in more passages than this share of them (园区 of 园区投资公司) is a common word, not a name. */
const BRAND_SHARE = 0.03
const MIN_BRAND_PASSAGES = 6

/**
 * The brands of companies named in the passages that the question names too (鸿远 of 鸿远电子上半年产值),
 * and the others.
 */
function brandsAsked(q: Question, citations: readonly NumberedPassage[], vocabulary: Vocabulary): { brands: string[]; otherBrands: string[] } {
  const common = Math.max(MIN_BRAND_PASSAGES, Math.ceil(vocabulary.passageCount * BRAND_SHARE))
  // 去年公司… reads 去年 as a name: a time word is none.
  const named = [...new Set(citations.flatMap((c) => clauseCues.brandsIn(c.text)))].filter((brand) => timeRules.timeWordsIn(brand).length === 0)
  const brands = named.filter((brand) => q.normalized.includes(brand) && vocabulary.passagesWith(brand) <= common)
  return { brands, otherBrands: named.filter((brand) => !brands.includes(brand)) }
}

export function extractAnswer(q: Question, citations: readonly NumberedPassage[], vocabulary: Vocabulary, minCoverage = MIN_COVERAGE): ExtractiveResult {
  const { catalog } = vocabulary
  if (onlyUnknownParks(q)) return { found: false, quotes: [], missing: [] }
  const question: Asked = Object.assign(asked(q, vocabulary), brandsAsked(q, citations, vocabulary))
  const candidates = citations.flatMap((c, rank) => candidatesOf(question, c, rank, vocabulary, minCoverage))
  candidates.sort((x, y) => y.score - x.score || x.rank - y.rank || x.span.start - y.span.start)
  const best = candidates.find((c) => c.accepted)
  if (!best) return { found: false, quotes: [], missing: [] }
  const chosen = [best]
  // A question about two parks gets the best quote for each.
  for (const park of q.parks) {
    if (chosen.some((c) => c.citation.park === park || catalog.mentioned(c.text).includes(park))) continue
    const other = candidates.find((c) => c.accepted && (c.citation.park === park || catalog.mentioned(c.text).includes(park)))
    if (other) chosen.push(other)
  }
  // 两个园区…分别是多少 names no park: each park the documents answer for gets its best quote.
  if (q.parks.length === 0 && clauseCues.asksEachPark.test(q.normalized)) {
    for (const c of candidates) {
      if (chosen.length >= MAX_PARKS_EACH) break
      if (c.accepted && c.citation.park !== '' && !chosen.some((o) => o.citation.park === c.citation.park)) chosen.push(c)
    }
  }
  // 签约、新开工、竣工投产的项目分别有多少个: each part of the list gets a quote of its own.
  for (const part of partsAsked(q)) {
    if (chosen.some((c) => c.text.includes(part))) continue
    const other = candidates.find((c) => c.accepted && c.text.includes(part))
    if (other) chosen.push(other)
  }
  // A question about two measures (工业总产值和固定资产投资) gets a quote for each, or says which the
  // documents do not give.
  const missing: string[] = []
  if (q.measures.length > 1) {
    // 税收里，工业税收有多少 asks one measure: the wider one only says where the narrower stands.
    const wider = (measure: readonly string[]) => q.measures.some((other) => other !== measure && other.some((name) => measure.some((word) => name !== word && name.includes(word))))
    for (const measure of q.measures) {
      if (wider(measure)) continue
      const names = (c: Candidate) => measuresOf(c.text).includes(measure)
      if (chosen.some(names)) continue
      const other = candidates.find((c) => c.answersAPart && names(c))
      if (other) chosen.push(other)
      else missing.push(measure[0]!)
    }
  }
  return { found: true, quotes: chosen.map((c) => toQuote(c, question, catalog)), missing }
}

const measuresOf = memoizeByText(measuresIn)

/** Renders quotes as `label：text[n]`, joined; throws if a quote is not verbatim in its passage. */
export function renderQuotes(quotes: Quote[], citations: readonly NumberedPassage[]): string {
  verifyQuotes(quotes, citations)
  return quotes.map((quote) => `${quote.label ? `${quote.label}：` : ''}${quote.text}[${quote.n}]`).join('；')
}

export function verifyQuotes(quotes: Quote[], citations: readonly NumberedPassage[]): void {
  for (const quote of quotes) {
    const passage = citations.find((c) => c.n === quote.n)
    if (!passage || !passage.text.includes(quote.text)) throw new Error(`quote for [${quote.n}] is not in that passage`)
  }
}
