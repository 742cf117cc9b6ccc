import fs from 'node:fs/promises'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { createAnswerer, type Answerer } from '../../src/answer/answer.js'
import { citedCitations } from '../../src/answer/types.js'
import { readDataset, type EvalItem } from '../../src/interfaces/eval/dataset.js'
import { ingest } from '../../src/index/ingest.js'
import { loadIndex } from '../../src/index/search-index.js'
import { silentLogger } from '../../src/log.js'
import { FIXTURES, localConfig, ROOT, tempDir } from '../helpers.js'

/**
 * The start of seed article 000 saved as .txt, .docx, a web page and a PDF
 * (test/fixtures/formats): each, alone in a corpus, answers the article's eval questions exactly as
 * the .txt does — same answer, same `found` — and the PDF's citations carry their page.
 */

const FILES = { txt: 'article.txt', docx: 'article.docx', html: 'article.html', gbk: 'article-gbk.htm', pdf: 'article.pdf' } as const
/** d000 questions whose evidence is in the fixture's part of the article. */
const QUESTIONS = ['d000-01', 'd000-02', 'd000-03', 'd000-04', 'd000-05', 'd000-10']

const answerers = new Map<keyof typeof FILES, Answerer>()
const items: EvalItem[] = []

async function answererFor(file: string): Promise<Answerer> {
  const corpusDir = await tempDir('parkqa-formats-')
  await fs.copyFile(path.join(FIXTURES, 'formats', file), path.join(corpusDir, file))
  const indexDir = path.join(await tempDir(), 'index')
  await ingest({ corpusDir, indexDir, config: localConfig, ef: 64, logger: silentLogger })
  return createAnswerer({ index: await loadIndex({ indexDir, config: localConfig, ef: 64 }), logger: silentLogger })
}

beforeAll(async () => {
  for (const [format, file] of Object.entries(FILES)) answerers.set(format as keyof typeof FILES, await answererFor(file))
  for (const line of await readDataset(path.join(ROOT, 'evals', 'd000.jsonl'))) if (line.item && QUESTIONS.includes(line.item.id)) items.push(line.item)
  expect(items.map((i) => i.id)).toEqual(QUESTIONS)
}, 120_000)

describe('a seed article in another format answers as its .txt does', () => {
  it('the .txt answers the questions (the comparison is worth making)', async () => {
    for (const item of items) {
      const response = await answerers.get('txt')!.answer({ question: item.question })
      expect(response.found, item.id).toBe(true)
      expect(item.answers.some((a) => response.answer.includes(a)), `${item.id}: ${response.answer}`).toBe(true)
    }
  })

  it.each(['docx', 'html', 'gbk', 'pdf'] as const)('%s: same answers, same found', async (format) => {
    for (const item of items) {
      const expected = await answerers.get('txt')!.answer({ question: item.question })
      const response = await answerers.get(format)!.answer({ question: item.question })
      expect({ id: item.id, answer: response.answer, found: response.found }).toEqual({ id: item.id, answer: expected.answer, found: expected.found })
    }
  })

  it('the PDF cites pages, the other formats do not', async () => {
    for (const item of items) {
      const pdf = await answerers.get('pdf')!.answer({ question: item.question })
      expect(citedCitations(pdf).length).toBeGreaterThan(0)
      for (const citation of pdf.citations) expect([1, 2], item.id).toContain(citation.page)
      const docx = await answerers.get('docx')!.answer({ question: item.question })
      for (const citation of docx.citations) expect(citation).not.toHaveProperty('page')
    }
    const figure = await answerers.get('pdf')!.answer({ question: items.find((i) => i.id === 'd000-05')!.question })
    expect(citedCitations(figure)[0]!.page).toBe(2)
  })
})
