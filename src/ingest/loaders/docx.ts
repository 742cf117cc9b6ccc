import mammoth from 'mammoth'
import type { LoadedDocument } from './index.js'

/**
 * A Word 2007+ file through mammoth's raw text: one paragraph a line with a blank line between,
 * headers, footers and footnotes left out (they are page furniture, not the article).
 */
export async function loadDocx(_source: string, bytes: Uint8Array): Promise<LoadedDocument> {
  const { value } = await mammoth.extractRawText({ buffer: Buffer.from(bytes) })
  return { text: value }
}
