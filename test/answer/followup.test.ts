import { describe, expect, it } from 'vitest'
import { condense, condenseOne, FOLDED_TURNS } from '../../src/answer/followup.js'
import { MAX_QUESTION_CHARS } from '../../src/answer/request.js'
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

describe('the rewrite stays a question a request could ask', () => {
  const page = '工业总产值'.repeat(399)

  it('never grows past the question limit: a rewrite that would keeps the follow-up as asked', () => {
    // 那2019年呢？ against a 1,995-character question would have been 2,000 + characters.
    const previousLong = `湘西高新区2020年${page}是多少？`.slice(0, MAX_QUESTION_CHARS)
    expect(condense('那2019年上半年呢？', [user(previousLong)], catalog).length).toBeLessThanOrEqual(MAX_QUESTION_CHARS)
    expect(condense('那2019年上半年呢？', [user(`${previousLong}${page}`)], catalog)).toBe('那2019年上半年呢？')
  })

  it('reads a follow-up against the last FOLDED_TURNS questions, skipping turns longer than a question', () => {
    const turns = [user(previous), ...Array.from({ length: FOLDED_TURNS }, () => user('它的研发投入呢？'))]
    // The park of the first turn is out of reach: the last FOLDED_TURNS carry no park.
    expect(condense('那2019年呢？', turns, catalog)).not.toContain('湘西')
    expect(condense('它的研发投入呢？', [user(previous), user('x'.repeat(MAX_QUESTION_CHARS + 1))], catalog)).toBe('湘西高新区2020年研发投入呢？')
  })
})

describe('readFollowup', () => {
  it('knows a question’s leading term without cutting it into words when a glossary word leads: the first word of its first term', async () => {
    const { readFollowup } = await import('../../src/retrieve/query.js')
    const questions = [
      '湘西高新区2020年工业总产值是多少？',
      'What was the GDP of Xiangxi High-tech Zone in 2020?',
      '固投增长了多少？',
      '固投和规工分别增长了多少？',
      'What were the GDP and the fixed-asset investment of Xiangxi High-tech Zone in 2020?',
      '园区做了哪些改革来给项目提速？',
      `${'湘西高新区实现规模工业总产值，同比增长。'.repeat(40)}那2019年呢？`,
    ]
    const led = questions.map((question) => readFollowup(question, catalog)).filter((reading) => reading.leadingTerm !== undefined)
    expect(led.length).toBeGreaterThanOrEqual(3)
    // Some are led by one of several glossary words: the first of them.
    expect(led.filter((reading) => reading.terms.filter((term) => term.length > 1).length > 1).length).toBeGreaterThan(0)
    for (const reading of led) expect(reading.leadingTerm).toBe(reading.terms[0]![0])
  })

  it('a long turn led by a glossary word is no elliptical follow-up, as when its words are read', () => {
    const long = `${'湘西高新区实现规模工业总产值，同比增长。'.repeat(40)}`
    expect(condenseOne(long, previous, catalog)).toBe(long)
  })
})
