import fs from 'node:fs/promises'
import { ConfigError } from '../../errors.js'
import { EVAL_TYPES, type EvalItem } from './dataset.js'
import type { EvalReport, Summary } from './run.js'

/** The eval report as a person reads it: a terminal table, and Markdown for README/notes. */

const fixed = (x: number | null) => (x === null ? '—' : x.toFixed(3))

const METRICS: [keyof Omit<Summary, 'n' | 'latency_ms'>, string][] = [
  ['hit_at_1', 'hit@1'],
  ['hit_at_5', 'hit@5'],
  ['mrr', 'MRR'],
  ['answer_accuracy', 'answer accuracy'],
  ['refusal_accuracy', 'refusal accuracy'],
  ['false_refusal_rate', 'false refusal rate'],
  ['citation_precision', 'citation precision'],
]

function counts(report: EvalReport, items: Map<string, EvalItem>): string {
  const unanswerable = report.items.filter((r) => items.get(r.id)?.answers.length === 0).length
  return `${report.summary.n} items (${report.summary.n - unanswerable} answerable, ${unanswerable} unanswerable)`
}

const clip = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, ' ')
  return flat.length > max ? `${flat.slice(0, max)}…` : flat
}

export function renderText(report: EvalReport, items: Map<string, EvalItem>): string {
  const { run, summary } = report
  const lines = [`eval: ${run.dataset} — ${counts(report, items)}; mode ${run.mode}, retriever ${run.retriever}, k ${run.k}`, '']
  for (const [key, label] of METRICS) lines.push(`  ${label.padEnd(20)}${fixed(summary[key])}`)
  lines.push(`  ${'latency p50 / p95'.padEnd(20)}${summary.latency_ms.p50} / ${summary.latency_ms.p95} ms`, '')
  lines.push(`  ${'type'.padEnd(14)}${'n'.padStart(4)}  ${'answer acc'.padEnd(12)}hit@5`)
  for (const [type, t] of Object.entries(report.by_type)) lines.push(`  ${type.padEnd(14)}${String(t.n).padStart(4)}  ${fixed(t.answer_accuracy).padEnd(12)}${fixed(t.hit_at_5)}`)
  const misses = report.items.filter((r) => !r.correct)
  if (misses.length > 0) lines.push('', `Misses (${misses.length}):`)
  for (const miss of misses) {
    const item = items.get(miss.id)
    const expected = item && item.answers.length > 0 ? item.answers.join(' | ') : '(refusal)'
    const got = miss.error ?? (miss.found ? clip(miss.answer, 80) : '(refused)')
    lines.push(`  ${miss.id} [${miss.type}] ${clip(item?.question ?? '', 60)}`, `      expected ${clip(expected, 60)}; got ${got}; hit rank ${miss.hit_rank ?? '—'}`)
  }
  if (report.malformed.length > 0) lines.push('', `Skipped malformed lines (${report.malformed.length}):`)
  for (const m of report.malformed) lines.push(`  ${m.file}:${m.line}: ${m.error}`)
  return lines.join('\n')
}

const RETRIEVER_LABEL: Record<string, string> = { hybrid: 'hybrid', bm25: 'BM25 only', dense: 'dense only' }
const retrieverLabel = (r: EvalReport) => RETRIEVER_LABEL[r.run.retriever] ?? r.run.retriever

/**
 * Markdown comparing runs of the same dataset (one per retriever): the metric table, then answer
 * accuracy / hit@5 per type. Latencies only when asked for (`latency`): they belong to the machine
 * and the moment, the tables to the code and the data — a README refreshed by `npm run quality`
 * changes only when the code's answers do.
 */
export function renderMarkdown(reports: EvalReport[], items: Map<string, EvalItem>, { latency = false } = {}): string {
  const first = reports[0]
  if (!first) return ''
  const { run } = first
  const out = [
    `Offline eval of \`${run.dataset}\`: ${counts(first, items)}; mode ${run.mode}, k ${run.k}.`,
    '',
    `| retriever | ${METRICS.map(([, label]) => label).join(' | ')} |`,
    `| --- |${METRICS.map(() => ' ---: |').join('')}`,
  ]
  for (const r of reports) out.push(`| ${retrieverLabel(r)} | ${METRICS.map(([key]) => fixed(r.summary[key])).join(' | ')} |`)
  out.push('', 'Answer accuracy / hit@5 per question type (for unanswerable: share correctly refused):', '')
  out.push(`| type | n | ${reports.map(retrieverLabel).join(' | ')} |`, `| --- | ---: |${reports.map(() => ' --- |').join('')}`)
  for (const type of EVAL_TYPES) {
    const n = first.by_type[type]?.n
    if (n === undefined) continue
    const cells = reports.map((r) => {
      const t = r.by_type[type]
      return t ? `${fixed(t.answer_accuracy)} / ${fixed(t.hit_at_5)}` : '—'
    })
    out.push(`| ${type} | ${n} | ${cells.join(' | ')} |`)
  }
  if (latency) out.push('', `Latency per question on the machine that made these tables (p50 / p95 ms): ${reports.map((r) => `${retrieverLabel(r)} ${r.summary.latency_ms.p50} / ${r.summary.latency_ms.p95}`).join('; ')}.`)
  if (first.malformed.length > 0) out.push('', `${first.malformed.length} malformed line(s) skipped: ${first.malformed.map((m) => `${m.file}:${m.line}`).join(', ')}.`)
  return out.join('\n')
}


/**
 * Where the generated part of a file lies: between `<!-- name:begin -->` and `<!-- name:end -->`,
 * each on a line of its own (`eval` for the Quality table, `bench` for the benchmarks').
 */
function markedSpan(text: string, name: string): { start: number; end: number } | undefined {
  const begin = new RegExp(`^<!-- ${name}:begin -->$`, 'm').exec(text)
  if (!begin) return undefined
  const start = begin.index + begin[0].length
  const end = new RegExp(`^<!-- ${name}:end -->$`, 'm').exec(text.slice(start))
  return end ? { start, end: start + end.index } : undefined
}

/** The generated Markdown in a file written by `writeMarkdown` (undefined without markers). */
export function markedSection(text: string, name = 'eval'): string | undefined {
  const span = markedSpan(text, name)
  return span && text.slice(span.start, span.end).trim()
}

/**
 * Writes the Markdown to `file`; when the file already holds the begin/end markers only the text
 * between them is replaced, so `--md README.md` refreshes the README's Quality section in place.
 */
export async function writeMarkdown(file: string, markdown: string, name = 'eval'): Promise<void> {
  const existing = await fs.readFile(file, 'utf8').catch(() => undefined)
  const span = existing === undefined ? undefined : markedSpan(existing, name)
  if (existing === undefined) await fs.writeFile(file, markdown + '\n')
  else if (span) await fs.writeFile(file, `${existing.slice(0, span.start)}\n${markdown}\n${existing.slice(span.end)}`)
  // An existing file without the markers is someone's document, not a report to overwrite.
  else throw new ConfigError(`${file} exists but holds no <!-- ${name}:begin --> and <!-- ${name}:end --> lines: add them where the table belongs, or write to a new file`)
}
