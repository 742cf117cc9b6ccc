import { describe, expect, it } from 'vitest'
import { attributedText, quotedRanges } from '../../src/answer/quotes.js'

describe('quotes', () => {
  it('attribute to a passage the text before its markers, back to the previous marker or sentence', () => {
    expect(attributedText('第一句。甲乙[1]，丙丁[2]。戊己[1][2]。', 1)).toBe('甲乙\n戊己')
    expect(attributedText('第一句。甲乙[1]，丙丁[2]。戊己[1][2]。', 2)).toBe('，丙丁\n戊己')
  })

  it('find each quoted clause of a passage, in passage order', () => {
    const long = `甲园区实现技工贸总收入500亿元。${'中间'.repeat(80)}甲园区新增高新技术企业19家。`
    const ranges = quotedRanges('新增高新技术企业19家，技工贸总收入500亿元', long)
    expect(ranges.map(([a, b]) => long.slice(a, b))).toEqual(['技工贸总收入500亿元', '新增高新技术企业19家'])
  })

  it('merge overlapping quoted runs into one range', () => {
    expect(quotedRanges('甲乙丙丁戊\n丙丁戊己庚', '甲乙丙丁戊己庚')).toEqual([[0, 7]])
  })

  it('ignore chance overlaps shorter than four characters', () => {
    expect(quotedRanges('园区亿元', '本园区共投资3亿元')).toEqual([])
  })
})
