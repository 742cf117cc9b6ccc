import fs from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { cleanText } from '../../../src/ingest/clean.js'
import { formatOf, loadBinary, type Format } from '../../../src/ingest/loaders/index.js'
import { CorpusError } from '../../../src/errors.js'
import { FIXTURES } from '../../helpers.js'

/**
 * Each loader on seed articles saved in its format (test/fixtures/formats, made by
 * scripts/make-format-fixtures.mjs): what the cleaner makes of it must be what it makes of the
 * article's .txt, block for block.
 */

const DIR = path.join(FIXTURES, 'formats')
const bytesOf = (name: string) => fs.readFile(path.join(DIR, name))
const load = async (name: string) => loadBinary(formatOf(name) as Exclude<Format, 'txt' | 'md'>, name, await bytesOf(name))
const blocksOf = (text: string) => cleanText(text).blocks.map((b) => `${b.kind}: ${b.text}`)
const txtBlocks = async () => blocksOf(await fs.readFile(path.join(DIR, 'article.txt'), 'utf8'))

async function rejection(name: string, bytes?: Uint8Array): Promise<CorpusError> {
  const format = formatOf(name) as Exclude<Format, 'txt' | 'md'>
  const error = await loadBinary(format, name, bytes ?? (await bytesOf(name))).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(CorpusError)
  expect((error as CorpusError).file).toBe(name)
  expect((error as CorpusError).message).toContain(name)
  return error as CorpusError
}

/** Figures of the article, each of which a bad extraction has been seen to split or space. */
const FIGURES = ['5.55亿元', '238.7万元', '463.72万元', '21.42亿元', '19.27亿元', '9530.07万美元']

describe('PDF loader (position-based paragraphs)', () => {
  it('reads a PDF whose Chinese font is not embedded (STSong-Light, UniGB-UCS2-H) through the CMaps', async () => {
    const raw = (await bytesOf('article.pdf')).toString('latin1')
    // The fixture is what it claims: a CID font by name only, no font file to read glyphs from.
    expect(raw).toContain('/UniGB-UCS2-H')
    expect(raw).not.toMatch(/\/FontFile/)
    const { text } = await load('article.pdf')
    expect(text).toContain('张家界高新区')
    expect(text).not.toContain('\ufffd')
  })

  it.each([
    ['article.pdf', 'article.txt', "a word processor's export: one column, no indents, space between paragraphs"],
    ['columns.pdf', 'columns.txt', 'a newspaper page: headline across two columns, photos cutting into paragraphs'],
  ])('%s gives %s paragraph for paragraph (%s)', async (pdf, txt) => {
    const { text, captions } = await load(pdf)
    const want = blocksOf(await fs.readFile(path.join(DIR, txt), 'utf8'))
    const got = cleanText(text, captions).blocks.map((b) => `${b.kind}: ${b.text}`)
    expect(want.length).toBeGreaterThanOrEqual(31)
    expect(got).toEqual(want)
    expect(text).not.toContain('\ufffd')
  })

  it('keeps figures whole, across items and line ends (项目3|8个 is 38个, not 3 8个)', async () => {
    const article = cleanText((await load('article.pdf')).text).text
    for (const figure of [...FIGURES, '项目38个']) expect(article).toContain(figure)
    expect(cleanText((await load('columns.pdf')).text).text).toContain('合同引资额83.17亿元')
  })

  it('puts a photo caption that cuts into a paragraph after the paragraph, as a block of its own', async () => {
    const { text, captions } = await load('columns.pdf')
    expect(captions).toContain('怀化高新区创业创新服务大楼及广场')
    const blocks = cleanText(text, captions).blocks
    const at = blocks.findIndex((b) => b.text === '怀化高新区创业创新服务大楼及广场')
    expect(blocks[at]!.kind).toBe('caption')
    expect(blocks[at - 1]!.text).toMatch(/^丰富招商形式.*中皓集团项目。$/)
    // Two photos in a row are two captions, not one line glued from both.
    expect(blocks.map((b) => b.text)).toEqual(expect.arrayContaining(['湖南正清制药集团股份有限公司', '怀化高新区标准化厂房一角']))
  })

  it('drops the running headers and the page numbers of every page', async () => {
    const word = (await load('article.pdf')).text
    expect(word).not.toMatch(/第 ?\d+ ?页/)
    const columns = (await load('columns.pdf')).text
    for (const furniture of ['怀化日报', '园区经济', '第3版']) expect(columns).not.toContain(furniture)
    for (const text of [word, columns]) expect(text.split('\n').filter((line) => /^[-—\s\d]+$/.test(line.trim()) && line.trim() !== '')).toEqual([])
  })

  it('knows where each page starts', async () => {
    for (const [file, count] of [['article.pdf', 4], ['columns.pdf', 3]] as const) {
      const { text, pages } = await load(file)
      expect(pages).toHaveLength(count)
      expect(pages![0]).toBe(0)
      for (let p = 1; p < count; p++) expect(pages![p]).toBeGreaterThan(pages![p - 1]!)
      expect(pages![count - 1]).toBeLessThan(text.length)
    }
  })

  it('refuses an encrypted PDF', async () => {
    const error = await rejection('encrypted.pdf')
    expect(error.code).toBe('file_encrypted')
    expect(error.message).toContain('encrypted')
  })

  it('refuses a scan: no text layer, and OCR is not supported', async () => {
    const error = await rejection('scanned.pdf')
    expect(error.code).toBe('file_no_text')
    expect(error.message).toContain('no text layer; OCR is not supported')
  })

  it('refuses a truncated PDF rather than indexing what pdf.js can rebuild of it', async () => {
    const error = await rejection('truncated.pdf')
    expect(error.code).toBe('file_corrupt')
    expect(error.message).toContain('truncated')
  })

  it('refuses a file that is not a PDF at all, and one whose objects are garbage', async () => {
    expect((await rejection('notes.pdf', Buffer.from('just some words\n%%EOF\n'))).code).toBe('file_corrupt')
    const garbled = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n')
    expect((await rejection('garbled.pdf', garbled)).code).toBe('file_corrupt')
  })
})

