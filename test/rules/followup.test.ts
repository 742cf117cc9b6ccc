import { describe, expect, it } from 'vitest'
import { condenseOne } from '../../src/answer/followup.js'
import { catalog, tableOf } from '../rule-fixtures.js'

const table = tableOf<{ openers: string[]; pronouns: string[]; ellipticalOpeners: string[] }>('rules/followup.json')

const previous = '湘西高新区2020年工业总产值是多少？'

describe('rule: follow-up words', () => {
  it('every pronoun stands for the park asked about before, and is cut off when the park is put in front', () => {
    for (const pronoun of table.pronouns) {
      expect(condenseOne(`还有${pronoun}引进了多少个项目？`, previous, catalog), pronoun).toBe('湘西高新区2020年引进了多少个项目？')
    }
  })

  it('every opener is cut off with the pronoun after it', () => {
    for (const opener of table.openers) {
      expect(condenseOne(`${opener}它引进了多少个项目？`, previous, catalog), opener).toBe('湘西高新区2020年引进了多少个项目？')
    }
  })

  it('a short follow-up starting with an elliptical opener and naming one topic word repeats the previous question', () => {
    for (const opener of table.ellipticalOpeners) {
      // 全年 is a period, not a topic word; 产值 is the one topic word.
      expect(condenseOne(`${opener}产值呢？`, previous, catalog), opener).toBe(previous)
      expect(condenseOne(`${opener}全年呢？`, '湘西高新区2020年上半年工业总产值是多少？', catalog), opener).toBe('湘西高新区2020年全年工业总产值是多少？')
    }
    expect(condenseOne('那么产值呢？', previous, catalog)).toBe(previous)
    // Without the opener, the topic word makes it a question of its own about the same park.
    expect(condenseOne('产值呢？', previous, catalog)).toBe('湘西高新区2020年产值呢？')
  })
})
