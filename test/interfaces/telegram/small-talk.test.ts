import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadSmallTalk, smallTalk } from '../../../src/interfaces/telegram/small-talk.js'
import { ROOT } from '../../helpers.js'

const table = JSON.parse(fs.readFileSync(path.join(ROOT, 'src/interfaces/telegram/small-talk.json'), 'utf8')) as {
  kinds: Record<string, { words: string[]; reply: { zh: string; en: string } }>
}

describe('rule: small talk', () => {
  it.each(Object.keys(table.kinds))('every word of "%s" is that kind, with punctuation, spaces, emoji and capitals around it', (kind) => {
    for (const word of table.kinds[kind]!.words) {
      expect(smallTalk.kindOf(word), word).toBe(kind)
      expect(smallTalk.kindOf(` ${word.toUpperCase()}！😊 `), word).toBe(kind)
      expect(smallTalk.kindOf(`${word}～～`), word).toBe(kind)
    }
  })

  it.each(Object.keys(table.kinds))('"%s" has a one-line reply in Chinese and in English', (kind) => {
    for (const lang of ['zh', 'en'] as const) {
      expect(smallTalk.reply(kind, lang)).not.toContain('\n')
      expect(smallTalk.reply(kind, lang).length).toBeLessThanOrEqual(80)
    }
  })

  it('a message of emoji or punctuation alone is an acknowledgement', () => {
    for (const text of ['👍', '🙏🙏', '…', '？', '👌🏻']) expect(smallTalk.kindOf(text), text).toBe('acknowledgement')
    expect(smallTalk.kindOf('   ')).toBeUndefined()
  })

  it('a question is never small talk, even when it starts with a greeting or thanks', () => {
    for (const text of ['你好，常德高新区有多少家高新技术企业？', '谢谢！那湘西高新区呢？', '好的，那2019年呢？', 'hi, how many companies are in the park?', '详细说说常德高新区的主导产业']) {
      expect(smallTalk.kindOf(text), text).toBeUndefined()
    }
    expect(smallTalk.kindOf('谢'.repeat(41))).toBeUndefined()
  })

  it('refuses a table that lists one word under two kinds', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parkqa-small-talk-')), 'small-talk.json')
    const reply = { zh: '好', en: 'ok' }
    fs.writeFileSync(file, JSON.stringify({ kinds: { a: { words: ['你好'], reply }, b: { words: ['你 好！'], reply } } }))
    expect(() => loadSmallTalk(pathToFileURL(file))).toThrow(/"你 好！" is both a and b/)
  })
})
