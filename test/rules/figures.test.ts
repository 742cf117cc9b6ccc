import { describe, expect, it } from 'vitest'
import { figureRules, type Unit } from '../../src/rules/figures.js'
import { tableOf } from '../rule-fixtures.js'

const table = tableOf<{ approximators: string[]; magnitudes: string[]; numerals: string[]; ordinal: { prefix: string; units: string[] }; asks: { countChars: string[]; countEnglish: string[]; moneyWords: string[]; moneyEnglish: string[] } }>('rules/figures.json')
const units: readonly Unit[] = figureRules.units

/** The matches of a global pattern in `text`. */
function all(pattern: RegExp, text: string): string[] {
  return [...text.matchAll(pattern)].map((m) => m[0])
}

const afterDigits = (u: Unit) => u.follows !== 'numerals'
const afterNumerals = (u: Unit) => u.follows !== 'digits'

describe('rule: counting units', () => {
  it('every unit that follows digits makes a figure of "12<unit>", whole', () => {
    for (const { unit } of units.filter(afterDigits)) expect(all(figureRules.figure, `共12${unit}。`), unit).toEqual([`12${unit}`])
  })

  it('every unit that follows numerals makes a figure of "三<unit>", and no other does', () => {
    for (const u of units) {
      if (afterNumerals(u)) expect(all(figureRules.figure, `共三${u.unit}。`), u.unit).toEqual([`三${u.unit}`])
      else expect(all(figureRules.figure, `共三${u.unit}。`), u.unit).not.toContain(`三${u.unit}`)
    }
  })

  it('a unit that follows numerals only makes no figure after digits (三大产业, not 3大)', () => {
    for (const { unit } of units.filter((u) => !afterDigits(u))) expect(all(figureRules.figure, `共3${unit}。`), unit).toEqual([])
  })

  it('every count unit makes a count, and every other unit does not', () => {
    for (const u of units) {
      if (u.kind === 'count') expect(all(figureRules.count, `共12${u.unit}。`), u.unit).toEqual([`12${u.unit}`])
      else expect(all(figureRules.count, `共12${u.unit}。`), u.unit).not.toContain(`12${u.unit}`)
      if (u.kind === 'count' && afterNumerals(u)) expect(all(figureRules.count, `共五${u.unit}。`), u.unit).toEqual([`五${u.unit}`])
    }
    // A unit that begins with a count unit still holds that count: 3个百分点 holds 3个.
    expect(all(figureRules.count, '提高3个百分点')).toEqual(['3个'])
  })

  it('every money unit makes an amount of money, and every other unit does not', () => {
    for (const u of units.filter(afterDigits)) expect(all(figureRules.money, `共12${u.unit}。`), u.unit).toEqual(u.kind === 'money' ? [`12${u.unit}`] : [])
  })

  it('every percent unit makes a percentage, and every other unit does not', () => {
    for (const u of units.filter(afterDigits)) expect(all(figureRules.percent, `增长4.26${u.unit}。`), u.unit).toEqual(u.kind === 'percent' ? [`4.26${u.unit}`] : [])
  })

  it('a question asking how many of a count unit asks for a count; no other unit makes it one', () => {
    // 多少个月 asks for a duration: a quantity unit that begins with a count unit is not a count.
    const beginsWithCount = (u: Unit) => u.kind !== 'quantity' && units.some((c) => c.kind === 'count' && u.unit.startsWith(c.unit))
    for (const u of units) expect(figureRules.asksCount.test(`引进了多少${u.unit}？`), u.unit).toBe(beginsWithCount(u))
  })

  it('of two units that start alike, the longer is the figure (3个百分点, 5家次)', () => {
    expect(all(figureRules.figure, '提高3个百分点')).toEqual(['3个百分点'])
    expect(all(figureRules.count, '服务企业5家次')).toEqual(['5家次'])
  })
})

describe('rule: figure kinds', () => {
  const text = '完成工业总产值23.05亿元，增长4.26%，提高3个百分点；实际利用外资1749万美元；签约项目37个，新增五家企业，服务企业200余家次，征地300亩，三大产业。'

  it('reads counts, money and percentages as the documents write them', () => {
    expect(all(figureRules.count, text)).toEqual(['3个', '37个', '五家', '200余家次'])
    expect(all(figureRules.money, text)).toEqual(['23.05亿元', '1749万美元'])
    expect(all(figureRules.percent, text)).toEqual(['4.26%', '3个百分点'])
    expect(all(figureRules.figure, text)).toEqual(['23.05亿元', '4.26%', '3个百分点', '1749万美元', '37个', '五家', '200余家次', '300亩', '三大'])
  })
})

describe('rule: figure grammar', () => {
  it('every approximator and magnitude may stand between the number and its unit', () => {
    for (const approximate of table.approximators) expect(all(figureRules.count, `引进项目30${approximate}个`), approximate).toEqual([`30${approximate}个`])
    for (const magnitude of table.magnitudes) expect(all(figureRules.money, `投资5${magnitude}元`), magnitude).toEqual([`5${magnitude}元`])
    expect(all(figureRules.money, '总投资10多亿元')).toEqual(['10多亿元'])
  })

  it('every numeral spells a count', () => {
    for (const numeral of table.numerals) expect(all(figureRules.count, `签约${numeral}个`), numeral).toEqual([`${numeral}个`])
  })

  it('a number is digits with decimal points and thousands commas', () => {
    expect(all(figureRules.money, '完成1,234.56万元')).toEqual(['1,234.56万元'])
  })

  it('an ordinal (第75名) is a figure, and 第几 does not ask for a count', () => {
    for (const unit of table.ordinal.units) {
      expect(all(figureRules.figure, `排名第 75${unit}`), unit).toEqual([`第 75${unit}`])
      expect(figureRules.asksCount.test(`排第几${unit}？`), unit).toBe(false)
    }
  })

  it('a figure with a count unit, or none, may be followed by the measure it counts', () => {
    const countsMeasure = new RegExp(`${figureRules.countingPrefix}高新技术企业`)
    expect(countsMeasure.test('有15家高新技术企业')).toBe(true)
    expect(countsMeasure.test('有15高新技术企业')).toBe(true)
    expect(countsMeasure.test('有15亿元高新技术企业')).toBe(false)
  })
})

describe('rule: questions that ask for a count or for money', () => {
  it('every count character asks for a count before a count unit', () => {
    for (const ch of table.asks.countChars) expect(figureRules.asksCount.test(`引进了${ch}个项目？`), ch).toBe(true)
    expect(figureRules.asksCount.test('引进了个项目？')).toBe(false)
  })

  it('every English count phrase asks for a count, in any case', () => {
    for (const phrase of table.asks.countEnglish) expect(figureRules.asksCount.test(`${phrase.toUpperCase()} projects?`), phrase).toBe(true)
  })

  it('every money word asks for money', () => {
    for (const word of table.asks.moneyWords) expect(figureRules.asksMoney.test(`园区${word}是多少？`), word).toBe(true)
    expect(figureRules.asksMoney.test('园区引进了多少个项目？')).toBe(false)
  })

  it('every English money word asks for money as a whole word only', () => {
    for (const word of table.asks.moneyEnglish) {
      expect(figureRules.asksMoney.test(`What was the ${word} of the park?`), word).toBe(true)
      expect(figureRules.asksMoney.test(`What was the ${word}s of the park?`), word).toBe(false)
    }
  })
})
