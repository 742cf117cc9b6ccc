import { setTimeout as sleep } from 'node:timers/promises'
import type { Answerer } from '../../answer/answer.js'
import { MAX_QUESTION_CHARS } from '../../answer/request.js'
import type { AnswerRequest, AnswerResponse, Turn } from '../../answer/types.js'
import { AbortedError, RequestError, ServiceError } from '../../errors.js'
import type { Logger } from '../../log.js'
import type { LiveIndex, Serving } from '../live-index.js'
import { CONVERSATION_LIMITS, Conversations, type ConversationLimits } from './conversations.js'
import { escapeHtml, hasWholeSentence, languageOf, passagesHtml, renderAnswer, renderPartial, type Lang } from './format.js'
import type { Incoming, Press } from './incoming.js'
import { exampleQuestions, helpText, privacyText, startText, TEXT } from './messages.js'
import { Outbox, TELEGRAM_PACING, type Pacing, type RetryAfter } from './outbox.js'
import { smallTalk } from './small-talk.js'
import { UserLimit } from './user-limit.js'

/**
 * What the bot does with a message, independent of the Telegram library: who is answered, what is
 * said, and how answers reach the chat (paced, split, streamed by editing one message, edited
 * again when the question is edited).
 */

export interface Button {
  text: string
  data: string
}

/** Buttons under a message (`inline`), or questions offered in place of the keyboard (`suggestions`). */
export type Markup = { inline: Button[][] } | { suggestions: string[] }

/** The few Bot API calls the dialog needs; `bot.ts` implements them with telegraf. */
export interface BotApi {
  /** Sends an HTML message, as a reply to `replyTo` when given; resolves with the new message's id. */
  sendMessage(chatId: number, html: string, options?: { replyTo?: number; markup?: Markup }): Promise<number>
  editMessage(chatId: number, messageId: number, html: string, markup?: Markup): Promise<void>
  sendTyping(chatId: number): Promise<void>
  /** Answers a button press (Telegram shows a spinner until then), with a short notice when given. */
  answerPress(queryId: string, notice?: string): Promise<void>
}

export interface DialogDeps {
  api: BotApi
  retryAfter: RetryAfter
  live: Pick<LiveIndex, 'current' | 'whenReady'>
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
  /** Questions held while the index loads; more are told to ask again. */
  maxHeld?: number
  /** Questions one user may have waiting for the rate limit; more are told to ask again. */
  maxQueuedPerUser?: number
  /** The window `questionsPerMinute` counts in (a minute; shorter in tests). */
  rateWindowMs?: number
}

export interface Dialog {
  /** Takes a message or a button press; the work it causes runs in the background, in order within each chat. */
  receive(update: Incoming | Press): void
  /** Resolves when every update received so far has been dealt with (queued questions included). */
  settled(): Promise<void>
  /** Takes no more updates; answers in progress get `graceMs` to finish, then are abandoned. */
  close(graceMs: number): Promise<void>
}

/** Remembered "not allowed" chats, so that each is told once; bounded against a flood of chats. */
const MAX_REFUSED_CHATS = 10_000
/** Answers remembered for replies, edits and buttons (per bot message); the oldest go first. */
const MAX_REMEMBERED = 2_000
const HELD_WHILE_LOADING = 200
const QUEUED_PER_USER = 3

/** The button under a reply that lists the passages retrieved. */
const PASSAGES_BUTTON = 'passages'

/** A map that forgets its oldest entries beyond `max`. */
class Recent<K, V> {
  private readonly map = new Map<K, V>()
  constructor(private readonly max: number) {}
  get(key: K): V | undefined {
    return this.map.get(key)
  }
  set(key: K, value: V): void {
    this.map.delete(key)
    this.map.set(key, value)
    for (const oldest of this.map.keys()) {
      if (this.map.size <= this.max) break
      this.map.delete(oldest)
    }
  }
}

/** An answer the bot sent: what a reply to it, an edit of its question or its button needs. */
interface Sent {
  /** The conversation up to and including this answer: the context of a reply to it. */
  turns: Turn[]
  response: AnswerResponse
  lang: Lang
  /** The bot's messages that carry it, in order. */
  messageIds: number[]
}

type Chat = { chatId: number; chatType: Incoming['chatType'] }

