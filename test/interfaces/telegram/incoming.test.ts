import { describe, expect, it } from 'vitest'
import type { Update } from 'telegraf/types'
import { readUpdate } from '../../../src/interfaces/telegram/incoming.js'
import { entities, FAKE_BOT, textMessage, user } from '../../fakes/telegram-server.js'

const me = { id: FAKE_BOT.id, username: FAKE_BOT.username }
const readAny = (update: Record<string, unknown>) => readUpdate({ update_id: 1, ...update } as unknown as Update, me)
/** A message update read: a press here would be a mistake of the reader. */
const read = (update: Record<string, unknown>) => {
  const read = readAny(update)
  if (read?.type === 'press') throw new Error('read a message as a button press')
  return read
}
const group = { id: -100, type: 'supergroup' as const }
const dm = { id: 42, type: 'private' as const }
const alice = user(42)

describe('readUpdate', () => {
  it('takes every text message in a private chat as a question', () => {
    expect(read(textMessage(dm, alice, '  常德高新区有多少家企业？ '))).toMatchObject({ chatId: 42, userId: 42, kind: 'text', text: '常德高新区有多少家企业？', addressed: true })
    expect(read(textMessage(dm, alice, '你好'))).not.toHaveProperty('command')
  })

  it('takes a group message only when it mentions the bot, replies to it, or is a command', () => {
    expect(read(textMessage(group, alice, '常德高新区有多少家企业？'))?.addressed).toBe(false)
    const mention = `@${FAKE_BOT.username}，常德高新区有多少家企业？`
    expect(read(textMessage(group, alice, mention, { entities: entities(mention, { type: 'mention', part: `@${FAKE_BOT.username}` }) }))).toMatchObject({ addressed: true, text: '常德高新区有多少家企业？' })
    const otherMention = '@someone_else 你好'
    expect(read(textMessage(group, alice, otherMention, { entities: entities(otherMention, { type: 'mention', part: '@someone_else' }) }))?.addressed).toBe(false)
    const named = 'ParkQA 常德高新区有多少家企业？'
    expect(read(textMessage(group, alice, named, { entities: entities(named, { type: 'text_mention', part: 'ParkQA', user: FAKE_BOT }) }))).toMatchObject({ addressed: true, text: '常德高新区有多少家企业？' })
    const reply = textMessage(group, alice, '那2019年呢？', { reply_to_message: { message_id: 9, date: 0, chat: group, from: FAKE_BOT, text: '…' } })
    expect(read(reply)).toMatchObject({ addressed: true, text: '那2019年呢？' })
    const ask = `/ask@${FAKE_BOT.username} 湘西高新区引进了哪些项目？`
    expect(read(textMessage(group, alice, ask, { entities: entities(ask, { type: 'bot_command', part: `/ask@${FAKE_BOT.username}` }) }))).toMatchObject({ addressed: true, command: 'ask', text: '湘西高新区引进了哪些项目？' })
  })

  it('ignores commands for other bots', () => {
    const text = '/start@other_bot'
    expect(read(textMessage(group, alice, text, { entities: entities(text, { type: 'bot_command', part: text }) }))).toBeUndefined()
  })

  it('reads stickers as non-text, addressed only in private chats', () => {
    const sticker = { message: { message_id: 3, date: 0, chat: dm, from: alice, sticker: { file_id: 'x' } } }
    expect(read(sticker)).toMatchObject({ kind: 'other', addressed: true })
    expect(read({ message: { message_id: 4, date: 0, chat: group, from: alice, photo: [] } })).toMatchObject({ kind: 'other', addressed: false })
  })

  it('reads a photo’s or a file’s caption as its text, with the mention rules of text', () => {
    const photo = { message: { message_id: 8, date: 0, chat: dm, from: alice, photo: [{ file_id: 'p' }], caption: '这张图里的园区有多少家企业？' } }
    expect(read(photo)).toMatchObject({ kind: 'text', text: '这张图里的园区有多少家企业？', addressed: true })
    const caption = `@${FAKE_BOT.username} 常德高新区有多少家企业？`
    const inGroup = { message: { message_id: 9, date: 0, chat: group, from: alice, document: { file_id: 'd' }, caption, caption_entities: entities(caption, { type: 'mention', part: `@${FAKE_BOT.username}` }) } }
    expect(read(inGroup)).toMatchObject({ kind: 'text', text: '常德高新区有多少家企业？', addressed: true })
    expect(read({ message: { ...inGroup.message, caption: '常德高新区有多少家企业？', caption_entities: [] } })?.addressed).toBe(false)
  })

  it('reads an edited message as an edit of the same message', () => {
    const edited = textMessage(dm, alice, '改过的问题').message
    expect(read({ edited_message: edited })).toMatchObject({ type: 'message', edited: true, messageId: edited.message_id, text: '改过的问题' })
    expect(read(textMessage(dm, alice, '原来的问题'))).toMatchObject({ edited: false })
  })

  it('knows which of the bot’s messages a message replies to', () => {
    const reply = textMessage(group, alice, '那2019年呢？', { reply_to_message: { message_id: 9, date: 0, chat: group, from: FAKE_BOT, text: '…' } })
    expect(read(reply)).toMatchObject({ repliesTo: 9 })
    const toSomeoneElse = textMessage(group, alice, '同意', { reply_to_message: { message_id: 10, date: 0, chat: group, from: user(5), text: '…' } })
    expect(read(toSomeoneElse)).not.toHaveProperty('repliesTo')
  })

  it('reads a press of the bot’s button with the message it is under', () => {
    const press = { callback_query: { id: 'q1', from: user(42, 'en'), chat_instance: 'x', data: 'passages', message: { message_id: 77, date: 0, chat: dm, from: FAKE_BOT, text: '…' } } }
    expect(readAny(press)).toEqual({ type: 'press', queryId: 'q1', chatId: 42, chatType: 'private', userId: 42, messageId: 77, languageCode: 'en', data: 'passages' })
    expect(readAny({ callback_query: { id: '1', from: alice, chat_instance: 'x' } })).toBeUndefined()
  })

  it('ignores channel posts, service messages, bots and updates without a chat', () => {
    expect(read({ channel_post: { message_id: 5, date: 0, chat: { id: -200, type: 'channel', title: 'c' }, text: '公告' } })).toBeUndefined()
    expect(read({ message: { message_id: 6, date: 0, chat: group, from: alice, new_chat_members: [alice] } })).toBeUndefined()
    expect(read(textMessage(dm, { ...alice, is_bot: true }, '我是机器人'))).toBeUndefined()
    expect(read({ message: { message_id: 7, date: 0, from: alice, text: '没有 chat' } })).toBeUndefined()
  })
})
