import { describe, expect, it } from 'vitest'
import { Bm25Index } from '../../src/index/bm25.js'

const texts = [
  '张家界高新区完成工业总产值23.05亿元，增长4.26%',
  '张家界高新区规模工业总产值21.42亿元、增长0.49%',
  '怀化高新区研发费用达3.02亿元',
  '常德经开区今年上半年共引进项目47个',
]

describe('Bm25Index', () => {
  it('ranks the passage sharing the rare terms first', () => {
    const index = Bm25Index.build(texts)
    expect(index.search('怀化高新区的研发费用', 2)[0]!.index).toBe(2)
    expect(index.search('规模工业总产值', 4)[0]!.index).toBe(1)
    expect(index.search('经开区上半年引进项目', 1)[0]!.index).toBe(3)
  })

  it('returns nothing for a query without a known term, and honours a filter', () => {
    const index = Bm25Index.build(texts)
    expect(index.search('weather in Paris', 5)).toEqual([])
    expect(index.search('高新区', 5, (i) => i !== 0).map((h) => h.index)).not.toContain(0)
  })

  it('survives a JSON round trip unchanged', () => {
    const index = Bm25Index.build(texts)
    const copy = new Bm25Index(JSON.parse(JSON.stringify(index.data)))
    expect(copy.search('工业总产值增长', 4)).toEqual(index.search('工业总产值增长', 4))
  })
})
