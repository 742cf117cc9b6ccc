import { describe, expect, it } from 'vitest'
import { periodsIn, yearsIn } from '../../src/retrieve/query.js'
import { timeRules } from '../../src/rules/time.js'
import { ask, tableOf } from '../rule-fixtures.js'

const table = tableOf<{
  years: { first: number; last: number }
  relativeYears: Record<string, number>
  rangeDashes: string[]
  periodWords: string[]
  quarters: Record<string, string>
  namedRanges: Record<string, string>
  fullYear: string
  englishMonths: Record<string, number>
  englishRangeWords: string[]
}>('rules/time.json')

const capitalised = (word: string) => word.charAt(0).toUpperCase() + word.slice(1)

describe('rule: years', () => {
  it('reads four-digit numbers from the first year to the last as years, and no others', () => {
    const { first, last } = table.years
    expect(yearsIn(`${first - 1}年、${first}年、${last}年、${last + 1}年`)).toEqual([String(first), String(last)])
    // Digits inside a longer number are no year.
    expect(yearsIn(`${first}0个、1${last}个`)).toEqual([])
  })

  it('reads every relative year word against the document’s year, and not without one', () => {
    for (const [word, offset] of Object.entries(table.relativeYears)) {
      expect(yearsIn(`${word}完成投资`, '2020'), word).toEqual([String(2020 + offset)])
      expect(yearsIn(`${word}完成投资`), word).toEqual([])
    }
  })
})

describe('rule: periods', () => {
  it('reads every period word as itself', () => {
    for (const word of table.periodWords) expect(periodsIn(`${word}完成投资`), word).toEqual([word])
  })

  it('reads every quarter written with a digit by its name', () => {
    for (const [digit, name] of Object.entries(table.quarters)) {
      expect(periodsIn(`${digit}季度完成投资`), digit).toEqual([name])
      expect(periodsIn(`${name}完成投资`), name).toEqual([name])
    }
  })

  it('reads a month range joined by every range dash, without leading zeros', () => {
    for (const dash of table.rangeDashes) expect(periodsIn(`1${dash}10月完成投资`), dash).toEqual(['1-10月'])
    expect(periodsIn('01 - 05 月')).toEqual(['1-5月'])
  })
})

describe('rule: named ranges', () => {
  it('every named range normalises to its name, so both ways of writing it compare equal', () => {
    for (const [range, name] of Object.entries(table.namedRanges)) {
      const [from, to] = range.replace('月', '').split('-')
      expect(periodsIn(`${from}至${to}月完成投资`), range).toEqual([name])
      expect(periodsIn(`${name}完成投资`), range).toEqual([name])
    }
  })

  it('a range without a name keeps its months', () => {
    expect(periodsIn('1-10月完成投资')).toEqual(['1-10月'])
  })

  it('the full year is one of the period words', () => {
    expect(timeRules.fullYear).toBe(table.fullYear)
    expect(periodsIn(table.fullYear)).toEqual([table.fullYear])
  })
})

describe('rule: English months', () => {
  it('every English month maps to its number in a range, in any case', () => {
    for (const [month, n] of Object.entries(table.englishMonths)) {
      expect(timeRules.englishMonthRanges(`output from ${capitalised(month)} to December`), month).toBe(`output  ${n}-12月 `)
      expect(timeRules.englishMonthRanges(`output from JANUARY to ${month.toUpperCase()}`), month).toBe(`output  1-${n}月 `)
    }
  })

  it('every range word joins two months', () => {
    for (const word of table.englishRangeWords) expect(timeRules.englishMonthRanges(`March ${word} June`), word).toBe(' 3-6月 ')
  })

  it('a range running backwards is left as it is', () => {
    expect(timeRules.englishMonthRanges('from June to March')).toBe('from June to March')
  })

  it('an English question’s month range is a period, by its name when it has one', () => {
    expect(ask('What was the output of Xiangxi from March to June 2021?').periods).toEqual(['3-6月'])
    expect(ask('What was the output of Xiangxi from January to June 2021?').periods).toEqual(['上半年'])
    expect(ask('What was the output of Xiangxi from January through December 2021?').periods).toEqual(['全年'])
  })

  it('English period phrases read as periods (they are glossary entries)', () => {
    const cases: Record<string, string> = { 'first half': '上半年', 'second half': '下半年', 'first quarter': '一季度', 'third quarter': '三季度', 'first three quarters': '前三季度', 'full year': '全年' }
    for (const [phrase, period] of Object.entries(cases)) expect(ask(`What was the output of Xiangxi in the ${phrase} of 2021?`).periods, phrase).toEqual([period])
  })
})
