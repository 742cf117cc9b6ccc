/**
 * Cleaning of PDF-extracted newspaper text. The seed documents come in two layouts:
 * - hard-wrapped (001, 004): every ~20–25 characters a line break, sometimes a blank line in the
 *   middle of a sentence (a column or page break), and spaces between characters;
 * - one paragraph a line (000, 002, 003): long lines, but a sentence may still be cut by a photo
 *   caption or a byline that the extraction put between its halves.
 * The output is a list of blocks (paragraphs, headings, captions, bylines) whose text is joined
 * with blank lines into `text`; each block knows its offsets in `text`.
 */

import { figureRules } from '../rules/figures.js'
import { HEADING_START } from '../text/headings.js'

export type BlockKind = 'heading' | 'paragraph' | 'caption' | 'byline'

export interface Block {
  kind: BlockKind
  text: string
  start: number
  end: number
}

export interface CleanedDocument {
  text: string
  blocks: Block[]
}

/** CJK ideographs, CJK and full-width punctuation, curly quotes and ellipses: no space around them. */
const WIDE = '\\u2014\\u2018-\\u201f\\u2026\\u22ef\\u3000-\\u303f\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef·'
const SPACE_NEXT_TO_WIDE = new RegExp(`(?<=[${WIDE}])[ \\t]+|[ \\t]+(?=[${WIDE}])`, 'g')
const SENTENCE_END = /[。！？!?；;…⋯]$/
const SEMICOLON_END = /[；;]$/
const CLOSERS = /[”’」』）)】》〕\]"']+$/
const BYLINE = /^(?:□|■|◇|◆)\S|^[（(]?作者(?:系|为|单位)|^[（(]?(?:本报)?(?:记者|通讯员|特约记者)[\s：:]?[\u4e00-\u9fff]{2,3}[)）]?$/
const PHOTO_CREDIT = /(?:^|\s)(?:摄|摄影|供图)$|^图[为：:]/
/** Three or more space-separated Chinese names (2–3 characters each): an authors' line. */
const NAMES_LINE = /^[\u4e00-\u9fff]{2,3}(?:\s+[\u4e00-\u9fff]{2,3}){2,}$/
/** A lone 2–3 character name right under a "——…" subtitle is the author. */
const LONE_NAME = /^[\u4e00-\u9fff]{2,3}$/
/** A job title followed by a name, as in "延边高新区党工委书记 王明". */
const TITLE_AND_NAME = /(?:书记|主任|局长|区长|市长|记者|主席)\s+[\u4e00-\u9fff]{2,3}$/

/** Below this median line length a document is treated as hard-wrapped. */
const WRAPPED_MEDIAN = 40
/** Captions and headings are short; a short line that breaks a sentence is a caption. */
const MAX_ASIDE_CHARS = 40
/** Shorter than this, a line inside a broken sentence is the sentence's tail ("代表"), not a caption. */
const MIN_CAPTION_CHARS = 6
/** A line that starts with a sentence tail this short ("团项目;", "企业。") continues a broken sentence. */
const MAX_FRAGMENT_CHARS = 3
const CLAUSE_END = /[。；;，,、！？!?：:]/
const INNER_SENTENCE_END = /[。！？!?；;](?=.)/

/** Removes spaces between CJK characters and inside numbers with their units; keeps Latin word spaces. */
export function compactSpaces(text: string): string {
  return text.replace(/[\u00a0\u3000]/g, ' ').replace(SPACE_NEXT_TO_WIDE, '').replace(/[ \t]{2,}/g, ' ').trim()
}

export function endsSentence(text: string): boolean {
  return SENTENCE_END.test(text.replace(CLOSERS, ''))
}

interface Line {
  raw: string
  text: string
  blankBefore: boolean
  /** A row of a flattened table, its cells joined (see tableRows): a paragraph of its own. */
  row?: boolean
}

/** A table cell on a line of its own: a number (412.6, 11.3%), or a unit (亿元, （%）). */
const NUMBER_CELL = /^[-+]?\d[\d,.]*\s*%?$/
const UNITS = new Set(figureRules.units.map((u) => u.unit))
function isUnitCell(text: string): boolean {
  return /^[（(][^（()）]{1,6}[）)]$/.test(text) || UNITS.has(text) || (/^[万亿千百]/.test(text) && UNITS.has(text.slice(1)))
}
/** Longest line a flattened table's cell takes. */
const MAX_CELL_CHARS = 16
/** Fewest lines and number cells of a flattened table. */
const MIN_TABLE_LINES = 6
const MIN_TABLE_NUMBERS = 3

/**
 * A table a PDF gave one cell a line (实际使用外资 / 2180 / 万美元 / 8.9) becomes one line a row
 * (实际使用外资 2180 万美元 8.9): a label starts a row, numbers and units follow it; the labels of
 * a header row run together. Otherwise a figure would stand on a line without its measure.
 */
function tableRows(lines: Line[]): Line[] {
  const cellLike = (line: Line) => charLength(line.text) <= MAX_CELL_CHARS && !/[。；;，,！？!?：:]/.test(line.text)
  const out: Line[] = []
  for (let i = 0; i < lines.length; ) {
    let end = i
    while (end < lines.length && cellLike(lines[end]!)) end++
    if (end === i) {
      out.push(lines[i++]!)
      continue
    }
    const run = lines.slice(i, end)
    i = end
    const isTable = run.length >= MIN_TABLE_LINES && run.filter((line) => NUMBER_CELL.test(line.text)).length >= MIN_TABLE_NUMBERS
    out.push(...(isTable ? rowsOf(run) : run))
  }
  return out
}

/** The cells of a flattened table, one line each, as rows: a label, then its numbers and units. */
function rowsOf(cells: readonly Line[]): Line[] {
  const rows: Line[] = []
  let row: string[] = []
  let rowHasNumber = false
  const flush = () => {
    if (row.length > 0) rows.push({ raw: row.join(' '), text: row.join(' '), blankBefore: true, row: true })
    row = []
    rowHasNumber = false
  }
  for (const { text } of cells) {
    const isNumber = NUMBER_CELL.test(text)
    // A label after a row's figures starts the next row; labels before any figure are its header.
    if (!isNumber && !isUnitCell(text) && rowHasNumber) flush()
    // The first figure of a row after several labels: the last label is the row's, the others its header's.
    if (isNumber && !rowHasNumber && row.length >= 2) {
      const own = row.pop()!
      flush()
      row.push(own)
    }
    row.push(text)
    if (isNumber) rowHasNumber = true
  }
  flush()
  return rows
}

/** A web page's source line: 2025-01-16 08:32　来源：邵阳新闻网　作者：… */
const SOURCE_LINE = /(?:来源|作者|发布时间|发布日期|责任编辑|编辑)\s*[：:]/
const MAX_SOURCE_LINE_CHARS = 100

/** A reporters' line, the paper's name in front: 苏州日报全媒体记者 李明 通讯员 张华. */
const REPORTERS = /记者|通讯员/

function isByline(line: Line): boolean {
  const raw = line.raw.trim()
  return (
    BYLINE.test(raw) ||
    (charLength(raw) <= MAX_SOURCE_LINE_CHARS && SOURCE_LINE.test(raw) && !/[。！？!?]/.test(raw)) ||
    NAMES_LINE.test(raw) ||
    (raw.length <= MAX_ASIDE_CHARS && TITLE_AND_NAME.test(raw)) ||
    (charLength(line.text) <= MAX_ASIDE_CHARS && REPORTERS.test(line.text) && !CLAUSE_END.test(line.text) && !SUBTITLE.test(line.text))
  )
}

/** A headline's second line: ——苏州高新区推进高质量发展观察. */
const SUBTITLE = /^[—─]{2}/

function isCaptionLike(line: Line, captions: ReadonlySet<string>): boolean {
  return PHOTO_CREDIT.test(line.raw.trim()) || captions.has(line.text)
}

/** Characters as a reader counts them (code points: a surrogate pair is one), without building an array of them. */
function charLength(text: string): number {
  let length = text.length
  for (let i = 0; i + 1 < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        length--
        i++
      }
    }
  }
  return length
}

