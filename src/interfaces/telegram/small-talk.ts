import { z } from 'zod'
import { readTable, table, wordList } from '../../text/table.js'
import type { Lang } from './format.js'

/** `small-talk.json`: messages that are not questions, and the one line each gets. */

const kindSchema = z.strictObject({ words: wordList(), reply: z.strictObject({ zh: z.string().min(1), en: z.string().min(1) }) })
const smallTalkSchema = table({ kinds: z.record(z.string(), kindSchema) })

export interface SmallTalk {
  /** The kind of small talk `text` is (a key of the table), or undefined for anything else. */
  kindOf(text: string): string | undefined
  reply(kind: string, lang: Lang): string
}

/** Spaces, punctuation, symbols and emoji: none of them changes what a short message means. */
const NOISE = /[\s\p{P}\p{S}\p{Extended_Pictographic}\u200d\ufe0f]/gu

export function loadSmallTalk(file: URL = new URL('./small-talk.json', import.meta.url)): SmallTalk {
  const data = readTable(file, smallTalkSchema)
  const kindByWord = new Map<string, string>()
  for (const [kind, { words }] of Object.entries(data.kinds)) {
    for (const word of words) {
      const key = word.toLowerCase().replace(NOISE, '')
      const other = kindByWord.get(key)
      if (other !== undefined) throw new Error(`Rule table small-talk.json: "${word}" is both ${other} and ${kind}`)
      kindByWord.set(key, kind)
    }
  }
  return {
    kindOf(text) {
      // Long messages are questions, whatever words they hold.
      if (text.length > 40) return undefined
      const key = text.toLowerCase().replace(NOISE, '')
      if (key === '') return text.trim() === '' ? undefined : 'acknowledgement'
      return kindByWord.get(key)
    },
    reply: (kind, lang) => data.kinds[kind]!.reply[lang],
  }
}

export const smallTalk = loadSmallTalk()
