import { agreement, type Agreement } from '../retrieve/agreement.js'
import type { ParkCatalog } from '../retrieve/parks.js'
import { escapeRegExp, type Question } from '../retrieve/query.js'
import { coverage } from '../retrieve/coverage.js'
import { SENTENCE, spans, type Span } from '../text/sentences.js'
import { tagged } from '../text/tokenize.js'
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
}

// Phrases inside a sentence; 、 stays inside (it separates list items, not clauses).
const PHRASE = /[^，,：:]*(?:[，,：:]+|$)/g
const NUMBER_WITH_UNIT =
  /\d[\d,.]*\s*(?:多|余)?\s*(?:万|亿|千|百)?\s*(?:亿元|万元|元|美元|%|％|个|家|项|人|名|位|件|次|亩|平方米|平方公里|万平方米|公里|倍|户|条|批|台|套|吨|年|天|小时|分钟|个百分点|千瓦|家次)|第\s*\d+\s*(?:名|位)|[一二三四五六七八九十两百千万]+\s*(?:个|家|项|次|倍|大)/g
const MONEY = /\d[\d,.]*\s*(?:多|余)?\s*(?:万|亿|千|百)?\s*(?:亿元|万元|元|美元|万美元|亿美元)/g
// "多少钱", "贷了多少", "进出口总额": the figure must be an amount of money, not a count of
// firms — unless the question counts something ("多少个项目").
const ASKS_MONEY = /多少钱|金额|总额|资金|贷款|贷了|贷到|花了|多少元|几亿|几万|产值|收入|营收|利润|税收|投资|融资|签约额|进出口|外资|how much money|\b(output|revenue|investment|income|value)\b/i
const ASKS_COUNT = /(?<!第)[几多少]+[个家项次人名位件条批台套户篇场]|how many/i
const COUNT = /\d[\d,.]*\s*(?:多|余)?\s*(?:万|千|百)?\s*(?:个|家|项|人|名|位|件|次|条|批|台|套|户|篇|场|家次|人次)|[一二三四五六七八九十两百千万]+\s*(?:个|家|项|次)/g
const PERCENT = /\d[\d.]*\s*[%％]|\d[\d.]*\s*个百分点/g
const DATE = /\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}\s*年(?!\d)/g
const GROWTH_CLAUSE = /^\s*(?:同比|比上年|较上年)?\s*(?:增长|下降|增加|减少|提高|占|居|排名|名列|位列)/
const REASON_CUE = /实行|实施|推行|建立|采取|采用|通过|坚持|引入|推动|开展|创新|探索|打造|依托|由于|因为|得益于|为了/
const TRAILING = /[\s，,；;：:。、]+$/
const LEADING = /^[\s，,；;：:。、”’）)]+/

/** Minimum share of the question's words a quote (with its sentence) must hold; calibrated on evals/. */
export const MIN_COVERAGE = 0.3

interface Candidate {
  citation: NumberedPassage
  rank: number
  span: Span
  text: string
  agreement: Agreement
  score: number
  accepted: boolean
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
  focus: Focus
}

function asked(q: Question, vocabulary: Vocabulary): Asked {
  const names = q.measures.flat().map(escapeRegExp)
  const count = ASKS_COUNT.test(q.text)
  return {
    q,
    stated: q.normalized.replace(/\s+/g, ''),
    figureAfterMeasure: names.length > 0 ? new RegExp(`(?:${names.join('|')})[^，,。；;、]{0,14}?\\d|\\d[\\d.]*\\s*(?:多|余)?\\s*(?:万|千|百)?\\s*[个家项名位件条批台套户]?\\s*(?:${names.join('|')})`) : undefined,
    count,
    money: !count && ASKS_MONEY.test(q.text),
    focus: focusWords(q, vocabulary),
  }
}