function median(values: number[]): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** Joins two pieces of one sentence broken by a line end: a space only between Latin words. */
function joinPieces(left: string, right: string): string {
  return /[A-Za-z]$/.test(left) && /^[A-Za-z]/.test(right) ? `${left} ${right}` : left + right
}

/** A short line repeated on many pages is a running header or footer (苏州日报 2022年12月5日 第3版). */
const RUNNING_LINE_MIN_REPEATS = 3
const RUNNING_LINE_MAX_CHARS = 40

function runningLines(rawLines: readonly string[]): Set<string> {
  const counts = new Map<string, number>()
  for (const rawLine of rawLines) {
    const text = compactSpaces(rawLine)
    // A table's unit or number cell (亿元, 12.5) repeats too, but heads no page.
    if (text !== '' && charLength(text) <= RUNNING_LINE_MAX_CHARS && !NUMBER_CELL.test(text) && !isUnitCell(text)) counts.set(text, (counts.get(text) ?? 0) + 1)
  }
  return new Set([...counts].filter(([, n]) => n >= RUNNING_LINE_MIN_REPEATS).map(([text]) => text))
}

/**
 * A page's header printed once mid-text (2024年1月9日 星期二      园区经济      5): a date, weekday
 * or page number in parts set wide apart, and no sentence. Only the masthead at the top dates the
 * paper; the same furniture further down cuts into a sentence.
 */
