import { fileURLToPath } from 'node:url'
import { getDocumentProxy } from 'unpdf'
import { unreadable, type LoadedDocument } from './index.js'

/**
 * Adobe's CMaps as pdf.js ships them in pdfjs-dist (BSD): without them a PDF whose Chinese font
 * is not embedded (STSong-Light with UniGB-UCS2-H, common on government sites) gives no text. A
 * path, not a file: URL — pdf.js reads a path from disk in Node, and fetch() cannot read file:.
 */
const CMAP_DIR = fileURLToPath(new URL('./cmaps/', import.meta.resolve('pdfjs-dist/package.json')))
const FONT_DIR = fileURLToPath(new URL('./standard_fonts/', import.meta.resolve('pdfjs-dist/package.json')))

interface Line {
  page: number
  x: number
  y: number
  right: number
  size: number
  text: string
}

interface TextItem {
  str: string
  transform: number[]
  width: number
}

const LATIN_END = /[A-Za-z0-9,.;:%)]$/
const LATIN_START = /^[A-Za-z0-9(]/

/** Text items into lines: items on one baseline (within half a character), left to right. */
function pageLines(items: TextItem[], page: number): Line[] {
  const placed = items
    .filter((item) => item.str.trim() !== '')
    .map((item) => ({ item, x: item.transform[4]!, y: item.transform[5]!, size: Math.hypot(item.transform[2]!, item.transform[3]!) || 1 }))
    .sort((a, b) => b.y - a.y || a.x - b.x)
  const lines: Line[] = []
  let current: Line | undefined
  for (const { item, x, y, size } of placed) {
    if (current && Math.abs(current.y - y) <= Math.min(current.size, size) / 2) {
      // A gap wider than a quarter character between two Latin words is a space; CJK needs none.
      const gap = x - current.right > size / 4 && LATIN_END.test(current.text) && LATIN_START.test(item.str)
      current.text += (gap ? ' ' : '') + item.str
      current.right = Math.max(current.right, x + item.width)
      current.size = Math.max(current.size, size)
      continue
    }
    current = { page, x, y, right: x + item.width, size, text: item.str }
    lines.push(current)
  }
  for (const line of lines) line.text = line.text.trim()
  return lines
}

/** A page number alone on its line: 3, — 3 —, -3-, 第3页, 3/12, Page 3 of 12. */
const PAGE_NUMBER = /^(?:[-—–·•\s(（]*第?\s*\d{1,4}\s*(?:页|\/\s*\d{1,4}|／\s*\d{1,4})?[-—–·•\s)）]*|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$/i

/**
 * Running headers and footers: a line at the same height on most pages (digits aside, so that
 * 第3版 and 第4版 are one line). Only with two pages or more: one page repeats nothing.
 */
function furniture(lines: Line[], pageCount: number): (line: Line) => boolean {
  const key = (line: Line) => `${Math.round(line.y)}|${line.text.replace(/\d+/g, '#').replace(/\s+/g, '')}`
  const pagesOf = new Map<string, Set<number>>()
  for (const line of lines) pagesOf.set(key(line), (pagesOf.get(key(line)) ?? new Set()).add(line.page))
  const often = Math.max(2, Math.ceil(pageCount / 2))
  return (line) => PAGE_NUMBER.test(line.text) || (pageCount >= 2 && (pagesOf.get(key(line))?.size ?? 0) >= often)
}

function mode(values: number[]): number {
  const counts = new Map<number, number>()
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1)
  return [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 0
}

/**
 * Paragraphs from line positions: one starts at an indent, after a short line (one that stops
 * well before the right margin), at a change of font size or after a wide vertical gap; the lines
 * of a paragraph are joined without spaces (Chinese has none). A paragraph left open at the foot
 * of a page goes on at the top of the next when that line is not indented.
 */
function paragraphs(lines: Line[]): { text: string; pages: number[] } {
  const bodySize = mode(lines.map((l) => Math.round(l.size * 2) / 2))
  const body = lines.filter((l) => Math.abs(l.size - bodySize) < 0.5)
  const left = mode(body.map((l) => Math.round(l.x)))
  const right = Math.max(...body.map((l) => l.right))
  let text = ''
  const pages: number[] = []
  let previous: Line | undefined
  for (const line of lines) {
    const indented = line.x > left + line.size * 0.8
    const newPage = previous !== undefined && line.page !== previous.page
    const startsParagraph =
      previous === undefined ||
      indented ||
      Math.abs(line.size - previous.size) >= 0.5 ||
      previous.right < right - previous.size * 1.5 ||
      (!newPage && previous.y - line.y > line.size * 2.2)
    if (previous !== undefined) text += startsParagraph ? '\n\n' : LATIN_END.test(previous.text) && LATIN_START.test(line.text) ? ' ' : ''
    // A page starts where its first line's text does (a page without text shares the next one's start).
    while (pages.length < line.page) pages.push(text.length)
    text += line.text
    previous = line
  }
  return { text, pages }
}

/**
 * A PDF's text layer through pdf.js (unpdf 1.7.0: 1.8 needs Node 22), laid out from the items'
 * positions: running headers, footers and page numbers go, paragraphs are rebuilt, and each
 * page's start is kept so that a passage can cite its page.
 */
export async function loadPdf(source: string, bytes: Uint8Array): Promise<LoadedDocument> {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1')
  if (!head.includes('%PDF-')) throw unreadable('file_corrupt', source, 'not a PDF file (no %PDF- header)')
  // pdf.js rebuilds a cut-off file from what is left and would index half a document in silence.
  const tail = Buffer.from(bytes.subarray(Math.max(0, bytes.length - 2048))).toString('latin1')
  if (!tail.includes('%%EOF')) throw unreadable('file_corrupt', source, 'the PDF is truncated (no %%EOF end marker); download or export it again')

  let pdf
  try {
    // pdf.js takes ownership of (and may detach) the buffer it is given: pass it a copy.
    pdf = await getDocumentProxy(new Uint8Array(bytes), { cMapUrl: CMAP_DIR, cMapPacked: true, standardFontDataUrl: FONT_DIR, verbosity: 0 })
  } catch (error) {
    const name = (error as Error).name
    if (name === 'PasswordException') throw unreadable('file_encrypted', source, 'the PDF is encrypted (password-protected); save an unprotected copy', error)
    throw unreadable('file_corrupt', source, `not a readable PDF (corrupt or truncated?): ${(error as Error).message}`, error)
  }
  try {
    const lines: Line[] = []
    for (let p = 1; p <= pdf.numPages; p++) {
      const content = await (await pdf.getPage(p)).getTextContent()
      lines.push(...pageLines(content.items.flatMap((item) => ('str' in item ? [item] : [])), p))
    }
    if (lines.length === 0) throw unreadable('file_no_text', source, 'the PDF has no text layer; OCR is not supported (a scanned document?)')
    const isFurniture = furniture(lines, pdf.numPages)
    const kept = lines.filter((line) => !isFurniture(line))
    if (kept.length === 0) throw unreadable('file_no_text', source, 'the PDF has no text besides page headers and numbers')
    return paragraphs(kept)
  } finally {
    await pdf.destroy()
  }
}
