import path from 'node:path'
import { CorpusError } from '../../errors.js'

/**
 * One loader per file format: bytes in, the raw text the cleaner reads out (paragraphs on lines of
 * their own, blank lines between), as a `.txt` of the same article would hold it.
 */
export interface LoadedDocument {
  text: string
  /** For a paged format (PDF): where each page starts in `text`; `pages[0]` is page 1's offset. */
  pages?: number[]
  /** Lines the layout shows to be captions (a smaller size inside the text): the cleaner's hint. */
  captions?: string[]
}

export type Format = 'txt' | 'md' | 'pdf' | 'docx' | 'doc' | 'html'

const FORMATS: Readonly<Record<string, Format>> = {
  '.txt': 'txt',
  '.md': 'md',
  '.pdf': 'pdf',
  '.docx': 'docx',
  '.doc': 'doc',
  '.html': 'html',
  '.htm': 'html',
}

export const SUPPORTED_EXTENSIONS = Object.keys(FORMATS)

export function formatOf(source: string): Format | undefined {
  return FORMATS[path.extname(source).toLowerCase()]
}

/** A typed error naming the file and why it cannot be read. */
export function unreadable(code: 'file_empty' | 'file_encrypted' | 'file_no_text' | 'file_corrupt', source: string, why: string, cause?: unknown): CorpusError {
  return new CorpusError(code, `${source}: ${why}`, source, cause === undefined ? undefined : { cause })
}

/**
 * Reads a binary or web format. Each loader is imported on first use: a corpus of plain text
 * never loads pdf.js, mammoth or the HTML parser.
 */
export async function loadBinary(format: Exclude<Format, 'txt' | 'md'>, source: string, bytes: Uint8Array): Promise<LoadedDocument> {
  if (bytes.length === 0) throw unreadable('file_empty', source, 'the file is empty (0 bytes)')
  let loaded: LoadedDocument
  try {
    switch (format) {
      case 'pdf':
        loaded = await (await import('./pdf.js')).loadPdf(source, bytes)
        break
      case 'docx':
        loaded = await (await import('./docx.js')).loadDocx(source, bytes)
        break
      case 'doc':
        loaded = await (await import('./doc.js')).loadDoc(source, bytes)
        break
      case 'html':
        loaded = await (await import('./html.js')).loadHtml(source, bytes)
        break
    }
  } catch (error) {
    if (error instanceof CorpusError) throw error
    // Whatever else a parser throws means the bytes are not the format the name says.
    throw unreadable('file_corrupt', source, `not a readable ${format.toUpperCase()} file (corrupt or truncated?): ${(error as Error).message}`, error)
  }
  if (loaded.text.trim() === '') throw unreadable('file_no_text', source, `the ${format.toUpperCase()} file holds no text`)
  return loaded
}
