import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../bench/synthetic.js'
import { Bm25Index, type Bm25Hit } from '../../src/index/bm25.js'
import { termFrequencies } from '../../src/text/tokenize.js'
import { work } from '../../src/text/work.js'

const texts = [
  '张家界高新区完成工业总产值23.05亿元，增长4.26%',
  '张家界高新区规模工业总产值21.42亿元、增长0.49%',
  '怀化高新区研发费用达3.02亿元',
  '常德经开区今年上半年共引进项目47个',
]

/** Okapi BM25 as written in the textbook: every posting scored, every hit sorted. The oracle. */
function reference(passages: string[], k1 = 1.2, b = 0.75) {
  const tfs = passages.map(termFrequencies)
  const df = new Map<string, number>()
  for (const tf of tfs) for (const term of tf.keys()) df.set(term, (df.get(term) ?? 0) + 1)
  const lengths = tfs.map((tf) => [...tf.values()].reduce((a, c) => a + c, 0))
  const average = lengths.reduce((a, c) => a + c, 0) / passages.length
  return {
    /** Postings a search for `query` would read without pruning. */
    postings: (query: string) => [...termFrequencies(query).keys()].reduce((sum, term) => sum + (df.get(term) ?? 0), 0),
    search(query: string, k: number, accept?: (i: number) => boolean): Bm25Hit[] {
      const hits: Bm25Hit[] = []
      tfs.forEach((tf, index) => {
        let score = 0
        for (const term of termFrequencies(query).keys()) {
          const count = tf.get(term)
          if (!count) continue
          const idf = Math.log(1 + (passages.length - df.get(term)! + 0.5) / (df.get(term)! + 0.5))
          score += (idf * count * (k1 + 1)) / (count + k1 * (1 - b + (b * lengths[index]!) / average))
        }
        if (score > 0 && (!accept || accept(index))) hits.push({ index, score })
      })
      return hits.sort((x, y) => y.score - x.score || x.index - y.index).slice(0, k)
    },
  }
}

/**
 * Passages of words drawn by a Zipf law: the first words reach nearly every passage (as 高新 and
 * 园区 do), the last few only a handful. Long enough postings that pruning takes over.
 */
function zipfCorpus(passages: number): { texts: string[]; words: string[] } {
  const syllables = '产业园区项目投资企业科技创新制造工业经济发展建设招商服务平台基地集群材料医药能源电子信息装备智能数字'
  const words = Array.from({ length: 300 }, (_, i) => syllables[i % syllables.length]! + syllables[(i * 7 + 3) % syllables.length]! + String.fromCharCode(0x4e00 + 500 + i))
  const weights = words.map((_, i) => 1 / (i + 1))
  const total = weights.reduce((a, c) => a + c, 0)
  const next = seededRandom(7)
  const draw = () => {
    let x = next() * total
    for (let i = 0; i < words.length; i++) if ((x -= weights[i]!) <= 0) return words[i]!
    return words.at(-1)!
  }
  return { texts: Array.from({ length: passages }, () => Array.from({ length: 20 + Math.floor(next() * 40) }, draw).join('，') + '。'), words }
}

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

  it('scores exactly as the textbook formula, and counts words as before', () => {
    const index = Bm25Index.build(texts)
    for (const query of ['工业总产值增长', '怀化高新区研发', '项目']) {
      const got = index.search(query, 4)
      const want = reference(texts).search(query, 4)
      expect(got.map((h) => h.index)).toEqual(want.map((h) => h.index))
      got.forEach((hit, i) => expect(hit.score).toBeCloseTo(want[i]!.score, 12))
    }
    expect(index.wordPassages('高新区')).toBe(3)
    expect(index.wordPassages('火星')).toBe(0)
    expect(index.wordWeight('火星')).toBeGreaterThan(index.wordWeight('高新区'))
  })

  it('starts every search from zero, also after a filter threw', () => {
    const index = Bm25Index.build(texts)
    const clean = index.search('工业总产值增长', 4)
    expect(() =>
      index.search('工业总产值增长', 4, () => {
        throw new Error('filter failed')
      }),
    ).toThrow('filter failed')
    expect(index.search('工业总产值增长', 4)).toEqual(clean)
  })

  it('survives the binary round trip unchanged, and refuses a file that is not one or is cut short', () => {
    const index = Bm25Index.build(texts)
    const file = index.serialize()
    const copy = Bm25Index.deserialize(file)
    expect(copy.search('工业总产值增长', 4)).toEqual(index.search('工业总产值增长', 4))
    expect(copy.wordWeight('高新区')).toBe(index.wordWeight('高新区'))
    // An odd offset into a larger buffer: the arrays are copied out, never viewed unaligned.
    const shifted = Buffer.concat([Buffer.from([0]), file]).subarray(1)
    expect(Bm25Index.deserialize(shifted).search('项目', 2)).toEqual(index.search('项目', 2))
    expect(() => Bm25Index.deserialize(Buffer.from('{"k1":1.2}'))).toThrow(/not a BM25 index/)
    expect(() => Bm25Index.deserialize(file.subarray(0, file.length - 8))).toThrow(/truncated/)
  })

  it('prunes common terms without changing the k best: the same hits as scoring every posting, far fewer postings read', () => {
    const { texts: corpus, words } = zipfCorpus(4000)
    const index = Bm25Index.build(corpus)
    const oracle = reference(corpus)
    // Two telling words and a few of the commonest (as a question names a company among 高新区, 项目 …):
    // few passages can still make the k best, and the common words' long lists are searched for them.
    const sharp = [0, 1, 2, 3].map((i) => [words[250 + i * 9]!, words[180 + i]!, ...words.slice(0, 2 + i)].join('，'))
    // Many common words: their bound keeps most passages in play, and their lists are walked whole.
    const blunt = [0, 1, 2, 3].map((i) => [words[250 + i * 9]!, words[180 + i]!, ...words.slice(0, 6 + i)].join('，'))
    let pruned = 0
    for (const [shape, queries] of Object.entries({ sharp, blunt }) as Array<['sharp' | 'blunt', string[]]>) {
      for (const query of queries) {
        for (const accept of [undefined, (i: number) => i % 3 === 0]) {
          const before = work.postingsRead
          const got = index.search(query, 10, accept)
          const read = work.postingsRead - before
          if (shape === 'sharp' && read < oracle.postings(query) / 2) pruned++
          const want = oracle.search(query, 10, accept)
          expect(got.map((h) => h.index)).toEqual(want.map((h) => h.index))
          got.forEach((hit, i) => expect(hit.score).toBeCloseTo(want[i]!.score, 9))
        }
      }
    }
    expect(pruned).toBe(8)
  })
})
