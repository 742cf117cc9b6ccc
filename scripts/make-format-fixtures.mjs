#!/usr/bin/env node
/**
 * Writes the file-format fixtures of test/fixtures/formats from two seed articles: article.txt as
 * .docx (the `docx` package), as web pages in UTF-8 and in GBK and as a word processor's PDF;
 * columns.txt as a two-column newspaper PDF with photo captions. The PDFs are written by hand below.
 * Run it only to regenerate them, through tsx (`npx tsx scripts/make-format-fixtures.mjs`): the
 * layouts start from the cleaner's blocks of each .txt. The tests read the committed files.
 *
 * The PDFs use the non-embedded font STSong-Light with the UniGB-UCS2-H encoding, as government
 * PDFs often do: pdf.js can only map their codes to text with Adobe's CMaps, so they also prove the
 * loader finds its CMaps offline. No Chromium or LibreOffice is needed.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { execFileSync } from 'node:child_process'
import { cleanText } from '../src/ingest/clean.ts'
import { Document, Packer, Paragraph, HeadingLevel, Header, Footer, TextRun } from 'docx'

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'formats')
/** An article's cleaned blocks ({kind, text}): what every format and layout below lays out. */
const cleaned = (name) => cleanText(fs.readFileSync(path.join(DIR, name), 'utf8')).blocks
const blocks = cleaned('article.txt').map((block) => block.text)
const isHeading = (text) => cleaned('article.txt').find((block) => block.text === text)?.kind === 'heading'
const TITLE = blocks.slice(0, 3).join(' ')

// ---------------------------------------------------------------- .docx
async function writeDocx() {
  const doc = new Document({
    sections: [
      {
        // Running header and footer: mammoth leaves them out, and so must the loader's text.
        headers: { default: new Header({ children: [new Paragraph('张家界日报 2021年1月5日')] }) },
        footers: { default: new Footer({ children: [new Paragraph('第1版')] }) },
        children: blocks.map((text, i) =>
          i < 3 || isHeading(text)
            ? new Paragraph({ text, heading: i < 3 ? HeadingLevel.HEADING_1 : HeadingLevel.HEADING_2 })
            : new Paragraph({ children: [new TextRun(text)] }),
        ),
      },
    ],
  })
  fs.writeFileSync(path.join(DIR, 'article.docx'), await Packer.toBuffer(doc))
}

// ---------------------------------------------------------------- .html (UTF-8 and GBK)
const escapeHtml = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

function page(charset) {
  const body = blocks
    .slice(3)
    .map((text) => (isHeading(text) ? `<h2>${escapeHtml(text)}</h2>` : `<p>${escapeHtml(text)}</p>`))
    // No newline between the tags: Readability's textContent would glue these paragraphs.
    .join('')
  return `<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=${charset}">
<title>${escapeHtml(TITLE)}_张家界市人民政府门户网站</title></head>
<body>
<div class="nav"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/hdjl/">互动交流</a> | <a href="/bsfw/">办事服务</a></div>
<div class="main"><div class="article">
<h1>${blocks.slice(0, 3).map(escapeHtml).join('<br>')}</h1>
<div class="info">来源：张家界日报　发布时间：2021-01-05</div>
<div class="content">${body}</div>
</div></div>
<div class="footer">版权所有：张家界市人民政府　湘ICP备05000000号　网站标识码：4308000000</div>
</body></html>
`
}

function writeHtml() {
  fs.writeFileSync(path.join(DIR, 'article.html'), page('utf-8'))
  // GBK through Python's codec: Node's TextEncoder only writes UTF-8.
  fs.writeFileSync(path.join(DIR, '.tmp-utf8.html'), page('gb2312'))
  execFileSync('python3', ['-c', "import sys;d=open(sys.argv[1],encoding='utf-8').read();open(sys.argv[2],'wb').write(d.encode('gb18030'))", path.join(DIR, '.tmp-utf8.html'), path.join(DIR, 'article-gbk.htm')])
  fs.rmSync(path.join(DIR, '.tmp-utf8.html'))
}

// ---------------------------------------------------------------- PDF
/** UCS-2 big-endian hex of a string: the codes UniGB-UCS2-H maps to Adobe-GB1 CIDs. */
const ucs2 = (text) => Array.from(text, (ch) => ch.charCodeAt(0).toString(16).padStart(4, '0')).join('')
/** Width in text-space units of a character of this font: ASCII is half width (/W below). */
const advance = (text, size) => Array.from(text).reduce((sum, ch) => sum + (ch.charCodeAt(0) < 0x7f ? 0.5 : 1) * size, 0)

