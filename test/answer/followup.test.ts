import { describe, expect, it } from 'vitest'
import { condense, condenseOne } from '../../src/answer/followup.js'
import type { Turn } from '../../src/answer/types.js'
import { catalog } from '../rule-fixtures.js'

const user = (content: string): Turn => ({ role: 'user', content })
const assistant = (content: string): Turn => ({ role: 'assistant', content })

const previous = '湘西高新区2020年工业总产值是多少？'

describe('condense', () => {
  it('an elliptical follow-up swaps in its year', () => {
    expect(condenseOne('那2019年呢？', previous, catalog)).toBe('湘西高新区2019年工业总产值是多少？')
    // A previous question without a year gets one in front.
    expect(condenseOne('那2019年呢？', '湘西高新区工业总产值是多少？', catalog)).toBe('2019年湘西高新区工业总产值是多少？')
  })

  it('an elliptical follow-up swaps in its period, after the year when there is no period to replace', () => {
    expect(condenseOne('那上半年呢？', previous, catalog)).toBe('湘西高新区2020年上半年工业总产值是多少？')
    expect(condenseOne('那1-10月呢？', '湘西高新区2020年上半年工业总产值是多少？', catalog)).toBe('湘西高新区2020年1-10月工业总产值是多少？')
    expect(condenseOne('那上半年呢？', '湘西高新区工业总产值是多少？', catalog)).toBe('上半年湘西高新区工业总产值是多少？')
  })

  it('an elliptical follow-up swaps in its park, for the previous park’s name or alias', () => {
    expect(condenseOne('怀化高新区呢？', previous, catalog)).toBe('怀化高新区2020年工业总产值是多少？')
    expect(condenseOne('怀化高新区呢？', '湘西国家高新区2020年工业总产值是多少？', catalog)).toBe('怀化高新区2020年工业总产值是多少？')
  })

  it('a follow-up with a topic of its own and a pronoun inherits the park and the year', () => {
    expect(condenseOne('它的研发投入呢？', previous, catalog)).toBe('湘西高新区2020年研发投入呢？')
    expect(condenseOne('那它引进了多少个项目？', previous, catalog)).toBe('湘西高新区2020年引进了多少个项目？')
  })

  it('a follow-up naming its own year keeps it and inherits only the park', () => {
    expect(condenseOne('2021年引进了多少个项目？', previous, catalog)).toBe('湘西高新区2021年引进了多少个项目？')
  })

  it('a follow-up naming its own park and topic stands alone', () => {
    expect(condenseOne('怀化高新区引进了多少个项目？', previous, catalog)).toBe('怀化高新区引进了多少个项目？')
  })

  it('an English follow-up gets the park and year in parentheses, and a follow-up in another language than the question before is left alone', () => {
    expect(condenseOne('How many projects were signed?', 'What was the GDP of Xiangxi in 2022?', catalog)).toBe('How many projects were signed? (湘西高新区 2022年)')
    expect(condenseOne('How many projects were signed?', previous, catalog)).toBe('How many projects were signed?')
  })

  it('folds the user turns of the history, oldest first, and ignores the answers', () => {
    const history = [user(previous), assistant('湘西高新区：完成工业总产值23.05亿元[1]'), user('那2019年呢？')]
    expect(condense('它的研发投入呢？', history, catalog)).toBe('湘西高新区2019年研发投入呢？')
    expect(condense('那上半年呢？', history, catalog)).toBe('湘西高新区2019年上半年工业总产值是多少？')
    expect(condense(previous, [], catalog)).toBe(previous)
  })
})
