import { pino } from 'pino'
import { configFromEnvironment } from '../../config.js'
import { AppError } from '../../errors.js'
import { helpAsked, runCli } from '../cli/run.js'
import { stopOnSignals } from '../signals.js'

/** `npm start` (or `node dist/interfaces/http/main.js`): wires the configuration, logs and signals to the HTTP service (and the Telegram bot when a token is set). */

const USAGE = `Usage: npm start [-- --help]
       node dist/interfaces/http/main.js     (after npm run build: what a supervisor runs)

Serves the chat page (GET /) and the HTTP API (POST /ask, GET /parks, GET /healthz,
GET /openapi.json) on PORT (default 3000), and the
Telegram bot as well when TELEGRAM_BOT_TOKEN is set. It first brings the index in INDEX_DIR up to
date with the documents in CORPUS_DIR, and serves the existing index if that fails.
Settings are environment variables, or lines of .env in the working directory (see .env.example).
SIGTERM or SIGINT stops it: no new connections, requests in flight finish (SHUTDOWN_GRACE_MS).`

runCli(async () => {
  if (helpAsked(USAGE)) return
  const { config, envFile, warnings } = configFromEnvironment()
  const log = pino({ level: config.logLevel, base: { service: 'parkqa' } })
  if (envFile) log.info(`settings read from ${envFile} (variables already set win)`)
  for (const warning of warnings) log.warn(warning)

  // Imported only once the configuration is known to be good, so that a bad setting is reported at once.
  const { startService } = await import('./service.js')
  const service = await startService(config, log)
  stopOnSignals(log, 'no new connections or updates; letting work in flight finish', () => service.stop())

  service.ready.catch(async (error: unknown) => {
    const known = error instanceof AppError
    log.error(known ? { code: error.code } : { err: error }, `no index can be served: ${(error as Error).message}`)
    await service.stop(0)
    process.exit(1)
  })
})
