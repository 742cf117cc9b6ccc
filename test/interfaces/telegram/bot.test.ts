import fs from 'node:fs/promises'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createAnswerer, REFUSAL, type Answerer } from '../../../src/answer/answer.js'
import { createModelLimits } from '../../../src/answer/limits.js'
import { createChatModel } from '../../../src/answer/model.js'
import type { AnswerResponse } from '../../../src/answer/types.js'
import { BotError } from '../../../src/errors.js'
import { ingest } from '../../../src/index/ingest.js'
import { loadIndex, type SearchIndex } from '../../../src/index/search-index.js'
import { createBot, type TelegramBot } from '../../../src/interfaces/telegram/bot.js'
import { MESSAGE_LIMIT } from '../../../src/interfaces/telegram/format.js'
import type { Pacing } from '../../../src/interfaces/telegram/outbox.js'
import { createLogger, silentLogger } from '../../../src/log.js'
import { startFakeOpenAI } from '../../fakes/openai-server.js'
import { entities, FAKE_BOT, startFakeTelegram, textMessage, user, type ApiCall, type FakeTelegram } from '../../fakes/telegram-server.js'
import { localConfig, seedIndex, tempDir, testConfig } from '../../helpers.js'
import { servedLive } from '../http/client.js'

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
  await fake.close()
})

interface Options {
  allowedChats?: number[]
  questionsPerMinute?: number
  answerer?: (index: SearchIndex) => Answerer
  on?: SearchIndex
  editEveryMs?: number
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
const visible = (html: string) => html.replace(/<\/?[a-z]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')

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

function expectCitedAnswer(html: string, expected: AnswerResponse): void {
  expect(visible(html)).toContain(expected.answer)
  const cited = new Set([...expected.answer.matchAll(/\[(\d+)\]/g)].map((match) => Number(match[1])))
  expect(cited.size).toBeGreaterThan(0)
  for (const citation of expected.citations.filter((c) => cited.has(c.n))) {
    expect(visible(html)).toContain(`[${citation.n}] ${citation.title}`)
    expect(index.passages().some((chunk) => chunk.id === citation.id)).toBe(true)
  }
}

describe('Telegram bot', () => {
  it('/start and /help tell what it knows, with three example questions it answers', async () => {
    const { bot } = await startBot()
    fake.push(textMessage(dm(1), user(1), '/start', command('/start')))
    const [help] = await replies(1, 1)
    for (const park of index.parks) expect(help).toContain(park.name)
    const listed = /<b>文档<\/b>（(\d+) 篇）\n((?:• .+\n?)+)/.exec(help!)!
    expect(listed[2]!.trim().split('\n')).toHaveLength(Number(listed[1]))
    // The seed corpus: four files of one article each, and one of three.
    expect(Number(listed[1])).toBe(7)
    const examples = help!.split('<b>可以这样问</b>\n')[1]!.split('\n\n')[0]!.split('\n').map((line) => line.replace(/^• /, ''))
    expect(examples).toHaveLength(3)
    for (const question of examples) expect((await extractive.answer({ question })).found, question).toBe(true)

    fake.push(textMessage(dm(2), user(2, 'en'), '/help', command('/help')))
    const [english] = await replies(2, 1)
    expect(english).toContain('<b>Parks</b>')
    expect(english).toContain('Changde High-tech Zone (常德高新区)')
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

  it('says plainly when the documents do not say, and lists the closest passages', async () => {
    const { bot } = await startBot()
    const question = '张家界高新区2020年出口额有多少？'
    const expected = await extractive.answer({ question })
    expect(expected.found).toBe(false)
    fake.push(textMessage(dm(4), user(4), question))
    const [answer] = await replies(4, 1)
    expect(answer!.startsWith(REFUSAL.zh)).toBe(true)
    expect(answer).toContain('<b>最接近的段落</b>')
    expect(visible(answer!)).toContain(`[1] ${expected.citations[0]!.title}`)
    await bot.settled()
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

  it('ignores stickers in groups, edits, channel posts and broken updates, hints at text in private, and carries on', async () => {
    const { bot, logs } = await startBot()
    fake.push({ message: { message_id: 50, date: 0, chat: { ...GROUP, title: 'g' }, from: user(10), sticker: { file_id: 's' } } })
    fake.push({ message: { message_id: 51, date: 0, chat: { ...dm(10), first_name: 'a' }, from: user(10), voice: { file_id: 'v' } } })
    fake.push({ edited_message: textMessage(dm(10), user(10), '常德高新区有多少家高新技术企业？').message })
    fake.push({ channel_post: { message_id: 52, date: 0, chat: { id: -2002, type: 'channel', title: 'c' }, text: '常德高新区有多少家高新技术企业？' } })
    const broken = fake.push({ message: null })
    fake.push({ callback_query: { id: 'q', from: user(10), chat_instance: 'i', data: 'x' } })
    await settle(bot)
    expect(sentTo(GROUP.id)).toHaveLength(0)
    expect(sentTo(-2002)).toHaveLength(0)
    expect(sentTo(10).map(textOf)).toEqual(['我只能回答文字问题，请直接用文字提问。发送 /help 查看我能回答什么。'])
    // The broken update reached bot.catch, which logged it; the bot still answers afterwards.
    expect(logs.some((line) => line.startsWith(`error: telegram: update ${broken} failed`))).toBe(true)
    fake.push(textMessage(dm(10), user(10), '常德高新区有多少家高新技术企业？'))
    expect((await replies(10, 2))[1]).toContain('<b>来源</b>')
    await bot.settled()
    expect(logs.join('\n')).not.toContain(fake.token)
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

  it('limits questions per user with one polite message', async () => {
    const { bot } = await startBot({ questionsPerMinute: 2 })
    for (const question of ['常德高新区有多少家高新技术企业？', '湘西高新区引进了哪些项目？', '张家界高新区有多少家高新技术企业？', '怀化高新区引进了哪些项目？']) {
      fake.push(textMessage(dm(12), user(12), question))
    }
    await replies(12, 3)
    await settle(bot)
    const texts = sentTo(12).map(textOf)
    expect(texts).toHaveLength(3)
    expect(texts[2]).toMatch(/^问得有点快了，请 \d+ 秒后再问。$/)
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
      expect(final.at(-1)).toContain('<b>来源</b>\n<b>[1] ')
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
