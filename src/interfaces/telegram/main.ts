import { pino } from 'pino'
import { configFromEnvironment } from '../../config.js'
import { ConfigError } from '../../errors.js'
import { helpAsked, runCli } from '../cli/run.js'
import { stopOnSignals } from '../signals.js'

/** `npm run bot`: the Telegram bot alone, by long polling (no HTTP server). */

const USAGE = `Usage: npm run bot [-- --help]
       node dist/interfaces/telegram/main.js     (after npm run build)

Runs the Telegram bot alone, by long polling: it answers from the index in INDEX_DIR (brought up
to date with CORPUS_DIR first). Needs TELEGRAM_BOT_TOKEN; TELEGRAM_ALLOWED_CHATS limits who may
use it. npm start runs the same bot beside the HTTP API (and takes webhooks).
Settings are environment variables, or lines of .env in the working directory (see .env.example).
SIGTERM or SIGINT stops it once answers in progress are sent (SHUTDOWN_GRACE_MS).`

runCli(async () => {
  if (helpAsked(USAGE)) return
  const { config, envFile, warnings } = configFromEnvironment()
  const { token } = config.telegram
  if (!token) {
    // A misspelt token variable is the likeliest reason: say which.
    throw new ConfigError(`TELEGRAM_BOT_TOKEN is not set. Create a bot with @BotFather (see README, "Telegram bot") and set its token.${warnings.map((w) => `\n  ${w}`).join('')}`)
  }
  if (config.telegram.webhookUrl) {
    throw new ConfigError('TELEGRAM_WEBHOOK_URL is set: webhook updates are taken by the HTTP server, so run `npm start` instead (or unset it to long-poll with `npm run bot`).')
  }
  const log = pino({ level: config.logLevel, base: { service: 'parkqa-bot' } })
  if (envFile) log.info(`settings read from ${envFile} (variables already set win)`)
  for (const warning of warnings) log.warn(warning)

  // Imported only once the configuration is known to be good, so that a bad setting is reported at once.
  const { fromPino } = await import('../../log.js')
  const { liveIndexFor, openServedIndex } = await import('../setup.js')
  const { createBot } = await import('./bot.js')

  const logger = fromPino(log)
  const live = await liveIndexFor(config, logger)
  const bot = createBot({ telegram: { ...config.telegram, token }, live, logger })
  // Telegram first: a refused token is reported at once, not after the index is built. Questions
  // arriving meanwhile wait (told once) and are answered when the index is served.
  await bot.startPolling()
  try {
    live.serve(await openServedIndex(config, logger))
  } catch (error) {
    await bot.stop(0)
    throw error
  }
  live.watch(config.indexPollMs)

  stopOnSignals(log, 'no new updates; letting answers in progress finish', async () => {
    live.close()
    // As `npm start` does: answers still waiting for the model near the end are written extractively.
    const hurry = setTimeout(() => live.hurry(), Math.max(0, config.shutdownGraceMs - 2_000))
    await bot.stop(config.shutdownGraceMs)
    clearTimeout(hurry)
  })

  // Telegram ending the polling (a revoked token, a second poller) ends the command, with the reason.
  await bot.polling
})