/** Has `text` a match of `pattern` (global) that the question does not already state? */
function hasNew(a: Asked, text: string, pattern: RegExp): boolean {
  return [...text.matchAll(pattern)].some((m) => !a.stated.includes(m[0].replace(/\s+/g, '')))
}

function kindFit(a: Asked, text: string): number {
  const figure = () => !a.figureAfterMeasure || a.figureAfterMeasure.test(text)
  switch (a.q.kind) {
    case 'number':
      return hasNew(a, text, a.count ? COUNT : a.money ? MONEY : NUMBER_WITH_UNIT) && figure() ? 1 : -1
    case 'percent':
      return hasNew(a, text, PERCENT) && figure() ? 1 : -1
    case 'date':
      return hasNew(a, text, DATE) ? 1 : -1
    case 'list':
      return /、|和|及/.test(text) ? 1 : 0
    case 'reason':
      return REASON_CUE.test(text) ? 1 : 0
    default:
      return 0
  }
}

function trimmed(text: string, span: Span): Span {
  const slice = text.slice(span.start, span.end)
  const lead = slice.length - slice.replace(LEADING, '').length
  const body = slice.slice(lead).replace(TRAILING, '')
  return { start: span.start + lead, end: span.start + lead + body.length }
}

function windows(text: string, q: Question): Span[] {
  const maxPhrases = q.kind === 'list' || q.kind === 'reason' ? 5 : 3
  const out: Span[] = []
  for (const sentence of spans(text, SENTENCE)) {
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

// Words that frame a figure or a time rather than name a topic: a passage saying "完成外贸进出口
// 9530.07万美元" answers "外贸进出口总额", and "12月25日" answers "年底", without the word.
const NEVER_FOCUS = new Set(['总额', '总量', '总数', '金额', '数量', '数额', '规模', '年底', '年初', '年末', '年中', '月底', '月初', '期间', '当年', '当时', '目前', '开始', '一年'])

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
  const words = q.terms.filter((g) => g.length === 1 && g[0]!.length >= 2 && !NEVER_FOCUS.has(g[0]!)).map((g) => g[0]!).filter((w) => {
    const n = vocabulary.passagesWith(w)
    return n > 0 && n <= rare
  })
  // A rare verb, preposition or connective (为了, 打算, 到位) is wording, not topic: it counts
  // towards the one word that may be missing, but need not be there itself.
  const wording = new Set(tagged(q.normalized).filter((t) => /^(v(?!n)|p|c|d|u|r|y|e|o)/.test(t.tag)).map((t) => t.word.toLowerCase()))
  return { required: words.filter((w) => !wording.has(w)), mayMiss: words.length >= 2 ? 1 : 0 }
}

function novelty(q: Question, text: string): number {
  let covered = text.toLowerCase()
  for (const group of q.terms) for (const term of group) covered = covered.split(term).join('')
  return covered.replace(/[\s，,；;：:。、]/g, '').length / Math.max(1, text.length)
}

function candidatesOf(a: Asked, citation: NumberedPassage, rank: number, vocabulary: Vocabulary, minCoverage: number): Candidate[] {
  const { q, focus } = a
  const { catalog, weight } = vocabulary
  const lowerText = citation.text.toLowerCase()
  const text = citation.text
  const sentences = spans(text, SENTENCE)
  // Windows share their sentence and their end: work those out once (this loop is most of /ask).
  const mentionsUpTo = new Map<number, readonly string[]>()
  const sentenceCoverage = new Map<Span, number>()
  return windows(text, q).map((span) => {
    const quote = text.slice(span.start, span.end)
    const sentence = sentences.find((s) => s.start <= span.start && s.end >= span.end) ?? span
    const before = text.slice(0, span.start)
    let mentions = mentionsUpTo.get(span.end)
    if (!mentions) mentionsUpTo.set(span.end, (mentions = catalog.mentioned(text.slice(0, span.end))))
    const agrees = agreement(q, { text: quote, before, heading: `${citation.title} ${citation.section}`, park: citation.park, mentions, documentYear: citation.documentYear })
    const own = coverage(q, quote, weight)
    let wide = sentenceCoverage.get(sentence)
    if (wide === undefined) sentenceCoverage.set(sentence, (wide = coverage(q, `${text.slice(sentence.start, sentence.end)} ${citation.title}`, weight)))
    const fit = kindFit(a, quote)
    const constraints = agrees.park + agrees.year + agrees.period + agrees.measure
    const focused = focus.required.filter((w) => !lowerText.includes(w)).length <= focus.mayMiss
    const open = q.kind === 'reason' || q.kind === 'entity' || q.kind === 'list' || q.kind === 'other'
    const fresh = open ? 0.6 * Math.min(novelty(q, quote), 0.7) : 0
    const score = own + 0.5 * wide + 0.3 * fit + 0.25 * constraints + fresh + 0.2 / (rank + 1) - (open ? 0.0008 : 0.0015) * quote.length
    const accepted =
      agrees.park >= 0 &&
      agrees.year >= 0 &&
      agrees.period >= 0 &&
      agrees.measure >= 0 &&
      fit >= 0 &&
      focused &&
      (q.parks.length === 0 || agrees.park > 0) &&
      Math.max(own, wide) >= minCoverage
    return { citation, rank, span, text: quote, agreement: agrees, score, accepted }
  })
}

/** Adds the clause that completes a figure (…23.05亿元 → …，增长4.26%). */
function extend(candidate: Candidate): Span {
  const text = candidate.citation.text
  let { start, end } = candidate.span
  for (let step = 0; step < 2; step++) {
    const rest = text.slice(end)
    const next = /^[，,]([^，,。；;！？]*)/.exec(rest)
    if (!next || !GROWTH_CLAUSE.test(next[1]!) || end + next[0].length - start > 120) break
    end += next[0].length
  }
  return trimmed(text, { start, end })
}

function toQuote(candidate: Candidate, q: Question, catalog: ParkCatalog): Quote {
  const span = extend(candidate)
  const text = candidate.citation.text.slice(span.start, span.end)
  const named = catalog.mentioned(text)
  const park = candidate.citation.park
  const label = park && !named.includes(park) && (q.parks.length === 0 || q.parks.includes(park)) ? park : undefined
  return { n: candidate.citation.n, text, label }
}

/**
 * The question names a park the documents never mention (长沙高新区) and none they do: whatever
 * figure the passages hold belongs to another park, so the answer is that the documents do not say.
 */
export function onlyUnknownParks(q: Question, vocabulary: Vocabulary): boolean {
  return q.parks.length === 0 && q.foreignParks.some((p) => vocabulary.passagesWith(p.place) === 0)
}

export function extractAnswer(q: Question, citations: readonly NumberedPassage[], vocabulary: Vocabulary, minCoverage = MIN_COVERAGE): ExtractiveResult {
  const { catalog } = vocabulary
  if (onlyUnknownParks(q, vocabulary)) return { found: false, quotes: [] }
  const question = asked(q, vocabulary)
  const candidates = citations.flatMap((c, rank) => candidatesOf(question, c, rank, vocabulary, minCoverage))
  candidates.sort((x, y) => y.score - x.score || x.rank - y.rank || x.span.start - y.span.start)
  const best = candidates.find((c) => c.accepted)
  if (!best) return { found: false, quotes: [] }
  const chosen = [best]
  // A question about two parks gets the best quote for each.
  for (const park of q.parks) {
    if (chosen.some((c) => c.citation.park === park || catalog.mentioned(c.text).includes(park))) continue
    const other = candidates.find((c) => c.accepted && (c.citation.park === park || catalog.mentioned(c.text).includes(park)))
    if (other) chosen.push(other)
  }
  return { found: true, quotes: chosen.map((c) => toQuote(c, q, catalog)) }
}

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
