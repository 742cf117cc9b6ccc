import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Prompts live in `prompts/*.md`: a `[system]` part and a `[user]` part with `{{name}}` slots.
 */

export interface PromptTemplate {
  system: string
  user: string
}

const PROMPTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'prompts')
const cache = new Map<string, PromptTemplate>()

export function loadPrompt(name: string): PromptTemplate {
  const hit = cache.get(name)
  if (hit) return hit
  const text = fs.readFileSync(path.join(PROMPTS_DIR, `${name}.md`), 'utf8')
  const match = /^\[system\]\n([\s\S]*?)\n\[user\]\n([\s\S]*)$/m.exec(text)
  if (!match) throw new Error(`prompts/${name}.md needs a [system] and a [user] part`)
  const prompt = { system: match[1]!.trim(), user: match[2]!.trim() }
  cache.set(name, prompt)
  return prompt
}

/** Fills `{{name}}` slots; a slot without a value is an error, not a silent blank. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key]
    if (value === undefined) throw new Error(`prompt slot {{${key}}} has no value`)
    return value
  })
}
