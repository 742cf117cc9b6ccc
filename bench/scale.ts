import { Document } from '@langchain/core/documents'
import hnswlib from 'hnswlib-node'
import fs from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import path from 'node:path'
import { createAnswerer } from '../src/answer/answer.js'
import { indexedText, type Passage } from '../src/ingest/chunk.js'
import { Bm25Index } from '../src/index/bm25.js'
import { LocalHashEmbeddings } from '../src/index/local-embeddings.js'
import type { HNSWLib } from '@langchain/community/vectorstores/hnswlib'
import { loadConfig } from '../src/config.js'
import { writeVersion, type VersionContents } from '../src/index/ingest.js'
import { buildVectorStore, HNSW_BUILD, INDEX_FORMAT, SearchIndex, type Manifest } from '../src/index/search-index.js'
import { versionPath } from '../src/index/store.js'
import { silentLogger } from '../src/log.js'
import { PassageTerms, TermDictionary, termFrequencies } from '../src/text/tokenize.js'
import { freePort, startServer, stopServer } from './http.js'
import { MB, recallAtK, round, summarize, timeEach, type LatencySummary } from './stats.js'
import { syntheticChunks, syntheticTerms } from './synthetic.js'

const { BruteforceSearch } = hnswlib

export const EF_VALUES = [10, 16, 32, 64, 128, 256]
const K = 10

export interface EfResult {
  ef: number
  recallAt10: number
  /** The same with passages as the queries (each passage itself left out): queries like the points the graph was built on. */
  passageRecallAt10: number
  /** Of the questions with evidence in some passage, the share whose top 1 / top 10 passages by HNSW at this ef hold it. */
  evidence: { hitAt1: number; hitAt10: number }
  qps: number
  /** queries/s relative to exact brute-force search */
  speedup: number
}

export interface ScaleResult {
  chunks: number
  dimensions: number
  queries: number
  /** tokenise + learn IDF + embed every passage */
  embedS: number
  hnsw: { buildS: number; m: number; efConstruction: number; fileMb: number; memoryMb: number }
  bruteForce: { qps: number; memoryMb: number }
  ef: EfResult[]
  /** the smallest ef reaching recall@10 ≥ 0.98, if any */
  chosen?: EfResult
  /** Exact dense search: a top-1 / top-10 passage holds the question's evidence (questions whose evidence survives in the passages). */
  evidence: { questions: number; hitAt1: number; hitAt10: number }
  bm25: { buildS: number; memoryMb: number; fileMb: number; loadS: number; latency: LatencySummary }
  /** The whole extractive answer over these passages (HNSW at the configured ef). */
  answer: LatencySummary
  /** resident memory of the whole process with passages, vectors, HNSW and BM25 loaded */
  rssMb: number
  served: ServedResult
}

/** The same passages written as an index version and served by `npm start`'s own entry. */
export interface ServedResult {
  /** Writing the version (passages, graph, BM25, embedder, checksums) and its size on disk. */
  writeS: number
  diskMb: number
  /** From spawning the server to its first healthy /healthz (loading the index included). */
  readyS: number
  workers: number
  /** /ask one question at a time, every eval question once after a first pass. */
  latency: LatencySummary
  /** The server process (every thread) after that, and its peak, from /proc. */
  rssMb: number
  peakRssMb: number
}

/** VmRSS and VmHWM of a process in MB, from /proc (Linux); 0 where there is none. */
async function residentMb(pid: number): Promise<{ rssMb: number; peakRssMb: number }> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8').catch(() => '')
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0)
  return { rssMb: round(kb('VmRSS') / 1024, 1), peakRssMb: round(kb('VmHWM') / 1024, 1) }
}

/**
 * Writes the index as ingest would and serves it from a new process, as a user would run it:
 * how long it takes to come up, how fast it answers one question at a time, and its memory.
 * The corpus directory it is given does not exist: its start-up ingest fails and it serves the
 * version it finds.
 */
