import type { Park } from '../ingest/metadata.js'
import { RequestError } from '../errors.js'
import { clauseCues } from '../rules/clauses.js'
import { parkWords } from '../rules/park-words.js'
import { places } from '../rules/places.js'
import { memoizeByText } from '../text/memo.js'
import { tagged } from '../text/tokenize.js'

export interface ForeignPark {
  name: string
  /** The place part of the name (合肥 of 合肥高新区). */
  place: string
}

/** Whom a clause is about: a whole city, or a zone in one. */
export type Scope = 'city' | 'zone'

/** A clause's scope, with the city when it names one (赣州市实现…). */
export interface ClauseScope {
  scope: Scope
  city?: string
}


/**
 * The parks the index knows (from the corpus metadata, stored in the manifest) and how a question
 * names them: full name, alias or English name. Matching is longest-first, so that 扬州高新区 is
 * not also read as 扬州 (the city).
 */
export class ParkCatalog {
  private readonly names: Array<{ surface: string; park: string; latin: boolean }>

  constructor(readonly parks: Park[]) {
    this.names = parks
      .flatMap((park) => [park.name, ...park.aliases, ...park.english].map((surface) => ({ surface: surface.toLowerCase(), park: park.name, latin: /^[\x00-\x7f]+$/.test(surface) })))
      .sort((a, b) => b.surface.length - a.surface.length)
  }

  /** Parks a text names, in order of first mention, each once. Callers must not change the array. */
  readonly mentioned: (text: string) => readonly string[] = memoizeByText((text) => [...new Set(this.scan(text).hits.map((hit) => hit.park))])

  /** The text with every park name blanked out (so that names do not count as topic words). */
  withoutNames(text: string): string {
    return this.scan(text).rest.replace(/\u0000+/g, ' ')
  }

  private scan(text: string): { hits: Array<{ park: string; at: number; end: number }>; rest: string } {
    let rest = text.normalize('NFKC').toLowerCase()
    const hits: Array<{ park: string; at: number; end: number }> = []
    for (const { surface, park, latin } of this.names) {
      let at = rest.indexOf(surface)
      while (at >= 0) {
        const end = at + surface.length
        // "Changde" must not match inside another Latin word; a city's bare name (株洲) right
        // before a park word names that zone (株洲高新区), not the city.
        const whole = latin ? !/[a-z]/.test(rest[at - 1] ?? '') && !/[a-z]/.test(rest[end] ?? '') : !parkWords.zoneAhead.test(rest.slice(end, end + 12))
        if (whole) {
          hits.push({ park, at, end })
          rest = rest.slice(0, at) + '\u0000'.repeat(surface.length) + rest.slice(end)
        }
        at = rest.indexOf(surface, whole ? end : at + 1)
      }
    }
    return { hits: hits.sort((a, b) => a.at - b.at), rest }
  }

  /**
   * Parks a question names that are none of the catalog's: a place name (as jieba tags it) right
   * before a park word (合肥高新区, 常州经开区, 中关村科技园), or an English "X High-tech Zone".
   * A place that is itself a known park or city (扬州市高新区) does not count; generic words
   * (国家级高新区, 区县和高新区) are not place names.
   */
  foreignParks(text: string): ForeignPark[] {
    const out: ForeignPark[] = []
    const normalized = text.normalize('NFKC')
    for (const match of normalized.matchAll(parkWords.word)) {
      const preceding = normalized.slice(Math.max(0, match.index - 8), match.index)
      const before = tagged(preceding)
      let place = ''
      for (let i = before.length - 1; i >= 0 && parkWords.placeTags.has(before[i]!.tag); i--) place = before[i]!.word + place
      // A place jieba does not tag (涟源, 洪江) is still a place when China's place list names it.
      if (place.length < 2) place = places.endingAt(preceding)?.surface ?? ''
      if (place.length >= 2 && this.mentioned(place + match[0]).length === 0) out.push({ name: place + match[0], place })
    }
    for (const match of normalized.matchAll(parkWords.english)) {
      if (this.mentioned(match[0]).length === 0) out.push({ name: match[0], place: match[1]!.toLowerCase() })
    }
    return out
  }

  /**
   * Whom a clause is about, going by the first subject named in its last part that names one
   * (going back from its end, comma by comma): a city (a catalog city by its full name, or 全市) or a zone (a catalog zone anywhere, 园区 or a park word
   * opening the part). A name right after 占, 高于, 居 … is what a figure is compared with
   * (贡献了全市13.3%), and 向两个园区下放 names the zone as an object: neither is the subject.
   */
  scopeOf(clause: string): ClauseScope | undefined {
    // The nearest part that names a subject, going back from the figure (…某经开区实现…；规模以上…).
    const parts = clause.normalize('NFKC').toLowerCase().split(/[，,：:；;。]/)
    for (let i = parts.length - 1; i >= 0; i--) {
      const scope = this.partScope(parts[i]!)
      if (scope) return scope
    }
    return undefined
  }

