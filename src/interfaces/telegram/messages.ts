import { createAnswerer } from '../../answer/answer.js'
import { MAX_QUESTION_CHARS } from '../../answer/request.js'
import type { SearchIndex } from '../../index/search-index.js'
import { silentLogger } from '../../log.js'
import { escapeHtml, type Lang } from './format.js'

/** What the bot says besides answers, in the user's language (Chinese unless they write English). */

export const TEXT = {
  zh: {
    notAllowed: '抱歉，这个机器人只在获准的聊天中回答问题。',
    nonText: '我只能回答文字问题，请直接用文字提问。发送 /help 查看我能回答什么。',
    unknownCommand: '我不认识这个命令。请直接提问，或发送 /help。',
    askUsage: '用法：/ask 你的问题。发送 /help 查看示例。',
    tooLong: `问题太长了（最多 ${MAX_QUESTION_CHARS} 个字），请精简后再问。`,
    rateLimited: (seconds: number) => `问得有点快了，请 ${seconds} 秒后再问。`,
    notReady: '我还在加载文档，请几秒钟后再试。',
    failed: '抱歉，回答时出了问题，请再试一次。',
  },
  en: {
    notAllowed: 'Sorry, this bot only answers in chats it has been allowed in.',
    nonText: 'I can only answer questions sent as text. Send /help to see what I know.',
    unknownCommand: "I don't know that command. Just ask a question, or send /help.",
    askUsage: 'Usage: /ask your question. Send /help for examples.',
    tooLong: `That question is too long (at most ${MAX_QUESTION_CHARS} characters); please shorten it.`,
    rateLimited: (seconds: number) => `You're asking faster than I can keep up with; please wait ${seconds} s and ask again.`,
    notReady: "I'm still loading the documents; please try again in a few seconds.",
    failed: 'Sorry, something went wrong while answering; please try again.',
  },
} satisfies Record<Lang, Record<string, string | ((n: number) => string)>>

/** Titles listed by /help before "… and N more". */
const TITLES_SHOWN = 12

/**
 * Question shapes for /help's examples, filled with the parks of the served index. Each candidate
 * is asked of the index itself, and only those it answers with a figure are shown, so the
 * examples stay answerable whatever the corpus holds.
 */
const EXAMPLE_SHAPES: Array<{ lang: Lang; shape: (park: { name: string; english: string }) => string }> = [
  { lang: 'zh', shape: (park) => `${park.name}有多少家高新技术企业？` },
  { lang: 'zh', shape: (park) => `${park.name}引进了哪些项目？` },
  { lang: 'en', shape: (park) => `How many high-tech enterprises does ${park.english} have?` },
  { lang: 'zh', shape: (park) => `${park.name}的主导产业是什么？` },
]

const examplesByIndex = new WeakMap<SearchIndex, Promise<string[]>>()

/** Up to three example questions the index answers, each about a different park. */
export function exampleQuestions(index: SearchIndex): Promise<string[]> {
  let examples = examplesByIndex.get(index)
  if (!examples) {
    examples = findExamples(index)
    examplesByIndex.set(index, examples)
  }
  return examples
}

async function findExamples(index: SearchIndex): Promise<string[]> {
  // Extractive on purpose: cheap, offline, and it does not spend the model's capacity on help.
  const answerer = createAnswerer({ index, logger: silentLogger })
  const parks = index.parks.map((park) => ({ name: park.name, english: park.english[0] ?? park.name }))
  const chosen: string[] = []
  const usedParks = new Set<string>()
  for (const { shape } of EXAMPLE_SHAPES) {
    for (const park of parks) {
      if (usedParks.has(park.name)) continue
      const question = shape(park)
      const response = await answerer.answer({ question })
      if (!response.found || !/\d/.test(response.answer.replace(/\[\d+\]/g, ''))) continue
      chosen.push(question)
      usedParks.add(park.name)
      break
    }
    if (chosen.length === 3) break
  }
  return chosen
}

/** `/start` and `/help`: what the bot answers from, and how to ask. */
export async function helpText(index: SearchIndex, lang: Lang, username: string): Promise<string> {
  const titles = [...new Map(index.passages().map((passage) => [`${passage.source}\u0000${passage.title}`, passage])).values()]
  const listed = titles.slice(0, TITLES_SHOWN).map((passage) => `• ${escapeHtml(passage.title)}${passage.title.includes(passage.park) ? '' : `（${escapeHtml(passage.park)}）`}`)
  const more = titles.length - listed.length
  const parks = index.parks.map((park) => escapeHtml(lang === 'zh' ? park.name : `${park.english[0] ?? park.name} (${park.name})`))
  const examples = (await exampleQuestions(index)).map((question) => `• ${escapeHtml(question)}`)
  // Titles, not files: one file may hold several articles, and users know them by their titles.
  const documents = titles.length
  const bot = `@${escapeHtml(username)}`
  if (lang === 'zh') {
    return [
      '<b>园区问答</b>',
      '我只根据下列文档回答，并注明引用的段落；文档里没有的，我会直接说没有。',
      `<b>文档</b>（${documents} 篇）\n${listed.join('\n')}${more > 0 ? `\n……另有 ${more} 篇` : ''}`,
      `<b>园区</b>：${parks.join('、')}`,
      ...(examples.length > 0 ? [`<b>可以这样问</b>\n${examples.join('\n')}`] : []),
      `私聊中直接发送问题即可；在群里请 ${bot} 提问、回复我的消息，或用 /ask 问题。我会记住最近几轮对话，可以追问（如“那2019年呢？”）。`,
    ].join('\n\n')
  }
  return [
    '<b>Park Q&amp;A</b>',
    "I answer only from the documents below, citing the passages I used; when they don't say, I tell you so. The documents are in Chinese; you may ask in English.",
    `<b>Documents</b> (${documents})\n${listed.join('\n')}${more > 0 ? `\n… and ${more} more` : ''}`,
    `<b>Parks</b>: ${parks.join(', ')}`,
    ...(examples.length > 0 ? [`<b>Try asking</b>\n${examples.join('\n')}`] : []),
    `In a private chat just send your question; in a group mention ${bot}, reply to me, or use /ask question. I remember the last few turns, so follow-ups work.`,
  ].join('\n\n')
}