describe('.docx loader', () => {
  it('gives the .txt article paragraph for paragraph, leaving the running header and footer out', async () => {
    const { text, pages } = await load('article.docx')
    expect(blocksOf(text)).toEqual(await txtBlocks())
    expect(text).not.toContain('张家界日报')
    expect(text).not.toContain('第1版')
    expect(text).not.toContain('\ufffd')
    expect(pages).toBeUndefined()
  })

  it('refuses a .docx that is no zip archive', async () => {
    const error = await rejection('broken.docx', Buffer.from('PK\x03\x04 this is not really a zip file'))
    expect(error.code).toBe('file_corrupt')
  })
})

describe('.doc loader', () => {
  it('refuses a .doc that is no Word 97 file', async () => {
    const error = await rejection('broken.doc', Buffer.from('\xd0\xcf\x11\xe0 not an OLE2 compound file', 'latin1'))
    expect(error.code).toBe('file_corrupt')
  })
})

describe('web page loader', () => {
  it('gives the .txt article from a saved page: headline from <h1>, no navigation or footer', async () => {
    const { text } = await load('article.html')
    expect(blocksOf(text)).toEqual(await txtBlocks())
    for (const furniture of ['政务公开', '版权所有', '门户网站', '发布时间']) expect(text).not.toContain(furniture)
    expect(text).not.toContain('\ufffd')
  })

  it('reads a GBK page (<meta charset=gb2312>) to the same text as the UTF-8 page', async () => {
    const gbk = await bytesOf('article-gbk.htm')
    // The fixture is GBK indeed: as UTF-8 it does not decode.
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(gbk)).toThrow()
    expect((await load('article-gbk.htm')).text).toBe((await load('article.html')).text)
  })

  it('reads an undeclared GBK page, and a UTF-8 page with a byte-order mark', async () => {
    const gbk = (await bytesOf('article-gbk.htm')).toString('latin1').replace(/charset=gb2312/, '')
    const utf8 = (await load('article.html')).text
    expect((await loadBinary('html', 'undeclared.html', Buffer.from(gbk, 'latin1'))).text).toBe(utf8)
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), (await bytesOf('article.html'))])
    expect((await loadBinary('html', 'bom.html', bom)).text).toBe(utf8)
  })

  it('refuses a page that is not in the charset it declares', async () => {
    const error = await rejection('liar.html', Buffer.from('<html><head><meta charset="shift_jis"></head><body><p>\x82\xa0\x80\xff</p></body></html>', 'latin1'))
    expect(error.code).toBe('file_corrupt')
    expect(error.message).toContain('shift_jis')
  })
})

describe('every binary format', () => {
  it.each(['empty.pdf', 'empty.docx', 'empty.doc', 'empty.html'])('refuses an empty file: %s', async (name) => {
    const error = await rejection(name, new Uint8Array(0))
    expect(error.code).toBe('file_empty')
  })

  it('refuses a page with no text', async () => {
    const error = await rejection('blank.html', Buffer.from('<html><body><div></div></body></html>'))
    expect(error.code).toBe('file_no_text')
  })
})
