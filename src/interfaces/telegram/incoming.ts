import type { Message, Update } from 'telegraf/types'

/**
 * A Bot API update reduced to what the bot acts on: messages (a photo's or a file's caption is
 * read as its text), their edits, and presses of the bot's buttons. Everything else — channel
 * posts, service messages, messages from bots, commands for other bots — reads as `undefined`
 * and is ignored.
 */
export interface Incoming {
  type: 'message'
  chatId: number
  chatType: 'private' | 'group' | 'supergroup'
  userId: number
  messageId: number
  /** The user's Telegram language (e.g. "zh-hans", "en"), when Telegram tells it. */
  languageCode?: string
  /** `other`: a sticker, photo, voice message or other content with no text or caption. */
  kind: 'text' | 'other'
  /** An edit of a message sent earlier (the same `messageId`). */
  edited: boolean
  /** The bot's message this one replies to, when it replies to one. */
  repliesTo?: number
  /** The text with the bot's mention or the command removed. */
  text: string
  /** A command meant for this bot, lower-case without the slash ("start", "ask"). */
  command?: string
  /**
   * Meant for the bot: every message in a private chat; in a group, only a mention of the bot, a
   * reply to one of its messages, or a command (for it, or for every bot).
   */
  addressed: boolean
}

/** A press of one of the bot's inline buttons. */
export interface Press {
  type: 'press'
  queryId: string
  chatId: number
  chatType: 'private' | 'group' | 'supergroup'
  userId: number
  /** The bot's message that carries the button. */
  messageId: number
  languageCode?: string
  data: string
}

export interface BotIdentity {
  id: number
  username: string
}

const CONTENT_KEYS = ['sticker', 'photo', 'voice', 'video', 'video_note', 'audio', 'document', 'animation', 'location', 'venue', 'contact', 'poll', 'dice'] as const

type Entity = { type: string; offset: number; length: number; user?: { id: number } }

/** A text's entities, or a caption's (the same kinds: mentions, commands). */
function entitiesOf(message: Message): Entity[] {
  if ('entities' in message && Array.isArray(message.entities)) return message.entities as Entity[]
  if ('caption_entities' in message && Array.isArray(message.caption_entities)) return message.caption_entities as Entity[]
  return []
}

/** Removes the given UTF-16 ranges (Telegram's entity offsets are in UTF-16 code units, as JS strings are). */
function without(text: string, ranges: Array<{ offset: number; length: number }>): string {
  let out = text
  for (const { offset, length } of [...ranges].sort((a, b) => b.offset - a.offset)) out = out.slice(0, offset) + ' ' + out.slice(offset + length)
  return out
}

const tidy = (text: string) => text.replace(/^[\s,，:：;；、]+/, '').replace(/\s+/g, ' ').trim()

type Chat = { id: number; type: string }
type ChatType = Incoming['chatType']

const chatTypeOf = (chat: Chat | undefined): ChatType | undefined =>
  chat && (chat.type === 'private' || chat.type === 'group' || chat.type === 'supergroup') ? chat.type : undefined

export function readUpdate(update: Update, me: BotIdentity): Incoming | Press | undefined {
  if ('callback_query' in update) {
    const query = update.callback_query
    const message = query.message as { message_id: number; chat: Chat } | undefined
    const chatType = chatTypeOf(message?.chat)
    if (!message || !chatType || !('data' in query) || typeof query.data !== 'string') return undefined
    return { type: 'press', queryId: query.id, chatId: message.chat.id, chatType, userId: query.from.id, messageId: message.message_id, languageCode: query.from.language_code, data: query.data }
  }
  const edited = 'edited_message' in update
  const message = edited ? update.edited_message : 'message' in update ? update.message : undefined
  if (!message) return undefined
  const chatType = chatTypeOf(message.chat as Chat | undefined)
  if (!chatType) return undefined
  const from = message.from
  if (!from || from.is_bot) return undefined
  const repliesToBot = 'reply_to_message' in message && message.reply_to_message?.from?.id === me.id
  const base = {
    type: 'message' as const,
    chatId: message.chat.id,
    chatType,
    userId: from.id,
    messageId: message.message_id,
    languageCode: from.language_code,
    edited,
    ...(repliesToBot ? { repliesTo: (message as Message.TextMessage).reply_to_message!.message_id } : {}),
  }
  const isPrivate = chatType === 'private'

  // A caption is the text of a photo or a file: a question may come with a screenshot.
  const caption = 'caption' in message && typeof message.caption === 'string' ? message.caption : undefined
  const text = 'text' in message && typeof message.text === 'string' ? message.text : caption
  if (text === undefined) {
    if (!CONTENT_KEYS.some((key) => key in message)) return undefined
    return { ...base, kind: 'other', text: '', addressed: isPrivate || repliesToBot }
  }

  const entities = entitiesOf(message)
  const first = entities[0]
  if (first?.type === 'bot_command' && first.offset === 0) {
    const [name = '', target] = text.slice(1, first.length).split('@')
    // "/start@other_bot" is for another bot in the group.
    if (target !== undefined && target.toLowerCase() !== me.username.toLowerCase()) return undefined
    return { ...base, kind: 'text', command: name.toLowerCase(), text: tidy(text.slice(first.length)), addressed: true }
  }

  const mentions = entities.filter(
    (entity) =>
      (entity.type === 'mention' && text.slice(entity.offset, entity.offset + entity.length).toLowerCase() === `@${me.username.toLowerCase()}`) ||
      (entity.type === 'text_mention' && entity.user?.id === me.id),
  )
  return { ...base, kind: 'text', text: tidy(without(text, mentions)), addressed: isPrivate || repliesToBot || mentions.length > 0 }
}
