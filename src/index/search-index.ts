import fs from 'node:fs/promises'
import path from 'node:path'
import { HNSWLib } from '@langchain/community/vectorstores/hnswlib'
import type { Document } from '@langchain/core/documents'
import type { Embeddings } from '@langchain/core/embeddings'
import hnswlib from 'hnswlib-node'
import type { Passage } from '../ingest/chunk.js'
import type { Park } from '../ingest/metadata.js'
import { AppError, IndexError } from '../errors.js'
import { loadSegmenter } from '../text/tokenize.js'
import { Bm25Index } from './bm25.js'
import { configuredEmbedderId, createEmbeddings, type EmbedderConfig } from './embedder.js'
import { LocalHashEmbeddings, type LocalEmbedderState } from './local-embeddings.js'
import type { SparseVector } from './projection.js'
import { densify, nonzeros, VectorColumns } from './vector-columns.js'
import { completeVersions, firstMismatch, readCurrentVersion, versionPath } from './store.js'

const { HierarchicalNSW } = hnswlib

/**
 * 4: the manifest holds a sha256 of every file of the version. 5: BM25 as typed arrays in bm25.bin.
 * 6: hashed local vectors only by dimension in vectors.bin, with no graph over them.
 */
export const INDEX_FORMAT = 6

/**
 * How the HNSW graph is built. LangChain's `addVectors` always takes hnswlib's defaults
 * (M 16, efConstruction 200); building it here lets ingest choose. Build time grows with
 * efConstruction, and it is a large part of an ingest; recall@10 with 100 at 100,000 passages is
 * in docs/BENCHMARKS.md (npm run bench). The seed makes the graph the same on every build.
 */
export const HNSW_BUILD = { m: 16, efConstruction: 100, randomSeed: 100 } as const

/**
 * An HNSW vector store over `vectors`, passage i under label i, holding `documents`. An index of
 * hashed vectors passes none: they are searched exactly by dimension (vector-columns.ts), and the
 * store only keeps the passages, beside an empty graph of `dimensions`.
 */
export function buildVectorStore(embeddings: Embeddings, vectors: number[][], documents: Document[], dimensions: number = vectors[0]?.length ?? 1): HNSWLib {
  const index = new HierarchicalNSW('cosine', dimensions)
  index.initIndex(Math.max(1, vectors.length), HNSW_BUILD.m, HNSW_BUILD.efConstruction, HNSW_BUILD.randomSeed)
  vectors.forEach((vector, label) => index.addPoint(vector, label))
  const store = new HNSWLib(embeddings, { space: 'cosine', numDimensions: dimensions, index })
  // `save` writes its args as args.json: the space and dimensions, not the native index.
  store.args = { space: 'cosine', numDimensions: dimensions }
  store.docstore.add(Object.fromEntries(documents.map((document, label) => [String(label), document])))
  return store
}

export const FILES = { manifest: 'manifest.json', bm25: 'bm25.bin', embedder: 'embedder.json', vectors: 'vectors.bin' } as const

export interface ManifestDocument {
  source: string
  contentHash: string
  /** Hash of content, metadata and chunker version: equal fingerprints mean reusable chunks. */
  fingerprint: string
  chunks: number
}

export interface Manifest {
  format: number
  createdAt: string
  embedder: { id: string; dimensions: number }
  chunkCount: number
  documents: ManifestDocument[]
  /** Every park a passage belongs to, with the names questions may use for it. */
  parks: Park[]
  /** sha256 of each other file of the version, checked before it is served. */
  files: Record<string, string>
}

export interface SearchHit {
  passage: Passage
  /** Cosine similarity for dense hits, BM25 score for lexical ones. */
  score: number
}

/** What ingest needs of a document in the previous version to reuse it without re-embedding. */
export interface IndexedDocument {
  fingerprint: string
  passages: readonly Passage[]
  /** The passages' vectors, in the same order. */
  vectors(): number[][]
  /** The same as their nonzero entries (what an index of hashed vectors keeps). */
  sparseVectors(): SparseVector[]
}

/**
 * A loaded index version. It answers through methods — search, word statistics, what it holds —
 * so that callers never depend on its HNSW store, BM25 postings or manifest layout.
 */
