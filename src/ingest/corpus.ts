import { createHash } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { CorpusError } from '../errors.js'
import type { Logger } from '../log.js'
import { formatOf, loadBinary, SUPPORTED_EXTENSIONS } from './loaders/index.js'
import { loadMetadata, METADATA_FILE, type CorpusMetadata } from './metadata.js'

export { SUPPORTED_EXTENSIONS }

/** MAX_FILE_MB's default, for callers that pass no limit. */
export const DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024

export interface SourceDocument {
  /** Path relative to the corpus directory, with forward slashes: the document's name everywhere. */
  source: string
  /** The raw text the cleaner reads: the file itself, or what its format's loader extracted. */
  content: string
  contentHash: string
  /** A PDF's page starts in `content` (`pages[0]` is page 1's): what lets a passage cite its page. */
  pages?: number[]
  /** Caption lines a loader saw in the layout (a PDF's smaller type), for the cleaner. */
  captions?: string[]
}

export interface LoadOptions {
  /** A file larger than this stops the load, naming it (MAX_FILE_MB). */
  maxFileBytes?: number
}

export interface Corpus {
  documents: SourceDocument[]
  metadata: CorpusMetadata
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

async function listFiles(dir: string, base: string = dir): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true })
  const files: string[] = []
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) files.push(...(await listFiles(full, base)))
    else files.push(path.relative(base, full).split(path.sep).join('/'))
  }
  return files
}

/** Plain text must be UTF-8: a GBK .txt is refused, naming the file and how to convert it. */
function decodeText(source: string, bytes: Buffer): string {
  try {
    return utf8.decode(bytes)
  } catch (error) {
    throw new CorpusError('file_not_utf8', `${source} is not valid UTF-8 text; convert it (e.g. iconv -f GB18030 -t UTF-8) and run ingest again`, source, { cause: error })
  }
}

/**
 * Reads every supported file under `corpusDir` (.txt, .md, .pdf, .docx, .doc, .html, .htm; other
 * files are skipped with a warning) and the optional metadata file. Any file that cannot be read
 * — not UTF-8, encrypted, without a text layer, corrupt, empty or too large — stops the whole
 * load with an error naming it: an index silently missing a document is worse than no new index.
 */
export async function loadCorpus(corpusDir: string, logger: Logger, options: LoadOptions = {}): Promise<Corpus> {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES
  let files: string[]
  try {
    const stat = await fs.stat(corpusDir)
    if (!stat.isDirectory()) throw new CorpusError('corpus_missing', `Corpus path ${corpusDir} is not a directory`)
    files = await listFiles(corpusDir)
  } catch (error) {
    if (error instanceof CorpusError) throw error
    throw new CorpusError('corpus_missing', `Corpus directory ${corpusDir} does not exist or cannot be read (set CORPUS_DIR)`, undefined, { cause: error })
  }

  const metadata = await loadMetadata(corpusDir)
  const documents: SourceDocument[] = []
  for (const source of files) {
    if (source === METADATA_FILE) continue
    const format = formatOf(source)
    if (format === undefined) {
      logger.warn(`skipping ${source}: only ${SUPPORTED_EXTENSIONS.join(', ')} files are ingested`)
      continue
    }
    const file = path.join(corpusDir, source)
    let bytes: Buffer
    try {
      const { size } = await fs.stat(file)
      if (size > maxFileBytes) {
        throw new CorpusError('file_too_large', `${source} is ${(size / 1024 / 1024).toFixed(1)} MB, over the ${(maxFileBytes / 1024 / 1024).toFixed(0)} MB limit (MAX_FILE_MB); split it or raise the limit`, source)
      }
      bytes = await fs.readFile(file)
    } catch (error) {
      if (error instanceof CorpusError) throw error
      throw new CorpusError('file_unreadable', `Cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, source, { cause: error })
    }
    let content: string
    let pages: number[] | undefined
    let captions: string[] | undefined
    if (format === 'txt' || format === 'md') {
      content = decodeText(source, bytes)
      if (content.trim() === '') {
        logger.warn(`skipping ${source}: the file is empty`)
        continue
      }
    } else {
      ;({ text: content, pages, captions } = await loadBinary(format, source, bytes))
    }
    // Page starts and captions are part of what a PDF's passages are made from: a new layout re-chunks it.
    const contentHash = sha256(pages ? `${content}\f${pages.join(',')}\f${(captions ?? []).join('\n')}` : content)
    const twin = documents.find((doc) => doc.contentHash === contentHash)
    if (twin) {
      logger.warn(`skipping ${source}: same content as ${twin.source}`)
      continue
    }
    documents.push({ source, content, contentHash, ...(pages ? { pages } : {}), ...(captions?.length ? { captions } : {}) })
  }
  if (documents.length === 0) {
    throw new CorpusError('corpus_empty', `Corpus directory ${corpusDir} holds no ${SUPPORTED_EXTENSIONS.join(', ')} documents with text`)
  }
  for (const meta of metadata.documents) {
    if (!documents.some((doc) => doc.source === meta.source)) logger.warn(`${METADATA_FILE} describes ${meta.source}, which is not in the corpus`)
  }
  return { documents, metadata }
}
