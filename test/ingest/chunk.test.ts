import fs from 'node:fs/promises'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { chunkDocument, indexedText, MAX_CHUNK_CHARS, type Passage } from '../../src/ingest/chunk.js'
import { cleanText } from '../../src/ingest/clean.js'
import { loadCorpus, sha256, type Corpus } from '../../src/ingest/corpus.js'
import { silentLogger } from '../../src/log.js'
import { SEED, SEED_CORPUS } from '../helpers.js'

let corpus: Corpus
const chunksOf = new Map<string, Passage[]>()

beforeAll(async () => {
  corpus = await loadCorpus(SEED_CORPUS, silentLogger)
  for (const doc of corpus.documents) chunksOf.set(doc.source, chunkDocument(doc, corpus.metadata))
})

const all = () => [...chunksOf.values()].flat()

describe('chunkDocument on the seed corpus', () => {
  it('gives every chunk its document, title, park, id and offsets into the cleaned text', () => {
    for (const doc of corpus.documents) {
      const cleaned = cleanText(doc.content).text
      const chunks = chunksOf.get(doc.source)!
      expect(chunks.length).toBeGreaterThan(5)
      chunks.forEach((chunk, i) => {
        expect(chunk.source).toBe(doc.source)
        expect(chunk.title).not.toBe('')
        expect(chunk.park).not.toBe('')
        expect(chunk.id).toBe(`${doc.contentHash.slice(0, 12)}-${String(i).padStart(4, '0')}`)
        expect(cleaned.slice(chunk.start, chunk.end)).toBe(chunk.text)
      })
    }
  })

  it('keeps chunks within the size limit and mostly above the minimum', () => {
    const chunks = all()
    for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(MAX_CHUNK_CHARS)
    const small = chunks.filter((c) => c.text.length < 150)
    // Only the tail of a section or article may be short.
    expect(small.length / chunks.length).toBeLessThan(0.2)
  })

  it('ends chunks at sentence or paragraph ends, never mid-sentence', () => {
    for (const doc of corpus.documents) {
      const cleaned = cleanText(doc.content).text
      for (const chunk of chunksOf.get(doc.source)!) {
        const endsSentence = /[。！？!?；;…⋯][”’」』）)]*$/.test(chunk.text)
        const endsBlock = chunk.end === cleaned.length || cleaned.slice(chunk.end, chunk.end + 2) === '\n\n'
        expect(endsSentence || endsBlock, `${chunk.id} ends "${chunk.text.slice(-15)}"`).toBe(true)
      }
    }
  })

  it('overlaps consecutive chunks of one section by one sentence', () => {
    const chunks = chunksOf.get(SEED.zhangjiajieCity)!
    const overlapping = chunks.filter((c, i) => i > 0 && c.section === chunks[i - 1]!.section && c.start < chunks[i - 1]!.end)
    expect(overlapping.length).toBeGreaterThan(0)
    for (const chunk of overlapping) {
      const before = chunks[chunks.indexOf(chunk) - 1]!
      expect(before.text.endsWith(chunk.text.slice(0, before.end - chunk.start))).toBe(true)
    }
  })

  it('assigns 张家界高新区 to every chunk of 000', () => {
    expect(new Set(chunksOf.get(SEED.zhangjiajiePark)!.map((c) => c.park))).toEqual(new Set(['张家界高新区']))
  })

  it("splits 004 into its three articles, each chunk with its article's park", () => {
    const chunks = chunksOf.get(SEED.changde)!
    const parks = chunks.map((c) => c.park)
    // In order: the city article, then 常德高新区, then 常德经开区 — never interleaved.
    expect([...new Set(parks)]).toEqual(['常德市', '常德高新区', '常德经开区'])
    const second = chunks.filter((c) => c.park === '常德高新区')
    expect(second.every((c) => c.title.includes('聚力产业项目主战场'))).toBe(true)
    expect(second.some((c) => c.text.includes('2019年，全区共参加和举办招商活动60余次'))).toBe(true)
    expect(chunks.find((c) => c.text.includes('今年上半年，全区共引进项目47个'))?.park).toBe('常德经开区')
    expect(chunks.find((c) => c.text.includes('全市累计开工亿元以上产业项目531个'))?.park).toBe('常德市')
  })

  it('records the nearest heading as the section', () => {
    const chunk = chunksOf.get(SEED.zhangjiajiePark)!.find((c) => c.text.includes('完成工业总产值23.05亿元'))!
    expect(chunk.section).toBe('主动服务，助力经济发展高质高效')
  })

  it('indexes the passage behind a header that names its park', () => {
    // The case the header exists for: a passage whose own text never names its park.
    const chunk = chunksOf.get(SEED.zhangjiajiePark)!.find((c) => !c.text.includes('张家界高新区'))!
    const indexed = indexedText(chunk)
    expect(indexed.startsWith('张家界高新区｜')).toBe(true)
    expect(indexed.endsWith(chunk.text)).toBe(true)
  })

  it('cuts a sentence longer than the limit at clause ends', () => {
    const long = Array.from({ length: 30 }, (_, i) => `园区第${i}个项目完成投资${i}亿元`).join('，') + '。'
    const doc = { source: 'long.txt', content: `长句测试\n\n${long}\n`, contentHash: sha256(long) }
    const chunks = chunkDocument(doc, { parks: [], documents: [] })
    expect(chunks.length).toBeGreaterThan(1)
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(MAX_CHUNK_CHARS)
      expect(chunk.text.endsWith('，') || chunk.text.endsWith('。')).toBe(true)
    }
  })
})

