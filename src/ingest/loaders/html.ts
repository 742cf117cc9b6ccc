import { Readability } from '@mozilla/readability'
import { convert, type HtmlToTextOptions } from 'html-to-text'
import { parseHTML } from 'linkedom'
import { unreadable, type LoadedDocument } from './index.js'

/** GB2312 and GBK are subsets of GB18030, which TextDecoder reads; pages often name the subset. */
const GB_LABELS = new Set(['gb2312', 'gbk', 'x-gbk', 'gb18030', 'gb_2312-80', 'csgb2312', 'chinese'])
const META_CHARSET = /<meta[^>]+charset\s*=\s*["']?\s*([\w:.-]+)/i

/** The page's encoding: a byte-order mark, else its `<meta charset>`, else UTF-8 (GB18030 if that fails). */
function decode(source: string, bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3))
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2))
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2))
  // The declaration is ASCII, in the head: latin1 reads it whatever the page's encoding.
  const declared = META_CHARSET.exec(Buffer.from(bytes.subarray(0, 4096)).toString('latin1'))?.[1]?.toLowerCase()
  const label = declared && GB_LABELS.has(declared) ? 'gb18030' : declared
  if (label && label !== 'utf-8' && label !== 'utf8') {
    let decoder: TextDecoder
    try {
      decoder = new TextDecoder(label, { fatal: true })
    } catch {
      throw unreadable('file_corrupt', source, `declares charset "${declared}", which this program cannot decode`)
    }
    try {
      return decoder.decode(bytes)
    } catch (error) {
      throw unreadable('file_corrupt', source, `is not valid ${declared} text, as its <meta charset> says`, error)
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    // Undeclared and not UTF-8: Chinese government pages of this kind are GBK.
    return new TextDecoder('gb18030').decode(bytes)
  }
}

const TEXT_OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    // html-to-text upper-cases headings by default; an English park name must stay as written.
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
    { selector: 'table', options: { uppercaseHeaderCells: false } },
  ],
}

const squeeze = (text: string) => text.replace(/\s+/g, '')

/**
 * A saved web page: Readability finds the article on linkedom's DOM (jsdom needs Node 22), then
 * html-to-text turns its HTML into paragraphs (Readability's textContent glues paragraphs whose
 * tags have no newline between them). The headline is the page's `<h1>`: Readability's title keeps
 * the site's suffix (…_某市人民政府门户网站), and it may drop the h1 from the article.
 */
export async function loadHtml(source: string, bytes: Uint8Array): Promise<LoadedDocument> {
  const html = decode(source, bytes)
  const { document } = parseHTML(html)
  const h1 = document.querySelector('h1')
  const headline = h1 ? convert(h1.outerHTML, TEXT_OPTIONS).trim() : ''
  const article = new Readability(document as unknown as Document).parse()
  // No article found (a short page): the whole body, navigation and all, rather than nothing.
  const body = article?.content ?? document.querySelector('body')?.innerHTML ?? html
  let text = convert(body, TEXT_OPTIONS).trim()
  if (headline !== '' && !squeeze(text).startsWith(squeeze(headline))) text = `${headline}\n\n${text}`
  return { text }
}