async function benchServed(index: { store: HNSWLib; bm25: Bm25Index; embeddings: LocalHashEmbeddings; manifest: VersionContents['manifest'] }, questions: readonly string[], workDir: string, serve: ServeOptions): Promise<ServedResult> {
  const indexDir = path.join(workDir, 'scale-index')
  let started = performance.now()
  const version = await writeVersion(indexDir, index)
  const writeS = seconds(started)
  let diskBytes = 0
  const dir = versionPath(indexDir, version)
  for (const file of await fs.readdir(dir)) diskBytes += (await fs.stat(path.join(dir, file))).size
  const port = await freePort()
  started = performance.now()
  const server = await startServer(serve.root, { ...serve.env, INDEX_DIR: indexDir, CORPUS_DIR: path.join(workDir, 'no-corpus') }, port)
  const readyS = seconds(started)
  try {
    const ask = (question: string) => fetch(`http://127.0.0.1:${port}/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question }) }).then((r) => r.arrayBuffer())
    await timeEach(questions, ask)
    const latency = summarize(await timeEach(questions, ask))
    return { writeS, diskMb: round(diskBytes / MB, 1), readyS, workers: loadConfig(serve.env, serve.root).workers, latency, ...(await residentMb(server.pid!)) }
  } finally {
    await stopServer(server)
  }
}

export interface ServeOptions {
  /** The project root (where src/interfaces/http/main.ts is). */
  root: string
  /** The server's environment (extractive answers, the local embedder, no rate limit). */
  env: NodeJS.ProcessEnv
}

/**
 * Resident memory once garbage is gone: collected twice, with a pause after each, because V8
 * returns freed pages to the system on a background thread after a collection.
 */
async function settledRss(): Promise<number> {
  for (let i = 0; i < 2; i++) {
    globalThis.gc?.()
    await sleep(50)
  }
  return process.memoryUsage().rss
}

const seconds = (since: number) => round((performance.now() - since) / 1000, 2)

/**
 * Queries/s of the fastest of three passes over the queries: on a shared machine the slowest
 * passes measure the neighbours, the fastest the code.
 */
async function bestQps<T>(queries: readonly T[], run: (query: T) => unknown): Promise<number> {
  let best = 0
  for (let pass = 0; pass < 3; pass++) {
    const ms = (await timeEach(queries, run)).reduce((a, b) => a + b, 0)
    best = Math.max(best, (queries.length * 1000) / ms)
  }
  return best
}

export interface ScaleQuestion {
  question: string
  evidence: string[]
}

/** Of the questions with evidence in some passage, the share whose top 1 / top 10 passages hold it. */
function evidenceHits(texts: readonly string[], questions: readonly ScaleQuestion[], top: readonly (readonly number[])[]): ScaleResult['evidence'] {
  let asked = 0
  let hitAt1 = 0
  let hitAt10 = 0
  questions.forEach(({ evidence }, i) => {
    const holds = (passage: number) => evidence.some((e) => texts[passage]!.includes(e))
    if (evidence.length === 0 || !texts.some((text) => evidence.some((e) => text.includes(e)))) return
    asked++
    if (holds(top[i]![0]!)) hitAt1++
    if (top[i]!.some(holds)) hitAt10++
  })
  return { questions: asked, hitAt1: round(hitAt1 / Math.max(1, asked), 3), hitAt10: round(hitAt10 / Math.max(1, asked), 3) }
}

/**
 * HNSW at scale: `count` synthetic passages embedded with the local embedder, indexed the way an
 * ingest does (buildVectorStore: LangChain's HNSWLib with the ingest's HNSW_BUILD), and searched
 * with the eval questions at several ef; exact top-10 from hnswlib's brute-force index. Then BM25,
 * and the whole extractive answer over the same passages.
 */
export async function benchScale(seedIndex: SearchIndex, items: readonly ScaleQuestion[], count: number, ef: number, workDir: string, serve: ServeOptions, log: (line: string) => void): Promise<ScaleResult> {
  const questions = items.map((item) => item.question)
  const { chunks, sentences } = syntheticChunks(seedIndex.passages(), count)
  const texts = chunks.map(indexedText)

  let started = performance.now()
  // Numbered as they are made, as an ingest's passages are, for the embedder and BM25 to share.
  const dictionary = new TermDictionary()
  const terms = syntheticTerms(chunks, sentences, termFrequencies, (tf) => PassageTerms.of(tf, dictionary))
  const embeddings = LocalHashEmbeddings.fitTerms(terms)
  const vectors = embeddings.embedPassages(terms)
  const embedS = seconds(started)
  log(`scale: ${count} passages embedded in ${embedS} s`)

  const beforeHnsw = await settledRss()
  started = performance.now()
  // The ingest's own build: same graph parameters, same LangChain store around it.
  const store = buildVectorStore(
    embeddings,
    vectors,
    chunks.map((chunk, i) => new Document({ pageContent: texts[i]!, metadata: chunk })),
  )
  const buildS = seconds(started)
  const hnswMemory = (await settledRss()) - beforeHnsw
  log(`scale: HNSW built in ${buildS} s`)
  const file = path.join(workDir, 'scale-hnsw.index')
  await store.index.writeIndex(file)
  const fileMb = (await fs.stat(file)).size / MB
  await fs.rm(file)

  const beforeExact = await settledRss()
  const exact = new BruteforceSearch('cosine', embeddings.dimensions)
  exact.initIndex(count)
  vectors.forEach((vector, label) => exact.addPoint(vector, label))
  const exactMemory = (await settledRss()) - beforeExact

  const queryVectors = await embeddings.embedDocuments([...questions])
  const truth = queryVectors.map((q) => exact.searchKnn(q, K).neighbors)
  const evidence = evidenceHits(texts, items, truth)
  log(`scale: exact search finds the evidence at 1 / 10 for ${evidence.hitAt1} / ${evidence.hitAt10} of ${evidence.questions} questions`)
  const exactQps = await bestQps(queryVectors, (q) => exact.searchKnn(q, K))
  log(`scale: brute force ${round(exactQps, 1)} q/s`)

  // As many passages as there are questions, evenly spread; each one's own label is left out of its neighbours.
  const passageLabels = queryVectors.map((_, i) => Math.floor((i * count) / queryVectors.length))
  const others = (labels: number[], self: number) => labels.filter((label) => label !== self).slice(0, K)
  const passageTruth = passageLabels.map((label) => others(exact.searchKnn(vectors[label]!, K + 1).neighbors, label))

  const efResults: EfResult[] = []
  for (const ef of EF_VALUES) {
    store.index.setEf(ef)
    // The product's own call (SearchIndex.dense): hnswlib directly, label i being passage i.
    const search = (q: number[]) => store.index.searchKnn(q, K)
    const found = queryVectors.map((q) => search(q).neighbors)
    const passageFound = passageLabels.map((label) => others(store.index.searchKnn(vectors[label]!, K + 1).neighbors, label))
    const { hitAt1, hitAt10 } = evidenceHits(texts, items, found)
    const qps = await bestQps(queryVectors, search)
    efResults.push({
      ef,
      recallAt10: round(recallAtK(found, truth, K), 4),
      passageRecallAt10: round(recallAtK(passageFound, passageTruth, K), 4),
      evidence: { hitAt1, hitAt10 },
      qps: round(qps, 1),
      speedup: round(qps / exactQps, 1),
    })
    log(`scale: ef ${ef}: recall@10 ${efResults.at(-1)!.recallAt10} (passages as queries ${efResults.at(-1)!.passageRecallAt10}), evidence at 1 / 10 ${hitAt1} / ${hitAt10}, ${round(qps, 1)} q/s`)
  }

  const beforeBm25 = await settledRss()
  started = performance.now()
  const bm25 = Bm25Index.fromTerms(terms)
  const bm25BuildS = seconds(started)
  const bm25Memory = (await settledRss()) - beforeBm25
  const bm25File = bm25.serialize()
  started = performance.now()
  Bm25Index.deserialize(bm25File)
  const bm25LoadS = seconds(started)
  // A first pass warms the code; three more are measured (as the latency section does), after a
  // collection: the gigabytes of synthetic data and indexes made above would otherwise be
  // collected in the middle of them.
  await timeEach(questions, (q) => bm25.search(q, 40))
  globalThis.gc?.()
  const bm25Ms: number[] = []
  for (let pass = 0; pass < 3; pass++) bm25Ms.push(...(await timeEach(questions, (q) => bm25.search(q, 40))))

  // The same passages served as an index would be, answered question by question.
  const passages: Passage[] = chunks.map(({ parts: _parts, ...passage }) => passage)
  const contents: VersionContents['manifest'] = { embedder: { id: embeddings.state.id, dimensions: embeddings.dimensions }, chunkCount: count, documents: [], parks: [...seedIndex.parks] }
  const manifest: Manifest = { format: INDEX_FORMAT, createdAt: '', ...contents, files: {} }
  const answerer = createAnswerer({ index: new SearchIndex('synthetic', manifest, passages, store, bm25, embeddings, ef), logger: silentLogger })
  await timeEach(questions, (question) => answerer.answer({ question }))
  globalThis.gc?.()
  const answerMs = await timeEach(questions, (question) => answerer.answer({ question }))
  log(`scale: whole extractive answer p50 ${round(summarize(answerMs).p50, 2)} ms`)
  const rssMb = round((await settledRss()) / MB, 1)

  const served = await benchServed({ store, bm25, embeddings, manifest: contents }, questions, workDir, serve)
  log(`scale: served by npm start: ${JSON.stringify(served)}`)

  return {
    chunks: count,
    dimensions: embeddings.dimensions,
    queries: queryVectors.length,
    embedS,
    hnsw: { buildS, m: HNSW_BUILD.m, efConstruction: HNSW_BUILD.efConstruction, fileMb: round(fileMb, 1), memoryMb: round(hnswMemory / MB, 1) },
    bruteForce: { qps: round(exactQps, 1), memoryMb: round(exactMemory / MB, 1) },
    ef: efResults,
    chosen: efResults.find((r) => r.recallAt10 >= 0.98),
    evidence,
    bm25: { buildS: bm25BuildS, memoryMb: round(bm25Memory / MB, 1), fileMb: round(bm25File.length / MB, 1), loadS: bm25LoadS, latency: summarize(bm25Ms) },
    answer: summarize(answerMs),
    rssMb,
    served,
  }
}
