import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { alternation, pattern, readTable, table, wordList } from '../../src/text/table.js'

function tempFile(name: string, text: string): URL {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parkqa-table-'))
  fs.writeFileSync(path.join(dir, name), text)
  return pathToFileURL(path.join(dir, name))
}

const schema = table({ words: wordList(), cues: z.array(pattern) })

describe('readTable', () => {
  it('returns the table without its _comment checked against the schema', () => {
    expect(readTable(tempFile('ok.json', '{"_comment": "why", "words": ["甲", "乙"], "cues": ["a|b"]}'), schema)).toEqual({ _comment: 'why', words: ['甲', '乙'], cues: ['a|b'] })
  })

  it('names the file and the bad entry: a repeated word', () => {
    expect(() => readTable(tempFile('twice.json', '{"words": ["甲", "乙", "甲"], "cues": []}'), schema)).toThrow(/twice\.json: words\.2 \("甲"\): "甲" is listed twice/)
  })

  it('names the file and the bad entry: an empty word, a pattern that does not compile', () => {
    expect(() => readTable(tempFile('empty.json', '{"words": ["甲", ""], "cues": []}'), schema)).toThrow(/empty\.json: words\.1 \(""\)/)
    expect(() => readTable(tempFile('regex.json', '{"words": ["甲"], "cues": ["a", "(b"]}'), schema)).toThrow(/regex\.json: cues\.1 \("\(b"\): is not a valid regular expression/)
  })

  it('rejects a key the table does not have (a misspelt list would be ignored otherwise)', () => {
    expect(() => readTable(tempFile('key.json', '{"words": ["甲"], "cues": [], "word": ["乙"]}'), schema)).toThrow(/key\.json: top level: .*"word"/)
  })

  it('names the file when it is not JSON', () => {
    expect(() => readTable(tempFile('broken.json', '{"words": ['), schema)).toThrow(/broken\.json: .*JSON/)
  })
})

describe('alternation', () => {
  it('tries the longer of two words that start alike first, whatever order they are listed in', () => {
    expect('多少钱'.match(new RegExp(alternation(['多少', '多少钱'])))?.[0]).toBe('多少钱')
  })

  it('matches each word literally', () => {
    expect(new RegExp(`^(?:${alternation(['1.5', 'a+b'])})$`).test('1x5')).toBe(false)
    expect(new RegExp(`^(?:${alternation(['1.5', 'a+b'])})$`).test('a+b')).toBe(true)
  })
})