export function createDialog(deps: DialogDeps): Dialog {
  const { api, live, logger } = deps
  const outbox = new Outbox(deps.pacing ?? TELEGRAM_PACING, deps.retryAfter)
  const limits = deps.conversations ?? CONVERSATION_LIMITS
  const conversations = new Conversations(limits)
  const userLimit = new UserLimit(deps.questionsPerMinute, deps.rateWindowMs)
  const allowed = new Set(deps.allowedChats)
  const toldNotAllowed = new Set<number>()
  const editEveryMs = deps.editEveryMs ?? 1000
  const typingEveryMs = deps.typingEveryMs ?? 4000
  const maxHeld = deps.maxHeld ?? HELD_WHILE_LOADING
  const maxQueued = deps.maxQueuedPerUser ?? QUEUED_PER_USER
  const stop = new AbortController()
  /** The tail of each chat's work: updates of one chat are dealt with one after another. */
  const chains = new Map<number, Promise<void>>()
  /** Questions waiting out the rate limit, per user; their timers are part of `settled()`. */
  const queued = new Map<number, number>()
  /** Per user, the turn of the question queued last: the next one waits for it. */
  const turns = new Map<number, Promise<void>>()
  const waits = new Set<Promise<void>>()
  /** Per chat: messages received and not yet dealt with, and the newest message's id. */
  const pending = new Map<number, number>()
  const newest = new Map<number, number>()
  /** Messages that arrived while others of their chat were waiting. */
  const inBurst = new WeakSet<Incoming>()
  /** Bot message → the answer it carries; question message → the answer given to it. */
  const byReply = new Recent<string, Sent>(MAX_REMEMBERED)
  const byQuestion = new Recent<string, Sent>(MAX_REMEMBERED)
  /** Chats told that the documents are loading (told once while loading). */
  const toldLoading = new Set<number>()
  let held = 0
  let closing = false

  /** A group's members each have their own conversation; a private chat is one. */
  const conversationOf = (message: Incoming) => (message.chatType === 'private' ? `${message.chatId}` : `${message.chatId}:${message.userId}`)
  const keyOf = (chatId: number, messageId: number) => `${chatId}:${messageId}`
  /** The UI's language: the user's Telegram language (a command's payload never changes it). */
  const langOfUser = (languageCode: string | undefined): Lang => (languageCode === undefined || languageCode.startsWith('zh') ? 'zh' : 'en')

  /**
   * An answer replies to its question in groups (whose question it answers), and in a private
   * chat when other questions are waiting or came after it (which one it answers).
   */
  const replyTarget = (message: Incoming) =>
    message.chatType !== 'private' || inBurst.has(message) || (pending.get(message.chatId) ?? 0) > 1 || newest.get(message.chatId) !== message.messageId ? message.messageId : undefined

  function send(chat: Chat, html: string, options: { replyTo?: number; markup?: Markup } = {}): Promise<number> {
    return outbox.send(chat.chatId, () => api.sendMessage(chat.chatId, html, options), stop.signal)
  }

  function edit(chat: Chat, messageId: number, html: string, markup?: Markup): Promise<void> {
    return outbox.send(chat.chatId, () => api.editMessage(chat.chatId, messageId, html, markup), stop.signal)
  }

  /** Sends `htmls` in order, the first replying to `replyTo`, the markup on the last; resolves with their ids. */
  async function sendAll(chat: Chat, htmls: string[], replyTo?: number, markup?: Markup): Promise<number[]> {
    const ids: number[] = []
    for (const [i, html] of htmls.entries()) ids.push(await send(chat, html, { replyTo: i === 0 ? replyTo : undefined, markup: i === htmls.length - 1 ? markup : undefined }))
    return ids
  }

  const say = (message: Incoming, html: string, markup?: Markup) => sendAll(message, [html], replyTarget(message), markup).then(() => undefined)

  function typing(chatId: number): { stop(): void } {
    const tick = () => {
      if (outbox.paused(chatId)) return
      api.sendTyping(chatId).catch((error: unknown) => logger.debug(`typing indicator not sent: ${(error as Error).message}`))
    }
    tick()
    const timer = setInterval(tick, typingEveryMs)
    return { stop: () => clearInterval(timer) }
  }

  /** The button under a reply: every passage retrieved (an answer), the closest ones (a refusal). */
  function markupFor(response: AnswerResponse, lang: Lang): Markup | undefined {
    const more = response.found ? response.citations.length > response.cited.length : response.citations.length > 0
    if (!more) return undefined
    return { inline: [[{ text: response.found ? TEXT[lang].allPassages(response.citations.length) : TEXT[lang].closestPassages, data: PASSAGES_BUTTON }]] }
  }

  /**
   * Puts a reply in the chat: new messages, or — for an edited question — the messages of the
   * earlier reply edited in place (more parts than before are sent after them).
   */
  async function deliver(message: Incoming, htmls: string[], markup: Markup | undefined, earlier?: number[]): Promise<number[]> {
    if (!earlier) return sendAll(message, htmls, replyTarget(message), markup)
    const ids: number[] = []
    for (const [i, html] of htmls.entries()) {
      const last = i === htmls.length - 1
      const id = earlier[i]
      if (id === undefined) {
        ids.push(await send(message, html, { markup: last ? markup : undefined }))
        continue
      }
      await edit(message, id, html, last ? markup : undefined)
      ids.push(id)
    }
    return ids
  }

  /**
   * LLM answers: one message, sent once the first sentence is whole (the notification shows a
   * sentence, not a stub), then edited as the model writes (at most every `editEveryMs`); the
   * last edit carries the sources.
   */
  async function streamed(message: Incoming, answerer: Answerer, request: AnswerRequest, lang: Lang, typingIndicator: { stop(): void }, earlier?: number[]): Promise<{ response: AnswerResponse; ids: number[] }> {
    let written = ''
    let messageId: Promise<number> | undefined = earlier?.[0] === undefined ? undefined : Promise.resolve(earlier[0])
    let shown = ''
    let lastEditAt = 0
    let editing: Promise<void> | undefined
    let response: AnswerResponse | undefined

    async function show(html: string, markup?: Markup): Promise<void> {
      if (html === shown && markup === undefined) return
      if (messageId === undefined) {
        const sending = send(message, html, { replyTo: replyTarget(message), markup })
        messageId = sending
        // A first message that never arrived is sent again by the next call rather than edited.
        await sending.catch((error: unknown) => {
          messageId = undefined
          throw error
        })
      } else {
        await edit(message, await messageId, html, markup)
      }
      shown = html
    }

    for await (const event of answerer.stream(request, { signal: stop.signal })) {
      if (event.type === 'done') {
        response = event.response
        continue
      }
      written += event.text
      if (editing || Date.now() - lastEditAt < editEveryMs || !hasWholeSentence(written)) continue
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
    const htmls = renderAnswer(response, lang)
    const markup = markupFor(response, lang)
    if (messageId === undefined) return { response, ids: await deliver(message, htmls, markup, earlier) }
    const wait = lastEditAt + editEveryMs - Date.now()
    if (wait > 0) await sleep(wait, undefined, { signal: stop.signal }).catch(() => Promise.reject(new AbortedError()))
    const [first = '', ...rest] = htmls
    const firstMarkup = rest.length === 0 ? markup : undefined
    // The answer must arrive even when its message cannot be edited (deleted meanwhile, say).
    let firstId: number
    try {
      await show(first, firstMarkup)
      firstId = await messageId
    } catch (error) {
      if (error instanceof AbortedError) throw error
      logger.warn(`a streamed answer could not be finished in place (${(error as Error).message}); sending it anew`)
      firstId = await send(message, first, { replyTo: replyTarget(message), markup: firstMarkup })
    }
    const restIds = await deliver(message, rest, markup, earlier?.slice(1))
    return { response, ids: [firstId, ...restIds] }
  }

  /** The index being served; while it loads, the question waits (a bounded number of them do). */
  async function serving(message: Incoming, lang: Lang): Promise<Serving | undefined> {
    try {
      return live.current()
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error
    }
    if (held >= maxHeld) {
      await say(message, TEXT[lang].notReady)
      return undefined
    }
    held++
    try {
      if (!toldLoading.has(message.chatId)) {
        toldLoading.add(message.chatId)
        await say(message, TEXT[lang].loading)
      }
      const ready = await live.whenReady(stop.signal)
      toldLoading.clear()
      return ready
    } finally {
      held--
    }
  }

  async function answerQuestion(message: Incoming, question: string): Promise<void> {
    const lang = languageOf(question)
    const current = await serving(message, lang)
    if (!current) return
    const started = Date.now()
    const typingIndicator = typing(message.chatId)
    const conversation = conversationOf(message)
    // A reply to one of the bot's answers asks about that answer, whatever was said since.
    const repliedTo = message.repliesTo === undefined ? undefined : byReply.get(keyOf(message.chatId, message.repliesTo))
    const history = repliedTo ? repliedTo.turns : conversations.history(conversation)
    const earlier = message.edited ? byQuestion.get(keyOf(message.chatId, message.messageId))?.messageIds : undefined
    try {
      const request: AnswerRequest = { question, history }
      let response: AnswerResponse
      let ids: number[]
      if (current.answerer.mode === 'llm') {
        ;({ response, ids } = await streamed(message, current.answerer, request, lang, typingIndicator, earlier))
      } else {
        response = await current.answerer.answer(request, { signal: stop.signal })
        typingIndicator.stop()
        ids = await deliver(message, renderAnswer(response, lang), markupFor(response, lang), earlier)
      }
      const exchange: Turn[] = [
        { role: 'user', content: question },
        { role: 'assistant', content: response.answer.slice(0, limits.answerChars) },
      ]
      const turns = [...history, ...exchange].slice(-2 * limits.exchanges)
      const sent: Sent = { turns, response, lang, messageIds: ids }
      for (const id of ids) byReply.set(keyOf(message.chatId, id), sent)
      byQuestion.set(keyOf(message.chatId, message.messageId), sent)
      // A refusal is no context: the next follow-up reads the last question that was answered.
      if (response.found) conversations.remember(conversation, question, response.answer)
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

  /** The question a message asks, when it asks one (not a command of another kind, not small talk). */
  function questionOf(message: Incoming): string | undefined {
    if (message.kind !== 'text' || (message.command !== undefined && message.command !== 'ask')) return undefined
    const text = message.text
    if (text === '' || text.length > MAX_QUESTION_CHARS || smallTalk.kindOf(text) !== undefined) return undefined
    return text
  }

  async function handle(message: Incoming): Promise<void> {
    const userLang = langOfUser(message.languageCode)
    if (message.kind === 'other') {
      if (message.chatType === 'private') await say(message, TEXT[userLang].nonText)
      return
    }
    switch (message.command) {
      case 'start': {
        const current = await serving(message, userLang)
        if (!current) return
        const examples = await exampleQuestions(current.index)
        // In a private chat the examples replace the keyboard: a tap sends one as a question.
        if (message.chatType === 'private' && examples.length > 0) return say(message, startText(userLang), { suggestions: examples })
        return say(message, [startText(userLang), ...examples.map((q) => `• ${escapeHtml(q)}`)].join('\n'))
      }
      case 'help': {
        const current = await serving(message, userLang)
        if (current) await say(message, await helpText(current.index, userLang, deps.username()))
        return
      }
      case 'privacy': {
        const llm = (() => {
          try {
            return live.current().answerer.mode === 'llm'
          } catch {
            return false
          }
        })()
        return say(message, privacyText(userLang, { exchanges: limits.exchanges, idleMinutes: Math.round(limits.idleMs / 60_000), llm }))
      }
      case 'new':
        conversations.forget(conversationOf(message))
        return say(message, TEXT[userLang].newConversation)
      case undefined:
      case 'ask':
        break
      default:
        if (message.chatType === 'private') await say(message, TEXT[userLang].unknownCommand)
        return
    }
    const text = message.text
    const lang = text === '' ? userLang : languageOf(text)
    if (text === '') return say(message, TEXT[lang].askUsage)
    if (text.length > MAX_QUESTION_CHARS) return say(message, TEXT[lang].tooLong)
    const kind = smallTalk.kindOf(text)
    if (kind !== undefined) return say(message, escapeHtml(smallTalk.reply(kind, lang)))
    await answerQuestion(message, text)
  }

  /** A press of the passages button: the passages of the answer it is under, folded, as a reply to it. */
  async function handlePress(press: Press): Promise<void> {
    const sent = press.data === PASSAGES_BUTTON ? byReply.get(keyOf(press.chatId, press.messageId)) : undefined
    // Answered at once: Telegram shows a spinner on the button until then.
    await api.answerPress(press.queryId, sent ? undefined : TEXT[langOfUser(press.languageCode)].expired).catch((error: unknown) => logger.debug(`a button press was not answered: ${(error as Error).message}`))
    if (!sent) return
    await sendAll(press, passagesHtml(sent.response, sent.lang), press.messageId)
  }

  function refuseChat(message: Incoming): void {
    if (toldNotAllowed.has(message.chatId)) return
    if (toldNotAllowed.size >= MAX_REFUSED_CHATS) toldNotAllowed.clear()
    toldNotAllowed.add(message.chatId)
    logger.info(`telegram: chat ${message.chatId} is not in TELEGRAM_ALLOWED_CHATS; told once, then ignored`)
    enqueue(message.chatId, () => say(message, TEXT[langOfUser(message.languageCode)].notAllowed))
  }

  function enqueue(chatId: number, work: () => Promise<void>): void {
    const previous = chains.get(chatId) ?? Promise.resolve()
    const next = previous
      .then(work)
      .catch((error: unknown) => {
        if (error instanceof AbortedError) return
        logger.error(`telegram: a message could not be handled: ${(error as Error).message}`)
      })
      .finally(() => {
        if (chains.get(chatId) === next) chains.delete(chatId)
      })
    chains.set(chatId, next)
  }

  /** A message's work in its chat's queue, counted as pending until done. */
  function take(message: Incoming): void {
    enqueue(message.chatId, () =>
      handle(message).finally(() => {
        const left = (pending.get(message.chatId) ?? 1) - 1
        if (left > 0) pending.set(message.chatId, left)
        else pending.delete(message.chatId)
      }),
    )
  }

  /**
   * A question over the user's rate limit waits for its turn (a few per user, told once with how
   * long); one more than that is told to ask again later and is not answered.
   */
  function queue(message: Incoming, waitMs: number, firstRefusal: boolean): void {
    const lang = languageOf(message.text)
    const waiting = queued.get(message.userId) ?? 0
    const seconds = Math.max(1, Math.ceil(waitMs / 1000))
    if (waiting >= maxQueued) {
      enqueue(message.chatId, () => say(message, TEXT[lang].queueFull(seconds)))
      const left = (pending.get(message.chatId) ?? 1) - 1
      if (left > 0) pending.set(message.chatId, left)
      else pending.delete(message.chatId)
      return
    }
    queued.set(message.userId, waiting + 1)
    if (firstRefusal) enqueue(message.chatId, () => say(message, TEXT[lang].queued(seconds)))
    // A user's waiting questions take their turns in the order they were asked: two woken in the
    // same millisecond would otherwise race for the one free place.
    const before = turns.get(message.userId)
    const wait = (async () => {
      await before
      let admission = before ? userLimit.take(message.userId) : { ok: false, waitMs }
      while (!admission.ok) {
        await sleep(admission.waitMs, undefined, { signal: stop.signal })
        const next = userLimit.take(message.userId)
        admission = next.ok ? { ok: true, waitMs: 0 } : { ok: false, waitMs: next.waitMs }
      }
      take(message)
    })()
      .catch(() => undefined)
      .finally(() => {
        const left = (queued.get(message.userId) ?? 1) - 1
        if (left > 0) queued.set(message.userId, left)
        else queued.delete(message.userId)
        if (turns.get(message.userId) === wait) turns.delete(message.userId)
        waits.delete(wait)
      })
    turns.set(message.userId, wait)
    waits.add(wait)
  }

  return {
    receive(update) {
      if (closing) return
      if (update.type === 'press') {
        if (allowed.size > 0 && !allowed.has(update.chatId)) return
        return enqueue(update.chatId, () => handlePress(update))
      }
      if (!update.addressed) return
      if (allowed.size > 0 && !allowed.has(update.chatId)) return refuseChat(update)
      const waiting = (pending.get(update.chatId) ?? 0) + 1
      pending.set(update.chatId, waiting)
      if (waiting > 1) inBurst.add(update)
      if (!update.edited) newest.set(update.chatId, Math.max(newest.get(update.chatId) ?? 0, update.messageId))
      if (questionOf(update) !== undefined) {
        const admission = userLimit.take(update.userId)
        if (!admission.ok) return queue(update, admission.waitMs, admission.firstRefusal)
      }
      take(update)
    },
    async settled() {
      while (chains.size > 0 || waits.size > 0) await Promise.all([...chains.values(), ...waits])
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