const PAGE_FURNITURE = /星期[一二三四五六日天]|第\s*\d+\s*版|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日/
const FURNITURE_GAP = /\S\s{3,}\S/
/** Lines from the top where a masthead is the paper's own. */
const MASTHEAD_LINES = 3

function isPageFurniture(rawLine: string, text: string): boolean {
  return charLength(text) <= RUNNING_LINE_MAX_CHARS && FURNITURE_GAP.test(rawLine.trim()) && PAGE_FURNITURE.test(text) && !/[，,。；;！？!?、]/.test(text)
}

/** `captions`: lines a loader knows to be captions from the layout (a PDF's smaller type). */
export function cleanText(raw: string, captions: readonly string[] = []): CleanedDocument {
  const captionLines = new Set(captions.map(compactSpaces))
  const rawLines = raw.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n').split('\n')
  const textLines: Line[] = []
  let blankBefore = true
  const seen = new Set<string>()
  const running = runningLines(rawLines)
  for (const rawLine of rawLines) {
    const text = compactSpaces(rawLine)
    // A page's running header or footer: kept once (it may date the paper), dropped where it
    // cuts into the text on every page.
    if (running.has(text) && seen.has(text)) continue
    if (textLines.length >= MASTHEAD_LINES && isPageFurniture(rawLine, text)) continue
    seen.add(text)
    if (text === '') {
      blankBefore = true
      continue
    }
    textLines.push({ raw: rawLine, text, blankBefore })
    blankBefore = false
  }

  const lines = tableRows(textLines)
  const lengths = lines.map((line) => charLength(line.text))
  const wrapped = lines.length >= 3 && median(lengths) < WRAPPED_MEDIAN
  // The typical full line of a hard-wrapped document; a paragraph's first line that is much
  // shorter is a heading, not a line that continues.
  const wrapWidth = wrapped ? median(lengths.filter((n) => n >= 8)) : 0

  const blocks: Array<{ kind: BlockKind; text: string }> = []
  let open: string | undefined
  let asides: Array<{ kind: BlockKind; text: string }> = []

  const closeOpen = () => {
    if (open !== undefined) {
      const short = charLength(open) <= MAX_ASIDE_CHARS
      blocks.push({ kind: !endsSentence(open) && short ? 'heading' : 'paragraph', text: open })
      open = undefined
    }
    blocks.push(...asides)
    asides = []
  }

  /** Short, punctuation-free stand-alone lines: headings, captions and bylines look like this. */
  const shortBare = (line: Line) =>
    line.blankBefore && charLength(line.text) <= MAX_ASIDE_CHARS && !CLAUSE_END.test(line.text) && !endsSentence(line.text)

  /** Does the next line of text (past any caption-shaped lines) begin with the tail of a sentence? */
  const continuesBelow = (index: number): boolean => {
    for (let j = index + 1; j < lines.length; j++) {
      const next = lines[j]!
      if (isByline(next)) return false
      if (shortBare(next) && !wrapped) continue
      const tail = next.text.replace(/^[“‘「『（(《]+/, '')
      const clause = tail.search(CLAUSE_END)
      return clause >= 0 && clause <= MAX_FRAGMENT_CHARS && /[。；;！？!?]/.test(tail.charAt(clause))
    }
    return false
  }

  lines.forEach((line, index) => {
    const length = charLength(line.text)
    if (line.row) {
      closeOpen()
      blocks.push({ kind: 'paragraph', text: line.text })
      return
    }
    if (running.has(line.text)) {
      // The one running header kept stands alone (it dates the paper; it is no headline).
      closeOpen()
      blocks.push({ kind: 'caption', text: line.text })
      return
    }
    if (SUBTITLE.test(line.text) && length <= MAX_ASIDE_CHARS) {
      // A subtitle ends the headline above it, whatever the line lengths of the page.
      closeOpen()
      blocks.push({ kind: 'heading', text: line.text })
      return
    }
    const previous = blocks[blocks.length - 1]
    const byline =
      isByline(line) || (open === undefined && LONE_NAME.test(line.text) && previous?.kind === 'heading' && previous.text.startsWith('——'))
    const caption = !byline && isCaptionLike(line, captionLines)
    const numberedHeading = HEADING_START.test(line.text) && !endsSentence(line.text) && length <= MAX_ASIDE_CHARS

    if (open !== undefined) {
      if (byline || numberedHeading) {
        // A byline or numbered heading starts a new article or section: whatever was open ends here.
        closeOpen()
      } else if (caption || (!wrapped && length >= MIN_CAPTION_CHARS && shortBare(line))) {
        // A short stand-alone line inside a broken sentence of a one-paragraph-a-line document is a
        // photo caption; it goes after the sentence it interrupted.
        asides.push({ kind: 'caption', text: line.text })
        return
      } else {
        open = joinPieces(open, line.text)
        // A semicolon at a line's end goes on with the sentence (…占全县的78.6%；\n完成固定资产投资…).
        if (endsSentence(open) && !SEMICOLON_END.test(open)) closeOpen()
        return
      }
    }

    // In a hard-wrapped page, a line that stands alone between blank lines is a heading even when
    // it is nearly as long as the wrap width (【绿色篇】窑炉“换气” 园区“添绿”).
    const standsAlone = line.blankBefore && (lines[index + 1]?.blankBefore ?? true)
    const headingShaped =
      !INNER_SENTENCE_END.test(line.text) && (wrapped ? length < wrapWidth * 0.6 || (standsAlone && length <= MAX_ASIDE_CHARS) : length <= MAX_ASIDE_CHARS)
    if (byline) {
      // Spaces in a byline separate names ("李寒露 梁兵"), unlike spaces inside running text.
      blocks.push({ kind: 'byline', text: line.raw.trim().replace(/\s+/g, ' ') })
    } else if (caption) {
      blocks.push({ kind: 'caption', text: line.text })
    } else if (numberedHeading) {
      blocks.push({ kind: 'heading', text: line.text })
    } else if (endsSentence(line.text)) {
      blocks.push({ kind: 'paragraph', text: line.text })
    } else if (headingShaped && !continuesBelow(index)) {
      blocks.push({ kind: 'heading', text: line.text })
    } else {
      open = line.text
    }
  })
  closeOpen()

  // Short lines after the last paragraph are photo captions, not headings of nothing.
  for (let i = blocks.length - 1; i >= 0 && blocks[i]!.kind !== 'paragraph'; i--) {
    if (blocks[i]!.kind === 'heading') blocks[i]!.kind = 'caption'
  }

  let text = ''
  const placed: Block[] = []
  for (const block of blocks) {
    if (text !== '') text += '\n\n'
    const start = text.length
    text += block.text
    placed.push({ kind: block.kind, text: block.text, start, end: text.length })
  }
  return { text, blocks: placed }
}
