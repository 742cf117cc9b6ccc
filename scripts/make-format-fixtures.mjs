#!/usr/bin/env node
/**
 * Writes the file-format fixtures of test/fixtures/formats from the start of a seed article
 * (article.txt): the same text as .docx (the `docx` package), as web pages in UTF-8 and in GBK, and
 * as PDFs written by hand below. Run it only to regenerate them (`node scripts/make-format-fixtures.mjs`);
 * the tests read the committed files and need none of this.
 *
 * The PDFs use the non-embedded font STSong-Light with the UniGB-UCS2-H encoding, as government
 * PDFs often do: pdf.js can only map their codes to text with Adobe's CMaps, so they also prove the
 * loader finds its CMaps offline. No Chromium or LibreOffice is needed.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { execFileSync } from 'node:child_process'
import { Document, Packer, Paragraph, HeadingLevel, Header, Footer, TextRun } from 'docx'

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'formats')
const raw = fs.readFileSync(path.join(DIR, 'article.txt'), 'utf8')
/** The article's blocks: one a non-empty line, as the seed file has them. */
const blocks = raw.split('\n').map((line) => line.trim()).filter((line) => line !== '')
const isHeading = (text) => text.length <= 20 && !/[。；！？，]/.test(text)
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
 * Lays the article out as a newspaper page would: a centred headline, indented paragraphs wrapped
 * at a fixed width, bigger section headings, a running header and a page number on every page.
 */
function layout(width = 34) {
  const SIZE = 12
  const LEFT = 72
  const TOP = 760
  const BOTTOM = 80
  const pages = [[]]
  let y = TOP
  const place = (line) => {
    if (y - line.size < BOTTOM) {
      pages.push([])
      y = TOP
    }
    pages[pages.length - 1].push({ ...line, y })
    y -= line.size * 1.6
  }
  blocks.forEach((text, i) => {
    if (i < 3) {
      place({ x: (595 - advance(text, 18)) / 2, size: 18, text })
      if (i === 2) y -= 12
      return
    }
    if (isHeading(text)) {
      y -= 6
      place({ x: LEFT, size: 14, text })
      return
    }
    let rest = text
    let first = true
    while (rest !== '') {
      // Characters that fit the line (ASCII is half width); the first line is indented two characters.
      const room = (first ? width - 2 : width) * SIZE
      let n = 0
      while (n < rest.length && advance(rest.slice(0, n + 1), SIZE) <= room) n++
      place({ x: first ? LEFT + 2 * SIZE : LEFT, size: SIZE, text: rest.slice(0, n) })
      rest = rest.slice(n)
      first = false
    }
  })
  return pages.map((lines, p) => [
    { x: LEFT, y: 800, size: 9, text: '张家界日报　2021年1月5日　第3版　综合新闻' },
    ...lines,
    { x: 280, y: 40, size: 9, text: `— ${p + 1} —` },
  ])
}

function writePdfs() {
  const pages = layout()
  fs.writeFileSync(path.join(DIR, 'article.pdf'), pdf(pages))
  fs.writeFileSync(path.join(DIR, 'encrypted.pdf'), pdf(pages.slice(0, 1), { encryptedWithUnknownPassword: true }))
  fs.writeFileSync(path.join(DIR, 'scanned.pdf'), pdf(['image', 'image']))
  const whole = pdf(pages)
  // Cut short as an interrupted download is: no cross-reference table, no %%EOF.
  fs.writeFileSync(path.join(DIR, 'truncated.pdf'), whole.subarray(0, Math.floor(whole.length * 0.6)))
  return pages.length
}

await writeDocx()
writeHtml()
const pageCount = writePdfs()
console.log(`wrote ${DIR}: article.docx, article.html, article-gbk.htm, article.pdf (${pageCount} pages), encrypted.pdf, scanned.pdf, truncated.pdf`)
