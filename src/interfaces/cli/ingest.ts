import { parseArgs } from 'node:util'
import { configFromEnvironment } from '../../config.js'
import { UsageError } from '../../errors.js'
import type { IngestReport } from '../../index/ingest.js'
import { createLogger } from '../../log.js'
import { runCli } from './run.js'

const USAGE = `Usage: npm run ingest [-- --force]

Builds the search index from the documents in CORPUS_DIR (default ./corpus) into INDEX_DIR
(default ./data/index). Unchanged documents are reused; --force rebuilds everything.`

/** Names a few documents; a large corpus gets counts only, so the summary stays one short line. */
function names(list: string[]): string {
  return list.length === 0 || list.length > 5 ? '' : ` (${list.join(', ')})`
}

/** "5 documents (4 txt, 1 pdf)": the counts per format say which loaders read the corpus. */
function documents(report: IngestReport): string {
  return `${report.documents} documents (${report.formats.map(([format, n]) => `${n} ${format}`).join(', ')})`
}

export function summary(report: IngestReport): string {
  const seconds = (report.ms / 1000).toFixed(2)
  const size = (report.bytes / 1024 / 1024).toFixed(2)
  if (report.upToDate) {
    return `ingest: up to date — ${documents(report)}, ${report.chunks} passages, version ${report.version}, ${size} MB; nothing changed (${seconds} s)`
  }
  return (
    `ingest: ${documents(report)}, ${report.chunks} passages → version ${report.version}, ${size} MB, ${seconds} s; ` +
    `added ${report.added.length}${names(report.added)}, changed ${report.changed.length}${names(report.changed)}, ` +
    `removed ${report.removed.length}${names(report.removed)}, reused ${report.reused.length}; embedded ${report.embedded} passages`
  )
}

runCli(async () => {
  let args
  try {
    args = parseArgs({ options: { force: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } } })
  } catch (error) {
    throw new UsageError('invalid_usage', `${(error as Error).message}\n${USAGE}`)
  }
  if (args.values.help) {
    process.stdout.write(USAGE + '\n')
    return
  }
  const { config, envFile, warnings } = configFromEnvironment()
  const logger = createLogger(config.logLevel)
  if (envFile) logger.debug(`settings read from ${envFile}`)
  for (const warning of warnings) logger.warn(warning)
  // Imported once the configuration is known to be good, so that a bad setting is reported at once.
  const { ingest } = await import('../../index/ingest.js')
  logger.info(`ingest: reading ${config.corpusDir}${args.values.force ? ' (rebuilding everything)' : ''}`)
  const report = await ingest({ corpusDir: config.corpusDir, indexDir: config.indexDir, config, ef: config.hnswEf, maxFileBytes: config.maxFileBytes, logger, force: args.values.force })
  process.stdout.write(summary(report) + '\n')
})
