import { parseArgs } from 'node:util'
import { ConfigError } from '../../errors.js'
import { RETRIEVER_MODES, type RetrieverMode } from '../../retrieve/retriever.js'

export const USAGE = `Usage: npm run eval -- --dataset PATH [--corpus DIR] [--json OUT] [--md OUT [--section NAME] [--latency]]
                        [--mode extractive|llm] [--retriever hybrid|bm25|dense] [--k N]
                        [--gate FILE [--ratchet]]

Runs every item of an eval set (a .jsonl file, or a directory of them) through answer() and
prints hit@1/hit@5/MRR, answer and refusal accuracy, citation precision and latency, per type.
  --corpus DIR      ingest and answer from the documents in DIR instead of CORPUS_DIR, with an
                    index of its own beside INDEX_DIR (never the one npm start serves); npm run
                    quality uses evals/corpus/seed, the documents evals/*.jsonl are written about
  --json OUT        write {summary, by_type, items, ...} to OUT
  --md OUT          write Markdown comparing hybrid, BM25-only and dense-only retrieval, per type;
                    when OUT holds <!-- eval:begin --> … <!-- eval:end --> only that part is replaced
  --section NAME    with --md: the markers to fill, <!-- NAME:begin --> … <!-- NAME:end --> (default eval)
  --latency         with --md: add a line of p50/p95 latencies (off by default: they change on
                    every run, and the README's tables should change only when the answers do)
  --mode M          extractive, or llm (needs OPENAI_BASE_URL or OPENAI_API_KEY); default: llm
                    when a model is configured, else extractive
  --retriever R     retrieval for the run and its JSON report (default hybrid)
  --k N             passages per question, 1–20 (default 5)
  --gate FILE       exit 1 when a metric is worse than the thresholds in FILE (evals/thresholds.json)
  --ratchet         with --gate: raise the thresholds in FILE to just under this run`

export interface EvalOptions {
  help: boolean
  dataset: string
  /** undefined: the configured CORPUS_DIR and INDEX_DIR. */
  corpus?: string
  json?: string
  md?: string
  /** The marked section of `md` to fill. */
  section: string
  /** Latencies in the Markdown too. */
  latency: boolean
  /** undefined: llm when a model is configured, else extractive (decided with the config). */
  mode?: 'extractive' | 'llm'
  retriever: RetrieverMode
  k: number
  gate?: string
  ratchet: boolean
}

/** The command line of `npm run eval`, checked; a bad option is a ConfigError carrying the usage. */
export function parseEvalArgs(argv: string[]): EvalOptions {
  let values
  try {
    values = parseArgs({
      args: argv,
      options: {
        dataset: { type: 'string' },
        corpus: { type: 'string' },
        json: { type: 'string' },
        md: { type: 'string' },
        section: { type: 'string', default: 'eval' },
        latency: { type: 'boolean', default: false },
        mode: { type: 'string' },
        retriever: { type: 'string', default: 'hybrid' },
        k: { type: 'string', default: '5' },
        gate: { type: 'string' },
        ratchet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n${USAGE}`)
  }
  if (values.help) return { help: true, dataset: '', section: 'eval', latency: false, retriever: 'hybrid', k: 5, ratchet: false }
  if (!values.dataset) throw new ConfigError(`--dataset is required.\n${USAGE}`)
  const retriever = values.retriever as RetrieverMode
  if (!RETRIEVER_MODES.includes(retriever)) throw new ConfigError(`--retriever must be one of ${RETRIEVER_MODES.join(', ')}`)
  const k = Number(values.k)
  if (!Number.isInteger(k) || k < 1 || k > 20) throw new ConfigError('--k must be a whole number 1–20')
  if (values.mode !== undefined && values.mode !== 'extractive' && values.mode !== 'llm') throw new ConfigError('--mode must be extractive or llm')
  if (values.ratchet && !values.gate) throw new ConfigError('--ratchet needs --gate FILE')
  if (values.corpus?.trim() === '') throw new ConfigError('--corpus needs a directory')
  if (!/^[a-z][a-z0-9-]*$/.test(values.section)) throw new ConfigError('--section must be lower-case letters, digits and -, starting with a letter')
  return { help: false, dataset: values.dataset, corpus: values.corpus, json: values.json, md: values.md, section: values.section, latency: values.latency, mode: values.mode, retriever, k, gate: values.gate, ratchet: values.ratchet }
}
