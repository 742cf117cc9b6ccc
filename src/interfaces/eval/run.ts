import fs from 'node:fs/promises'
import path from 'node:path'
import { citedCitations, type AnswerRequest, type AnswerResponse } from '../../answer/types.js'
import { AppError, ConfigError } from '../../errors.js'
import type { RetrieverMode } from '../../retrieve/retriever.js'
import { EVAL_TYPES, readDataset, type EvalItem } from './dataset.js'
import { isAnswerable, scoreItem } from './score.js'

/** Runs eval items through `answer()` and sums them up in the report shape of issue 7. */

export interface LoadedItem {
  file: string
  line: number
  item: EvalItem
}

export interface Malformed {
  file: string
  line: number
  error: string
}

export interface Dataset {
  items: LoadedItem[]
  malformed: Malformed[]
}

/** A `.jsonl` file, or a directory whose `*.jsonl` files are read in name order. */
export async function loadDataset(target: string): Promise<Dataset> {
  let files: string[]
  try {
    const stat = await fs.stat(target)
    files = stat.isDirectory()
      ? (await fs.readdir(target)).filter((f) => f.endsWith('.jsonl')).sort().map((f) => path.join(target, f))
      : [target]
  } catch {
    throw new ConfigError(`--dataset ${target}: no such file or directory`)
  }
  if (files.length === 0) throw new ConfigError(`--dataset ${target}: no .jsonl files in this directory`)
  const dataset: Dataset = { items: [], malformed: [] }
  const seen = new Map<string, string>()
  for (const file of files) {
    const name = path.basename(file)
    for (const { line, item, error } of await readDataset(file)) {
      if (!item) {
        dataset.malformed.push({ file: name, line, error: error ?? 'invalid item' })
      } else if (seen.has(item.id)) {
        dataset.malformed.push({ file: name, line, error: `id ${item.id} already used at ${seen.get(item.id)}` })
      } else {
        seen.set(item.id, `${name}:${line}`)
        dataset.items.push({ file: name, line, item })
      }
    }
  }
  return dataset
}

export interface ItemResult {
  id: string
  type: EvalItem['type']
  found: boolean
  correct: boolean
  hit_rank: number | null
  answer: string
  ms: number
  /** The mode that produced the answer: `extractive` under `--mode llm` means the model failed. */
  mode: AnswerResponse['mode'] | null
  /** The files (and PDF pages) the answer cites, in order of first use. */
  cited: Array<{ source: string; page?: number }>
  /** Set when `answer()` rejected the item (e.g. a question over 1000 characters). */
  error?: string
}

/** null where a metric has nothing to count (e.g. refusal accuracy of a set with no unanswerable item). */
export interface Summary {
  n: number
  hit_at_1: number | null
  hit_at_5: number | null
  mrr: number | null
  answer_accuracy: number | null
  refusal_accuracy: number | null
  false_refusal_rate: number | null
  citation_precision: number | null
  latency_ms: { p50: number; p95: number }
}

export interface TypeSummary {
  n: number
  /** For `unanswerable`, the share correctly refused. */
  answer_accuracy: number | null
  hit_at_5: number | null
}

export interface RunSettings {
  dataset: string
  mode: AnswerResponse['mode']
  retriever: RetrieverMode
  k: number
}

export interface EvalReport {
  run: RunSettings
  summary: Summary
  by_type: Partial<Record<EvalItem['type'], TypeSummary>>
  items: ItemResult[]
  malformed: Malformed[]
}

interface Scored extends ItemResult {
  answerable: boolean
  citedEvidence: boolean | null
}

const round = (x: number) => Math.round(x * 1000) / 1000

function share<T>(items: T[], test: (item: T) => boolean): number | null {
  return items.length === 0 ? null : round(items.filter(test).length / items.length)
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

function summarize(results: Scored[]): Summary {
  const answerable = results.filter((r) => r.answerable)
  const unanswerable = results.filter((r) => !r.answerable)
  const answered = answerable.filter((r) => r.found)
  const ms = results.map((r) => r.ms).sort((a, b) => a - b)
  return {
    n: results.length,
    hit_at_1: share(answerable, (r) => r.hit_rank === 1),
    hit_at_5: share(answerable, (r) => r.hit_rank !== null && r.hit_rank <= 5),
    mrr: answerable.length === 0 ? null : round(answerable.reduce((sum, r) => sum + (r.hit_rank ? 1 / r.hit_rank : 0), 0) / answerable.length),
    answer_accuracy: share(answerable, (r) => r.correct),
    refusal_accuracy: share(unanswerable, (r) => r.correct),
    false_refusal_rate: share(answerable, (r) => !r.found),
    citation_precision: share(answered, (r) => r.citedEvidence === true),
    latency_ms: { p50: round(percentile(ms, 50)), p95: round(percentile(ms, 95)) },
  }
}

function byType(results: Scored[]): EvalReport['by_type'] {
  const out: EvalReport['by_type'] = {}
  for (const type of EVAL_TYPES) {
    const items = results.filter((r) => r.type === type)
    if (items.length === 0) continue
    const answerable = items.filter((r) => r.answerable)
    out[type] = {
      n: items.length,
      answer_accuracy: share(items, (r) => r.correct),
      hit_at_5: share(answerable, (r) => r.hit_rank !== null && r.hit_rank <= 5),
    }
  }
  return out
}

export interface RunOptions {
  settings: RunSettings
  answer: (request: AnswerRequest) => Promise<AnswerResponse>
  onItem?: (result: ItemResult, done: number, total: number) => void
}

/**
 * Items run one after another so that latencies are those of a lone request. A typed rejection of
 * one item (too long, unknown park) is recorded on that item and the run goes on; anything else
 * is a bug and stops the run.
 */
export async function runEval(dataset: Dataset, options: RunOptions): Promise<EvalReport> {
  const results: Scored[] = []
  // One untimed question first: loading the word segmenter and compiling patterns is a cost of
  // starting up (the benchmark's to measure), not of answering.
  const first = dataset.items[0]
  if (first) await options.answer({ question: first.item.question, k: options.settings.k }).catch(() => undefined)
  for (const { item } of dataset.items) {
    const started = performance.now()
    let result: Scored
    try {
      const response = await options.answer({ question: item.question, k: options.settings.k })
      const ms = round(performance.now() - started)
      const score = scoreItem(item, response)
      result = { id: item.id, type: item.type, found: response.found, correct: score.correct, hit_rank: score.hitRank, answer: response.answer, ms, mode: response.mode, cited: citedSources(response), answerable: isAnswerable(item), citedEvidence: score.citedEvidence }
    } catch (error) {
      if (!(error instanceof AppError)) throw error
      const ms = round(performance.now() - started)
      result = { id: item.id, type: item.type, found: false, correct: false, hit_rank: null, answer: '', ms, mode: null, cited: [], error: `${error.code}: ${error.message}`, answerable: isAnswerable(item), citedEvidence: null }
    }
    results.push(result)
    options.onItem?.(publicResult(result), results.length, dataset.items.length)
  }
  return { run: options.settings, summary: summarize(results), by_type: byType(results), items: results.map(publicResult), malformed: dataset.malformed }
}

function citedSources(response: AnswerResponse): ItemResult['cited'] {
  return citedCitations(response).map((c) => ({ source: c.source, ...(c.page !== undefined ? { page: c.page } : {}) }))
}

function publicResult({ answerable: _answerable, citedEvidence: _cited, ...result }: Scored): ItemResult {
  return result
}
