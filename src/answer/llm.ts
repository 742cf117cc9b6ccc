import { ChatOpenAI, ChatOpenAICompletions, ChatOpenAIResponses, type ChatOpenAIFields } from '@langchain/openai'
import { HumanMessage, SystemMessage, type BaseMessage, type MessageContent } from '@langchain/core/messages'
import type { Config } from '../config.js'
import { fill, loadPrompt } from './prompts.js'
import { countTokens } from './tokens.js'
import type { Citation, Turn } from './types.js'

/** The model says this, and only this, when the passages do not hold the answer (prompts/answer.md). */
export const NOT_FOUND_SENTINEL = 'NOT_IN_DOCUMENTS'

function textOf(content: MessageContent): string {
  if (typeof content === 'string') return content
  return content.map((part) => (typeof part === 'string' ? part : part.type === 'text' && 'text' in part ? String(part.text) : '')).join('')
}

async function countOffline(content: MessageContent): Promise<number> {
  return countTokens(textOf(content))
}

/**
 * ChatOpenAI whose token counts come from bundled ranks, not from tiktoken files fetched off the
 * internet. ChatOpenAI delegates to inner completions/responses models, and those are what count
 * tokens (usage estimates when streaming), so all three count offline.
 */
export function createChatModel(config: Pick<Config, 'llmModel' | 'llmTimeoutMs' | 'openai'>, fields: Partial<ChatOpenAIFields> = {}): ChatOpenAI {
  const settings: ChatOpenAIFields = {
    model: config.llmModel,
    temperature: 0,
    timeout: config.llmTimeoutMs,
    maxRetries: 1,
    maxConcurrency: 4,
    // A key is required by the client even for servers that ignore it.
    apiKey: config.openai.apiKey ?? 'not-needed',
    configuration: config.openai.baseURL ? { baseURL: config.openai.baseURL } : undefined,
    ...fields,
  }
  const completions = new ChatOpenAICompletions(settings)
  const responses = new ChatOpenAIResponses(settings)
  const model = new ChatOpenAI({ ...settings, completions, responses })
  for (const counter of [model, completions, responses]) counter.getNumTokens = countOffline
  return model
}

/** Passages as delimited, numbered data; a delimiter inside a passage cannot close the block. */
export function formatPassages(citations: Citation[]): string {
  return citations
    .map((c) => `<passage n="${c.n}" park="${c.park}" source="${c.source}">\n${c.text.replace(/<\/?passage/gi, '‹passage')}\n</passage>`)
    .join('\n')
}

export function answerMessages(question: string, citations: Citation[]): BaseMessage[] {
  const prompt = loadPrompt('answer')
  return [new SystemMessage(prompt.system), new HumanMessage(fill(prompt.user, { passages: formatPassages(citations), question }))]
}

export function condenseMessages(question: string, history: Turn[]): BaseMessage[] {
  const prompt = loadPrompt('condense-follow-up')
  const lines = history.map((turn) => `${turn.role === 'user' ? 'User' : 'Assistant'}: ${turn.content}`).join('\n')
  return [new SystemMessage(prompt.system), new HumanMessage(fill(prompt.user, { history: lines, question }))]
}

export interface CheckedAnswer {
  found: boolean
  /** The text with every marker that points at no passage removed. */
  text: string
  /** Passage numbers the text cites. */
  cited: number[]
}

/**
 * Validates what the model wrote: markers must name one of the k passages (others are removed);
 * the sentinel means "not in the documents". Returns undefined for an unusable answer (empty, or
 * claiming an answer while citing nothing), which the caller treats as a failure.
 */
export function checkModelAnswer(raw: string, k: number): CheckedAnswer | undefined {
  const text = raw.trim()
  if (text === '') return undefined
  if (text.includes(NOT_FOUND_SENTINEL)) return { found: false, text: '', cited: [] }
  const cited = new Set<number>()
  const cleaned = text
    .replace(/\[(\d+(?:\s*[,，、]\s*\d+)*)\]/g, (_, list: string) => {
      const valid = list
        .split(/[,，、]/)
        .map((s) => Number(s.trim()))
        .filter((n) => Number.isInteger(n) && n >= 1 && n <= k)
      valid.forEach((n) => cited.add(n))
      return valid.map((n) => `[${n}]`).join('')
    })
    .replace(/[ \t]+([，。,.;；])/g, '$1')
    .trim()
  if (cited.size === 0) return undefined
  return { found: true, text: cleaned, cited: [...cited].sort((a, b) => a - b) }
}

/** The text of a model reply or of one streamed chunk. */
export function chunkText(message: { content: MessageContent }): string {
  return textOf(message.content)
}
