import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger as Pino } from 'pino'
import type { Config } from '../../config.js'
import { BotError } from '../../errors.js'
import { fromPino, type Logger } from '../../log.js'
import { liveIndexFor, openServedIndex } from '../setup.js'
import type { TelegramBot } from '../telegram/bot.js'
import { createApp, type TelegramWebhook } from './app.js'
import { listen, type RunningServer } from './server.js'

export interface Service {
  url: string
  port: number
  /**
   * Graceful: no new connections or updates, work in flight finishes (up to `graceMs`, default
   * SHUTDOWN_GRACE_MS) — extractively once the grace period is about to end — and the index
   * watcher stops.
   */
  stop(graceMs?: number): Promise<void>
  /** Resolves once the first index is served; rejects when none can be. */
  ready: Promise<void>
  /** The Telegram bot, when TELEGRAM_BOT_TOKEN is set. */
  bot?: TelegramBot
}

/** Before a shutdown's grace period ends, the time left for answers in flight to be written extractively and sent. */
const EXTRACTIVE_MARGIN_MS = 2_000

/** How long to wait before trying to reach Telegram again when it cannot be reached at start. */
const BOT_RETRY_MS = 10_000

function packageVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string }
  return manifest.version ?? '0.0.0'
}

/**
 * Connects the bot in the background: HTTP serves whether or not Telegram is reachable. An
 * unreachable Bot API is retried (the network may come up after the service); a refused token is not.
 */
async function connectBot(bot: TelegramBot, webhook: TelegramWebhook | undefined, url: string | undefined, logger: Logger, stopped: AbortSignal): Promise<void> {
  while (!stopped.aborted) {
    try {
      if (webhook && url) await bot.useWebhook(url, webhook.secret)
      else await bot.startPolling()
      bot.polling.catch((error: unknown) => logger.error(`telegram: long polling stopped: ${(error as Error).message}; the HTTP API keeps serving`))
      return
    } catch (error) {
      const unreachable = error instanceof BotError && error.code === 'telegram_unreachable'
      if (!unreachable) return logger.error(`telegram: the bot cannot start: ${(error as Error).message}; the HTTP API keeps serving`)
      logger.warn(`telegram: ${(error as Error).message}; trying again in ${BOT_RETRY_MS / 1000} s`)
      await sleep(BOT_RETRY_MS, undefined, { signal: stopped }).catch(() => undefined)
    }
  }
}

/**
 * The HTTP service: it listens at once (answering `not_ready` meanwhile), brings the index up to
 * date with the corpus, serves it, and follows new index versions written by `npm run ingest`.
 * With a bot token the Telegram bot runs in the same process over the same index and LLM bound.
 */
export async function startService(config: Config, log: Pino): Promise<Service> {
  const logger = fromPino(log)
  const live = await liveIndexFor(config, logger)
  const { token, webhookUrl } = config.telegram
  // telegraf is loaded only for a bot: without a token the service starts that much sooner.
  const bot = token ? (await import('../telegram/bot.js')).createBot({ telegram: { ...config.telegram, token }, live, logger }) : undefined
  if (!bot) logger.info('telegram bot off: TELEGRAM_BOT_TOKEN is not set')
  const telegramWebhook: TelegramWebhook | undefined =
    bot && webhookUrl
      ? { path: new URL(webhookUrl).pathname, secret: config.telegram.webhookSecret ?? randomBytes(32).toString('hex'), receive: (update) => bot.handleUpdate(update) }
      : undefined
  const app = createApp({ live, logger: log, http: config.http, version: packageVersion(), telegramWebhook })
  const server: RunningServer = await listen(app, config.port, config.http.host)
  log.info({ url: server.url, mode: live.mode }, `listening on ${server.url}`)
  const ready = openServedIndex(config, logger).then((index) => {
    live.serve(index)
    live.watch(config.indexPollMs)
  })
  const stopping = new AbortController()
  if (bot) void connectBot(bot, telegramWebhook, webhookUrl, logger, stopping.signal)
  return {
    url: server.url,
    port: server.port,
    ready,
    bot,
    async stop(graceMs = config.shutdownGraceMs) {
      stopping.abort()
      live.stop()
      // Answers still waiting for the model near the end would be cut with nothing; the
      // extractive answer takes milliseconds, so they get that instead.
      const hurry = setTimeout(() => live.hurry(), Math.max(0, graceMs - EXTRACTIVE_MARGIN_MS))
      try {
        await Promise.all([server.close(graceMs), bot?.stop(graceMs)])
      } finally {
        clearTimeout(hurry)
        live.close()
      }
    },
  }
}
