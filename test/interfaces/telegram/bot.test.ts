import fs from 'node:fs/promises'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createAnswerer, REFUSAL, type Answerer } from '../../../src/answer/answer.js'
import { createModelLimits } from '../../../src/answer/limits.js'
import { createChatModel } from '../../../src/answer/model.js'
import { citedCitations, type AnswerResponse } from '../../../src/answer/types.js'
import { BotError } from '../../../src/errors.js'
import { ingest } from '../../../src/index/ingest.js'
import { loadIndex, type SearchIndex } from '../../../src/index/search-index.js'
import { createBot, type TelegramBot } from '../../../src/interfaces/telegram/bot.js'
import { hasWholeSentence, MESSAGE_LIMIT } from '../../../src/interfaces/telegram/format.js'
import { COMMANDS, privacyText, PROFILE, startText, TEXT } from '../../../src/interfaces/telegram/messages.js'
import { smallTalk } from '../../../src/interfaces/telegram/small-talk.js'
import type { Pacing } from '../../../src/interfaces/telegram/outbox.js'
import { createLogger, silentLogger } from '../../../src/log.js'
import { startFakeOpenAI } from '../../fakes/openai-server.js'
import { entities, FAKE_BOT, press, startFakeTelegram, telegramHtmlProblem, textMessage, user, type ApiCall, type FakeTelegram } from '../../fakes/telegram-server.js'
import { localConfig, seedIndex, tempDir, testConfig } from '../../helpers.js'
import { handedLive, servedLive } from '../http/client.js'

/** The real telegraf bot, long polling a fake Bot API on 127.0.0.1, answering from the seed index. */

/** Fast pacing so that tests do not wait a second between messages; the Outbox tests cover the real one. */
const FAST: Pacing = { perChatMs: 20, perSecond: 30, maxRetries: 3 }

let index: SearchIndex
let extractive: Answerer
let fake: FakeTelegram
let running: TelegramBot | undefined

beforeAll(async () => {
  index = await seedIndex()
  extractive = createAnswerer({ index, logger: silentLogger })
})

beforeEach(async () => {
  fake = await startFakeTelegram()
})

afterEach(async () => {
  await running?.stop(1000)
  running = undefined
  // Every message went out as Telegram HTML that Telegram accepts (the fake refuses the rest).
  for (const call of [...fake.callsOf('sendMessage'), ...fake.callsOf('editMessageText')]) {
    expect(call.body.parse_mode).toBe('HTML')
    expect(telegramHtmlProblem(String(call.body.text))).toBeUndefined()
  }
  await fake.close()
})

interface Options {
  allowedChats?: number[]
  questionsPerMinute?: number
  answerer?: (index: SearchIndex) => Answerer
  on?: SearchIndex
  editEveryMs?: number
  rateWindowMs?: number
}

async function startBot(options: Options = {}): Promise<{ bot: TelegramBot; logs: string[] }> {
  const logs: string[] = []
  const live = servedLive(options.on ?? index, options.answerer ?? ((i) => createAnswerer({ index: i, logger: silentLogger })))
  const bot = createBot({
    telegram: { token: fake.token, apiRoot: fake.apiRoot, allowedChats: options.allowedChats ?? [], questionsPerMinute: options.questionsPerMinute ?? 0 },
    live,
    logger: createLogger('debug', (line) => logs.push(line)),
    pacing: FAST,
    editEveryMs: options.editEveryMs,
    rateWindowMs: options.rateWindowMs,
  })
  await bot.startPolling()
  running = bot
  return { bot, logs }
}

const dm = (id: number) => ({ id, type: 'private' as const })
const GROUP = { id: -1001, type: 'supergroup' as const }
const command = (text: string) => ({ entities: entities(text, { type: 'bot_command', part: text.split(' ')[0]! }) })

