import fs from 'node:fs'
import { ChatPromptTemplate } from '@langchain/core/prompts'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Prompts live in `prompts/*.md`: a `[system]` part and a `[user]` part with `{{name}}` slots,
 * read as LangChain chat prompt templates (mustache, which here inserts values unescaped).
 */

export interface PromptTemplate {
  system: string
  user: string
}

const PROMPTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'prompts')
const cache = new Map<string, PromptTemplate>()

function loadPrompt(name: string): PromptTemplate {
  const hit = cache.get(name)
  if (hit) return hit
  const text = fs.readFileSync(path.join(PROMPTS_DIR, `${name}.md`), 'utf8')
  const match = /^\[system\]\n([\s\S]*?)\n\[user\]\n([\s\S]*)$/m.exec(text)
  if (!match) throw new Error(`prompts/${name}.md needs a [system] and a [user] part`)
  const prompt = { system: match[1]!.trim(), user: match[2]!.trim() }
  cache.set(name, prompt)
  return prompt
}

/** `prompts/<name>.md` as a chat prompt template: a system message and a human message. */
export function chatPrompt(name: string): ChatPromptTemplate {
  const prompt = loadPrompt(name)
  return ChatPromptTemplate.fromMessages([
    ['system', prompt.system],
    ['human', prompt.user],
  ], { templateFormat: 'mustache' })
}
