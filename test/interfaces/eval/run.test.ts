import fs from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { AnswerRequest, AnswerResponse } from '../../../src/answer/types.js'
import { RequestError } from '../../../src/errors.js'
import type { EvalItem } from '../../../src/interfaces/eval/dataset.js'
import { gateFailures, ratchet, type Thresholds } from '../../../src/interfaces/eval/gate.js'
import { markedSection, renderMarkdown, renderText, writeMarkdown } from '../../../src/interfaces/eval/report.js'
import { loadDataset, runEval, type Dataset } from '../../../src/interfaces/eval/run.js'
import { tempDir } from '../../helpers.js'

const SOURCE = '000_ef3de33d80b76fbe.txt'
const item = (id: string, type: EvalItem['type'], answers: string[], evidence?: string): EvalItem => ({ id, question: `${id}?`, answers, source: SOURCE, evidence, type })

const ITEMS: EvalItem[] = [
  item('a', 'numeric', ['23.05亿元'], '完成工业总产值23.05亿元，增长4.26%'),
  item('b', 'numeric', ['19.27亿元'], '完成固定资产投资19.27亿元，增长16.6%'),
  item('c', 'entity', ['虢正贵'], '市委书记虢正贵出席活动并讲话'),
  item('d', 'unanswerable', []),
  item('e', 'unanswerable', []),
]

const cite = (n: number, text: string) => ({ n, id: `p${n}`, source: SOURCE, title: 't', park: 'p', text, score: 1 })

/** Canned answers per question: a hit at rank 1 (correct), a hit at rank 2 (refused), a hit at
 * rank 3 (wrong name), a correct refusal, and a rejected question. */
const CANNED: Record<string, AnswerResponse | Error> = {
  'a?': { answer: '完成工业总产值23.05亿元[1]', found: true, mode: 'extractive', cited: [1], citations: [cite(1, '完成工业总产值23.05亿元，增长4.26%'), cite(2, 'x')] },
  'b?': { answer: '没有', found: false, mode: 'extractive', cited: [], citations: [cite(1, 'x'), cite(2, '完成固定资产投资19.27亿元，增长16.6%')] },
  'c?': { answer: '某某[1]', found: true, mode: 'llm', cited: [1], citations: [{ ...cite(1, 'x'), page: 4 }, cite(2, 'y'), cite(3, '市委书记虢正贵出席活动并讲话')] },
  'd?': { answer: '没有', found: false, mode: 'extractive', cited: [], citations: [] },
  'e?': new RequestError('invalid_request', 'question: too long'),
}

async function cannedAnswer(request: AnswerRequest): Promise<AnswerResponse> {
  const canned = CANNED[request.question]!
  if (canned instanceof Error) throw canned
  return canned
}

const dataset: Dataset = { items: ITEMS.map((it, i) => ({ file: 'set.jsonl', line: i + 1, item: it })), malformed: [{ file: 'set.jsonl', line: 9, error: 'not JSON' }] }
const settings = { dataset: 'set.jsonl', mode: 'extractive' as const, retriever: 'hybrid' as const, k: 5 }

describe('runEval', () => {
  it('sums items up into the issue-7 report, keeps going past a rejected item and reports malformed lines', async () => {
    const report = await runEval(dataset, { settings, answer: cannedAnswer })
    const { latency_ms: latency, ...summary } = report.summary
    expect(summary).toEqual({
      n: 5,
      hit_at_1: 0.333,
      hit_at_5: 1,
      mrr: 0.611, // (1 + 1/2 + 1/3) / 3
      answer_accuracy: 0.333,
      refusal_accuracy: 0.5,
      false_refusal_rate: 0.333,
      citation_precision: 0.5, // a cites its evidence, c cites a passage without it
    })
    expect(latency.p95).toBeGreaterThanOrEqual(latency.p50)
    expect(report.by_type).toEqual({
      numeric: { n: 2, answer_accuracy: 0.5, hit_at_5: 1 },
      entity: { n: 1, answer_accuracy: 0, hit_at_5: 1 },
      unanswerable: { n: 2, answer_accuracy: 0.5, hit_at_5: null },
    })
    expect(report.items.map(({ ms: _ms, ...r }) => r)).toEqual([
      { id: 'a', type: 'numeric', found: true, correct: true, hit_rank: 1, answer: '完成工业总产值23.05亿元[1]', mode: 'extractive', cited: [{ source: SOURCE }] },
      { id: 'b', type: 'numeric', found: false, correct: false, hit_rank: 2, answer: '没有', mode: 'extractive', cited: [] },
      { id: 'c', type: 'entity', found: true, correct: false, hit_rank: 3, answer: '某某[1]', mode: 'llm', cited: [{ source: SOURCE, page: 4 }] },
      { id: 'd', type: 'unanswerable', found: false, correct: true, hit_rank: null, answer: '没有', mode: 'extractive', cited: [] },
      { id: 'e', type: 'unanswerable', found: false, correct: false, hit_rank: null, answer: '', mode: null, cited: [], error: 'invalid_request: question: too long' },
    ])
    expect(report.malformed).toEqual(dataset.malformed)

    const items = new Map(ITEMS.map((it) => [it.id, it]))
    const text = renderText(report, items)
    expect(text).toContain('5 items (3 answerable, 2 unanswerable)')
    expect(text).toMatch(/ b \[numeric\] b\?\n\s+expected 19\.27亿元; got \(refused\); hit rank 2/)
    expect(text).toContain('set.jsonl:9: not JSON')
    const md = renderMarkdown([report, { ...report, run: { ...settings, retriever: 'bm25' } }], items)
    expect(md).toContain('| hybrid | 0.333 | 1.000 | 0.611 | 0.333 | 0.500 | 0.333 | 0.500 |')
    expect(md).toContain('| unanswerable | 2 | 0.500 / — | 0.500 / — |')
    // Latencies change on every run: only asked for do they enter the Markdown, and then they change it.
    const slower = { ...report, summary: { ...report.summary, latency_ms: { p50: 999, p95: 9999 } } }
    expect(renderMarkdown([slower], items)).toBe(renderMarkdown([report], items))
    expect(md).not.toMatch(/latency/i)
    expect(renderMarkdown([slower], items, { latency: true })).toContain('\n\nLatency per question on the machine that made these tables (p50 / p95 ms): hybrid 999 / 9999.\n')
  })

  it('metrics with nothing to count are null', async () => {
    const onlyRefusal: Dataset = { items: [dataset.items[3]!], malformed: [] }
    const { summary } = await runEval(onlyRefusal, { settings, answer: cannedAnswer })
    expect(summary).toMatchObject({ n: 1, hit_at_1: null, mrr: null, answer_accuracy: null, citation_precision: null, refusal_accuracy: 1 })
  })
})

