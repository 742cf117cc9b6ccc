import fs from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { readCurrentVersion } from '../../../src/index/store.js'
import { corpusIndexDir, evalCommand } from '../../../src/interfaces/eval/command.js'
import { copyCorpus, copySeedIndex, tempDir } from '../../helpers.js'

/** `npm run eval` in-process: which documents `--corpus DIR` answers from, and where it indexes them. */

async function evalRun(argv: string[], env: Record<string, string>) {
  let out = ''
  let err = ''
  const code = await evalCommand(argv, { env, out: (text) => (out += text), err: (text) => (err += text) })
  return { code, out, err }
}

/** A document only the --corpus copy holds, and a question only it answers. */
const EXTRA = { source: 'xiangxi_2021.txt', text: '# 湘西高新区2021年经济运行简报\n\n2021年，湘西高新区实现地区生产总值（GDP）76.3亿元，同比增长9.1%，园区经济稳中有进。\n' }
const ITEM = { id: 'extra-1', question: '湘西高新区2021年的GDP是多少？', answers: ['76.3亿元'], source: EXTRA.source, evidence: '实现地区生产总值（GDP）76.3亿元', type: 'numeric' }

describe('npm run eval -- --corpus DIR', () => {
  it('answers from DIR, not CORPUS_DIR, indexed beside INDEX_DIR and never in it; the next run reuses that index', async () => {
    const corpus = await copyCorpus()
    await fs.writeFile(path.join(corpus, EXTRA.source), EXTRA.text)
    const dir = await tempDir()
    const dataset = path.join(dir, 'extra.jsonl')
    await fs.writeFile(dataset, JSON.stringify(ITEM) + '\n')
    // INDEX_DIR holds the index `npm start` serves; CORPUS_DIR names nothing, so only DIR can answer.
    const indexDir = await copySeedIndex()
    const served = await readCurrentVersion(indexDir)
    const env = { CORPUS_DIR: path.join(dir, 'no-such-corpus'), INDEX_DIR: indexDir, LOG_LEVEL: 'warn' }
    const argv = ['--dataset', dataset, '--corpus', corpus, '--mode', 'extractive', '--json', path.join(dir, 'out.json')]

    const first = await evalRun(argv, env)
    expect(first.err).toBe('')
    expect(first.code).toBe(0)
    const report = JSON.parse(await fs.readFile(path.join(dir, 'out.json'), 'utf8'))
    expect(report.summary).toMatchObject({ n: 1, answer_accuracy: 1, hit_at_1: 1 })
    expect(await readCurrentVersion(indexDir)).toBe(served)

    const own = corpusIndexDir(indexDir, corpus)
    expect(path.dirname(path.dirname(own))).toBe(path.dirname(indexDir))
    const built = await readCurrentVersion(own)
    expect(built).toBeDefined()
    expect(built).not.toBe(served)

    expect((await evalRun(argv, env)).code).toBe(0)
    expect(await readCurrentVersion(own)).toBe(built)
  })

  it('keeps the indexes of different corpora apart, also when their folders share a name', () => {
    expect(corpusIndexDir('/srv/data/index', '/a/seed')).toMatch(/^\/srv\/data\/eval-index\/seed-[0-9a-f]{8}$/)
    expect(corpusIndexDir('/srv/data/index', '/a/seed')).not.toBe(corpusIndexDir('/srv/data/index', '/b/seed'))
  })

  it('a --corpus directory that does not exist is a typed error naming it', async () => {
    const dir = await tempDir()
    const dataset = path.join(dir, 'extra.jsonl')
    await fs.writeFile(dataset, JSON.stringify(ITEM) + '\n')
    const missing = path.join(dir, 'nope')
    await expect(evalRun(['--dataset', dataset, '--corpus', missing, '--mode', 'extractive'], { INDEX_DIR: path.join(dir, 'index') })).rejects.toMatchObject({
      code: 'corpus_missing',
      message: expect.stringContaining(missing),
    })
  })
})