  private partScope(part: string): ClauseScope | undefined {
    const found: Array<{ at: number; cueAt?: number; scope: ClauseScope }> = []
    const { hits } = this.scan(part)
    for (const hit of hits) {
      // A city's bare name is as often a company's first word (赣州鸿远动力电池有限公司是…), and
      // so is its full name (湘阴县泰禾食品有限公司生产的…).
      if (this.isCity(hit.park) && clauseCues.opensWithCompanyName(part.slice(hit.end))) continue
      // 某县委常委、某高新区党工委书记: a county's committee is no place.
      if (this.isCity(hit.park) && parkWords.scope.organs.some((organ) => part.startsWith(organ, hit.end))) continue
      if (!this.isCity(hit.park)) found.push({ at: hit.at, scope: { scope: 'zone' } })
      else if (part.startsWith(hit.park.toLowerCase(), hit.at)) found.push({ at: hit.at, scope: { scope: 'city', city: hit.park } })
    }
    // 高于耒阳全市 compares as 高于全市 does: a name before 全市 does not hide the cue before it, nor
    // do the items listed before it (高于全县、全市).
    const named = (at: number) => listedFrom(part, hits.find((hit) => hit.end === at)?.at ?? at, [...parkWords.scope.cityWide, ...hits.map((hit) => part.slice(hit.at, hit.end))])
    for (const word of parkWords.scope.cityWide) for (let at = part.indexOf(word); at >= 0; at = part.indexOf(word, at + 1)) found.push({ at, cueAt: named(at), scope: { scope: 'city' } })
    const opening = part.trimStart()
    const zoneWord = [...parkWords.scope.zone, ...parkWords.wordList].find((word) => opening.startsWith(word))
    if (zoneWord) found.push({ at: part.length - opening.length, scope: { scope: 'zone' } })
    const subjects = found.filter(({ at, cueAt = at }) => !parkWords.scope.notSubject.some((cue) => part.slice(0, cueAt).endsWith(cue)))
    return subjects.sort((a, b) => a.at - b.at)[0]?.scope
  }

  /**
   * Whom a question asks about: a zone when it names one (a park, a park word, 园区), else a city
   * when it names one by its full name (or says 全市); a name after 占 or 比 is a comparison, not what is asked.
   */
  questionScope(question: string): Scope | undefined {
    const text = question.normalize('NFKC').toLowerCase()
    const subject = (at: number) => !parkWords.scope.notSubject.some((cue) => text.slice(0, at).endsWith(cue) && cue !== '在')
    const hits = this.scan(text).hits.filter((hit) => subject(hit.at))
    const zoneWords = [...parkWords.scope.zone, ...parkWords.wordList].some((word) => text.includes(word))
    if (zoneWords || hits.some((hit) => !this.isCity(hit.park))) return 'zone'
    // A city's bare name is as often a modifier (首届益阳电子信息产业链对接会): only its full name or 全市 asks about the city.
    const fullCity = hits.some((hit) => text.startsWith(hit.park.toLowerCase(), hit.at))
    if (fullCity || parkWords.scope.cityWide.some((word) => text.includes(word))) return 'city'
    return undefined
  }

  /** A city (its name ends in 市), a district or a county (望城区, 双峰县), as opposed to a zone within one. */
  isCity(park: string): boolean {
    return places.isCityOrCounty(park)
  }

  /** The park an explicit filter names (any of its names), or a typed error listing the known ones. */
  resolve(name: string): string {
    const wanted = name.normalize('NFKC').trim().toLowerCase()
    const hit = this.names.find((n) => n.surface === wanted)
    if (hit) return hit.park
    const known = this.parks.map((p) => p.name).join('、')
    throw new RequestError('unknown_park', `Unknown park "${name}". Known parks: ${known || '(none in this index)'}`)
  }
}

/** Where a list ending at `at` starts (高于全县、全市: at 全县): back over each 全县、 or named item and its 、. */
function listedFrom(text: string, at: number, named: readonly string[]): number {
  let from = at
  while (text[from - 1] === '、') {
    const before = text.slice(0, from - 1)
    const item = named.find((word) => before.endsWith(word)) ?? WHOLE_PLACE.exec(before)?.[0]
    if (item === undefined) break
    from -= 1 + item.length
  }
  return from
}
/** 全县, 全国, 全州: the whole of a place, listed with 全市. */
const WHOLE_PLACE = /全[\u4e00-\u9fff]$/
