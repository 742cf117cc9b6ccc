import fs from 'node:fs/promises'
import path from 'node:path'
import type { HNSWLib } from '@langchain/community/vectorstores/hnswlib'
import { Document } from '@langchain/core/documents'
import type { Embeddings } from '@langchain/core/embeddings'
import { CHUNKER_VERSION, chunkDocument, denseHeader, indexedText, lexicalHeader, type Passage } from '../ingest/chunk.js'
import { loadCorpus, sha256, type SourceDocument } from '../ingest/corpus.js'
import { formatOf, type Format } from '../ingest/loaders/index.js'
import { derivedPark, parkMentions } from '../ingest/derive.js'
import type { CorpusMetadata, Park } from '../ingest/metadata.js'
import { AppError, EmbeddingError } from '../errors.js'
import type { Logger } from '../log.js'
import { PassageTerms, TermDictionary, termFrequencies } from '../text/tokenize.js'
import { memoizeByText } from '../text/memo.js'
import { Bm25Index } from './bm25.js'
import { configuredEmbedderId, createEmbeddings, type EmbedderConfig } from './embedder.js'
import { LocalHashEmbeddings } from './local-embeddings.js'
import { buildVectorStore, FILES, INDEX_FORMAT, loadIndex, type IndexedDocument, type Manifest, type SearchIndex } from './search-index.js'
import { VectorColumns } from './vector-columns.js'
import { acquireIngestLock, fileChecksums, KEEP_VERSIONS, newVersionName, pruneVersions, readCurrentVersion, switchCurrent, syncDirectory, unwritableIndex, versionPath } from './store.js'

export interface IngestOptions {
  corpusDir: string
  indexDir: string
  config: EmbedderConfig
  ef: number
  logger: Logger
  /** Rebuild everything: re-chunk, re-learn IDF, re-embed. */
  force?: boolean
  /** Replaces the configured embedder (tests count or break its calls). */
  embeddings?: Embeddings
  batchSize?: number
  /** A corpus file larger than this stops the ingest (MAX_FILE_MB); the default is 50 MB. */
  maxFileBytes?: number
}

export interface IngestReport {
  version: string
  /** Nothing was added, changed or removed: the current version stays and nothing is written. */
  upToDate: boolean
  documents: number
  /** Documents per format (txt, md, pdf, docx, doc, html), most first: what the corpus is made of. */
  formats: Array<[Format, number]>
  chunks: number
  added: string[]
  changed: string[]
  removed: string[]
  reused: string[]
  embedded: number
  bytes: number
  ms: number
}

function fingerprint(doc: SourceDocument, metadata: CorpusMetadata): string {
  const meta = metadata.documents.find((d) => d.source === doc.source) ?? null
  return sha256(JSON.stringify([doc.contentHash, meta, metadata.parks, CHUNKER_VERSION]))
}

/**
 * The metadata's parks, plus every other park the passages name (苏州高新区, 苏州市) with the ways
 * they write it and English names from its pinyin — what a question may call it.
 */
async function indexedParks(metadata: CorpusMetadata, passages: Passage[]): Promise<Park[]> {
  const known = new Set(metadata.parks.flatMap((p) => [p.name, ...p.aliases]))
  const surfaces = new Map<string, Set<string>>()
  const note = (name: string, surface?: string) => {
    if (name === '' || known.has(name) || (surface !== undefined && known.has(surface))) return
    const seen = surfaces.get(name) ?? new Set<string>()
    if (surface !== undefined) seen.add(surface)
    surfaces.set(name, seen)
  }
  for (const passage of passages) {
    note(passage.park)
    for (const mention of parkMentions(passage.text)) note(mention.name, mention.surface)
  }
  if (surfaces.size === 0) return metadata.parks
  // Loaded only for a corpus that needs it: most of pinyin-pro is its dictionary.
  const { pinyin } = await import('pinyin-pro')
  const romanize = (chinese: string) => {
    const latin = pinyin(chinese, { toneType: 'none', type: 'array' }).join('')
    return latin.charAt(0).toUpperCase() + latin.slice(1)
  }
  return [...metadata.parks, ...[...surfaces].map(([name, written]) => derivedPark(name, written, romanize))]
}

/** The current version, to reuse from; `onCorrupt` learns its name when it fails its checksums. */
async function previousIndex(options: IngestOptions, onCorrupt: (version: string) => void): Promise<SearchIndex | undefined> {
  try {
    return await loadIndex({ indexDir: options.indexDir, config: options.config, ef: options.ef })
  } catch (error) {
    if (error instanceof AppError && error.code === 'index_missing') return undefined
    if (error instanceof AppError && error.code === 'index_corrupt') {
      const current = await readCurrentVersion(options.indexDir).catch(() => undefined)
      if (current) onCorrupt(current)
    }
    options.logger.warn(`previous index not reused (${(error as Error).message.split(':')[0]}); rebuilding everything`)
    return undefined
  }
}

