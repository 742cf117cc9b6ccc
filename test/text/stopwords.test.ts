import { describe, expect, it } from 'vitest'
import { extractAnswer } from '../../src/answer/extractive.js'
import { stopwords } from '../../src/text/stopwords.js'
import { termFrequencies, words } from '../../src/text/tokenize.js'
import { ask, passage, tableOf, vocabulary } from '../rule-fixtures.js'

const table = tableOf<{ functionWords: string[]; questionPhrases: string[]; answerWords: string[]; frameWords: string[] }>('text/stopwords.json')

describe('rule: stopwords', () => {
  it('every function word is dropped from every text cut into words, passages and questions alike', () => {
    for (const word of table.functionWords) {
      expect(words(`园区 ${word} 企业`), word).toEqual(['园区', '企业'])
      expect(termFrequencies(`园区 ${word} 企业`).has(`w:${word}`), word).toBe(false)
    }
  })

  it('every question phrase is cut out of a question before it is cut into words', () => {
    for (const phrase of table.questionPhrases) {
      expect(`产值${phrase}企业`.replace(stopwords.questionPhrases, ' '), phrase).toBe('产值 企业')
    }
  })

  it('the longer of two question phrases that start alike is cut out whole (有多少, not 有 + 多少)', () => {
    expect('园区有多少企业'.replace(stopwords.questionPhrases, ' ')).toBe('园区 企业')
    expect(ask('湘西高新区有多少企业？').terms).toEqual([['企业']])
  })

  it('every answer word is dropped from a question’s terms but stays in passages', () => {
    for (const word of table.answerWords) {
      expect(words(word), `${word} is a word`).toEqual([word])
      expect(ask(`湘西高新区 ${word} 专利`).terms, word).toEqual([['专利']])
    }
  })

  it('every frame word stays a question term but is never required of a passage, however rare', () => {
    const answer = passage('2020年，湘西高新区引进项目12个。', { park: '湘西高新区' })
    for (const word of table.frameWords) {
      const q = ask(`湘西高新区2020年${word}引进了多少个项目？`)
      expect(q.terms, word).toContainEqual([word])
      expect(extractAnswer(q, [answer], vocabulary([word])).found, word).toBe(true)
    }
    // A rare word that is not a frame word is required.
    expect(extractAnswer(ask('湘西高新区2020年新建引进了多少个项目？'), [answer], vocabulary(['新建'])).found).toBe(false)
  })
})
