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
  /** 0: across the page (or a one-column page); 1 and 2: the left and right column. */
  column: number
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

interface Placed {
  item: TextItem
  x: number
  y: number
  right: number
  size: number
}

const LATIN_END = /[A-Za-z0-9,.;:%)]$/
const LATIN_START = /^[A-Za-z0-9(]/

/** Items on one baseline (within half a character), left to right, as lines. */
function linesOf(placed: Placed[], page: number, column: number): Line[] {
  const lines: Line[] = []
  let current: Line | undefined
  for (const { item, x, y, right, size } of [...placed].sort((a, b) => b.y - a.y || a.x - b.x)) {
    if (current && Math.abs(current.y - y) <= Math.min(current.size, size) / 2) {
      // A gap wider than a quarter character between two Latin words is a space; CJK needs none.
      const gap = x - current.right > size / 4 && LATIN_END.test(current.text) && LATIN_START.test(item.str)
      current.text += (gap ? ' ' : '') + item.str
      current.right = Math.max(current.right, right)
      current.size = Math.max(current.size, size)
      continue
    }
    current = { page, column, x, y, right, size, text: item.str }
    lines.push(current)
  }
  for (const line of lines) line.text = line.text.trim()
  return lines
}

/** Narrower than this (in points) a blank vertical band is the space between words, not a gutter. */
const MIN_GUTTER = 8
/** A column holds at least this many text items; fewer beside a blank band is a margin note. */
const MIN_COLUMN_ITEMS = 3

/**
 * The x of the gutter of a two-column page: a vertical band in the middle half of the text that
 * almost no item crosses (a headline or a caption across both columns may), with text on both
 * sides. Undefined for a one-column page.
 */
function gutterOf(placed: Placed[]): number | undefined {
  if (placed.length < 2 * MIN_COLUMN_ITEMS) return undefined
  const lo = Math.floor(Math.min(...placed.map((p) => p.x)))
  const hi = Math.ceil(Math.max(...placed.map((p) => p.right)))
  const cover = new Array<number>(hi - lo + 1).fill(0)
  for (const p of placed) for (let x = Math.ceil(p.x) - lo; x < Math.floor(p.right) - lo; x++) cover[x]!++
  const allowed = Math.max(1, Math.floor(placed.length * 0.1))
  const from = Math.floor((hi - lo) * 0.25)
  const to = Math.ceil((hi - lo) * 0.75)
  let best: { start: number; end: number } | undefined
  for (let x = from, start = -1; x <= to + 1; x++) {
    const open = x <= to && cover[x]! <= allowed
    if (open && start < 0) start = x
    if (!open && start >= 0) {
      if (!best || x - start > best.end - best.start) best = { start, end: x }
      start = -1
    }
  }
  if (!best || best.end - best.start < MIN_GUTTER) return undefined
  const middle = lo + (best.start + best.end) / 2
  const left = placed.filter((p) => p.right <= middle).length
  const right = placed.filter((p) => p.x >= middle).length
  return left >= MIN_COLUMN_ITEMS && right >= MIN_COLUMN_ITEMS ? middle : undefined
}

/**
 * A page's lines in reading order. On a two-column page the lines across both columns (headline,
 * a wide caption) cut it into bands, each read left column first, then right.
 */
function pageLines(items: TextItem[], page: number): Line[] {
  const placed: Placed[] = items
    .filter((item) => item.str.trim() !== '')
    .map((item) => {
      const x = item.transform[4]!
      return { item, x, y: item.transform[5]!, right: x + item.width, size: Math.hypot(item.transform[2]!, item.transform[3]!) || 1 }
    })
  const gutter = gutterOf(placed)
  if (gutter === undefined) return linesOf(placed, page, 0)
  const across = linesOf(placed.filter((p) => p.x < gutter && p.right > gutter), page, 0)
  const columns = [1, 2].map((column) => linesOf(placed.filter((p) => (column === 1 ? p.right <= gutter : p.x >= gutter)), page, column))
  const ordered: Line[] = []
  const takeAbove = (y: number) => {
    for (const column of columns) while (column.length > 0 && column[0]!.y > y) ordered.push(column.shift()!)
  }
  for (const line of across) {
    takeAbove(line.y)
    ordered.push(line)
  }
  takeAbove(-Infinity)
  return ordered
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

const CJK = /[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]/g

/**
 * A line break between Latin words is a space; one inside a Chinese line's figure (项目3|8个) is
 * not: a space only when the line ending is Latin and the line is not mostly Chinese.
 */
function latinBreak(before: string, after: string): boolean {
  if (!LATIN_END.test(before) || !LATIN_START.test(after)) return false
  return (before.match(CJK)?.length ?? 0) * 2 < before.length
}

interface Column {
  left: number
  right: number
}

/**
 * Paragraphs from line positions: one starts at an indent, after a short line (one that stops
 * well before its column's right edge), at a change of font size or after a gap wider than the
 * usual line pitch; the lines of a paragraph are joined without spaces (Chinese has none). A
 * paragraph left open at the foot of a column or page goes on at the top of the next when that
 * line is not indented. Smaller lines inside an open paragraph (a photo's caption, the paragraph
 * flowing round the photo) become a block of their own after the paragraph.
 */
function paragraphs(lines: Line[]): Required<LoadedDocument> {
  const bodySize = mode(lines.map((l) => Math.round(l.size * 2) / 2))
  const isBody = (line: Line) => Math.abs(line.size - bodySize) < 0.5
  const body = lines.filter(isBody)
  const columns = new Map<number, Column>()
  for (const column of new Set(lines.map((l) => l.column))) {
    const own = body.filter((l) => l.column === column)
    const from = own.length > 0 ? own : body.length > 0 ? body : lines
    columns.set(column, { left: mode(from.map((l) => Math.round(l.x))), right: Math.max(...from.map((l) => l.right)) })
  }
  const pitch = mode(
    body.flatMap((line, i) => {
      const next = body[i + 1]
      return next && next.page === line.page && next.column === line.column ? [Math.round(line.y - next.y)] : []
    }),
  )
  const indented = (line: Line) => line.x > columns.get(line.column)!.left + line.size * 0.8
  const full = (line: Line) => line.right >= columns.get(line.column)!.right - line.size * 1.5

  let text = ''
  const pages: number[] = []
  const captions: string[] = []
  let asides: string[] = []
  let previous: Line | undefined
  let aroundAside = false
  // A block in smaller type than the text standing on its own is a caption too.
  let blockStart = 0
  let smallBlock = false
  const endBlock = () => {
    if (smallBlock) captions.push(text.slice(blockStart))
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (previous !== undefined && isBody(previous) && full(previous) && line.size < bodySize - 0.5) {
      let end = i
      while (end < lines.length && lines[end]!.size < bodySize - 0.5) end++
      const next = lines[end]
      if (next !== undefined && isBody(next) && !indented(next)) {
        // One caption a line, but a caption that fills its line wraps onto the next.
        const first = asides.length
        for (let j = i; j < end; j++) {
          if (j > i && full(lines[j - 1]!)) asides[asides.length - 1] += lines[j]!.text
          else asides.push(lines[j]!.text)
        }
        captions.push(...asides.slice(first))
        i = end - 1
        aroundAside = true
        continue
      }
    }
    const turned = previous !== undefined && (line.page !== previous.page || line.column !== previous.column)
    const startsParagraph =
      previous === undefined ||
      indented(line) ||
      Math.abs(line.size - previous.size) >= 0.5 ||
      !full(previous) ||
      (!turned && !aroundAside && pitch > 0 && previous.y - line.y > pitch * 1.35)
    if (previous !== undefined) {
      if (startsParagraph) {
        endBlock()
        for (const aside of asides) text += `\n\n${aside}`
        asides = []
        text += '\n\n'
      } else if (latinBreak(previous.text, line.text)) text += ' '
    }
    if (startsParagraph) {
      blockStart = text.length
      smallBlock = line.size < bodySize - 0.5
    }
    // A page starts where its first line's text does (a page without text shares the next one's start).
    while (pages.length < line.page) pages.push(text.length)
    text += line.text
    previous = line
    aroundAside = false
  }
  endBlock()
  for (const aside of asides) text += `\n\n${aside}`
  return { text, pages, captions }
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
    const laidOut = paragraphs(kept)
    // The CMaps give the Chinese ellipsis (省略号) as U+22EF; text files and web pages use U+2026.
    return { ...laidOut, text: laidOut.text.replace(/\u22ef/g, '\u2026'), captions: laidOut.captions.map((c) => c.replace(/\u22ef/g, '\u2026')) }
  } finally {
    await pdf.destroy()
  }
}