export class SearchIndex {
  private readonly labels = new Map<Passage, number>()
  /** Every passage's hashed vector, read out of the columns once for an ingest that reuses them. */
  private rows?: SparseVector[]

  constructor(
    readonly version: string,
    private readonly manifest: Manifest,
    private readonly all: readonly Passage[],
    private readonly store: HNSWLib,
    private readonly bm25: Bm25Index,
    /** The embedder its vectors were made with (ingest reuses it for unchanged documents). */
    readonly embeddings: Embeddings,
    private readonly ef: number,
    /** The passages' hashed vectors by dimension (unprojected local vectors only; the graph is then empty). */
    private readonly columns?: VectorColumns,
  ) {
    store.index.setEf(ef)
    all.forEach((passage, label) => this.labels.set(passage, label))
  }

  get documentCount(): number {
    return this.manifest.documents.length
  }

  get passageCount(): number {
    return this.all.length
  }

  /** Every park a passage belongs to, with the names questions may use for it. */
  get parks(): readonly Park[] {
    return this.manifest.parks
  }

  get embedder(): Manifest['embedder'] {
    return this.manifest.embedder
  }

  /** The documents' file names, in corpus order. */
  sources(): string[] {
    return this.manifest.documents.map((d) => d.source)
  }

  /** Every passage, in index order (read-only). */
  passages(): readonly Passage[] {
    return this.all
  }

  /** A document as the previous ingest left it, for reuse; undefined when it is not in this version. */
  indexedDocument(source: string): IndexedDocument | undefined {
    const doc = this.manifest.documents.find((d) => d.source === source)
    if (!doc) return undefined
    const passages = this.all.filter((p) => p.source === source)
    const labels = passages.map((p) => this.labels.get(p)!)
    const sparseVectors = () => {
      if (!this.columns) return labels.map((label) => nonzeros(this.store.index.getPoint(label)))
      const rows = (this.rows ??= this.columns.rows())
      return labels.map((label) => rows[label]!)
    }
    const vectors = () => (this.columns ? sparseVectors().map((row) => densify(row, this.columns!.dimensions)) : labels.map((label) => this.store.index.getPoint(label)))
    return { fingerprint: doc.fingerprint, passages, vectors, sparseVectors }
  }

  /** How telling a word is (its IDF; unknown words weigh most). */
  wordWeight(word: string): number {
    return this.bm25.wordWeight(word)
  }

  /** In how many passages a word occurs. */
  wordPassages(word: string): number {
    return this.bm25.wordPassages(word)
  }

  /** Nearest passages by cosine similarity of embeddings; `accept` keeps only some passages. */
  async dense(query: string, k: number, accept?: (passage: Passage) => boolean): Promise<SearchHit[]> {
    // Hashed vectors are searched exactly by dimension (vector-columns.ts); dense ones by HNSW.
    if (this.columns) {
      const question = this.embeddings instanceof LocalHashEmbeddings ? this.embeddings.sparseQuery(query) : undefined
      if (!question) throw new Error('an index of hashed vectors needs the local embedder that made them')
      return this.columns.nearest(question, k, accept && ((label) => accept(this.all[label]!))).map(({ index, score }) => ({ passage: this.all[index]!, score }))
    }
    const eligible = accept ? this.all.filter(accept).length : this.all.length
    const limit = Math.min(k, eligible)
    if (limit === 0) return []
    // ef below k would return fewer than k neighbours.
    if (limit > this.ef) this.store.index.setEf(limit)
    try {
      const vector = await this.embeddings.embedQuery(query)
      // hnswlib itself rather than LangChain's store, whose search looks each hit up in its docstore
      // by a string key: label i is passage i (loadIndex reads them so).
      const { index } = this.store
      const result = index.searchKnn(vector, Math.min(limit, index.getCurrentCount()), accept ? (label: number) => accept(this.all[label]!) : undefined)
      return result.neighbors.map((label, i) => ({ passage: this.all[label]!, score: 1 - result.distances[i]! }))
    } finally {
      if (limit > this.ef) this.store.index.setEf(this.ef)
    }
  }

  /** Best passages by BM25 over jieba words and bigrams of the indexed text. */
  lexical(query: string, k: number, accept?: (passage: Passage) => boolean): SearchHit[] {
    const keep = accept ? (i: number) => accept(this.all[i]!) : undefined
    return this.bm25.search(query, k, keep).map(({ index, score }) => ({ passage: this.all[index]!, score }))
  }
}

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await fs.readFile(file, 'utf8')) as T
}

