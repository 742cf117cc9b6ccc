import fs from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { copySeedIndex, SEED, tempDir } from '../../helpers.js'
import { PROCESS_TEST_MS, runCommand } from '../process.js'

const evalCli = (env: Record<string, string>, args: string[]) => runCommand('src/interfaces/eval/main.ts', { LOG_LEVEL: 'warn', ...env }, args)

/** A dataset the runner has never seen: new questions, one malformed line, one unknown source. */
const UNSEEN = [
  { id: 'new-1', question: '怀化高新区纳入市重点的项目开工率是多少？', answers: ['100%'], source: SEED.huaihua, evidence: '已开工项目28个,开工率100%', type: 'numeric' },
  { id: 'new-2', question: '东旭集团项目落户怀化高新区后奋战了多少天实现一条生产线点火？', answers: ['186天'], source: SEED.huaihua, evidence: '奋战186天,实现一条生产线点火', type: 'numeric' },
  '{"id": "broken", "question": ',
  { id: 'new-3', question: '怀化高新区2019年研发费用是多少？', answers: [], source: SEED.huaihua, type: 'unanswerable' },
  { id: 'new-4', question: '长沙高新区2020年工业总产值是多少？', answers: [], source: 'elsewhere.txt', type: 'unanswerable' },
]

// A child process that imports LangChain, ingests and runs the set three times.
describe('npm run eval', { timeout: PROCESS_TEST_MS }, () => {
  it('runs a dataset it has never seen, reports the malformed line by number and writes JSON and Markdown', async () => {
    const dir = await tempDir()
    const dataset = path.join(dir, 'unseen.jsonl')
    await fs.writeFile(dataset, UNSEEN.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n') + '\n')
    const env = { INDEX_DIR: await copySeedIndex() }
    const result = await evalCli(env, ['--dataset', dataset, '--json', path.join(dir, 'out.json'), '--md', path.join(dir, 'out.md'), '--mode', 'extractive'])
    expect(result.stderr).toContain('unseen.jsonl:3: skipped (not JSON')
    expect(result.stderr).toContain('new-4 names elsewhere.txt, which is not in')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('4 items (2 answerable, 2 unanswerable); mode extractive, retriever hybrid, k 5')
    expect(result.stdout).toMatch(/answer accuracy\s+1\.000/)

    const report = JSON.parse(await fs.readFile(path.join(dir, 'out.json'), 'utf8'))
    expect(Object.keys(report)).toEqual(['run', 'summary', 'by_type', 'items', 'malformed'])
    expect(Object.keys(report.summary)).toEqual(['n', 'hit_at_1', 'hit_at_5', 'mrr', 'answer_accuracy', 'refusal_accuracy', 'false_refusal_rate', 'citation_precision', 'latency_ms'])
    expect(report.summary).toMatchObject({ n: 4, hit_at_5: 1, answer_accuracy: 1, refusal_accuracy: 1, false_refusal_rate: 0 })
    expect(report.by_type.numeric).toEqual({ n: 2, answer_accuracy: 1, hit_at_5: 1 })
    expect(report.items.map((i: { id: string; correct: boolean }) => [i.id, i.correct])).toEqual([
      ['new-1', true],
      ['new-2', true],
      ['new-3', true],
      ['new-4', true],
    ])
    expect(Object.keys(report.items[0])).toEqual(['id', 'type', 'found', 'correct', 'hit_rank', 'answer', 'ms', 'mode', 'cited'])
    expect(report.malformed).toEqual([{ file: 'unseen.jsonl', line: 3, error: expect.stringContaining('not JSON') }])

    const md = await fs.readFile(path.join(dir, 'out.md'), 'utf8')
    expect(md).toMatch(/^\| hybrid \| .* \|$/m)
    expect(md).toMatch(/^\| BM25 only \| .* \|$/m)
    expect(md).toMatch(/^\| dense only \| .* \|$/m)
    expect(md).toContain('| unanswerable | 2 |')

    // A thresholds file that is not valid stops the run before it starts: typed error, exit 1.
    const gate = path.join(dir, 'thresholds.json')
    const min = { hit_at_1: 1, hit_at_5: 1, mrr: 1, answer_accuracy: 1.5, refusal_accuracy: 1, citation_precision: 1 }
    await fs.writeFile(gate, JSON.stringify({ dataset: 'unseen', mode: 'extractive', retriever: 'bm25', k: 5, min, max: { false_refusal_rate: 0 } }))
    const invalid = await evalCli(env, ['--dataset', dataset, '--retriever', 'bm25', '--mode', 'extractive', '--gate', gate])
    expect(invalid.code).toBe(1)
    expect(invalid.stderr).toMatch(/^error \[invalid_config\]: .*thresholds\.json: min\.answer_accuracy/m)
    expect(invalid.stderr).not.toMatch(/\n\s+at /)
  })
})
