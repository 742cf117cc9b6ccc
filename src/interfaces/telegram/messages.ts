import { createAnswerer } from '../../answer/answer.js'
import { MAX_QUESTION_CHARS } from '../../answer/request.js'
import type { SearchIndex } from '../../index/search-index.js'
import { silentLogger } from '../../log.js'
import { escapeHtml, type Lang } from './format.js'

/** What the bot says besides answers, in the user's language (Chinese unless they write English). */

export const TEXT = {
  zh: {
    notAllowed: '抱歉，这个机器人只在获准的聊天中回答问题。',
    nonText: '我只能回答文字问题，请直接用文字提问（图片可以附上文字说明）。发送 /help 查看我能回答什么。',
    unknownCommand: '我不认识这个命令。请直接提问，或发送 /help。',
    askUsage: '用法：/ask 你的问题。发送 /help 查看示例。',
    tooLong: `问题太长了（最多 ${MAX_QUESTION_CHARS} 个字），请精简后再问。`,
    queued: (seconds: number) => `问得有点快了，这个问题我 ${seconds} 秒后自动回答。`,
    queueFull: (seconds: number) => `待回答的问题太多了，请 ${seconds} 秒后再问。`,
    loading: '我正在加载文档，加载好后马上回答。',
    notReady: '我还在加载文档，请稍后再问。',
    failed: '抱歉，回答时出了问题，请再试一次。',
    newConversation: '好的，我们重新开始：之前的对话不再作为追问的上下文。',
    allPassages: (count: number) => `📄 全部检索段落（${count}）`,
    closestPassages: '📄 最接近的段落',
    expired: '这条回答已经太早了，请重新提问。',
  },
  en: {
    notAllowed: 'Sorry, this bot only answers in chats it has been allowed in.',
    nonText: 'I can only answer questions sent as text (a photo may carry its question as a caption). Send /help to see what I know.',
    unknownCommand: "I don't know that command. Just ask a question, or send /help.",
    askUsage: 'Usage: /ask your question. Send /help for examples.',
    tooLong: `That question is too long (at most ${MAX_QUESTION_CHARS} characters); please shorten it.`,
    queued: (seconds: number) => `You're asking quickly; I'll answer this one in ${seconds} s.`,
    queueFull: (seconds: number) => `Too many questions are waiting; please ask again in ${seconds} s.`,
    loading: "I'm loading the documents; I'll answer as soon as they're ready.",
    notReady: "I'm still loading the documents; please ask again shortly.",
    failed: 'Sorry, something went wrong while answering; please try again.',
    newConversation: "Okay, a fresh start: earlier questions no longer count as context for follow-ups.",
    allPassages: (count: number) => `📄 All passages retrieved (${count})`,
    closestPassages: '📄 Closest passages',
    expired: 'That answer is too old now; please ask again.',
  },
} satisfies Record<Lang, Record<string, string | ((n: number) => string)>>

/** The command menu (setMyCommands), per language; the default (no language) is Chinese. */
export const COMMANDS: Record<Lang, Array<{ command: string; description: string }>> = {
  zh: [
    { command: 'start', description: '开始使用' },
    { command: 'help', description: '帮助：文档、园区和提问方式' },
    { command: 'ask', description: '提问（群聊中用）' },
    { command: 'new', description: '开始新对话' },
    { command: 'privacy', description: '隐私：保存什么、问题发往哪里' },
  ],
  en: [
    { command: 'start', description: 'Get started' },
    { command: 'help', description: 'Documents, parks and how to ask' },
    { command: 'ask', description: 'Ask a question (in groups)' },
    { command: 'new', description: 'Start a new conversation' },
    { command: 'privacy', description: 'What is stored and where questions go' },
  ],
}

/** The profile: shown in an empty chat (description, ≤ 512) and on the bot's page (short, ≤ 120). */
export const PROFILE: Record<Lang, { description: string; shortDescription: string }> = {
  zh: {
    description: '我根据园区文档回答问题，并注明引用的段落；文档里没有的，我会直接说没有。直接发送问题即可，例如某园区的产值、企业或项目。',
    shortDescription: '园区文档问答：回答注明出处，文档没有的直接说没有。',
  },
  en: {
    description: "I answer questions from documents about industrial parks, citing the passages I used; when the documents don't say, I tell you so. Just send a question, e.g. about a park's output, companies or projects.",
    shortDescription: "Q&A over industrial-park documents: cited answers, or a plain \"they don't say\".",
  },
}

/** `/start`: a short welcome; the example questions come as buttons under it. */
export function startText(lang: Lang): string {
  return lang === 'zh'
    ? '<b>园区问答</b>\n我只根据文档回答，并注明出处；文档里没有的会直接说。点下面的示例试试，或直接提问。/help 查看全部文档和用法。'
    : "<b>Park Q&amp;A</b>\nI answer only from the documents, citing them; when they don't say, I tell you. Tap an example below or just ask. /help lists the documents and how to ask."
}

/** `/privacy`: what is kept, for how long, and where questions go. */
export function privacyText(lang: Lang, options: { exchanges: number; idleMinutes: number; llm: boolean }): string {
  const { exchanges, idleMinutes, llm } = options
  if (lang === 'zh') {
    return [
      '<b>隐私说明</b>',
      `• <b>保存什么</b>：为了能追问，我只在内存中记住你最近 ${exchanges} 轮问答，${idleMinutes} 分钟没有对话即忘记，服务重启也会清空；不写入磁盘，日志不记录问题内容。发送 /new 可立即清除。`,
      llm
        ? '• <b>问题去哪里</b>：当前启用了大模型模式，你的问题和最近几轮对话会发送给所配置的模型服务商来生成回答。'
        : '• <b>问题去哪里</b>：当前为离线模式，问题只在本服务器上处理，不发给任何第三方。（若管理员启用大模型模式，问题和最近几轮对话会发送给所配置的模型服务商。）',
    ].join('\n')
  }
  return [
    '<b>Privacy</b>',
    `• <b>What is kept</b>: so that follow-ups work, only your last ${exchanges} questions and answers, in memory, forgotten after ${idleMinutes} minutes without a message or when the service restarts; nothing is written to disk and the logs do not record questions. /new forgets them at once.`,
    llm
      ? '• <b>Where questions go</b>: the model mode is on, so your question and recent turns are sent to the configured model provider to write the answer.'
      : '• <b>Where questions go</b>: offline mode — questions are handled on this server only and sent to no third party. (If the operator turns the model mode on, your question and recent turns go to the configured model provider.)',
  ].join('\n')
}

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