export interface LoadOptions {
  indexDir: string
  config: EmbedderConfig
  ef: number
  /** Load this version instead of the one CURRENT names. */
  version?: string
}

export async function loadIndex({ indexDir, config, ef, version }: LoadOptions): Promise<SearchIndex> {
  const name = version ?? (await readCurrentVersion(indexDir))
  if (!name) throw new IndexError('index_missing', `No index in ${indexDir}: run \`npm run ingest\` first`)
  const dir = versionPath(indexDir, name)
  let manifest: Manifest
  try {
    manifest = await readJson<Manifest>(path.join(dir, FILES.manifest))
  } catch (error) {
    throw new IndexError('index_corrupt', `Index version ${name} in ${indexDir} is incomplete or unreadable: run \`npm run ingest -- --force\``, { cause: error })
  }
  if (manifest.format !== INDEX_FORMAT) {
    throw new IndexError('index_corrupt', `Index version ${name} has format ${manifest.format}, this program reads format ${INDEX_FORMAT}: run \`npm run ingest -- --force\``)
  }
  // Bytes changed on disk load without complaint into hnswlib and serve nothing but errors.
  const mismatch = await firstMismatch(dir, manifest.files)
  if (mismatch) {
    throw new IndexError('index_corrupt', `Index version ${name} in ${indexDir} is corrupt: ${mismatch}; run \`npm run ingest -- --force\``)
  }
  const wanted = configuredEmbedderId(config)
  if (manifest.embedder.id !== wanted) {
    throw new IndexError(
      'index_embedder_mismatch',
      `The index in ${indexDir} was built with embedder "${manifest.embedder.id}", but the configuration asks for "${wanted}": re-ingest with \`npm run ingest -- --force\` (or change EMBEDDINGS back)`,
    )
  }
  try {
    const localState = config.embeddings === 'local' ? await readJson<LocalEmbedderState>(path.join(dir, FILES.embedder)) : undefined
    const embeddings = await createEmbeddings(config, localState, () => [])
    const withColumns = FILES.vectors in manifest.files
    const [store, bm25File, columnsFile] = await Promise.all([
      HNSWLib.load(dir, embeddings),
      fs.readFile(path.join(dir, FILES.bm25)),
      withColumns ? fs.readFile(path.join(dir, FILES.vectors)) : undefined,
    ])
    const passages = Array.from({ length: manifest.chunkCount }, (_, i) => store.docstore.search(String(i)).metadata as Passage)
    const columns = columnsFile && VectorColumns.deserialize(columnsFile)
    if (columns && columns.passages !== passages.length) throw new Error(`${FILES.vectors} holds ${columns.passages} passages, the index ${passages.length}`)
    loadSegmenter()
    return new SearchIndex(name, manifest, passages, store, Bm25Index.deserialize(bm25File), embeddings, ef, columns)
  } catch (error) {
    if (error instanceof AppError) throw error
    throw new IndexError('index_corrupt', `Index version ${name} in ${indexDir} cannot be loaded (${(error as Error).message}): run \`npm run ingest -- --force\``, { cause: error })
  }
}

export interface Fallback {
  index: SearchIndex
  /** The current version, when it could not be loaded and an older one was. */
  skipped?: { version: string; reason: string }
}

/**
 * The current version or, when it is corrupt or unreadable, the newest older complete version that
 * loads. Nothing is written: CURRENT keeps naming the broken version until an ingest replaces it.
 * A mismatched embedder or a missing index is no reason to fall back: those are thrown as they are.
 */
export async function loadNewestGood(options: Omit<LoadOptions, 'version'>): Promise<Fallback> {
  try {
    return { index: await loadIndex(options) }
  } catch (error) {
    if (!(error instanceof IndexError) || error.code !== 'index_corrupt') throw error
    const current = await readCurrentVersion(options.indexDir)
    for (const version of await completeVersions(options.indexDir)) {
      if (version === current) continue
      const index = await loadIndex({ ...options, version }).catch(() => undefined)
      if (index) return { index, skipped: { version: current ?? '?', reason: error.message } }
    }
    throw error
  }
}
