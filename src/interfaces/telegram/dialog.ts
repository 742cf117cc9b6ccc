import { setTimeout as sleep } from 'node:timers/promises'
import type { Answerer } from '../../answer/answer.js'
import { MAX_QUESTION_CHARS } from '../../answer/request.js'
import type { AnswerRequest, AnswerResponse } from '../../answer/types.js'
import { AbortedError, RequestError, ServiceError } from '../../errors.js'
import type { Logger } from '../../log.js'
import type { LiveIndex, Serving } from '../live-index.js'
import { CONVERSATION_LIMITS, Conversations, type ConversationLimits } from './conversations.js'
import { escapeHtml, languageOf, renderAnswer, renderPartial, type Lang } from './format.js'
import type { Incoming } from './incoming.js'
import { helpText, TEXT } from './messages.js'
import { Outbox, TELEGRAM_PACING, type Pacing, type RetryAfter } from './outbox.js'
import { UserLimit } from './user-limit.js'

/**
 * What the bot does with a message, independent of the Telegram library: who is answered, what is
 * said, and how answers reach the chat (paced, split, streamed by editing one message).
 */

/** The few Bot API calls the dialog needs; `bot.ts` implements them with telegraf. */
export interface BotApi {
  /** Sends an HTML message, as a reply to `replyTo` when given; resolves with the new message's id. */
  sendMessage(chatId: number, html: string, replyTo?: number): Promise<number>
  editMessage(chatId: number, messageId: number, html: string): Promise<void>
  sendTyping(chatId: number): Promise<void>
}

export interface DialogDeps {
  api: BotApi
  retryAfter: RetryAfter
  live: Pick<LiveIndex, 'current'>
  logger: Logger
  /** Chats answered; empty = all. */
  allowedChats: number[]
  questionsPerMinute: number
  /** The bot's @username, for /help. */
  username(): string
  pacing?: Pacing
  conversations?: ConversationLimits
  /** Least time between two edits of an answer being streamed. */
  editEveryMs?: number
  /** Telegram shows "typing…" for about 5 s; it is renewed this often while an answer is worked on. */
  typingEveryMs?: number
}

export interface Dialog {
  /** Takes a message; the work it causes runs in the background, in order within each chat. */
  receive(message: Incoming): void
  /** Resolves when every message received so far has been dealt with. */
  settled(): Promise<void>
  /** Takes no more messages; answers in progress get `graceMs` to finish, then are abandoned. */
  close(graceMs: number): Promise<void>
}

/** Remembered "not allowed" chats, so that each is told once; bounded against a flood of chats. */
const MAX_REFUSED_CHATS = 10_000