/**
 * A PDF of pages of positioned lines ({x, y, size, text}), every line one Tj in STSong-Light.
 * `encryptedWithUnknownPassword` adds a standard security handler whose user password is not empty,
 * so a reader must refuse it; `image` pages draw a grey picture and no text, as a scan does.
 */
function pdf(pages, { encryptedWithUnknownPassword = false } = {}) {
  const objects = []
  const add = (body) => {
    objects.push(body)
    return objects.length
  }
  const catalog = add(null)
  const pagesId = add(null)
  const cidFont = add(null)
  const descriptor = add(
    '<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>',
  )
  objects[cidFont - 1] =
    `<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor ${descriptor} 0 R /DW 1000 /W [1 95 500] >>`
  const font = add(`<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [${cidFont} 0 R] >>`)
  const kids = []
  for (const lines of pages) {
    const content =
      lines === 'image'
        ? 'q 400 0 0 560 97 140 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \x60\xa0\x90\x30 EI Q'
        : lines.map((l) => `BT /F1 ${l.size} Tf ${l.x.toFixed(2)} ${l.y.toFixed(2)} Td <${ucs2(l.text)}> Tj ET`).join('\n')
    const stream = add(`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`)
    kids.push(add(`<< /Type /Page /Parent ${pagesId} 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${stream} 0 R >>`))
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesId} 0 R >>`
  objects[pagesId - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`
  const hex32 = (seed) => Array.from({ length: 32 }, (_, i) => ((i * 37 + seed) & 0xff).toString(16).padStart(2, '0')).join('')
  const encrypt = encryptedWithUnknownPassword ? add(`<< /Filter /Standard /V 1 /R 2 /Length 40 /O <${hex32(11)}> /U <${hex32(99)}> /P -44 >>`) : undefined

  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n'
  const offsets = []
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'))
    out += `${i + 1} 0 obj\n${body}\nendobj\n`
  })
  const xref = Buffer.byteLength(out, 'latin1')
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`
  const id = '<0123456789abcdef0123456789abcdef>'
  out += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R${encrypt ? ` /Encrypt ${encrypt} 0 R /ID [${id} ${id}]` : ''} >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(out, 'latin1')
}

/**
 * Cuts a line into one to three text items, as PDF writers do (a run per font change or kerning
 * adjustment): the loader must join them without spaces and without splitting a figure.
 */
function items(line, seed) {
  const cuts = [...new Set([(seed * 7) % 11, (seed * 13) % 17].filter((c) => c > 0 && c < line.text.length))].sort((a, b) => a - b)
  const pieces = []
  let from = 0
  for (const cut of [...cuts, line.text.length]) {
    const text = line.text.slice(from, cut)
    pieces.push({ ...line, x: line.x + advance(line.text.slice(0, from), line.size), text })
    from = cut
  }
  return pieces
}

/** Characters of `text` that fit `room` points at `size` (ASCII is half width). */
function fit(text, size, room) {
  let n = 0
  while (n < text.length && advance(text.slice(0, n + 1), size) <= room) n++
  return n
}

/**
 * Layout 1, a report exported from a word processor: one column, no first-line indent, space
 * between paragraphs, bigger headings, the title as running header and "第 N 页 共 M 页" at the foot.
 */
function wordLayout(blocks) {
  const SIZE = 12
  const LEFT = 72
  const WIDTH = 451
  const pages = [[]]
  let y = 770
  const place = (line, pitch) => {
    if (y - line.size < 72) {
      pages.push([])
      y = 770
    }
    pages[pages.length - 1].push({ ...line, y })
    y -= pitch
  }
  blocks.forEach((block, i) => {
    if (i < 3) {
      place({ x: (595 - advance(block.text, 16)) / 2, size: 16, text: block.text }, 26)
      return
    }
    if (block.kind === 'heading') {
      y -= 8
      place({ x: LEFT, size: 14, text: block.text }, 24)
      return
    }
    let rest = block.text
    while (rest !== '') {
      const n = fit(rest, SIZE, WIDTH)
      place({ x: LEFT, size: SIZE, text: rest.slice(0, n) }, SIZE * 1.5)
      rest = rest.slice(n)
    }
    y -= SIZE * 0.8
  })
  return pages.map((lines, p) => [
    { x: LEFT, y: 800, size: 9, text: blocks[1].text },
    ...lines,
    { x: 250, y: 40, size: 9, text: `第 ${p + 1} 页 共 ${pages.length} 页` },
  ])
}

/**
 * Layout 2, a newspaper page: the headline across both columns, then two columns of indented
 * paragraphs; photos with their captions (smaller type) cut into a paragraph, which flows on
 * under them; a running header whose page number changes, and a page number at the foot.
 */
function columnsLayout(blocks) {
  const SIZE = 10.5
  const COLUMNS = [56, 308]
  const WIDTH = 231
  const TOP = 770
  const BOTTOM = 70
  const pages = [[]]
  let column = 0
  let y = TOP
  const next = () => {
    if (column === 0) column = 1
    else {
      pages.push([])
      column = 0
    }
    y = pages.length === 1 && column === 1 ? columnTop : TOP
  }
  let columnTop = TOP
  const place = (line, pitch, indent = 0) => {
    if (y - line.size < BOTTOM) next()
    pages[pages.length - 1].push({ ...line, x: (line.centred ? COLUMNS[column] + (WIDTH - advance(line.text, line.size)) / 2 : COLUMNS[column] + indent), y })
    y -= pitch
  }
  const photo = (captions) => {
    // The photo's box, then its captions centred under it; the paragraph goes on below.
    if (y - 90 < BOTTOM) next()
    y -= 80
    for (const caption of captions) place({ size: 9, text: caption, centred: true }, 13)
    y -= 6
  }
  let i = 0
  // The headline block (up to the byline) across the page.
  for (; i < blocks.length && blocks[i].kind !== 'paragraph'; i++) {
    const size = blocks[i].kind === 'heading' ? (i === 1 ? 20 : 13) : SIZE
    pages[0].push({ x: (595 - advance(blocks[i].text, size)) / 2, y, size, text: blocks[i].text })
    y -= size * 1.8
  }
  columnTop = y - 10
  y = columnTop
  for (; i < blocks.length; i++) {
    const block = blocks[i]
    if (block.kind === 'heading') {
      y -= 6
      place({ size: 13, text: block.text }, 20)
      continue
    }
    if (block.kind === 'caption') {
      // Captions the article ends with (no paragraph to cut into).
      const run = []
      while (i < blocks.length && blocks[i].kind === 'caption') run.push(blocks[i++].text)
      i--
      photo(run)
      continue
    }
    // The captions that follow this paragraph in the text cut into it after its second line.
    const cutBy = []
    for (let j = i + 1; j < blocks.length && blocks[j].kind === 'caption' && blocks.slice(j).some((b) => b.kind === 'paragraph'); j++) cutBy.push(blocks[j].text)
    const cutCount = cutBy.length
    let rest = block.text
    let lineNo = 0
    while (rest !== '') {
      const indent = lineNo === 0 ? 2 * SIZE : 0
      const n = fit(rest, SIZE, WIDTH - indent)
      place({ size: SIZE, text: rest.slice(0, n) }, SIZE * 1.6, indent)
      rest = rest.slice(n)
      lineNo++
      if (lineNo === 2 && rest !== '' && cutBy.length > 0) photo(cutBy.splice(0))
    }
    if (cutBy.length > 0) photo(cutBy)
    i += cutCount
  }
  return pages.map((lines, p) => [
    { x: 56, y: 808, size: 9, text: `怀化日报　2021年11月26日　第${p + 3}版　园区经济` },
    ...lines,
    { x: 290, y: 40, size: 9, text: `- ${p + 1} -` },
  ])
}

const withItems = (pages) => pages.map((lines) => lines.flatMap((line, i) => items(line, i + 1)))

function writePdfs() {
  const word = withItems(wordLayout(cleaned('article.txt')))
  fs.writeFileSync(path.join(DIR, 'article.pdf'), pdf(word))
  const columns = withItems(columnsLayout(cleaned('columns.txt')))
  fs.writeFileSync(path.join(DIR, 'columns.pdf'), pdf(columns))
  fs.writeFileSync(path.join(DIR, 'encrypted.pdf'), pdf(word.slice(0, 1), { encryptedWithUnknownPassword: true }))
  fs.writeFileSync(path.join(DIR, 'scanned.pdf'), pdf(['image', 'image']))
  const whole = pdf(word)
  // Cut short as an interrupted download is: no cross-reference table, no %%EOF.
  fs.writeFileSync(path.join(DIR, 'truncated.pdf'), whole.subarray(0, Math.floor(whole.length * 0.6)))
  return `article.pdf (${word.length} pages), columns.pdf (${columns.length} pages)`
}

await writeDocx()
writeHtml()
const pdfs = writePdfs()
console.log(`wrote ${DIR}: article.docx, article.html, article-gbk.htm, ${pdfs}, encrypted.pdf, scanned.pdf, truncated.pdf`)
