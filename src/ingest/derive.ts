import { clauseCues } from '../rules/clauses.js'
import { datingRules } from '../rules/dating.js'
import { parkWords } from '../rules/park-words.js'
import { places } from '../rules/places.js'
import { timeRules } from '../rules/time.js'
import { SENTENCE, spans } from '../text/sentences.js'
import type { Park } from './metadata.js'

/*
 * What documents.json would say, read from the text when it says nothing: which parks a text
 * names (a known place, then a park word: 苏州国家高新区 is 苏州高新区; a city, then 市), and the
 * year a document's 今年 means. documents.json still overrides all of it.
 */

export interface ParkMention {
  /** The name the park is filed under (苏州高新区, 苏州市). */
  name: string
  /** As the text writes it (苏州国家高新技术产业开发区). */
  surface: string
  at: number
}

const CITY = '市'
const DISTRICT = '区'
/** The endings of a district's or county's full name (望城区, 双峰县). */
const COUNTY_ENDINGS = [DISTRICT, '县']

/** Zones and cities a text names, in order of mention. */
export function parkMentions(text: string): ParkMention[] {
  const mentions: ParkMention[] = []
  const zoneStarts = new Set<number>()
  for (const match of text.matchAll(parkWords.word)) {
    const before = text.slice(Math.max(0, match.index - 20), match.index)
    const infix = parkWords.infixes.find((word) => before.endsWith(word)) ?? ''
    const place = places.endingAt(before.slice(0, before.length - infix.length))
    if (!place) continue
    const at = match.index - infix.length - place.surface.length
    zoneStarts.add(at)
    mentions.push({ name: place.short + (parkWords.shortOf(match[0]) ?? match[0]), surface: place.surface + infix + match[0], at })
  }
  for (let i = text.indexOf(CITY); i >= 0; i = text.indexOf(CITY, i + 1)) {
    const place = places.endingAt(text.slice(Math.max(0, i - 10), i + 1)) ?? places.endingAt(text.slice(Math.max(0, i - 10), i))
    // A prefecture-level city, or a county-level one written with its 市 (浏阳市, not 浏阳县).
    if (!place || !(place.city || place.surface.endsWith(CITY))) continue
    const surface = place.surface.endsWith(CITY) ? place.surface : place.surface + CITY
    const at = i + 1 - surface.length
    // 苏州市高新区 names the zone, not the city.
    if (zoneStarts.has(at)) continue
    mentions.push({ name: place.short + CITY, surface, at })
  }
  // A district or county (望城区, 双峰县) is a place of its own like a city: its figures are not the zone's.
  for (const ending of COUNTY_ENDINGS) {
    for (let i = text.indexOf(ending); i >= 0; i = text.indexOf(ending, i + 1)) {
      const place = places.endingAt(text.slice(Math.max(0, i - 10), i + 1))
      if (!place || !places.isCounty(place.surface)) continue
      const at = i + 1 - place.surface.length
      // 湘阴县泰禾食品有限公司 names a company, not the county.
      if (zoneStarts.has(at) || parkWords.zoneAhead.test(text.slice(i + 1, i + 13)) || clauseCues.opensWithCompanyName(text.slice(i + 1))) continue
      mentions.push({ name: place.surface, surface: place.surface, at })
    }
  }
  return mentions.sort((a, b) => a.at - b.at)
}

const YEAR = /((?:19|20)\d{2})\s*年/g
const FULL_DATE = /((?:19|20)\d{2})(?:\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[-/.]\d{1,2}[-/.]\d{1,2}(?!\d))/
/** How far down a web page's dateline may stand (under a headline, a subtitle and a byline). */
const DATELINE_LINES = 6
const MAX_DATELINE_CHARS = 80
const THIS_YEAR = '今年'

/**
 * The year a document's 今年 means: the date of its dateline when it has one; else the latest
 * year it reports on (targets and deadlines such as 力争到2025年, and founding years, left out), one later when a
 * sentence sets 今年 beside that year (由2020年的13家增至今年21家).
 */
export function publicationYear(text: string): string | undefined {
  // A page header on the first line dates the paper (某日报·园区经济 2023年7月21日 星期五), and a
  // web page's dateline near the top its article (2025-01-16 08:32　来源：…): a short line of a full
  // date that is no sentence (a lede may open with a date and a comma).
  const top = text.trimStart().split('\n').filter((line) => line.trim() !== '').slice(0, DATELINE_LINES)
  for (const [i, line] of top.entries()) {
    const date = FULL_DATE.exec(line)
    if (date && (i === 0 || (line.length <= MAX_DATELINE_CHARS && !/[，,。]/.test(line)))) return date[1]
  }
  const reported: number[] = []
  for (const match of text.matchAll(YEAR)) {
    const before = text.slice(Math.max(0, match.index - 30), match.index)
    const after = text.slice(match.index + match[0].length, match.index + match[0].length + 4)
    if (datingRules.opensDateline(before)) return match[1]
    const clause = text.slice(match.index + match[0].length, match.index + match[0].length + 20)
    if (!datingRules.isTarget(before.trimEnd(), after) && !datingRules.founds(clause)) reported.push(Number(match[1]))
  }
  if (reported.length === 0) return undefined
  const latest = Math.max(...reported)
  const sentences = spans(text, SENTENCE).map((s) => text.slice(s.start, s.end))
  const latestYear = new RegExp(`${latest}\\s*年`)
  const comparedWithThisYear = sentences.some((s) => s.includes(THIS_YEAR) && latestYear.test(s) && datingRules.compares(s))
  return String(comparedWithThisYear || lastYearIs(latest, text, sentences) ? latest + 1 : latest)
}

