import { parseArgs } from 'node:util'
import { configFromEnvironment } from '../../config.js'
import { UsageError } from '../../errors.js'
import { createLogger } from '../../log.js'
import { parseRequest } from '../../answer/request.js'
import type { AnswerResponse } from '../../answer/types.js'
import { runCli } from './run.js'

const USAGE = `Usage: npm run ask -- [--json] [--park NAME] [--k N] "问题"

Answers a question from the documents and lists the passages it cites.
  --json       print exactly the POST /ask response body (nothing else on stdout)
  --park NAME  only passages of this park (any of its names)
  --k N        number of passages to retrieve and cite, 1–20 (default 5)`

export function formatReadable(response: AnswerResponse): string {
  const lines = [response.answer, '', `(${response.found ? 'answered' : 'not in the documents'}, ${response.mode})`]
  if (response.citations.length > 0) lines.push('', response.found ? 'Sources:' : 'Closest passages:')
  for (const c of response.citations) {
    const excerpt = c.text.replace(/\s+/g, ' ')
    lines.push(`[${c.n}] ${c.title} — ${c.park} (${c.source}${c.page !== undefined ? `, p. ${c.page}` : ''}, score ${c.score})`, `    ${excerpt.length > 160 ? `${excerpt.slice(0, 160)}…` : excerpt}`)
  }
  return lines.join('\n')
}

runCli(async () => {
  let args
  try {
    args = parseArgs({
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, park: { type: 'string' }, k: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    })
  } catch (error) {
    throw new UsageError('invalid_usage', `${(error as Error).message}\n${USAGE}`)
  }
  if (args.values.help) {
    process.stdout.write(USAGE + '\n')
    return
  }
  const question = args.positionals.join(' ').trim()
  if (question === '') throw new UsageError('missing_question', `No question given.\n${USAGE}`)
  const request = { question, k: args.values.k === undefined ? undefined : Number(args.values.k), park: args.values.park }
  // A bad request or setting is reported before the (slow) imports and the index load.
  parseRequest(request)
  const { config, envFile, warnings } = configFromEnvironment()
  const logger = createLogger(config.logLevel)
  if (envFile) logger.debug(`settings read from ${envFile}`)
  for (const warning of warnings) logger.warn(warning)
  const { answererFor, openIndex } = await import('../setup.js')
  const index = await openIndex(config, logger)
  const response = await (await answererFor(config, index, logger)).answer(request)
  process.stdout.write((args.values.json ? JSON.stringify(response) : formatReadable(response)) + '\n')
})