async function embedAll(embeddings: Embeddings, texts: string[], batchSize: number, logger: Logger): Promise<number[][]> {
  const vectors: number[][] = []
  const started = Date.now()
  let lastReport = started
  for (let i = 0; i < texts.length; i += batchSize) {
    let batch: number[][]
    try {
      batch = await embeddings.embedDocuments(texts.slice(i, i + batchSize))
    } catch (error) {
      if (error instanceof AppError) throw error
      throw new EmbeddingError(`Embedding passages failed after ${i} of ${texts.length}: ${(error as Error).message}`, { cause: error })
    }
    vectors.push(...batch)
    if (Date.now() - lastReport > 1000) {
      lastReport = Date.now()
      logger.info(`embedding: ${vectors.length}/${texts.length} passages (${((Date.now() - started) / 1000).toFixed(1)} s)`)
    }
  }
  return vectors
}

function formatCounts(documents: SourceDocument[]): Array<[Format, number]> {
  const counts = new Map<Format, number>()
  for (const doc of documents) {
    const format = formatOf(doc.source)
    if (format) counts.set(format, (counts.get(format) ?? 0) + 1)
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
}

async function directorySize(dir: string): Promise<number> {
  let total = 0
  for (const entry of await fs.readdir(dir)) total += (await fs.stat(path.join(dir, entry))).size
  return total
}

/**
 * Builds a new index version from the corpus and makes it current. Documents whose content,
 * metadata and chunker are unchanged keep their passages and vectors (no embedding calls).
 * Nothing the served index uses is touched until the new version is complete on disk.
 */
export async function ingest(options: IngestOptions): Promise<IngestReport> {
  const started = Date.now()
  const { logger } = options
  // A full disk, a quota or a read-only INDEX_DIR becomes a typed error that names the directory.
  const writing = <T>(work: Promise<T>): Promise<T> => work.catch((error: unknown) => Promise.reject(unwritableIndex(error, options.indexDir)))
  const release = await writing(acquireIngestLock(options.indexDir))
  try {
    const corpus = await loadCorpus(options.corpusDir, logger, { maxFileBytes: options.maxFileBytes })
    // A corrupt current version is not kept as the previous one once a new version replaces it.
    let corrupt: string | undefined
    const previous = options.force ? undefined : await previousIndex(options, (version) => (corrupt = version))

    const report: Pick<IngestReport, 'added' | 'changed' | 'removed' | 'reused'> = { added: [], changed: [], removed: [], reused: [] }
    const reusable = new Map<string, IndexedDocument>()
    const plan: Array<{ doc: SourceDocument; fingerprint: string; chunks: Passage[]; reuse: boolean }> = []
    for (const doc of corpus.documents) {
      const print = fingerprint(doc, corpus.metadata)
      const old = previous?.indexedDocument(doc.source)
      if (old && old.fingerprint === print && old.passages.length > 0) {
        report.reused.push(doc.source)
        plan.push({ doc, fingerprint: print, chunks: [...old.passages], reuse: true })
        reusable.set(doc.source, old)
      } else {
        ;(old ? report.changed : report.added).push(doc.source)
        plan.push({ doc, fingerprint: print, chunks: chunkDocument(doc, corpus.metadata), reuse: false })
      }
    }
    for (const source of previous?.sources() ?? []) if (!corpus.documents.some((d) => d.source === source)) report.removed.push(source)

    const finish = async (version: string, chunks: number, embedded: number): Promise<IngestReport> => ({
      version,
      upToDate: version === previous?.version,
      documents: corpus.documents.length,
      formats: formatCounts(corpus.documents),
      chunks,
      ...report,
      embedded,
      bytes: await directorySize(versionPath(options.indexDir, version)),
      ms: Date.now() - started,
    })
    if (previous && report.added.length + report.changed.length + report.removed.length === 0) {
      // Nothing to write, but what killed ingests left behind still goes.
      await writing(pruneVersions(options.indexDir))
      return await finish(previous.version, previous.passageCount, 0)
    }

    const chunks = plan.flatMap((p) => p.chunks)
    const texts = chunks.map(indexedText)
    // Cut once: jieba is most of an ingest's work, and the IDF table, the local vectors and BM25
    // all need the same passage terms; only the headers differ (a document's title is embedded
    // with each of its passages, but not BM25-indexed with them: see lexicalHeader).
    const headerTerms = memoizeByText(termFrequencies, 64)
    const dictionary = new TermDictionary()
    const bodies = chunks.map((chunk) => PassageTerms.ofText(chunk.text, dictionary))
    const terms = chunks.map((chunk, i) => bodies[i]!.withHeader(headerTerms(denseHeader(chunk))))
    const lexicalTerms = chunks.map((chunk, i) => bodies[i]!.withHeader(headerTerms(lexicalHeader(chunk))))
    // Reused vectors need the embedder that made them (the previous index's IDF table and
    // projection); when nothing is reused, or the corpus has outgrown what the local embedder
    // learned, it learns afresh from all the passages, which are then all embedded again.
    const outgrown = previous?.embeddings instanceof LocalHashEmbeddings && previous.embeddings.outgrownBy(chunks.length)
    const carryOver = report.reused.length > 0 && !outgrown ? previous?.embeddings : undefined
    const embeddings = options.embeddings ?? carryOver ?? (await createEmbeddings(options.config, undefined, () => terms))

    // Positions in `chunks` of the passages to embed: those of new and changed documents, or all.
    const reusedChunks = new Set(outgrown && !options.embeddings ? [] : plan.filter((p) => p.reuse).flatMap((p) => p.chunks))
    const toEmbed = chunks.flatMap((chunk, i) => (reusedChunks.has(chunk) ? [] : [i]))
    if (toEmbed.length > 0) logger.info(`embedding ${toEmbed.length} passages of ${report.added.length + report.changed.length} documents`)
    /** Each passage's vector: made now for those in `toEmbed`, the previous version's for the others. */
    const inOrder = async <V>(embed: (positions: number[]) => V[] | Promise<V[]>, old: (document: IndexedDocument) => V[]): Promise<V[]> => {
      const fresh = await embed(toEmbed)
      const byPosition = new Map(toEmbed.map((position, i) => [position, fresh[i]!]))
      const reused = new Map<string, V>()
      for (const { chunks: reusedOnes, doc, reuse } of plan) if (reuse && reusedChunks.has(reusedOnes[0]!)) old(reusable.get(doc.source)!).forEach((vector, i) => reused.set(reusedOnes[i]!.id, vector))
      return chunks.map((chunk, i) => byPosition.get(i) ?? reused.get(chunk.id)!)
    }
    const documents = chunks.map((chunk, i) => new Document({ pageContent: texts[i]!, metadata: chunk }))
    // Hashed vectors are searched exactly, by dimension (vector-columns.ts): they need no graph.
    // Projected and model-made vectors are dense: HNSW searches those.
    const hashed = embeddings instanceof LocalHashEmbeddings && !embeddings.projected ? embeddings : undefined
    let store: HNSWLib
    let columns: VectorColumns | undefined
    let dimensions: number
    if (hashed) {
      columns = VectorColumns.fromSparse(await inOrder((positions) => hashed.hashedPassages(positions.map((i) => terms[i]!)), (old) => old.sparseVectors()), hashed.dimensions)
      dimensions = hashed.dimensions
      store = buildVectorStore(embeddings, [], documents, dimensions)
    } else {
      const vectors = await inOrder(
        (positions) => (embeddings instanceof LocalHashEmbeddings ? embeddings.embedPassages(positions.map((i) => terms[i]!)) : embedAll(embeddings, positions.map((i) => texts[i]!), options.batchSize ?? 64, logger)),
        (old) => old.vectors(),
      )
      dimensions = vectors[0]?.length ?? 0
      store = buildVectorStore(embeddings, vectors, documents)
    }
    const bm25 = Bm25Index.fromTerms(lexicalTerms)

    const version = await writeVersion(options.indexDir, {
      store,
      bm25,
      embeddings,
      columns,
      manifest: {
        embedder: { id: configuredEmbedderId(options.config), dimensions },
        chunkCount: chunks.length,
        documents: plan.map((p) => ({
          source: p.doc.source,
          contentHash: p.doc.contentHash,
          fingerprint: p.fingerprint,
          chunks: p.chunks.length,
        })),
        parks: await indexedParks(corpus.metadata, chunks),
      },
    })
    await writing(pruneVersions(options.indexDir, KEEP_VERSIONS, corrupt))

    return await finish(version, chunks.length, toEmbed.length)
  } finally {
    await release()
  }
}

/** What a version holds, less what writing it fills in. */
export interface VersionContents {
  store: HNSWLib
  bm25: Bm25Index
  embeddings: Embeddings
  /** Hashed vectors by dimension, when the vectors are hashed (then the store's graph is empty). */
  columns?: VectorColumns
  manifest: Omit<Manifest, 'format' | 'createdAt' | 'files'>
}

/**
 * Writes a new version directory, the manifest with every file's checksum last, syncs it and makes
 * it current; returns its name. What it wrote is removed when it fails, and a full disk, a quota or
 * a read-only INDEX_DIR becomes a typed error naming the directory. The caller holds the ingest lock.
 */
export async function writeVersion(indexDir: string, { store, bm25, embeddings, columns, manifest }: VersionContents): Promise<string> {
  const version = newVersionName()
  const dir = versionPath(indexDir, version)
  try {
    await fs.mkdir(dir, { recursive: true })
    await store.save(dir)
    await fs.writeFile(path.join(dir, FILES.bm25), bm25.serialize())
    if (embeddings instanceof LocalHashEmbeddings) await fs.writeFile(path.join(dir, FILES.embedder), JSON.stringify(embeddings.state))
    if (columns) await fs.writeFile(path.join(dir, FILES.vectors), columns.serialize())
    const whole: Manifest = { format: INDEX_FORMAT, createdAt: new Date().toISOString(), ...manifest, files: await fileChecksums(dir, FILES.manifest) }
    // The manifest is written last: a version directory without one is incomplete by definition.
    await fs.writeFile(path.join(dir, FILES.manifest), JSON.stringify(whole, null, 2))
    await syncDirectory(dir)
    await switchCurrent(indexDir, version)
    return version
  } catch (error) {
    await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined)
    throw unwritableIndex(error, indexDir)
  }
}