const sentTo = (chatId: number, method = 'sendMessage'): ApiCall[] => fake.callsOf(method).filter((call) => call.body.chat_id === chatId)
const textOf = (call: ApiCall) => String(call.body.text)
/** What a user sees of an HTML message. */
const visible = (html: string) => html.replace(/<\/?[a-z]+[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')

async function replies(chatId: number, count: number): Promise<string[]> {
  await fake.waitFor(() => sentTo(chatId).length >= count)
  return sentTo(chatId).map(textOf)
}

/**
 * Waits until everything pushed so far has been dealt with: a sticker in a fresh private chat is
 * pushed last and always gets a hint, so once it is answered the earlier updates were received.
 */
let probeChat = 900_000
async function settle(bot: TelegramBot): Promise<void> {
  const chat = probeChat++
  fake.push({ message: { message_id: 1, date: 0, chat: { ...dm(chat), first_name: 'probe' }, from: user(chat), sticker: { file_id: 'x' } } })
  await replies(chat, 1)
  await bot.settled()
}

/** The reply shows the expected answer (markers renumbered 1, 2… as cited) and, folded, the title of each source. */
/** Like `settle`, for a bot with questions waiting out a long rate limit: they are dropped by stopping it. */
async function settleQueued(bot: TelegramBot): Promise<void> {
  const chat = probeChat++
  fake.push({ message: { message_id: 1, date: 0, chat: { ...dm(chat), first_name: 'probe' }, from: user(chat), sticker: { file_id: 'x' } } })
  await replies(chat, 1)
  await bot.stop(0)
  running = undefined
}

function expectCitedAnswer(html: string, expected: AnswerResponse): void {
  expect(expected.cited.length).toBeGreaterThan(0)
  const numbers = new Map(expected.cited.map((n, i) => [n, i + 1]))
  expect(visible(html)).toContain(expected.answer.replace(/\[(\d+)\]/g, (_, n: string) => `[${numbers.get(Number(n))}]`))
  const [, sources = ''] = html.split('<blockquote expandable><b>来源</b>\n')
  for (const citation of citedCitations(expected)) {
    expect(visible(sources)).toContain(`📄 ${citation.title}`)
    expect(index.passages().some((chunk) => chunk.id === citation.id)).toBe(true)
  }
}

describe('Telegram bot', () => {
  it('/start is short, its three example questions a tap away; /help tells what it knows', async () => {
    const { bot } = await startBot()
    fake.push(textMessage(dm(1), user(1), '/start', command('/start')))
    const [start] = await replies(1, 1)
    expect(start).toBe(startText('zh'))
    const keyboard = (sentTo(1)[0]!.body.reply_markup as { keyboard: Array<Array<{ text: string }>>; one_time_keyboard: boolean }).keyboard
    const examples = keyboard.map((row) => row[0]!.text)
    expect(examples).toHaveLength(3)
    for (const question of examples) expect((await extractive.answer({ question })).found, question).toBe(true)
    // A tap sends the example as the user's message: it is answered as any question.
    fake.push(textMessage(dm(1), user(1), examples[0]!))
    const [, answer] = await replies(1, 2)
    expectCitedAnswer(answer!, await extractive.answer({ question: examples[0]! }))

    fake.push(textMessage(dm(1), user(1), '/help', command('/help')))
    const [, , help] = await replies(1, 3)
    for (const park of index.parks) expect(help).toContain(park.name)
    const listed = /<b>文档<\/b>（(\d+) 篇）\n((?:• .+\n?)+)/.exec(help!)!
    expect(listed[2]!.trim().split('\n')).toHaveLength(Number(listed[1]))
    // The seed corpus: four files of one article each, and one of three.
    expect(Number(listed[1])).toBe(7)

    fake.push(textMessage(dm(2), user(2, 'en'), '/help', command('/help')))
    const [english] = await replies(2, 1)
    expect(english).toContain('<b>Parks</b>')
    expect(english).toContain('Changde High-tech Zone (常德高新区)')
    await bot.settled()
  })

  it('speaks the user’s language in commands, whatever a deep-link payload says', async () => {
    const { bot } = await startBot()
    const deepLink = '/start ref_abc'
    fake.push(textMessage(dm(20), user(20), deepLink, command(deepLink)))
    expect((await replies(20, 1))[0]).toBe(startText('zh'))
    fake.push(textMessage(dm(21), user(21, 'en'), '/start 推荐', command('/start 推荐')))
    expect((await replies(21, 1))[0]).toBe(startText('en'))
    await bot.settled()
  })

  it('answers a question with its citations, shows "typing…" first, and passes the chat’s history on follow-ups', async () => {
    const { bot, logs } = await startBot()
    const first = '常德高新区有多少家高新技术企业？'
    fake.push(textMessage(dm(3), user(3), first))
    const [answer] = await replies(3, 1)
    const expected = await extractive.answer({ question: first })
    expect(expected.found).toBe(true)
    expectCitedAnswer(answer!, expected)
    expect(answer).toContain('<b>来源</b>')
    const typing = fake.calls.findIndex((call) => call.method === 'sendChatAction' && call.body.chat_id === 3 && call.body.action === 'typing')
    expect(typing).toBeGreaterThanOrEqual(0)
    expect(typing).toBeLessThan(fake.calls.indexOf(sentTo(3)[0]!))

    const followUp = '那常德经开区呢？'
    fake.push(textMessage(dm(3), user(3), followUp))
    const [, second] = await replies(3, 2)
    const withHistory = await extractive.answer({ question: followUp, history: [{ role: 'user', content: first }, { role: 'assistant', content: expected.answer }] })
    const alone = await extractive.answer({ question: followUp })
    // Only the history makes this answerable, so the reply proves the history was passed.
    expect(withHistory.found).toBe(true)
    expect(alone.found).toBe(false)
    expectCitedAnswer(second!, withHistory)
    await bot.settled()
    expect(logs.join('\n')).not.toContain(first)
  })

  it('says in one line when the documents do not say; the closest passages come with a button press', async () => {
    const { bot } = await startBot()
    const question = '张家界高新区2020年出口额有多少？'
    const expected = await extractive.answer({ question })
    expect(expected.found).toBe(false)
    fake.push(textMessage(dm(4), user(4), question))
    const [answer] = await replies(4, 1)
    expect(answer).toBe('文档中没有找到这个问题的答案。')
    const markup = sentTo(4)[0]!.body.reply_markup as { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> }
    expect(markup.inline_keyboard).toEqual([[{ text: '📄 最接近的段落', callback_data: 'passages' }]])

    const answerId = sentTo(4)[0]!.messageId!
    fake.push(press(4, answerId, 'passages', 'q-1'))
    const [, passages] = await replies(4, 2)
    expect(fake.callsOf('answerCallbackQuery')[0]!.body).toEqual({ callback_query_id: 'q-1' })
    expect(passages!.startsWith('<blockquote expandable><b>最接近的段落</b>\n📄 ')).toBe(true)
    expect(visible(passages!)).toContain(`📄 ${expected.citations[0]!.title}`)
    expect(sentTo(4)[1]!.body.reply_parameters).toMatchObject({ message_id: answerId })

    // A button under a message the bot no longer remembers says so in the notice, and nothing else.
    fake.push(press(4, 123_456, 'passages', 'q-2'))
    await fake.waitFor(() => fake.callsOf('answerCallbackQuery').length >= 2)
    expect(fake.callsOf('answerCallbackQuery')[1]!.body).toEqual({ callback_query_id: 'q-2', text: '这条回答已经太早了，请重新提问。' })
    await bot.settled()
    expect(sentTo(4)).toHaveLength(2)
  })

  it('tells a chat that is not allowed once, then ignores it', async () => {
    const { bot, logs } = await startBot({ allowedChats: [5] })
    fake.push(textMessage(dm(6), user(6), '常德高新区有多少家高新技术企业？'))
    fake.push(textMessage(dm(6), user(6), '张家界高新区有多少家高新技术企业？'))
    fake.push(textMessage(GROUP, user(6), '群里没有提到机器人的消息'))
    fake.push(textMessage(dm(5), user(5), '常德高新区有多少家高新技术企业？'))
    await replies(5, 1)
    await settle(bot)
    expect(sentTo(6).map(textOf)).toEqual(['抱歉，这个机器人只在获准的聊天中回答问题。'])
    expect(sentTo(GROUP.id)).toHaveLength(0)
    expect(logs.filter((line) => line.includes('chat 6 is not in TELEGRAM_ALLOWED_CHATS'))).toHaveLength(1)
  })

  it('in a group answers only mentions, replies to it and /ask, each as a reply to its question', async () => {
    const { bot } = await startBot()
    fake.push(textMessage(GROUP, user(7), '常德高新区有多少家高新技术企业？'))
    fake.push(textMessage(GROUP, user(7), '/start@other_bot', command('/start@other_bot')))
    await settle(bot)
    expect(sentTo(GROUP.id)).toHaveLength(0)

    const mention = `@${FAKE_BOT.username} 常德高新区有多少家高新技术企业？`
    const mentioned = textMessage(GROUP, user(7), mention, { entities: entities(mention, { type: 'mention', part: `@${FAKE_BOT.username}` }) })
    fake.push(mentioned)
    const [answer] = await replies(GROUP.id, 1)
    expectCitedAnswer(answer!, await extractive.answer({ question: '常德高新区有多少家高新技术企业？' }))
    expect(sentTo(GROUP.id)[0]!.body.reply_parameters).toMatchObject({ message_id: mentioned.message.message_id })

    const ask = `/ask@${FAKE_BOT.username} 湘西高新区引进了哪些项目？`
    fake.push(textMessage(GROUP, user(8), ask, command(ask)))
    const reply = textMessage(GROUP, user(9), '张家界高新区有多少家高新技术企业？', { reply_to_message: { message_id: 1, date: 0, chat: GROUP, from: FAKE_BOT, text: '…' } })
    fake.push(reply)
    const all = await replies(GROUP.id, 3)
    expect(visible(all[1]!)).toContain((await extractive.answer({ question: '湘西高新区引进了哪些项目？', history: [] })).answer.slice(0, 20))
    expect(sentTo(GROUP.id)[2]!.body.reply_parameters).toMatchObject({ message_id: reply.message.message_id })
    await bot.settled()
  })

  it('ignores stickers in groups, channel posts and broken updates, hints at text in private, and carries on', async () => {
    const { bot, logs } = await startBot()
    fake.push({ message: { message_id: 50, date: 0, chat: { ...GROUP, title: 'g' }, from: user(10), sticker: { file_id: 's' } } })
    fake.push({ message: { message_id: 51, date: 0, chat: { ...dm(10), first_name: 'a' }, from: user(10), voice: { file_id: 'v' } } })
    fake.push({ channel_post: { message_id: 52, date: 0, chat: { id: -2002, type: 'channel', title: 'c' }, text: '常德高新区有多少家高新技术企业？' } })
    const broken = fake.push({ message: null })
    await settle(bot)
    expect(sentTo(GROUP.id)).toHaveLength(0)
    expect(sentTo(-2002)).toHaveLength(0)
    expect(sentTo(10).map(textOf)).toEqual([TEXT.zh.nonText])
    // The broken update is ignored without an error; the bot still answers afterwards.
    expect(logs.filter((line) => line.startsWith('error'))).toEqual([])
    expect(broken).toBeGreaterThan(0)
    fake.push(textMessage(dm(10), user(10), '常德高新区有多少家高新技术企业？'))
    expect((await replies(10, 2))[1]).toContain('<b>来源</b>')
    await bot.settled()
    expect(logs.join('\n')).not.toContain(fake.token)
  })

  it('answers the caption of a photo or a file as a question, with the mention rules of text', async () => {
    const { bot } = await startBot()
    const question = '常德高新区有多少家高新技术企业？'
    fake.push({ message: { message_id: 60, date: 0, chat: { ...dm(16), first_name: 'a' }, from: user(16), photo: [{ file_id: 'p', width: 1, height: 1 }], caption: question } })
    const [answer] = await replies(16, 1)
    expectCitedAnswer(answer!, await extractive.answer({ question }))
    const caption = `@${FAKE_BOT.username} ${question}`
    fake.push({ message: { message_id: 61, date: 0, chat: { ...GROUP, title: 'g' }, from: user(16), document: { file_id: 'd' }, caption, caption_entities: entities(caption, { type: 'mention', part: `@${FAKE_BOT.username}` }) } })
    fake.push({ message: { message_id: 62, date: 0, chat: { ...GROUP, title: 'g' }, from: user(16), photo: [{ file_id: 'p', width: 1, height: 1 }], caption: question } })
    await replies(GROUP.id, 1)
    await settle(bot)
    expect(sentTo(GROUP.id)).toHaveLength(1)
    expect(sentTo(GROUP.id)[0]!.body.reply_parameters).toMatchObject({ message_id: 61 })
  })

  it('answers an edited question again by editing its earlier reply', async () => {
    const { bot } = await startBot()
    const asked = textMessage(dm(17), user(17), '常德高新区有多少家高新技术企业？')
    fake.push(asked)
    await replies(17, 1)
    const replyId = sentTo(17)[0]!.messageId!
    const corrected = '湘西高新区引进了哪些项目？'
    fake.push({ edited_message: { ...asked.message, text: corrected, edit_date: 1 } })
    await fake.waitFor(() => sentTo(17, 'editMessageText').length >= 1)
    await bot.settled()
    const edit = sentTo(17, 'editMessageText')[0]!
    expect(edit.body.message_id).toBe(replyId)
    expectCitedAnswer(textOf(edit), await extractive.answer({ question: corrected }))
    expect(sentTo(17)).toHaveLength(1)
    // An edit of a message the bot never answered is answered anew.
    const unknown = textMessage(dm(17), user(17), corrected)
    fake.push({ edited_message: { ...unknown.message, edit_date: 1 } })
    await replies(17, 2)
    await bot.settled()
  })

  it('greets, thanks and acknowledges in one friendly line, never a refusal with passages', async () => {
    const { bot } = await startBot()
    const said: Array<[string, string]> = [
      ['你好', smallTalk.reply('greeting', 'zh')],
      ['谢谢！', smallTalk.reply('thanks', 'zh')],
      ['👍', smallTalk.reply('acknowledgement', 'zh')],
      ['ok', smallTalk.reply('acknowledgement', 'en')],
      ['详细一点', smallTalk.reply('more', 'zh')],
    ]
    for (const [text] of said) fake.push(textMessage(dm(18), user(18), text))
    const texts = await replies(18, said.length)
    expect(texts).toEqual(said.map(([, reply]) => reply))
    for (const call of sentTo(18)) expect(call.body).not.toHaveProperty('reply_markup')
    await bot.settled()
  })

  it('/privacy says what is kept, for how long, and where questions go; /new forgets the conversation', async () => {
    const { bot } = await startBot()
    fake.push(textMessage(dm(19), user(19), '/privacy', command('/privacy')))
    const [privacy] = await replies(19, 1)
    expect(privacy).toBe(privacyText('zh', { exchanges: 3, idleMinutes: 30, llm: false }))
    expect(privacy).toContain('离线模式')
    expect(privacyText('zh', { exchanges: 3, idleMinutes: 30, llm: true })).toContain('发送给所配置的模型服务商')
    fake.push(textMessage(dm(19), user(19), '常德高新区有多少家高新技术企业？'))
    fake.push(textMessage(dm(19), user(19), '/new', command('/new')))
    fake.push(textMessage(dm(19), user(19), '那常德经开区呢？'))
    const all = await replies(19, 4)
    expect(all[2]).toBe(TEXT.zh.newConversation)
    // Without the forgotten history the follow-up names nothing to ask about.
    expect(all[3]).toBe('文档中没有找到这个问题的答案。')
    await bot.settled()
  })

  it('sets its command menu and profile in Chinese and English at start, and only when they differ', async () => {
    const first = await startBot()
    await first.bot.stop(1000)
    running = undefined
    expect(fake.callsOf('setMyCommands').map((c) => c.body)).toEqual([
      { commands: COMMANDS.zh },
      { commands: COMMANDS.zh, language_code: 'zh' },
      { commands: COMMANDS.en, language_code: 'en' },
    ])
    expect(fake.callsOf('setMyDescription').map((c) => c.body)).toEqual([
      { description: PROFILE.zh.description },
      { description: PROFILE.zh.description, language_code: 'zh' },
      { description: PROFILE.en.description, language_code: 'en' },
    ])
    expect(fake.callsOf('setMyShortDescription')).toHaveLength(3)
    for (const { shortDescription } of Object.values(PROFILE)) expect(Array.from(shortDescription).length).toBeLessThanOrEqual(120)
    // A restart finds everything set and sets nothing.
    const { logs } = await startBot()
    expect(fake.callsOf('setMyCommands')).toHaveLength(3)
    expect(fake.callsOf('setMyDescription')).toHaveLength(3)
    expect(logs.some((line) => line.includes('command menu and profile already up to date'))).toBe(true)
  })

  it('waits out a 429 on send for its retry_after, then delivers the answer once', async () => {
    const { bot, logs } = await startBot()
    fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } })
    fake.push(textMessage(dm(11), user(11), '常德高新区有多少家高新技术企业？'))
    const [first, second] = (await fake.waitFor(() => sentTo(11).length >= 2), sentTo(11))
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1000)
    expect(textOf(second!)).toBe(textOf(first!))
    await bot.settled()
    expect(sentTo(11)).toHaveLength(2)
    expect(logs.filter((line) => line.startsWith('error'))).toEqual([])
  })

  it('queues a question over the rate limit with one short notice, and answers it when its turn comes', async () => {
    const { bot } = await startBot({ questionsPerMinute: 2, rateWindowMs: 1500 })
    const questions = ['常德高新区有多少家高新技术企业？', '湘西高新区引进了哪些项目？', '张家界高新区有多少家高新技术企业？', '怀化高新区引进了哪些项目？']
    for (const question of questions) fake.push(textMessage(dm(12), user(12), question))
    await replies(12, 5)
    await bot.settled()
    const texts = sentTo(12).map(textOf)
    expect(texts).toHaveLength(5)
    expect(texts.filter((text) => /^问得有点快了，这个问题我 \d+ 秒后自动回答。$/.test(text))).toHaveLength(1)
    // Every question is answered, each as a reply to its question (others were waiting).
    const answers = sentTo(12).filter((call) => !textOf(call).startsWith('问得有点快了'))
    expect(answers).toHaveLength(4)
    for (const [i, call] of answers.entries()) expectCitedAnswer(textOf(call), await extractive.answer({ question: questions[i]! }))
  }, 60_000)

  it('tells a user with too many questions waiting to ask again, and drops only those', async () => {
    const { bot } = await startBot({ questionsPerMinute: 1, rateWindowMs: 60_000 })
    for (let i = 0; i < 6; i++) fake.push(textMessage(dm(22), user(22), `常德高新区第${i}个问题有多少家企业？`))
    await replies(22, 4)
    await settleQueued(bot)
    const texts = sentTo(22).map(textOf)
    // One answered now, three queued (told once), two over the bound (told each time).
    expect(texts.filter((text) => text.startsWith('问得有点快了'))).toHaveLength(1)
    expect(texts.filter((text) => text.startsWith('待回答的问题太多了'))).toHaveLength(2)
  })

  it('holds questions that arrive while the documents load, and answers them once they are ready', async () => {
    const live = handedLive((i) => createAnswerer({ index: i, logger: silentLogger }), 'extractive')
    const bot = createBot({ telegram: { token: fake.token, apiRoot: fake.apiRoot, allowedChats: [], questionsPerMinute: 0 }, live, logger: silentLogger, pacing: FAST })
    await bot.startPolling()
    running = bot
    fake.push(textMessage(dm(23), user(23), '常德高新区有多少家高新技术企业？'))
    fake.push(textMessage(dm(23), user(23), '湘西高新区引进了哪些项目？'))
    const [notice] = await replies(23, 1)
    expect(notice).toBe(TEXT.zh.loading)
    live.serve(index)
    const all = await replies(23, 3)
    expectCitedAnswer(all[1]!, await extractive.answer({ question: '常德高新区有多少家高新技术企业？' }))
    expectCitedAnswer(all[2]!, await extractive.answer({ question: '湘西高新区引进了哪些项目？' }))
    await bot.settled()
  })

  it('in a private chat, replies to each question of a burst; a lone question gets a plain message', async () => {
    const { bot } = await startBot()
    fake.push(textMessage(dm(24), user(24), '常德高新区有多少家高新技术企业？'))
    await replies(24, 1)
    await bot.settled()
    expect(sentTo(24)[0]!.body).not.toHaveProperty('reply_parameters')
    const burst = ['湘西高新区引进了哪些项目？', '张家界高新区有多少家高新技术企业？'].map((q) => textMessage(dm(24), user(24), q))
    for (const message of burst) fake.push(message)
    await replies(24, 3)
    await bot.settled()
    expect(sentTo(24)[1]!.body.reply_parameters).toMatchObject({ message_id: burst[0]!.message.message_id })
    expect(sentTo(24)[2]!.body.reply_parameters).toMatchObject({ message_id: burst[1]!.message.message_id })
  })

  it('keeps one conversation per user in a group; a reply to an older answer asks about that answer; a refusal is no context', async () => {
    const { bot } = await startBot()
    const mention = (text: string) => {
      const full = `@${FAKE_BOT.username} ${text}`
      return { entities: entities(full, { type: 'mention', part: `@${FAKE_BOT.username}` }), full }
    }
    const ask = (from: number, text: string, extra: Record<string, unknown> = {}) => {
      const { entities: found, full } = mention(text)
      const message = textMessage(GROUP, user(from), full, { entities: found, ...extra })
      fake.push(message)
      return message
    }
    ask(30, '常德高新区有多少家高新技术企业？')
    ask(31, '湘西高新区2022年GDP有多少？')
    await replies(GROUP.id, 2)
    const changdeAnswerId = sentTo(GROUP.id)[0]!.messageId!
    // User 30's follow-up reads user 30's question, not user 31's later one.
    ask(30, '那常德经开区呢？')
    const [, , own] = await replies(GROUP.id, 3)
    const history = [{ role: 'user' as const, content: '常德高新区有多少家高新技术企业？' }, { role: 'assistant' as const, content: (await extractive.answer({ question: '常德高新区有多少家高新技术企业？' })).answer }]
    expectCitedAnswer(own!, await extractive.answer({ question: '那常德经开区呢？', history }))
    // User 31 replies to the first answer (about 常德高新区): that answer is the context.
    const reply = textMessage(GROUP, user(31), '那常德经开区呢？', { reply_to_message: { message_id: changdeAnswerId, date: 0, chat: GROUP, from: FAKE_BOT, text: '…' } })
    fake.push(reply)
    const [, , , replied] = await replies(GROUP.id, 4)
    expectCitedAnswer(replied!, await extractive.answer({ question: '那常德经开区呢？', history }))

    // A refused follow-up does not become the context of the next one.
    ask(32, '常德高新区有多少家高新技术企业？')
    ask(32, '那它2035年的出口额呢？')
    ask(32, '那常德经开区呢？')
    const all = await replies(GROUP.id, 7)
    expect(all[5]).toBe('文档中没有找到这个问题的答案。')
    expectCitedAnswer(all[6]!, await extractive.answer({ question: '那常德经开区呢？', history }))
    await bot.settled()
  })

  it('escapes <, > and & from the passages', async () => {
    const corpusDir = await tempDir('parkqa-html-corpus-')
    await fs.writeFile(
      path.join(corpusDir, 'formula.txt'),
      '测试园区产值公式说明\n\n测试园区2023年的产值公式是 A<B & C>D，其中 <b>这不是标签</b> 要原样显示。测试园区2023年实现技工贸总收入100亿元。\n',
    )
    const indexDir = path.join(await tempDir(), 'index')
    await ingest({ corpusDir, indexDir, config: localConfig, ef: 128, logger: silentLogger })
    const small = await loadIndex({ indexDir, config: localConfig, ef: 128 })
    const { bot } = await startBot({ on: small })
    fake.push(textMessage(dm(13), user(13), '测试园区2023年的产值公式是什么？'))
    const [answer] = await replies(13, 1)
    expect(answer).toContain('A&lt;B &amp; C&gt;D')
    expect(answer).toContain('&lt;b&gt;这不是标签&lt;/b&gt;')
    expect(answer).not.toContain('<b>这不是标签')
    await bot.settled()
  })

  it('streams an LLM answer by editing one message about once a second, and splits one longer than 4,096 characters', async () => {
    const openai = await startFakeOpenAI()
    try {
      const paragraphs = Array.from({ length: 10 }, (_, i) => `第${i + 1}部分：常德高新区新增高新技术企业19家、累计44家[1]。${'园区坚持项目为王、企业为大、服务为本。'.repeat(30)}`)
      // About 150 pieces: 1,500 tiny ones took minutes on a VM whose timers fire many times late.
      openai.behaviour = { kind: 'slow', content: paragraphs.join('\n\n'), pieceMs: 1, pieceChars: 40 }
      const chat = await createChatModel(testConfig({ OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: openai.baseURL, LLM_TIMEOUT_MS: '60000' }))
      const { bot } = await startBot({ answerer: (i) => createAnswerer({ index: i, logger: silentLogger, model: { chat, limits: createModelLimits({ timeoutMs: 60_000, concurrency: 4, queue: 32, breaker: { failures: 3, coolDownMs: 30_000 }, logger: silentLogger }) } }), editEveryMs: 500 })
      fake.push(textMessage(dm(14), user(14), '常德高新区有多少家高新技术企业？'))
      await fake.waitFor(() => sentTo(14).some((call) => textOf(call).includes('<b>来源</b>')), 120_000)
      await bot.settled()

      const sends = sentTo(14)
      const edits = sentTo(14, 'editMessageText')
      // The first message shows the answer as it is written, then is edited in place.
      expect(textOf(sends[0]!).endsWith(' …')).toBe(true)
      expect(edits.length).toBeGreaterThanOrEqual(1)
      for (const edit of edits) expect(edit.body.message_id).toBe(edits[0]!.body.message_id)
      for (const [i, edit] of edits.entries()) expect(edit.at - (i === 0 ? sends[0]! : edits[i - 1]!).at).toBeGreaterThanOrEqual(450)
      // The last edit finishes the first part; the rest follow as new messages, sources last.
      const final = [textOf(edits.at(-1)!), ...sends.slice(1).map(textOf)]
      expect(final.length).toBeGreaterThan(1)
      for (const html of [...final, ...sends.map(textOf), ...edits.map(textOf)]) expect(html.length).toBeLessThanOrEqual(MESSAGE_LIMIT)
      expect(final.some((html) => html.endsWith(' …'))).toBe(false)
      const shown = final.map(visible).join('\n\n')
      for (const paragraph of paragraphs) expect(shown).toContain(paragraph)
      expect(final.at(-1)).toContain('<blockquote expandable><b>来源</b>\n📄 <b>')
      // The first message a notification shows is a whole sentence, not a stub.
      expect(hasWholeSentence(visible(textOf(sends[0]!)).replace(/ …$/, ''))).toBe(true)
    } finally {
      await openai.close()
    }
  }, 180_000)

  it('handles webhook updates with preset bot info, and refuses them once stopping so that Telegram redelivers', async () => {
    const bot = createBot({
      telegram: { token: fake.token, apiRoot: fake.apiRoot, allowedChats: [], questionsPerMinute: 0 },
      live: servedLive(index, (i) => createAnswerer({ index: i, logger: silentLogger })),
      logger: silentLogger,
      pacing: FAST,
      botInfo: FAKE_BOT,
    })
    await bot.handleUpdate({ update_id: 1, ...textMessage(dm(15), user(15), '常德高新区有多少家高新技术企业？') })
    await bot.settled()
    expect(sentTo(15)).toHaveLength(1)
    expect(fake.callsOf('getMe')).toHaveLength(0)
    await bot.stop(100)
    await expect(bot.handleUpdate({ update_id: 2, ...textMessage(dm(15), user(15), '湘西高新区引进了哪些项目？') })).rejects.toMatchObject({ code: 'not_ready' })
    expect(sentTo(15)).toHaveLength(1)
  })

  it('start-up failures are typed errors that never show the token', async () => {
    const closed = await startFakeTelegram()
    const apiRoot = closed.apiRoot
    await closed.close()
    const unreachable = createBot({ telegram: { token: fake.token, apiRoot, allowedChats: [], questionsPerMinute: 0 }, live: servedLive(index, (i) => createAnswerer({ index: i, logger: silentLogger })), logger: silentLogger })
    const error = await unreachable.startPolling().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BotError)
    expect((error as BotError).code).toBe('telegram_unreachable')
    expect((error as BotError).message).not.toContain(fake.token)

    const wrongToken = '999:wrong-token'
    const refused = createBot({ telegram: { token: wrongToken, apiRoot: fake.apiRoot, allowedChats: [], questionsPerMinute: 0 }, live: servedLive(index, (i) => createAnswerer({ index: i, logger: silentLogger })), logger: silentLogger })
    const rejection = await refused.startPolling().catch((e: unknown) => e)
    expect((rejection as BotError).code).toBe('telegram_unauthorized')
    expect((rejection as BotError).message).not.toContain(wrongToken)
  })
})
