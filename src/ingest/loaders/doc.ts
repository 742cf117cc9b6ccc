import WordExtractor from 'word-extractor'
import type { LoadedDocument } from './index.js'

/**
 * A Word 97–2003 file. word-extractor is used for .doc only: on .docx it drops characters split
 * across its 4 KB chunks (U+FFFD in the text). `filterUnicode: false` keeps the Chinese it would
 * otherwise filter out.
 */
export async function loadDoc(_source: string, bytes: Uint8Array): Promise<LoadedDocument> {
  const document = await new WordExtractor().extract(Buffer.from(bytes))
  const body = (document.getBody as (options?: { filterUnicode?: boolean }) => string).call(document, { filterUnicode: false })
  // One paragraph a line in Word's own text; blank lines between make them the cleaner's blocks.
  return { text: body.replace(/\r\n?/g, '\n').split('\n').join('\n\n') }
}
