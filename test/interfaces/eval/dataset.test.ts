import fs from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkAgainstCorpus, readDataset } from '../../../src/interfaces/eval/dataset.js'
import { ROOT, SEED_CORPUS, tempDir } from '../../helpers.js'

async function rawCorpus(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>()
  for (const name of await fs.readdir(dir)) if (/\.(txt|md)$/.test(name)) files.set(name, await fs.readFile(path.join(dir, name), 'utf8'))
  return files
}

/** Each eval set and the fixture corpus its items are written about. */
const SETS = [
  { dir: 'evals', corpus: SEED_CORPUS, mustHold: 'smoke.jsonl' },
  { dir: 'evals/new-dev', corpus: path.join(ROOT, 'evals/corpus/new-dev'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout', corpus: path.join(ROOT, 'evals/corpus/new-heldout'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-dev2', corpus: path.join(ROOT, 'evals/corpus/new-dev2'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout2', corpus: path.join(ROOT, 'evals/corpus/new-heldout2'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-dev3', corpus: path.join(ROOT, 'evals/corpus/new-dev3'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout3', corpus: path.join(ROOT, 'evals/corpus/new-heldout3'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-dev4', corpus: path.join(ROOT, 'evals/corpus/new-dev4'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout4', corpus: path.join(ROOT, 'evals/corpus/new-heldout4'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout5', corpus: path.join(ROOT, 'evals/corpus/new-heldout5'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout6', corpus: path.join(ROOT, 'evals/corpus/new-heldout6'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout7', corpus: path.join(ROOT, 'evals/corpus/new-heldout7'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout8', corpus: path.join(ROOT, 'evals/corpus/new-heldout8'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout9', corpus: path.join(ROOT, 'evals/corpus/new-heldout9'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout10', corpus: path.join(ROOT, 'evals/corpus/new-heldout10'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout11', corpus: path.join(ROOT, 'evals/corpus/new-heldout11'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout12', corpus: path.join(ROOT, 'evals/corpus/new-heldout12'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout13', corpus: path.join(ROOT, 'evals/corpus/new-heldout13'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout14', corpus: path.join(ROOT, 'evals/corpus/new-heldout14'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout15', corpus: path.join(ROOT, 'evals/corpus/new-heldout15'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout16', corpus: path.join(ROOT, 'evals/corpus/new-heldout16'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout17', corpus: path.join(ROOT, 'evals/corpus/new-heldout17'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout18', corpus: path.join(ROOT, 'evals/corpus/new-heldout18'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout19', corpus: path.join(ROOT, 'evals/corpus/new-heldout19'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout20', corpus: path.join(ROOT, 'evals/corpus/new-heldout20'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout21', corpus: path.join(ROOT, 'evals/corpus/new-heldout21'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout22', corpus: path.join(ROOT, 'evals/corpus/new-heldout22'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-dev5', corpus: path.join(ROOT, 'evals/corpus/new-dev5'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-dev6', corpus: path.join(ROOT, 'evals/corpus/new-dev6'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-dev7', corpus: path.join(ROOT, 'evals/corpus/new-dev7'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout23', corpus: path.join(ROOT, 'evals/corpus/new-heldout23'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout24', corpus: path.join(ROOT, 'evals/corpus/new-heldout24'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout25', corpus: path.join(ROOT, 'evals/corpus/new-heldout25'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout26', corpus: path.join(ROOT, 'evals/corpus/new-heldout26'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout27', corpus: path.join(ROOT, 'evals/corpus/new-heldout27'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout28', corpus: path.join(ROOT, 'evals/corpus/new-heldout28'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout29', corpus: path.join(ROOT, 'evals/corpus/new-heldout29'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout30', corpus: path.join(ROOT, 'evals/corpus/new-heldout30'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout31', corpus: path.join(ROOT, 'evals/corpus/new-heldout31'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout32', corpus: path.join(ROOT, 'evals/corpus/new-heldout32'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout33', corpus: path.join(ROOT, 'evals/corpus/new-heldout33'), mustHold: 'questions.jsonl' },
  { dir: 'evals/new-heldout34', corpus: path.join(ROOT, 'evals/corpus/new-heldout34'), mustHold: 'questions.jsonl' },
]

describe.each(SETS)('$dir/*.jsonl', ({ dir, corpus: corpusDir, mustHold }) => {
  it('every line is valid and agrees with its corpus, ids unique', async () => {
    const corpus = await rawCorpus(corpusDir)
    const files = (await fs.readdir(path.join(ROOT, dir))).filter((f) => f.endsWith('.jsonl'))
    expect(files).toContain(mustHold)
    const ids = new Set<string>()
    for (const file of files) {
      for (const { line, item, error } of await readDataset(path.join(ROOT, dir, file))) {
        expect(error, `${file}:${line}`).toBeUndefined()
        expect(checkAgainstCorpus(item!, corpus), `${file}:${line}`).toEqual([])
        expect(ids.has(item!.id), `${file}:${line} repeats id ${item!.id}`).toBe(false)
        ids.add(item!.id)
      }
    }
  })
})

describe('readDataset', () => {
  it('reports malformed lines by number and keeps the rest', async () => {
    const file = path.join(await tempDir(), 'mixed.jsonl')
    const good = { id: 'a', question: '张家界高新区2020年工业总产值？', answers: ['23.05亿元'], source: '000_ef3de33d80b76fbe.txt', evidence: '完成工业总产值23.05亿元，增长4.26%', type: 'numeric' }
    await fs.writeFile(file, [JSON.stringify(good), '{oops', JSON.stringify({ ...good, id: 'b', type: 'poem' }), '', JSON.stringify({ ...good, id: 'c', evidence: '太短' })].join('\n'))
    const lines = await readDataset(file)
    expect(lines.map((l) => [l.line, l.item?.id, Boolean(l.error)])).toEqual([
      [1, 'a', false],
      [2, undefined, true],
      [3, undefined, true],
      [5, undefined, true],
    ])
    expect(lines[2]!.error).toContain('type')
    expect(lines[3]!.error).toContain('10–80')
  })

  it('flags evidence that is not in the source and answers given away by the question', async () => {
    const corpus = await rawCorpus(SEED_CORPUS)
    const item = { id: 'x', question: '23.05亿元是哪一年的工业总产值？', answers: ['23.05亿元'], source: '000_ef3de33d80b76fbe.txt', evidence: '完成工业总产值99.99亿元', type: 'numeric' as const }
    const problems = checkAgainstCorpus(item, corpus)
    expect(problems.some((p) => p.includes('not an exact substring'))).toBe(true)
    expect(problems.some((p) => p.includes('occurs in the question'))).toBe(true)
  })
})

describe('unanswerable items without a tempting passage', () => {
  it('accept source and evidence as null or absent (the contract allows both)', async () => {
    const file = path.join(await tempDir(), 'nulls.jsonl')
    const base = { id: 'u', question: '郴州高新区2020年工业总产值是多少？', answers: [], type: 'unanswerable' }
    await fs.writeFile(file, [JSON.stringify({ ...base, source: null, evidence: null }), JSON.stringify({ ...base, id: 'v' })].join('\n'))
    const lines = await readDataset(file)
    expect(lines.map((l) => l.error)).toEqual([undefined, undefined])
  })
})
