import { setTimeout as sleep } from 'node:timers/promises'
import { Telegraf, TelegramError } from 'telegraf'
import type { Update, UserFromGetMe } from 'telegraf/types'
import type { TelegramConfig } from '../../config.js'
import { BotError, ServiceError } from '../../errors.js'
import type { Logger } from '../../log.js'
import type { LiveIndex } from '../live-index.js'
import type { ConversationLimits } from './conversations.js'
import { createDialog, type BotApi, type Markup } from './dialog.js'
import type { Lang } from './format.js'
import { readUpdate } from './incoming.js'
import { COMMANDS, PROFILE } from './messages.js'
import type { Pacing } from './outbox.js'

/**
 * The Telegram bot: telegraf as the transport (long polling or webhook updates in, Bot API calls
 * out) around the library-free dialog. Replacing telegraf means rewriting this file only.
 */

export interface BotDeps {
  telegram: TelegramConfig & { token: string }
  live: Pick<LiveIndex, 'current' | 'whenReady'>
  logger: Logger
  pacing?: Pacing
  conversations?: ConversationLimits
  editEveryMs?: number
  typingEveryMs?: number
  rateWindowMs?: number
  /** The bot's own user, when known: no getMe call is needed before updates are handled (tests). */
  botInfo?: UserFromGetMe
}

export interface TelegramBot {
  /** Connects (getMe), then long-polls in the background; rejects with a BotError when Telegram refuses. */
  startPolling(): Promise<void>
  /** Connects and asks Telegram to deliver updates to `url` with `secret` in the secret-token header. */
  useWebhook(url: string, secret: string): Promise<void>
  /** One update (from the webhook); the answering runs in the background. Rejects `not_ready` once stopping. */
  handleUpdate(update: unknown): Promise<void>
  /** Resolves when long polling stops after `stop()`; rejects when Telegram ends it (revoked token, a second poller). */
  readonly polling: Promise<void>
  /** Stops taking updates; answers in progress get `graceMs`, then are abandoned. */
  stop(graceMs?: number): Promise<void>
  /** Resolves once every update received so far has been answered (or ignored). */
  settled(): Promise<void>
}

/** Bot API 429s name how long to wait; the outbox retries after that long. */
export function retryAfterOf(error: unknown): number | undefined {
  if (!(error instanceof TelegramError) || error.code !== 429) return undefined
  return error.parameters?.retry_after ?? 1
}

/** A log that can never print a secret, whatever an error message carries. */
export function redacting(logger: Logger, secrets: string[]): Logger {
  const hidden = secrets.filter((secret) => secret.length > 0)
  const clean = (message: string) => hidden.reduce((text, secret) => text.split(secret).join('[redacted]'), message)
  return {
    debug: (message) => logger.debug(clean(message)),
    info: (message) => logger.info(clean(message)),
    warn: (message) => logger.warn(clean(message)),
    error: (message) => logger.error(clean(message)),
  }
}

/** A Bot API failure as a typed error whose message is safe to show (telegraf already strips the token from URLs). */
export function toBotError(error: unknown, token: string): BotError {
  const detail = (error instanceof Error ? error.message : String(error)).split(token).join('[redacted]')
  if (error instanceof TelegramError) {
    if (error.code === 401 || error.code === 404) return new BotError('telegram_unauthorized', `Telegram rejected the bot token (${detail}); check TELEGRAM_BOT_TOKEN`)
    if (error.code === 409) return new BotError('telegram_conflict', `Telegram reports a conflict (${detail}): another process is polling with this token, or a webhook is set`)
    if (error.code >= 500 || error.code === 429) return new BotError('telegram_unreachable', `the Bot API is unavailable (${detail})`)
    return new BotError('telegram_failed', `the Bot API refused a call (${detail})`)
  }
  return new BotError('telegram_unreachable', `the Bot API cannot be reached (${detail}); check the network or TELEGRAM_API_ROOT`)
}

/** Messages, their edits (answered again) and presses of the bot's buttons. */
const ALLOWED_UPDATES: Array<'message' | 'edited_message' | 'callback_query'> = ['message', 'edited_message', 'callback_query']

/** The Bot API's reply_markup for a message's buttons or suggested questions. */
function replyMarkup(markup: Markup) {
  if ('inline' in markup) return { inline_keyboard: markup.inline.map((row) => row.map((button) => ({ text: button.text, callback_data: button.data }))) }
  // Suggested questions replace the keyboard until one is tapped (which sends it as a message).
  return { keyboard: markup.suggestions.map((text) => [{ text }]), one_time_keyboard: true, resize_keyboard: true, is_persistent: false }
}

