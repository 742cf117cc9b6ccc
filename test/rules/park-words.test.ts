import { describe, expect, it } from 'vitest'
import { countParkMentions } from '../../src/ingest/metadata.js'
import { parkMentions } from '../../src/ingest/derive.js'
import { tagged } from '../../src/text/tokenize.js'
import { ParkCatalog } from '../../src/retrieve/parks.js'
import { extractAnswer } from '../../src/answer/extractive.js'
import { ask, catalog, passage, tableOf, vocabulary } from '../rule-fixtures.js'

const table = tableOf<{
  words: Array<{ word: string; short?: string }>
  infixes: string[]
  placeTags: string[]
  english: { qualifiers: string[]; kinds: string[]; fillers: string[]; ends: string[] }
  scope: { cityWide: string[]; zone: string[]; notSubject: string[] }
}>('rules/park-words.json')

/** Zone names ingest counts in a text that names no known park. */
const zones = (text: string) => Object.fromEntries(countParkMentions(text, []))

describe('rule: park words', () => {
  it('every park word after a place names a park a question may ask about that the catalog does not know', () => {
    for (const { word } of table.words) expect(catalog.foreignParks(`岳阳${word}有多少企业？`), word).toEqual([{ name: `岳阳${word}`, place: '岳阳' }])
  })

  it('ingest counts a zone under the short name of every word that has one, and under the word itself otherwise', () => {
    for (const { word, short } of table.words) expect(zones(`岳阳${word}`), word).toEqual({ [`岳阳${short ?? word}`]: 1 })
  })

  it('an infix may stand between place and word', () => {
    for (const infix of table.infixes) expect(zones(`岳阳${infix}高新区`), infix).toEqual({ 岳阳高新区: 1 })
  })

  it('only a place names a zone: words that merely stand before a park word do not (src/rules/places.json)', () => {
    for (const words of ['全省', '个区县和', '计划贡献', '其他', '两']) expect(zones(`${words}高新区`), words).toEqual({})
    // A city's full name files the zone under its short name.
    expect(zones('岳阳市高新区')).toEqual({ 岳阳高新区: 1 })
  })

  it('a place is made of words jieba tags with a place tag', () => {
    const places: Record<string, string> = { ns: '哈尔滨', nr: '岳阳', nrt: '拉萨' }
    for (const tag of table.placeTags) {
      const place = places[tag]
      expect(place, `a place tagged ${tag}`).toBeDefined()
      expect(new Set(tagged(place!).map((t) => t.tag)), place).toEqual(new Set([tag]))
      expect(catalog.foreignParks(`${place}高新区有多少企业？`), place).toEqual([{ name: `${place}高新区`, place }])
    }
    // 国家级 is not a place: a generic park word is no park.
    expect(catalog.foreignParks('国家级高新区有哪些？')).toEqual([])
  })

  it('every English park kind and ending names a park, with any qualifier and fillers', () => {
    const { qualifiers, kinds, fillers, ends } = table.english
    for (const kind of kinds) expect(catalog.foreignParks(`What did Yueyang ${kind} Zone report?`), kind).toEqual([{ name: `Yueyang ${kind} Zone`, place: 'yueyang' }])
    for (const end of ends) expect(catalog.foreignParks(`What did Yueyang High-tech ${end} report?`), end).toEqual([{ name: `Yueyang High-tech ${end}`, place: 'yueyang' }])
    const full = `Yueyang ${qualifiers.join(' ')} Economic and Technological Development ${fillers.join(' ')} Zone`
    expect(catalog.foreignParks(`What did ${full} report?`)).toEqual([{ name: full, place: 'yueyang' }])
    // The place must be a capitalised word; a known park is not foreign.
    expect(catalog.foreignParks('what did yueyang high-tech zone report?')).toEqual([])
    expect(catalog.foreignParks('What did Xiangxi High-tech Zone report?')).toEqual([])
  })

  it('ingest and questions read the same zone names', () => {
    for (const { word, short } of table.words.filter((w) => w.short)) {
      const text = `岳阳${word}`
      expect(parkMentions(text).map((m) => m.name), word).toEqual([`岳阳${short}`])
      expect(catalog.foreignParks(text).map((p) => p.place), word).toEqual(['岳阳'])
    }
  })
})

describe('rule: a place jieba does not tag still names a park a question may ask about', () => {
  it('a county-level city from places.json before a park word is a park the catalog does not know', () => {
    expect(catalog.foreignParks('涟源高新区2022年规上工业总产值是多少？')).toEqual([{ name: '涟源高新区', place: '涟源' }])
  })
})

describe('rule: scope — whom a clause or a question is about', () => {
  const withCity = new ParkCatalog([
    { name: '赣州经开区', aliases: ['赣州经济技术开发区'], english: [] },
    { name: '赣州市', aliases: ['赣州'], english: [] },
  ])

  it('cityWide: a clause whose first subject is the whole city is about the city, and so is a question', () => {
    for (const word of table.scope.cityWide) {
      expect(withCity.scopeOf(`同期，${word}实现地区生产总值`), word).toEqual({ scope: 'city' })
      expect(withCity.questionScope(`${word}的地区生产总值是多少？`), word).toBe('city')
    }
    expect(withCity.scopeOf('同期，赣州市实现地区生产总值')).toEqual({ scope: 'city', city: '赣州市' })
    // The subject carries back over commas and semicolons to the part that names it.
    expect(withCity.scopeOf('2023年，赣州经开区实现地区生产总值612.8亿元；规模以上工业总产值')).toEqual({ scope: 'zone' })
    // A question names the city by its full name or 全市; its bare name may be a modifier.
    expect(withCity.questionScope('赣州市的地区生产总值是多少？')).toBe('city')
    expect(withCity.questionScope('首届赣州电子信息产业链对接会是哪天？')).toBeUndefined()
    // A city's bare name is a company's first word as often as the city.
    expect(withCity.scopeOf('赣州捷能动力电池有限公司是园区的链主企业')).toBeUndefined()
  })

  it('zone: a clause opening with a zone word, or naming a zone, is about a zone; a question naming a zone asks about it', () => {
    for (const word of table.scope.zone) {
      expect(withCity.scopeOf(`今年一季度，${word}实现地区生产总值`), word).toEqual({ scope: 'zone' })
      expect(withCity.questionScope(`赣州${word}的产值？`), word).toBe('zone')
    }
    expect(withCity.scopeOf('其中，赣州经开区企业生产新能源汽车')).toEqual({ scope: 'zone' })
    // Not opening its clause, 园区 is an object: 向两个国家级园区下放.
    expect(withCity.scopeOf('向两个国家级园区下放')).toBeUndefined()
  })

  it('a quote’s scope is read up to its first figure that is not a date: a dateline does not hide the subject', () => {
    const text = '4月16日，记者从会上了解到，今年一季度，园区实现地区生产总值118.6亿元。'
    const q = ask('全市今年一季度地区生产总值是多少？')
    expect(q.scope).toBe('city')
    expect(extractAnswer(q, [passage(text, { park: '湘西高新区' })], vocabulary()).found).toBe(false)
    expect(extractAnswer(ask('湘西高新区今年一季度地区生产总值是多少？'), [passage(text, { park: '湘西高新区' })], vocabulary()).found).toBe(true)
  })

  it('notSubject: a name right after one of them is what a figure is compared with', () => {
    for (const cue of table.scope.notSubject) expect(withCity.scopeOf(`生产总值${cue}全市`), cue).toBeUndefined()
    expect(withCity.questionScope('赣州经开区的生产总值占全市多少？')).toBe('zone')
  })
})
