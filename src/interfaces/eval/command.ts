import { createHash } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { loadConfig, type Config } from '../../config.js'
import { ConfigError } from '../../errors.js'
import { createLogger } from '../../log.js'
import { RETRIEVER_MODES, type RetrieverMode } from '../../retrieve/retriever.js'
import { answererFor, openIndex } from '../setup.js'
import { sourcesOf } from './dataset.js'
import { gateFailures, ratchet, readThresholds } from './gate.js'
import { parseEvalArgs, USAGE } from './options.js'
import { renderMarkdown, renderText, writeMarkdown } from './report.js'
import { loadDataset, runEval, type EvalReport, type RunSettings } from './run.js'

/** Where `npm run eval` reads its settings and writes its output; main.ts passes the process's own. */
export interface EvalIO {
  env: NodeJS.ProcessEnv
  /** The report: stdout. */
  out: (text: string) => void
  /** Log lines and gate failures: stderr. */
  err: (text: string) => void
}

/**
 * The index of an eval over `--corpus DIR`: a directory of its own beside INDEX_DIR, named after
 * the corpus. It never replaces the index `npm start` serves, and, unlike a temporary directory,
 * it survives the run, so the next eval of the same corpus re-embeds nothing (with
 * EMBEDDINGS=openai, re-embedding is paid for).
 */
export function corpusIndexDir(indexDir: string, corpusDir: string): string {
  const tag = createHash('sha256').update(corpusDir).digest('hex').slice(0, 8)
  return path.join(path.dirname(indexDir), 'eval-index', `${path.basename(corpusDir)}-${tag}`)
}

/** The configuration of the run: `--corpus` replaces CORPUS_DIR and gets its own index. */
function evalConfig(config: Config, corpus: string | undefined): Config {
  if (corpus === undefined) return config
  const corpusDir = path.resolve(corpus)
  return { ...config, corpusDir, indexDir: corpusIndexDir(config.indexDir, corpusDir) }
}

/** `npm run eval`: runs the eval, writes the reports, checks the gate; resolves to the exit code. */
export async function evalCommand(argv: string[], io: EvalIO): Promise<number> {
  const options = parseEvalArgs(argv)
  if (options.help) {
    io.out(USAGE + '\n')
    return 0
  }
  const config = evalConfig(loadConfig(io.env), options.corpus)
  const logger = createLogger(config.logLevel, (line) => io.err(line + '\n'))
  const mode: RunSettings['mode'] = options.mode ?? (config.llmEnabled ? 'llm' : 'extractive')
  if (mode === 'llm' && !config.llmEnabled) throw new ConfigError('--mode llm needs a model: set OPENAI_BASE_URL (any OpenAI-compatible server) or OPENAI_API_KEY, or name another provider in LLM_MODEL')
  const gate = options.gate ? { file: options.gate, thresholds: await readThresholds(options.gate) } : undefined
  const wanted = gate?.thresholds
  if (gate && wanted && (wanted.mode !== mode || wanted.retriever !== options.retriever || wanted.k !== options.k)) {
    throw new ConfigError(`${gate.file} holds thresholds for mode ${wanted.mode}, retriever ${wanted.retriever}, k ${wanted.k}; this run is mode ${mode}, retriever ${options.retriever}, k ${options.k}`)
  }

  const dataset = await loadDataset(options.dataset)
  for (const m of dataset.malformed) logger.warn(`${m.file}:${m.line}: skipped (${m.error})`)
  if (dataset.items.length === 0) throw new ConfigError(`${options.dataset}: no valid eval items`)

  // The eval measures the corpus as it is now, not whatever index was last built.
  if (options.corpus !== undefined) logger.info(`eval: answering from ${config.corpusDir}, indexed in ${config.indexDir}`)
  const index = await openIndex(config, logger, { refresh: true })
  const known = new Set(index.sources())
  for (const { file, line, item } of dataset.items) {
    const missing = sourcesOf(item).filter((s) => !known.has(s))
    if (missing.length > 0) logger.warn(`${file}:${line}: ${item.id} names ${missing.join(', ')}, which is not in ${config.corpusDir}; it can only be scored on its answer`)
  }

  const run = async (chosen: RetrieverMode): Promise<EvalReport> => {
    const answerer = await answererFor(config, index, logger, { llm: mode === 'llm', retriever: chosen })
    return runEval(dataset, {
      settings: { dataset: options.dataset, mode, retriever: chosen, k: options.k },
      answer: (request) => answerer.answer(request),
      onItem: (result, done, total) => {
        if (mode === 'llm' && done % 10 === 0) logger.info(`eval ${chosen}: ${done}/${total}`)
        if (result.error) logger.warn(`${result.id}: ${result.error}`)
      },
    })
  }

  const report = await run(options.retriever)
  const items = new Map(dataset.items.map(({ item }) => [item.id, item]))
  io.out(renderText(report, items) + '\n')
  if (options.json) await fs.writeFile(options.json, JSON.stringify(report, null, 2) + '\n')
  if (options.md) {
    const reports = [report]
    for (const other of RETRIEVER_MODES) if (other !== options.retriever) reports.push(await run(other))
    reports.sort((a, b) => RETRIEVER_MODES.indexOf(a.run.retriever) - RETRIEVER_MODES.indexOf(b.run.retriever))
    await writeMarkdown(options.md, renderMarkdown(reports, items, { latency: options.latency }), options.section)
  }

  if (gate) {
    const failures = gateFailures(report.summary, gate.thresholds)
    if (options.ratchet && failures.length === 0) {
      await fs.writeFile(gate.file, JSON.stringify(ratchet(gate.thresholds, report.summary), null, 2) + '\n')
      logger.info(`gate: thresholds in ${gate.file} raised to just under this run`)
    }
    for (const failure of failures) io.err(`gate: ${failure}\n`)
    if (failures.length > 0) return 1
    logger.info(`gate: every metric meets ${gate.file}`)
  }
  return 0
}