const LAST_YEAR = '去年'

/**
 * Does the text say that `year` was last year? 去年（2023年）; 去年 in the sentence just before
 * one that opens with the year (…是在去年高基数上取得的。2023年，园区…); or 今年 told in part
 * (今年一季度) beside the year told only whole: a year's results are reported after it ends.
 */
function lastYearIs(year: number, text: string, sentences: readonly string[]): boolean {
  if (new RegExp(`${LAST_YEAR}\\s*[（(]\\s*${year}\\s*年`).test(text)) return true
  if (sentences.some((s, i) => s.includes(LAST_YEAR) && sentences[i + 1]?.trimStart().startsWith(`${year}年`))) return true
  const partial = (after: string) => [...after.matchAll(timeRules.period)].some((m) => m.index === 0 && timeRules.normalizePeriod(m[0]) !== timeRules.fullYear)
  // Opening its clause (…了解到，今年一季度，园区实现…), not a deadline inside one (订单排到了今年二季度).
  const opensClause = (at: number) => at === 0 || /[，,。；;：:、\n]/.test(text.slice(0, at).trimEnd().at(-1) ?? '\n')
  // …and telling results, not a forecast (今年一季度园区预计有14个项目开工).
  const forecast = (at: number) => datingRules.forecasts(text.slice(at, at + 40).split(/[，,。；;\n]/, 1)[0]!)
  const partOfThisYear = [...text.matchAll(new RegExp(THIS_YEAR, 'g'))].some(
    (m) => opensClause(m.index) && partial(text.slice(m.index + THIS_YEAR.length, m.index + THIS_YEAR.length + 8).trimStart()) && !forecast(m.index),
  )
  if (!partOfThisYear) return false
  const yearMentions = [...text.matchAll(new RegExp(`${year}\\s*年`, 'g'))]
  // A month of the year (2020年2月) tells it in part too.
  const inPart = (after: string) => partial(after) || /^\d{1,2}\s*月/.test(after)
  return yearMentions.every((m) => !inPart(text.slice(m.index + m[0].length, m.index + m[0].length + 8).trimStart()))
}

/** Latin letters of a place's name in pinyin, capitalised (苏州 → Suzhou). */
export type Romanize = (chinese: string) => string

const ENGLISH_KINDS: Record<string, readonly string[]> = {
  高新区: ['High-tech Zone', 'Hi-tech Zone', 'High Tech Zone', 'Hi Tech Zone', 'High-tech Industrial Development Zone', 'Hi-tech Industrial Development Zone', 'High-tech Development Zone', 'Hi-tech Development Zone', 'High-tech Industrial Zone', 'High-tech Industrial Park', 'High Technology Zone', 'National High-tech Zone', 'High-tech Park', 'Hi-tech Park', 'Gaoxinqu', 'Gaoxin Qu', 'Gaoxin Zone', 'HTZ'],
  工业集中区: ['Industrial Concentration Zone', 'Industrial Concentration Area', 'Industrial Cluster Zone', 'Industrial Zone'],
  工业园: ['Industrial Park', 'Industrial Zone'],
  经开区: ['Economic Development Zone', 'Economic and Technological Development Zone', 'Economic-Technological Development Zone', 'Economic Technological Development Zone', 'Economic and Technology Development Zone', 'Economic Zone', 'Development Zone', 'Development Area', 'ETDZ', 'EDZ', 'Jingkaiqu', 'Jingkai Qu', 'Jingkai Zone'],
}

/**
 * A park found in the text, with the names a question may use: every way the corpus writes it,
 * the usual long forms of its kind, and English names from the place's pinyin.
 */
export function derivedPark(name: string, surfaces: Iterable<string>, romanize: Romanize): Park {
  const city = name.endsWith(CITY)
  const kind = city ? CITY : Object.keys(ENGLISH_KINDS).find((k) => name.endsWith(k))
  const place = kind ? name.slice(0, -kind.length) : name
  // A city is also its bare place name (苏州); the catalog does not read 苏州 in 苏州高新区 as the city.
  const longForms = kind === '高新区' ? [`${place}国家高新区`, `${place}高新技术产业开发区`, `${place}国家高新技术产业开发区`] : kind === '经开区' ? [`${place}经济技术开发区`, `${place}国家经济技术开发区`, `${place}经济开发区`] : city ? [place] : []
  const aliases = [...new Set([...surfaces, ...longForms])].filter((alias) => alias !== name)
  const latin = romanize(place)
  // A county or district (某县, 某区) is asked about in English as its pinyin and County or District.
  const county = !kind && places.isCounty(name) ? `${romanize(places.shortName(name))} ${name.endsWith(DISTRICT) ? 'District' : 'County'}` : undefined
  const english = city ? [`${latin} City`] : kind ? ENGLISH_KINDS[kind]!.map((k) => `${latin} ${k}`) : county ? [county] : []
  return { name, aliases, english }
}
