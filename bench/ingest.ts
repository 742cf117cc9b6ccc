import fs from 'node:fs/promises'
import path from 'node:path'
import type { Config } from '../src/config.js'
import { ingest } from '../src/index/ingest.js'
import { SUPPORTED_EXTENSIONS } from '../src/ingest/corpus.js'
import { loadBinary } from '../src/ingest/loaders/index.js'
import { METADATA_FILE, type CorpusMetadata } from '../src/ingest/metadata.js'
import { silentLogger } from '../src/log.js'
import { MB, round } from './stats.js'

/** A file the ingest reads as a document (the corpus loader's own rule). */
const isDocument = (file: string) => SUPPORTED_EXTENSIONS.includes(path.extname(file).toLowerCase())

export interface IngestResult {
  documents: number
  corpusMb: number
  chunks: number
  seconds: number
  mbPerS: number
  indexMb: number
}

/**
 * Copies the corpus `copies` times into `target`, each copy of a document under its own name and
 * with its own metadata entry. A line naming the copy makes every copy's content (and so its
 * passages' ids) distinct, as different documents would be.
 */
export async function replicateCorpus(corpusDir: string, target: string, copies: number): Promise<number> {
  await fs.mkdir(target, { recursive: true })
  const metadata = JSON.parse(await fs.readFile(path.join(corpusDir, METADATA_FILE), 'utf8')) as CorpusMetadata
  const files = (await fs.readdir(corpusDir)).filter(isDocument)
  const documents: CorpusMetadata['documents'] = []
  let bytes = 0
  for (let copy = 0; copy < copies; copy++) {
    for (const file of files) {
      const name = `copy${String(copy).padStart(3, '0')}_${file}`
      const content = (await fs.readFile(path.join(corpusDir, file), 'utf8')) + `\n\n（副本 ${copy}）\n`
      await fs.writeFile(path.join(target, name), content)
      bytes += Buffer.byteLength(content)
      const meta = metadata.documents.find((d) => d.source === file)
      if (meta) documents.push({ ...meta, source: name })
    }
  }
  await fs.writeFile(path.join(target, METADATA_FILE), JSON.stringify({ ...metadata, documents }))
  return bytes
}

/** How many copies of the corpus make at least `minBytes`. */
export async function copiesFor(corpusDir: string, minBytes: number): Promise<number> {
  let bytes = 0
  for (const file of await fs.readdir(corpusDir)) if (isDocument(file)) bytes += (await fs.stat(path.join(corpusDir, file))).size
  return Math.max(1, Math.ceil(minBytes / bytes))
}

/** A full (forced) ingest of the corpus in `corpusDir` with the local embedder. */
export async function benchIngest(corpusDir: string, indexDir: string, config: Config): Promise<IngestResult> {
  let corpusBytes = 0
  const files = await fs.readdir(corpusDir)
  for (const file of files) corpusBytes += (await fs.stat(path.join(corpusDir, file))).size
  const report = await ingest({ corpusDir, indexDir, config, ef: config.hnswEf, logger: silentLogger, force: true })
  const seconds = report.ms / 1000
  return {
    documents: report.documents,
    corpusMb: round(corpusBytes / MB, 2),
    chunks: report.chunks,
    seconds: round(seconds, 2),
    mbPerS: round(corpusBytes / MB / seconds, 2),
    indexMb: round(report.bytes / MB, 2),
  }
}

export interface PdfIngestResult {
  files: number
  mb: number
  pages: number
  seconds: number
  mbPerS: number
}

/** The PDFs of test/fixtures/formats that hold text (the others are refused on purpose). */
const PDF_FIXTURES = ['article.pdf', 'columns.pdf']

/**
 * Text extraction and layout of PDFs (pdf.js, positions, paragraphs): the PDF fixtures read again
 * and again until `minBytes` have gone through, each a full load as ingest does it.
 */
export async function benchPdfIngest(fixturesDir: string, minBytes: number): Promise<PdfIngestResult> {
  const files = await Promise.all(PDF_FIXTURES.map(async (name) => ({ name, bytes: await fs.readFile(path.join(fixturesDir, name)) })))
  let bytes = 0
  let pages = 0
  let count = 0
  const started = performance.now()
  while (bytes < minBytes) {
    for (const { name, bytes: content } of files) {
      const loaded = await loadBinary('pdf', name, content)
      bytes += content.length
      pages += loaded.pages?.length ?? 0
      count++
    }
  }
  const seconds = (performance.now() - started) / 1000
  return { files: count, mb: round(bytes / MB, 2), pages, seconds: round(seconds, 2), mbPerS: round(bytes / MB / seconds, 2) }
}