export function createBot(deps: BotDeps): TelegramBot {
  const { telegram: config } = deps
  const logger = redacting(deps.logger, [config.token, config.webhookSecret ?? ''])
  const bot = new Telegraf(config.token, { telegram: { apiRoot: config.apiRoot ?? 'https://api.telegram.org' } })
  if (deps.botInfo) bot.botInfo = deps.botInfo

  const linkPreview = { is_disabled: true }
  const api: BotApi = {
    async sendMessage(chatId, html, { replyTo, markup } = {}) {
      const sent = await bot.telegram.sendMessage(chatId, html, {
        parse_mode: 'HTML',
        link_preview_options: linkPreview,
        ...(replyTo === undefined ? {} : { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } }),
        ...(markup ? { reply_markup: replyMarkup(markup) } : {}),
      })
      return sent.message_id
    },
    async editMessage(chatId, messageId, html, markup) {
      // Only inline buttons can go on an edited message; without them, an edit removes any.
      const inline = markup && 'inline' in markup ? replyMarkup(markup) : { inline_keyboard: [] }
      await bot.telegram.editMessageText(chatId, messageId, undefined, html, { parse_mode: 'HTML', link_preview_options: linkPreview, reply_markup: inline as { inline_keyboard: [] } })
    },
    async sendTyping(chatId) {
      await bot.telegram.sendChatAction(chatId, 'typing')
    },
    async answerPress(queryId, notice) {
      await bot.telegram.answerCbQuery(queryId, notice)
    },
  }

  const dialog = createDialog({
    api,
    retryAfter: retryAfterOf,
    live: deps.live,
    logger,
    allowedChats: config.allowedChats,
    questionsPerMinute: config.questionsPerMinute,
    username: () => bot.botInfo?.username ?? 'bot',
    pacing: deps.pacing,
    conversations: deps.conversations,
    editEveryMs: deps.editEveryMs,
    typingEveryMs: deps.typingEveryMs,
    rateWindowMs: deps.rateWindowMs,
  })

  // The middleware only hands the message over: answering runs in the background, so a slow
  // answer never holds up polling (telegraf waits for a whole batch) or a webhook response.
  bot.use((ctx) => {
    const incoming = readUpdate(ctx.update, { id: ctx.botInfo.id, username: ctx.botInfo.username })
    if (incoming) dialog.receive(incoming)
  })

  /**
   * The command menu and the profile texts, per language (the default is Chinese). Each is read
   * first and set only when it differs, so a restart sets nothing; a failure is logged, not fatal.
   */
  async function setUpProfile(): Promise<void> {
    const languages: Array<[Lang, string | undefined]> = [['zh', undefined], ['zh', 'zh'], ['en', 'en']]
    const same = (a: readonly { command: string; description: string }[], b: readonly { command: string; description: string }[]) =>
      a.length === b.length && a.every((c, i) => c.command === b[i]!.command && c.description === b[i]!.description)
    let changed = 0
    for (const [lang, code] of languages) {
      const scope = code === undefined ? {} : { language_code: code }
      if (!same(await bot.telegram.getMyCommands(scope), COMMANDS[lang])) {
        await bot.telegram.setMyCommands(COMMANDS[lang], scope)
        changed++
      }
      if ((await bot.telegram.getMyDescription(code)).description !== PROFILE[lang].description) {
        await bot.telegram.setMyDescription(PROFILE[lang].description, code)
        changed++
      }
      if ((await bot.telegram.getMyShortDescription(code)).short_description !== PROFILE[lang].shortDescription) {
        await bot.telegram.setMyShortDescription(PROFILE[lang].shortDescription, code)
        changed++
      }
    }
    logger.info(`telegram: command menu and profile ${changed === 0 ? 'already up to date' : `updated (${changed} settings)`}`)
  }
  bot.catch((error, ctx) => logger.error(`telegram: update ${ctx.update.update_id} failed: ${(error as Error).message}`))

  let polling: Promise<void> = Promise.resolve()
  let pollingStarted = false
  let pollingEnded = false
  let stopped = false

  /**
   * telegraf's launch() calls deleteWebhook before its polling loop exists, and stop() throws
   * until then: a stop that comes that early waits for the loop (or for launch to fail).
   */
  async function stopPolling(): Promise<void> {
    while (!pollingEnded) {
      try {
        bot.stop('shutdown')
        return
      } catch {
        await sleep(10)
      }
    }
  }

  /** A start-up call to the Bot API, failing as a BotError. */
  async function startupCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call()
    } catch (error) {
      throw toBotError(error, config.token)
    }
  }

  async function connect(): Promise<void> {
    bot.botInfo ??= await startupCall(() => bot.telegram.getMe())
    await setUpProfile().catch((error: unknown) => logger.warn(`telegram: the command menu and profile could not be set: ${toBotError(error, config.token).message}`))
    const audience = config.allowedChats.length > 0 ? `only chats ${config.allowedChats.join(', ')}` : 'every chat: the bot is public (set TELEGRAM_ALLOWED_CHATS to restrict it)'
    logger.info(`telegram: connected as @${bot.botInfo.username}; answering ${audience}`)
  }

  return {
    get polling() {
      return polling
    },
    async startPolling() {
      await connect()
      await startupCall(() => bot.telegram.deleteWebhook())
      // Stopped while connecting (a shutdown during start-up): polling never starts.
      if (stopped) return
      pollingStarted = true
      polling = bot
        .launch({ allowedUpdates: ALLOWED_UPDATES })
        .catch((error: unknown) => {
          if (!stopped) throw toBotError(error, config.token)
        })
        .finally(() => (pollingEnded = true))
      logger.info('telegram: long polling for updates')
    },
    async useWebhook(url, secret) {
      await connect()
      await startupCall(() => bot.telegram.setWebhook(url, { secret_token: secret, allowed_updates: ALLOWED_UPDATES }))
      logger.info(`telegram: updates arrive by webhook at ${new URL(url).pathname}`)
    },
    async handleUpdate(update) {
      // A webhook update refused now is delivered again by Telegram to the next process.
      if (stopped) throw new ServiceError('not_ready', 'The bot is shutting down; Telegram will deliver the update again')
      return bot.handleUpdate(update as Update)
    },
    async stop(graceMs = 10_000) {
      stopped = true
      if (pollingStarted) {
        await stopPolling()
        pollingStarted = false
      }
      await dialog.close(graceMs)
      await polling.catch(() => undefined)
    },
    settled: () => dialog.settled(),
  }
}
