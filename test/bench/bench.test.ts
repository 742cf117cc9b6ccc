import fs from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { copiesFor, replicateCorpus } from '../../bench/ingest.js'
import { checkTargets, renderMarkdown, type BenchResults } from '../../bench/report.js'
import type { ScaleResult } from '../../bench/scale.js'
import { percentile, recallAtK, summarize } from '../../bench/stats.js'
import { seededRandom, syntheticChunks, syntheticTerms } from '../../bench/synthetic.js'
import { loadCorpus } from '../../src/ingest/corpus.js'
import { chunkDocument, indexedText, type Passage } from '../../src/ingest/chunk.js'
import { termFrequencies } from '../../src/text/tokenize.js'
import { silentLogger } from '../../src/log.js'
import { SEED_CORPUS, tempDir } from '../helpers.js'

// The benchmark's arithmetic and inputs; its timings are never asserted (they live in npm run bench).

describe('stats', () => {
  it('takes nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1)
    expect(percentile(sorted, 50)).toBe(50)
    expect(percentile(sorted, 99)).toBe(99)
    expect(percentile([7], 99)).toBe(7)
    expect(summarize([3, 1, 2])).toEqual({ n: 3, p50: 2, p99: 3, mean: 2 })
  })

  it('counts recall@k against the exact neighbours, whatever their order', () => {
    expect(recallAtK([[1, 2, 3]], [[3, 2, 1]], 3)).toBe(1)
    expect(recallAtK([[1, 9, 8], [4, 5, 6]], [[1, 2, 3], [4, 5, 6]], 3)).toBeCloseTo((1 / 3 + 1) / 2)
    expect(() => recallAtK([[1]], [], 1)).toThrow(/1 approximate/)
  })
})

describe('syntheticChunks', () => {
  const seed: Passage[] = [
    { id: 'a-0', source: 'a.txt', title: '甲', park: '怀化高新区', section: '', start: 0, end: 30, text: '园区新签约项目十二个。总投资达到五十亿元。短句。' },
    { id: 'b-0', source: 'b.txt', title: '乙', park: '湘西高新区', section: '', start: 0, end: 30, text: '湘西高新区规模工业增加值增长百分之十。' },
  ]

  it('recombines whole seed sentences into passages of the chunker’s lengths, the same every run', () => {
    const { chunks } = syntheticChunks(seed, 50)
    expect(chunks).toHaveLength(50)
    expect(syntheticChunks(seed, 50).chunks).toEqual(chunks)
    const sentences = ['园区新签约项目十二个。', '总投资达到五十亿元。', '湘西高新区规模工业增加值增长百分之十。']
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeGreaterThanOrEqual(150)
      // Every passage is made of seed sentences only; "短句。" is too short to be one.
      expect(chunk.text.replaceAll(new RegExp(sentences.join('|'), 'g'), '')).toBe('')
      expect(['怀化高新区', '湘西高新区']).toContain(chunk.park)
    }
    expect(new Set(chunks.map((c) => c.id)).size).toBe(50)
  })

  it('gives each passage the terms jieba and the bigrams give its whole indexed text', async () => {
    const corpus = await loadCorpus(SEED_CORPUS, silentLogger)
    const real = corpus.documents.flatMap((doc) => chunkDocument(doc, corpus.metadata))
    const { chunks, sentences } = syntheticChunks(real, 40)
    const terms = syntheticTerms(chunks, sentences, termFrequencies)
    chunks.forEach((chunk, i) => expect(terms[i]).toEqual(termFrequencies(indexedText(chunk))))
  })

  it('draws from a seeded generator', () => {
    const a = seededRandom(1)
    const b = seededRandom(1)
    const drawn = Array.from({ length: 5 }, a)
    expect(Array.from({ length: 5 }, b)).toEqual(drawn)
    for (const x of drawn) expect(x >= 0 && x < 1).toBe(true)
  })
})

describe('replicateCorpus', () => {
  it('makes distinct, loadable copies of every document with their metadata', async () => {
    const target = path.join(await tempDir(), 'replicated')
    const copies = await copiesFor(SEED_CORPUS, 200 * 1024)
    expect(copies).toBeGreaterThan(1)
    const bytes = await replicateCorpus(SEED_CORPUS, target, copies)
    expect(bytes).toBeGreaterThanOrEqual(200 * 1024)
    const original = await loadCorpus(SEED_CORPUS, silentLogger)
    const copied = await loadCorpus(target, silentLogger)
    expect(copied.documents).toHaveLength(original.documents.length * copies)
    expect(new Set(copied.documents.map((d) => d.contentHash)).size).toBe(copied.documents.length)
    expect(copied.metadata.documents).toHaveLength(original.metadata.documents.length * copies)
    expect(copied.metadata.parks).toEqual(original.metadata.parks)
    expect(await fs.readdir(target)).toContain(`copy001_${original.documents[0]!.source}`)
  })
})

