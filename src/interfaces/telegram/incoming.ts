import type { Message, Update } from 'telegraf/types'

/**
 * A Bot API update reduced to what the bot acts on. Everything else — edited messages, channel
 * posts, callback queries, service messages, messages from bots, commands for other bots — reads
 * as `undefined` and is ignored.
 */
export interface Incoming {
  chatId: number
  chatType: 'private' | 'group' | 'supergroup'
  userId: number
  messageId: number
  /** The user's Telegram language (e.g. "zh-hans", "en"), when Telegram tells it. */
  languageCode?: string
  /** `other`: a sticker, photo, voice message or other non-text content. */
  kind: 'text' | 'other'
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

export interface BotIdentity {
  id: number
  username: string
}

const CONTENT_KEYS = ['sticker', 'photo', 'voice', 'video', 'video_note', 'audio', 'document', 'animation', 'location', 'venue', 'contact', 'poll', 'dice'] as const

type Entity = { type: string; offset: number; length: number; user?: { id: number } }

function entitiesOf(message: Message): Entity[] {
  return 'entities' in message && Array.isArray(message.entities) ? (message.entities as Entity[]) : []
}

/** Removes the given UTF-16 ranges (Telegram's entity offsets are in UTF-16 code units, as JS strings are). */
function without(text: string, ranges: Array<{ offset: number; length: number }>): string {
  let out = text
  for (const { offset, length } of [...ranges].sort((a, b) => b.offset - a.offset)) out = out.slice(0, offset) + ' ' + out.slice(offset + length)
  return out
}

const tidy = (text: string) => text.replace(/^[\s,，:：;；、]+/, '').replace(/\s+/g, ' ').trim()

export function readUpdate(update: Update, me: BotIdentity): Incoming | undefined {
  if (!('message' in update)) return undefined
  const message = update.message
  const chat = message.chat as Message['chat'] | undefined
  if (!chat || (chat.type !== 'private' && chat.type !== 'group' && chat.type !== 'supergroup')) return undefined
  const from = message.from
  if (!from || from.is_bot) return undefined
  const base = { chatId: chat.id, chatType: chat.type, userId: from.id, messageId: message.message_id, languageCode: from.language_code }
  const repliesToBot = 'reply_to_message' in message && message.reply_to_message?.from?.id === me.id
  const isPrivate = chat.type === 'private'

  if (!('text' in message) || typeof message.text !== 'string') {
    if (!CONTENT_KEYS.some((key) => key in message)) return undefined
    return { ...base, kind: 'other', text: '', addressed: isPrivate || repliesToBot }
  }

  const text = message.text
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