describe('loadDataset', () => {
  it('reads a directory of .jsonl files in name order and reports bad lines and repeated ids by file and line', async () => {
    const dir = await tempDir()
    const line = (it: EvalItem) => JSON.stringify(it)
    await fs.writeFile(path.join(dir, 'b.jsonl'), [line(ITEMS[1]!), line(ITEMS[0]!)].join('\n'))
    await fs.writeFile(path.join(dir, 'a.jsonl'), [line(ITEMS[0]!), '{"id": 1}'].join('\n'))
    await fs.writeFile(path.join(dir, 'notes.txt'), 'ignored')
    const loaded = await loadDataset(dir)
    expect(loaded.items.map((i) => `${i.file}:${i.line}:${i.item.id}`)).toEqual(['a.jsonl:1:a', 'b.jsonl:1:b'])
    expect(loaded.malformed.map((m) => `${m.file}:${m.line}`)).toEqual(['a.jsonl:2', 'b.jsonl:2'])
    expect(loaded.malformed[1]!.error).toBe('id a already used at a.jsonl:1')
    await expect(loadDataset(path.join(dir, 'missing.jsonl'))).rejects.toThrow('no such file')
  })
})

describe('gate', () => {
  const thresholds: Thresholds = {
    dataset: 'evals',
    mode: 'extractive',
    retriever: 'hybrid',
    k: 5,
    min: { hit_at_1: 0.9, hit_at_5: 1, mrr: 0.9, answer_accuracy: 0.8, refusal_accuracy: 0.9, citation_precision: 0.9 },
    max: { false_refusal_rate: 0.1 },
  }
  const summary = { n: 10, hit_at_1: 0.956, hit_at_5: 0.989, mrr: 0.97, answer_accuracy: 0.844, refusal_accuracy: 0.9, false_refusal_rate: 0.111, citation_precision: null, latency_ms: { p50: 1, p95: 2 } }

  it('names every metric past its threshold', () => {
    expect(gateFailures(summary, thresholds)).toEqual(['hit_at_5 0.989 is below its minimum 1', 'false_refusal_rate 0.111 is above its maximum 0.1'])
  })

  it('ratchets thresholds up to just under the run and never down', () => {
    expect(ratchet(thresholds, summary)).toEqual({
      ...thresholds,
      min: { hit_at_1: 0.95, hit_at_5: 1, mrr: 0.97, answer_accuracy: 0.84, refusal_accuracy: 0.9, citation_precision: 0.9 },
      max: { false_refusal_rate: 0.1 },
    })
    expect(ratchet({ ...thresholds, max: { false_refusal_rate: 0.3 } }, summary).max.false_refusal_rate).toBe(0.12)
  })
})

describe('writeMarkdown', () => {
  it('replaces only the text between markers on lines of their own, or writes the whole file', async () => {
    const file = path.join(await tempDir(), 'README.md')
    await fs.writeFile(file, 'intro `<!-- eval:begin -->` in prose\n<!-- eval:begin -->\nold\n<!-- eval:end -->\ntail\n')
    await writeMarkdown(file, '| new |')
    const text = await fs.readFile(file, 'utf8')
    expect(text).toBe('intro `<!-- eval:begin -->` in prose\n<!-- eval:begin -->\n| new |\n<!-- eval:end -->\ntail\n')
    expect(markedSection(text)).toBe('| new |')
    const plain = path.join(path.dirname(file), 'out.md')
    await writeMarkdown(plain, '| t |')
    expect(await fs.readFile(plain, 'utf8')).toBe('| t |\n')
  })
})
