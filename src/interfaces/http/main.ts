import { pino } from 'pino'
import { loadConfig } from '../../config.js'
import { AppError } from '../../errors.js'
import { runCli } from '../cli/run.js'
import { stopOnSignals } from '../signals.js'

/** `npm start`: wires the configuration, logs and signals to the HTTP service (and the Telegram bot when a token is set). */

runCli(async () => {
  const config = loadConfig()
  const log = pino({ level: config.logLevel, base: { service: 'parkqa' } })

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