describe('checkTargets', () => {
  it('holds the scale section to issue 24 (and the whole answer to issue 22): recall, BM25, the graph, the answer, the served memory', () => {
    const latency = (p50: number, p99: number) => ({ n: 171, p50, p99, mean: p50 })
    const efAt = (ef: number, recallAt10: number, speedup: number) => ({ ef, recallAt10, passageRecallAt10: 0.97, evidence: { hitAt1: 0.4, hitAt10: 0.65 }, qps: speedup * 300, speedup })
    const ef = [efAt(64, 0.99, 12), efAt(128, 0.995, 8)]
    const scale: ScaleResult = {
      chunks: 100_000,
      dimensions: 256,
      queries: 171,
      embedS: 50,
      hnsw: { buildS: 61, m: 16, efConstruction: 100, fileMb: 112, memoryMb: 90 },
      bruteForce: { qps: 300, memoryMb: 97 },
      ef,
      chosen: ef[0],
      evidence: { questions: 126, hitAt1: 0.43, hitAt10: 0.68 },
      bm25: { buildS: 6, memoryMb: 180, fileMb: 191, loadS: 1.6, latency: latency(1.5, 21) },
      answer: latency(5.5, 30),
      rssMb: 2600,
      served: { writeS: 12, diskMb: 517, readyS: 11, workers: 1, latency: latency(8, 40), rssMb: 1100, peakRssMb: 1300 },
    }
    expect(checkTargets({ startedAt: '2026-12-03T00:00:00Z', machine, scale }).map((t) => [t.name, t.value, t.met])).toEqual([
      ['100000 chunks: recall@10 at the chosen ef', 0.99, true],
      ['100000 chunks: speed-up over brute force at that ef', 12, true],
      ['100000 chunks: BM25 search p50 (ms)', 1.5, true],
      ['100000 chunks: BM25 search p99 (ms)', 21, false],
      ['100000 chunks: HNSW build (s)', 61, false],
      ['100000 chunks: whole extractive answer p50 (ms)', 5.5, false],
      ["100000 chunks: npm start's resident memory, peak (MB)", 1300, true],
    ])
  })

  const machine = { cpus: 2, cpuModel: 'x', memoryGb: 1, node: 'v20', platform: 'linux x64', cpuCheck: { p50Ms: 0.1, p99Ms: 0.2, maxMs: 1, stalled: 0.05 } }
  const load = (requestsPerS: number, p99Ms: number, errors = 0) => ({ requestsPerS, p50Ms: 1, p99Ms, requests: 100, errors })

  it('judges each measured section against the issue’s targets and leaves out the others', () => {
    const targets = checkTargets({
      startedAt: '2026-11-23T00:00:00Z',
      machine,
      http: { connections: 16, workers: 1, seconds: 9, rounds: 3, healthz: load(1000, 5), ask: load(250, 30, 1), ratio: 0.25, roundRatios: [0.2, 0.25, 0.3], healthzDuringAsk: { p50Ms: 2, p99Ms: 9, probes: 400 } },
      ingest: { documents: 1, corpusMb: 5, chunks: 10, seconds: 2, mbPerS: 2.5, indexMb: 1 },
    })
    expect(targets.map((t) => [t.name, t.met])).toEqual([
      ['/ask ÷ /healthz requests/s', false],
      ['/ask p99 (ms)', false],
      ['/ask + /healthz errors', false],
      ['ingest MB/s (local embedder)', true],
    ])
    const results: BenchResults = { startedAt: '2026-11-23T00:00:00Z', seconds: 60, machine, targets }
    expect(renderMarkdown(results)).toContain('| /ask p99 (ms) | 30 | ≤ 25 | **missed** |')
    expect(renderMarkdown({ ...results, http: { connections: 16, workers: 1, seconds: 9, rounds: 3, healthz: load(1000, 5), ask: load(250, 30), ratio: 0.25, roundRatios: [0.2, 0.25, 0.3], healthzDuringAsk: { p50Ms: 2, p99Ms: 9, probes: 400 } } })).toContain('median of the turns: 0.200, 0.250, 0.300')
  })
})
