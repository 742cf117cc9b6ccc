import { describe, expect, it } from 'vitest'
import { measuresIn } from '../../src/retrieve/query.js'
import { glossary } from '../../src/rules/glossary.js'
import { ask } from '../rule-fixtures.js'

describe('rule: glossary', () => {
  it('every short form is replaced by its first word in a question, and its other words are searched too', () => {
    for (const [short, [first, ...more]] of Object.entries(glossary.shortForms)) {
      const q = ask(`湘西高新区${short}是多少？`)
      expect(q.normalized, short).toContain(first)
      if (first !== short) expect(q.normalized, short).not.toContain(short)
      for (const word of more) expect(q.searchText, `${short}: ${word}`).toContain(word)
      // Its words are one term (merged with a synonym group that shares one of them).
      const words = [first!, ...more].map((t) => t.toLowerCase())
      expect(q.terms.some((group) => words.every((w) => group.includes(w))), short).toBe(true)
    }
  })

  it('every English phrase becomes its Chinese words, in any case, and they are the question’s terms', () => {
    for (const [english, chinese] of Object.entries(glossary.english)) {
      const q = ask(`Tell me about ${english.toUpperCase()} here`)
      expect(q.normalized, english).toContain(` ${chinese.join(' ')} `)
      const words = chinese.map((t) => t.toLowerCase())
      expect(q.terms.some((group) => words.every((w) => group.includes(w))), english).toBe(true)
    }
  })

  it('an English phrase matches whole words only', () => {
    expect(ask('Tell me about outputs here').normalized).not.toContain('产值')
  })

  it('every name of a measure is read as its measure', () => {
    for (const group of glossary.measures) {
      for (const name of group) expect(measuresIn(`完成${name}12亿元`), name).toEqual([group])
    }
  })

  it('a measure inside a longer measure of another group does not count on its own (工业总产值 in 规模工业总产值)', () => {
    expect(measuresIn('完成规模工业总产值12亿元')).toEqual([glossary.measures.find((g) => g.includes('规模工业总产值'))])
    expect(measuresIn('工业总产值和规模工业总产值')).toHaveLength(2)
  })
})
