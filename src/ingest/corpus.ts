import { createHash } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { CorpusError } from '../errors.js'
import type { Logger } from '../log.js'
import { loadMetadata, METADATA_FILE, type CorpusMetadata } from './metadata.js'

export const SUPPORTED_EXTENSIONS = ['.txt', '.md']

export interface SourceDocument {
  /** Path relative to the corpus directory, with forward slashes: the document's name everywhere. */
  source: string
  content: string
  contentHash: string
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

/**
 * Reads every `.txt`/`.md` file under `corpusDir` (other files are skipped with a warning) and the
 * optional metadata file. Any file that cannot be read or is not UTF-8 stops the whole load: an
 * index silently missing a document is worse than no new index.
 */
export async function loadCorpus(corpusDir: string, logger: Logger): Promise<Corpus> {
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
    if (!SUPPORTED_EXTENSIONS.includes(path.extname(source).toLowerCase())) {
      logger.warn(`skipping ${source}: only ${SUPPORTED_EXTENSIONS.join(' and ')} files are ingested`)
      continue
    }
    let bytes: Buffer
    try {
      bytes = await fs.readFile(path.join(corpusDir, source))
    } catch (error) {
      throw new CorpusError('file_unreadable', `Cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, source, { cause: error })
    }
    let content: string
    try {
      content = utf8.decode(bytes)
    } catch (error) {
      throw new CorpusError('file_not_utf8', `${source} is not valid UTF-8 text; convert it (e.g. iconv -f GB18030 -t UTF-8) and run ingest again`, source, { cause: error })
    }
    if (content.trim() === '') {
      logger.warn(`skipping ${source}: the file is empty`)
      continue
    }
    const contentHash = sha256(content)
    const twin = documents.find((doc) => doc.contentHash === contentHash)
    if (twin) {
      logger.warn(`skipping ${source}: same content as ${twin.source}`)
      continue
    }
    documents.push({ source, content, contentHash })
  }
  if (documents.length === 0) {
    throw new CorpusError('corpus_empty', `Corpus directory ${corpusDir} holds no ${SUPPORTED_EXTENSIONS.join(' or ')} documents with text`)
  }
  for (const meta of metadata.documents) {
    if (!documents.some((doc) => doc.source === meta.source)) logger.warn(`${METADATA_FILE} describes ${meta.source}, which is not in the corpus`)
  }
  return { documents, metadata }
}
