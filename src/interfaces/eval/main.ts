import fs from 'node:fs/promises'
import { loadConfig } from '../../config.js'
import { ConfigError } from '../../errors.js'
import { createLogger } from '../../log.js'
import { RETRIEVER_MODES, type RetrieverMode } from '../../retrieve/retriever.js'
import { runCli } from '../cli/run.js'
import { answererFor, openIndex } from '../setup.js'
import { sourcesOf } from './dataset.js'
import { gateFailures, ratchet, readThresholds } from './gate.js'
import { parseEvalArgs, USAGE } from './options.js'
import { renderMarkdown, renderText, writeMarkdown } from './report.js'
import { loadDataset, runEval, type EvalReport, type RunSettings } from './run.js'

runCli(async () => {
  const options = parseEvalArgs(process.argv.slice(2))
  if (options.help) {
    process.stdout.write(USAGE + '\n')
    return
  }
  const config = loadConfig()
  const logger = createLogger(config.logLevel)
  const mode: RunSettings['mode'] = options.mode ?? (config.llmEnabled ? 'llm' : 'extractive')
  if (mode === 'llm' && !config.llmEnabled) throw new ConfigError('--mode llm needs a model: set OPENAI_BASE_URL (any OpenAI-compatible server) or OPENAI_API_KEY')
  const gate = options.gate ? { file: options.gate, thresholds: await readThresholds(options.gate) } : undefined
  const wanted = gate?.thresholds
  if (gate && wanted && (wanted.mode !== mode || wanted.retriever !== options.retriever || wanted.k !== options.k)) {
    throw new ConfigError(`${gate.file} holds thresholds for mode ${wanted.mode}, retriever ${wanted.retriever}, k ${wanted.k}; this run is mode ${mode}, retriever ${options.retriever}, k ${options.k}`)
  }

  const dataset = await loadDataset(options.dataset)
  for (const m of dataset.malformed) logger.warn(`${m.file}:${m.line}: skipped (${m.error})`)
  if (dataset.items.length === 0) throw new ConfigError(`${options.dataset}: no valid eval items`)

  // The eval measures the corpus as it is now, not whatever index was last built.
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
  process.stdout.write(renderText(report, items) + '\n')
  if (options.json) await fs.writeFile(options.json, JSON.stringify(report, null, 2) + '\n')
  if (options.md) {
    const reports = [report]
    for (const other of RETRIEVER_MODES) if (other !== options.retriever) reports.push(await run(other))
    reports.sort((a, b) => RETRIEVER_MODES.indexOf(a.run.retriever) - RETRIEVER_MODES.indexOf(b.run.retriever))
    await writeMarkdown(options.md, renderMarkdown(reports, items))
  }

  if (gate) {
    const failures = gateFailures(report.summary, gate.thresholds)
    if (options.ratchet && failures.length === 0) {
      await fs.writeFile(gate.file, JSON.stringify(ratchet(gate.thresholds, report.summary), null, 2) + '\n')
      logger.info(`gate: thresholds in ${gate.file} raised to just under this run`)
    }
    for (const failure of failures) process.stderr.write(`gate: ${failure}\n`)
    if (failures.length > 0) return 1
    logger.info(`gate: every metric meets ${gate.file}`)
  }
})