describe('documents without metadata', () => {
  it('derive the title from the text and the park from the parks it names most', async () => {
    const doc = corpus.documents.find((d) => d.source === SEED.huaihua)!
    const chunks = chunkDocument({ ...doc, source: 'new.txt' }, { parks: corpus.metadata.parks, documents: [] })
    expect(chunks[0]!.title).toBe('奏响高质量发展交响曲——怀化高新区开发建设走笔')
    expect(new Set(chunks.map((c) => c.park))).toEqual(new Set(['怀化高新区']))
  })

  it('take the park section by section, also for parks the metadata does not know', async () => {
    const content = [
      '两园区年度简报',
      '',
      '一、岳阳高新区',
      '岳阳高新区今年完成规模工业总产值120亿元。岳阳高新区新引进项目30个，园区发展势头良好。',
      '',
      '二、怀化高新区',
      '怀化高新区今年签约项目26个。怀化高新区研发费用达3.02亿元，园区创新能力提升。',
      '',
    ].join('\n')
    const doc = { source: 'two-parks.md', content, contentHash: sha256(content) }
    const chunks = chunkDocument(doc, { parks: corpus.metadata.parks, documents: [] })
    expect(chunks.find((c) => c.text.includes('120亿元'))?.park).toBe('岳阳高新区')
    expect(chunks.find((c) => c.text.includes('3.02亿元'))?.park).toBe('怀化高新区')
  })

  it('reject an article anchor that is not in the text', async () => {
    const doc = corpus.documents.find((d) => d.source === SEED.changde)!
    const metadata = structuredClone(corpus.metadata)
    metadata.documents.find((d) => d.source === SEED.changde)!.articles![1]!.start = '这句话不在文中出现'
    expect(() => chunkDocument(doc, metadata)).toThrow(/这句话不在文中出现/)
  })
})

describe('the corpus metadata file', () => {
  it('names a park for every seed document', async () => {
    const raw = JSON.parse(await fs.readFile(path.join(SEED_CORPUS, 'documents.json'), 'utf8'))
    const sources = (await fs.readdir(SEED_CORPUS)).filter((f) => f.endsWith('.txt'))
    expect(raw.documents.map((d: { source: string }) => d.source).sort()).toEqual(sources.sort())
  })
})
