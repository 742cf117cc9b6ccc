import fs from 'node:fs/promises'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { createAnswerer, type Answerer } from '../../src/answer/answer.js'
import { citedCitations } from '../../src/answer/types.js'
import { readDataset, type EvalItem } from '../../src/interfaces/eval/dataset.js'
import { ingest } from '../../src/index/ingest.js'
import { loadIndex } from '../../src/index/search-index.js'
import { loadBinary } from '../../src/ingest/loaders/index.js'
import { silentLogger } from '../../src/log.js'
import { FIXTURES, localConfig, ROOT, tempDir } from '../helpers.js'

/**
 * Seed articles 000 and 003 saved as .txt, .docx, web pages and PDFs (test/fixtures/formats):
 * each file, alone in a corpus, answers its article's eval questions exactly as the .txt does —
 * same answer, same `found` — and the PDFs' citations carry the page their passage starts on.
 */

const ARTICLES = {
  d000: { txt: 'article.txt', others: ['article.docx', 'article.html', 'article-gbk.htm', 'article.pdf'] },
  d003: { txt: 'columns.txt', others: ['columns.pdf'] },
} as const
type Article = keyof typeof ARTICLES

const answerers = new Map<string, Answerer>()
const items = new Map<Article, EvalItem[]>()

async function answererFor(file: string): Promise<Answerer> {
  const corpusDir = await tempDir('parkqa-formats-')
  await fs.copyFile(path.join(FIXTURES, 'formats', file), path.join(corpusDir, file))
  const indexDir = path.join(await tempDir(), 'index')
  await ingest({ corpusDir, indexDir, config: localConfig, ef: 64, logger: silentLogger })
  return createAnswerer({ index: await loadIndex({ indexDir, config: localConfig, ef: 64 }), logger: silentLogger })
}

beforeAll(async () => {
  for (const [article, { txt, others }] of Object.entries(ARTICLES)) {
    for (const file of [txt, ...others]) answerers.set(file, await answererFor(file))
    const lines = await readDataset(path.join(ROOT, 'evals', `${article}.jsonl`))
    items.set(article as Article, lines.flatMap((line) => (line.item ? [line.item] : [])))
  }
}, 180_000)

const cases = Object.entries(ARTICLES).flatMap(([article, { txt, others }]) => others.map((file) => [file, txt, article as Article] as const))

describe('a seed article in another format answers as its .txt does', () => {
  it.each(Object.entries(ARTICLES))('%s: the .txt answers most questions right (the comparison is worth making)', async (article, { txt }) => {
    const answerable = items.get(article as Article)!.filter((item) => item.answers.length > 0)
    let right = 0
    for (const item of answerable) {
      const response = await answerers.get(txt)!.answer({ question: item.question })
      if (response.found && item.answers.some((a) => response.answer.includes(a))) right++
    }
    expect(right / answerable.length).toBeGreaterThanOrEqual(0.6)
  })

  it.each(cases)('%s: same answers, same found as %s', async (file, txt, article) => {
    for (const item of items.get(article)!) {
      const expected = await answerers.get(txt)!.answer({ question: item.question })
      const response = await answerers.get(file)!.answer({ question: item.question })
      expect({ id: item.id, answer: response.answer, found: response.found }).toEqual({ id: item.id, answer: expected.answer, found: expected.found })
    }
  })

  it.each(['article.pdf', 'columns.pdf'])('%s cites the page its passage starts on; the other formats cite none', async (file) => {
    const { text, pages } = await loadBinary('pdf', file, await fs.readFile(path.join(FIXTURES, 'formats', file)))
    const squeezed = (s: string) => s.replace(/\s+/g, '')
    /** The page of the PDF text on which `snippet` starts. */
    const pageOf = (snippet: string) => {
      const at = text.indexOf(snippet)
      expect(at, snippet).toBeGreaterThanOrEqual(0)
      return pages!.filter((start) => start <= at).length
    }
    const article = file === 'article.pdf' ? 'd000' : 'd003'
    let checked = 0
    for (const item of items.get(article)!) {
      const response = await answerers.get(file)!.answer({ question: item.question })
      for (const citation of citedCitations(response)) {
        // The passage's opening, found in the loader's text, is on the page the citation names.
        const opening = squeezed(citation.text).slice(0, 12)
        const at = squeezed(text).indexOf(opening)
        expect(at, `${item.id}: ${opening}`).toBeGreaterThanOrEqual(0)
        const page = pages!.filter((start) => squeezed(text.slice(0, start)).length <= at).length
        expect(citation.page, item.id).toBe(page)
        checked++
      }
    }
    expect(checked).toBeGreaterThan(5)
    expect(new Set(pages).size).toBe(pages!.length)
    expect(pageOf(text.slice(pages!.at(-1)!, pages!.at(-1)! + 10))).toBe(pages!.length)
    const docx = await answerers.get('article.docx')!.answer({ question: items.get('d000')![0]!.question })
    for (const citation of docx.citations) expect(citation).not.toHaveProperty('page')
  })
})
