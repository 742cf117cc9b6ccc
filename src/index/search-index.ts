import fs from 'node:fs/promises'
import path from 'node:path'
import { HNSWLib } from '@langchain/community/vectorstores/hnswlib'
import type { Document } from '@langchain/core/documents'
import type { Embeddings } from '@langchain/core/embeddings'
import hnswlib from 'hnswlib-node'
import type { Chunk } from '../ingest/chunk.js'
import type { Park } from '../ingest/metadata.js'
import { AppError, IndexError } from '../errors.js'
import { loadSegmenter } from '../text/tokenize.js'
import { Bm25Index, type Bm25Data } from './bm25.js'
import { configuredEmbedderId, createEmbeddings, type EmbedderConfig } from './embedder.js'
import type { LocalEmbedderState } from './local-embeddings.js'
import { readCurrentVersion, versionPath } from './store.js'

const { HierarchicalNSW } = hnswlib

export const INDEX_FORMAT = 2

/**
 * How the HNSW graph is built. LangChain's `addVectors` always takes hnswlib's defaults
 * (M 16, efConstruction 200); building it here lets ingest choose. Build time grows with
 * efConstruction, and it is a large part of an ingest; recall@10 with 100 at 100,000 passages is
 * in docs/BENCHMARKS.md (npm run bench). The seed makes the graph the same on every build.
 */
export const HNSW_BUILD = { m: 16, efConstruction: 100, randomSeed: 100 } as const

/** An HNSW vector store over `vectors`, passage i under label i. */
export function buildVectorStore(embeddings: Embeddings, vectors: number[][], documents: Document[]): HNSWLib {
  const dimensions = vectors[0]?.length ?? 1
  const index = new HierarchicalNSW('cosine', dimensions)
  index.initIndex(Math.max(1, vectors.length), HNSW_BUILD.m, HNSW_BUILD.efConstruction, HNSW_BUILD.randomSeed)
  vectors.forEach((vector, label) => index.addPoint(vector, label))
  const store = new HNSWLib(embeddings, { space: 'cosine', numDimensions: dimensions, index })
  // `save` writes its args as args.json: the space and dimensions, not the native index.
  store.args = { space: 'cosine', numDimensions: dimensions }
  store.docstore.add(Object.fromEntries(documents.map((document, label) => [String(label), document])))
  return store
}

export const FILES = { manifest: 'manifest.json', bm25: 'bm25.json', embedder: 'embedder.json' } as const

export interface ManifestDocument {
  source: string
  contentHash: string
  /** Hash of content, metadata and chunker version: equal fingerprints mean reusable chunks. */
  fingerprint: string
  chunks: number
  /** Publication date from the metadata (YYYY or YYYY-MM): what "今年" means in the text. */
  date?: string
}

export interface Manifest {
  format: number
  createdAt: string
  embedder: { id: string; dimensions: number }
  chunkCount: number
  documents: ManifestDocument[]
  /** Every park a passage belongs to, with the names questions may use for it. */
  parks: Park[]
}

export interface SearchHit {
  chunk: Chunk
  /** Cosine similarity for dense hits, BM25 score for lexical ones. */
  score: number
}

/** A loaded index version: passages, their vectors in HNSW, and the BM25 side index. */
export class SearchIndex {
  constructor(
    readonly version: string,
    readonly manifest: Manifest,
    readonly chunks: Chunk[],
    readonly store: HNSWLib,
    readonly bm25: Bm25Index,
    readonly embeddings: Embeddings,
    readonly ef: number,
  ) {
    store.index.setEf(ef)
    for (const doc of manifest.documents) if (doc.date) this.dates.set(doc.source, doc.date)
  }

  private readonly dates = new Map<string, string>()

  /** The year a document was published, if the metadata gives it. */
  documentYear(source: string): string | undefined {
    return this.dates.get(source)?.slice(0, 4)
  }

  /** Nearest passages by cosine similarity of embeddings; `accept` keeps only some passages. */
  async dense(query: string, k: number, accept?: (chunk: Chunk) => boolean): Promise<SearchHit[]> {
    const eligible = accept ? this.chunks.filter(accept).length : this.chunks.length
    const limit = Math.min(k, eligible)
    if (limit === 0) return []
    // ef below k would return fewer than k neighbours.
    if (limit > this.ef) this.store.index.setEf(limit)
    try {
      const vector = await this.embeddings.embedQuery(query)
      const filter = accept ? (doc: { metadata: Record<string, unknown> }) => accept(doc.metadata as unknown as Chunk) : undefined
      const results = await this.store.similaritySearchVectorWithScore(vector, limit, filter)
      return results.map(([doc, distance]) => ({ chunk: doc.metadata as Chunk, score: 1 - distance }))
    } finally {
      if (limit > this.ef) this.store.index.setEf(this.ef)
    }
  }

  /** Best passages by BM25 over jieba words and bigrams of the indexed text. */
  lexical(query: string, k: number, accept?: (chunk: Chunk) => boolean): SearchHit[] {
    const keep = accept ? (i: number) => accept(this.chunks[i]!) : undefined
    return this.bm25.search(query, k, keep).map(({ index, score }) => ({ chunk: this.chunks[index]!, score }))
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
    const [store, bm25Data] = await Promise.all([HNSWLib.load(dir, embeddings), readJson<Bm25Data>(path.join(dir, FILES.bm25))])
    const chunks = Array.from({ length: manifest.chunkCount }, (_, i) => {
      const doc = store.docstore.search(String(i))
      return doc.metadata as Chunk
    })
    loadSegmenter()
    return new SearchIndex(name, manifest, chunks, store, new Bm25Index(bm25Data), embeddings, ef)
  } catch (error) {
    if (error instanceof AppError) throw error
    throw new IndexError('index_corrupt', `Index version ${name} in ${indexDir} cannot be loaded (${(error as Error).message}): run \`npm run ingest -- --force\``, { cause: error })
  }
}
