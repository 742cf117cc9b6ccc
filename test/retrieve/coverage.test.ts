import { describe, expect, it } from 'vitest'
import { coverage, LONE_CHARACTER } from '../../src/retrieve/coverage.js'
import type { Question } from '../../src/retrieve/query.js'
import { ask } from '../rule-fixtures.js'

/** A question whose terms are given: coverage reads nothing else. */
function withTerms(...terms: string[][]): Question {
  return { ...ask('湘西高新区'), terms }
}

const idf: Record<string, number> = { 标准厂房: 4, 开工: 2, 园区: 1, 地区生产总值: 3, gdp: 5 }
const weight = (word: string) => idf[word] ?? 1

describe('rule: coverage', () => {
  it('is the IDF-weighted share of the question’s words the text holds', () => {
    const q = withTerms(['开工'], ['园区'])
    expect(coverage(q, '园区今年开工', weight)).toBe(1)
    expect(coverage(q, '今年开工', weight)).toBeCloseTo(2 / 3)
    expect(coverage(q, '园区', weight)).toBeCloseTo(1 / 3)
    expect(coverage(q, '没有关系', weight)).toBe(0)
  })

  it('counts a synonym group once, at the weight of its heaviest word, when any of its words is there', () => {
    const q = withTerms(['地区生产总值', 'gdp'], ['园区'])
    // The group weighs 5 (gdp), whichever word the text uses.
    expect(coverage(q, '园区地区生产总值', weight)).toBe(1)
    expect(coverage(q, '园区GDP', weight)).toBe(1)
    expect(coverage(q, '地区生产总值', weight)).toBeCloseTo(5 / 6)
  })

  it('within a passage, weighs a one-character term at LONE_CHARACTER of a word: it matches inside unrelated words (快 in 加快)', () => {
    const q = withTerms(['开工'], ['快'])
    expect(coverage(q, '加快建设', weight, LONE_CHARACTER)).toBeCloseTo(LONE_CHARACTER / (2 + LONE_CHARACTER))
    expect(coverage(q, '加快建设', weight)).toBeCloseTo(1 / 3)
    expect(coverage(q, '项目开工', weight, LONE_CHARACTER)).toBeCloseTo(2 / (2 + LONE_CHARACTER))
  })

  it('reads the text as the question is read: NFKC and lower case', () => {
    expect(coverage(withTerms(['gdp']), 'ＧＤＰ增长', weight)).toBe(1)
  })

  it('gives a word it nearly holds the share of its character pairs, from two thirds up', () => {
    // 标准厂房 in 标准化厂房: 标准 and 厂房 of 标准, 准厂, 厂房 — two thirds.
    expect(coverage(withTerms(['标准厂房']), '新建标准化厂房', weight)).toBeCloseTo(2 / 3)
    // 高新技术企业 in 高新技术的企业: four of five pairs.
    expect(coverage(withTerms(['高新技术企业']), '高新技术的企业', weight)).toBeCloseTo(4 / 5)
    // 标准厂房 in 标准的房: one pair of three is below two thirds, so nothing.
    expect(coverage(withTerms(['标准厂房']), '标准的房', weight)).toBe(0)
  })

  it('counts character pairs, not characters: every character of 新建 in 新盖建筑 earns nothing', () => {
    expect(coverage(withTerms(['新建']), '新盖建筑', weight)).toBe(0)
  })

  it('is 0 for a question without terms, or whose terms weigh nothing', () => {
    expect(coverage(withTerms(), '园区', weight)).toBe(0)
    expect(coverage(withTerms(['园区']), '园区', () => 0)).toBe(0)
  })
})