export function createDialog(deps: DialogDeps): Dialog {
  const { api, live, logger } = deps
  const outbox = new Outbox(deps.pacing ?? TELEGRAM_PACING, deps.retryAfter)
  const conversations = new Conversations(deps.conversations ?? CONVERSATION_LIMITS)
  const userLimit = new UserLimit(deps.questionsPerMinute)
  const allowed = new Set(deps.allowedChats)
  const toldNotAllowed = new Set<number>()
  const editEveryMs = deps.editEveryMs ?? 1000
  const typingEveryMs = deps.typingEveryMs ?? 4000
  const stop = new AbortController()
  /** The tail of each chat's work: messages of one chat are dealt with one after another. */
  const chains = new Map<number, Promise<void>>()
  let closing = false

  function langFor(message: Incoming): Lang {
    if (message.text !== '') return languageOf(message.text)
    return message.languageCode === undefined || message.languageCode.startsWith('zh') ? 'zh' : 'en'
  }

  /** In groups an answer replies to its question, so that it is clear whose question it answers. */
  const replyTarget = (message: Incoming) => (message.chatType === 'private' ? undefined : message.messageId)

  function send(message: Incoming, html: string, replyTo?: number): Promise<number> {
    return outbox.send(message.chatId, () => api.sendMessage(message.chatId, html, replyTo), stop.signal)
  }

  async function sendAll(message: Incoming, htmls: string[]): Promise<void> {
    for (const [i, html] of htmls.entries()) await send(message, html, i === 0 ? replyTarget(message) : undefined)
  }

  const say = (message: Incoming, html: string) => sendAll(message, [html])

  function typing(chatId: number): { stop(): void } {
    const tick = () => {
      if (outbox.paused(chatId)) return
      api.sendTyping(chatId).catch((error: unknown) => logger.debug(`typing indicator not sent: ${(error as Error).message}`))
    }
    tick()
    const timer = setInterval(tick, typingEveryMs)
    return { stop: () => clearInterval(timer) }
  }

  /** LLM answers: one message, edited as the model writes (at most every `editEveryMs`), the last edit with sources. */
  async function streamed(message: Incoming, answerer: Answerer, request: AnswerRequest, lang: Lang, typingIndicator: { stop(): void }): Promise<AnswerResponse> {
    let written = ''
    let messageId: Promise<number> | undefined
    let shown = ''
    let lastEditAt = 0
    let editing: Promise<void> | undefined
    let response: AnswerResponse | undefined

    async function show(html: string): Promise<void> {
      if (html === shown) return
      if (messageId === undefined) {
        const sending = send(message, html, replyTarget(message))
        messageId = sending
        // A first message that never arrived is sent again by the next call rather than edited.
        await sending.catch((error: unknown) => {
          messageId = undefined
          throw error
        })
      } else {
        const id = await messageId
        await outbox.send(message.chatId, () => api.editMessage(message.chatId, id, html), stop.signal)
      }
      shown = html
    }

    for await (const event of answerer.stream(request, { signal: stop.signal })) {
      if (event.type === 'done') {
        response = event.response
        continue
      }
      written += event.text
      if (editing || Date.now() - lastEditAt < editEveryMs || written.trim() === '') continue
      typingIndicator.stop()
      editing = show(renderPartial(written))
        .catch((error: unknown) => {
          if (!(error instanceof AbortedError)) logger.warn(`a streamed answer could not be updated: ${(error as Error).message}`)
        })
        .finally(() => {
          // Counted from when the last update landed, so that updates reach the chat that far apart.
          lastEditAt = Date.now()
          editing = undefined
        })
    }
    await editing
    if (!response) throw new Error('the answer stream ended without a response')
    const [first = '', ...rest] = renderAnswer(response, lang)
    if (messageId === undefined) {
      await sendAll(message, [first, ...rest])
    } else {
      const wait = lastEditAt + editEveryMs - Date.now()
      if (wait > 0) await sleep(wait, undefined, { signal: stop.signal }).catch(() => Promise.reject(new AbortedError()))
      // The answer must arrive even when its message cannot be edited (deleted meanwhile, say).
      await show(first).catch((error: unknown) => {
        if (error instanceof AbortedError) throw error
        logger.warn(`a streamed answer could not be finished in place (${(error as Error).message}); sending it anew`)
        return send(message, first, replyTarget(message))
      })
      for (const html of rest) await send(message, html)
    }
    return response
  }

  /** The index being served, or undefined once the user has been told it is still loading. */
  async function serving(message: Incoming, lang: Lang): Promise<Serving | undefined> {
    try {
      return live.current()
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error
      await say(message, TEXT[lang].notReady)
      return undefined
    }
  }

  async function answerQuestion(message: Incoming, question: string): Promise<void> {
    const lang = languageOf(question)
    const current = await serving(message, lang)
    if (!current) return
    const started = Date.now()
    const typingIndicator = typing(message.chatId)
    try {
      const request: AnswerRequest = { question, history: conversations.history(message.chatId) }
      let response: AnswerResponse
      if (current.answerer.mode === 'llm') {
        response = await streamed(message, current.answerer, request, lang, typingIndicator)
      } else {
        response = await current.answerer.answer(request, { signal: stop.signal })
        typingIndicator.stop()
        await sendAll(message, renderAnswer(response, lang))
      }
      conversations.remember(message.chatId, question, response.answer)
      logger.info(`telegram: answered in a ${message.chatType} chat (found ${response.found}, ${response.mode}, ${response.citations.length} passages, ${Date.now() - started} ms)`)
    } catch (error) {
      if (error instanceof AbortedError) return
      if (error instanceof ServiceError) return say(message, TEXT[lang].notReady)
      if (error instanceof RequestError) return say(message, escapeHtml(error.message))
      logger.error(`telegram: a question could not be answered: ${(error as Error).message}`)
      return say(message, TEXT[lang].failed)
    } finally {
      typingIndicator.stop()
    }
  }

  async function handle(message: Incoming): Promise<void> {
    const lang = langFor(message)
    if (message.kind === 'other') {
      if (message.chatType === 'private') await say(message, TEXT[lang].nonText)
      return
    }
    switch (message.command) {
      case 'start':
      case 'help': {
        const current = await serving(message, lang)
        if (current) await say(message, await helpText(current.index, lang, deps.username()))
        return
      }
      case undefined:
      case 'ask':
        break
      default:
        if (message.chatType === 'private') await say(message, TEXT[lang].unknownCommand)
        return
    }
    const question = message.text
    if (question === '') return say(message, TEXT[lang].askUsage)
    if (question.length > MAX_QUESTION_CHARS) return say(message, TEXT[lang].tooLong)
    const admission = userLimit.take(message.userId)
    if (!admission.ok) {
      if (admission.firstRefusal) await say(message, TEXT[lang].rateLimited(Math.ceil(admission.waitMs / 1000)))
      return
    }
    await answerQuestion(message, question)
  }

  function refuseChat(message: Incoming): void {
    if (toldNotAllowed.has(message.chatId)) return
    if (toldNotAllowed.size >= MAX_REFUSED_CHATS) toldNotAllowed.clear()
    toldNotAllowed.add(message.chatId)
    logger.info(`telegram: chat ${message.chatId} is not in TELEGRAM_ALLOWED_CHATS; told once, then ignored`)
    enqueue(message, () => say(message, TEXT[langFor(message)].notAllowed))
  }

  function enqueue(message: Incoming, work: () => Promise<void>): void {
    const previous = chains.get(message.chatId) ?? Promise.resolve()
    const next = previous
      .then(work)
      .catch((error: unknown) => {
        if (error instanceof AbortedError) return
        logger.error(`telegram: a message could not be handled: ${(error as Error).message}`)
      })
      .finally(() => {
        if (chains.get(message.chatId) === next) chains.delete(message.chatId)
      })
    chains.set(message.chatId, next)
  }

  return {
    receive(message) {
      if (closing || !message.addressed) return
      if (allowed.size > 0 && !allowed.has(message.chatId)) return refuseChat(message)
      enqueue(message, () => handle(message))
    },
    async settled() {
      while (chains.size > 0) await Promise.all(chains.values())
    },
    async close(graceMs) {
      closing = true
      const grace = new AbortController()
      await Promise.race([this.settled(), sleep(graceMs, undefined, { signal: grace.signal }).catch(() => undefined)])
      grace.abort()
      stop.abort()
      await this.settled()
    },
  }
}
