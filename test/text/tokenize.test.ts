import { describe, expect, it } from 'vitest'
import { PassageTerms, TermDictionary, termFrequencies, type TermCounts } from '../../src/text/tokenize.js'

const entries = (counts: TermCounts) => {
  const out: Array<[string, number]> = []
  counts.forEach((count, term) => out.push([term, count]))
  return out
}

describe('PassageTerms', () => {
  it('keeps a passage’s term counts as dictionary ids, in their order, with one number per term across passages', () => {
    const dictionary = new TermDictionary()
    const first = termFrequencies('怀化高新区新签约项目十二个，项目总投资五十亿元。')
    const a = PassageTerms.of(first, dictionary)
    const b = PassageTerms.of(termFrequencies('湘西高新区项目投资增长。'), dictionary)
    expect(entries(a)).toEqual([...first])
    expect(new Map(entries(a)).get('w:项目')).toBe(2)
    expect(new Map(entries(b)).get('w:项目')).toBe(1)
    expect(dictionary.terms.filter((term) => term === 'w:项目')).toHaveLength(1)
    expect(dictionary.find('w:项目')).toBe(dictionary.idOf('w:项目'))
    expect(dictionary.find('w:火星')).toBeUndefined()
  })
})

describe('PassageTerms.ofText', () => {
  it('counts a text’s terms as termFrequencies does, numbering them as it goes', () => {
    const dictionary = new TermDictionary()
    for (const text of ['怀化高新区新签约项目十二个，项目总投资五十亿元。', '园区项目', '项目项目项目', '']) {
      const terms = PassageTerms.ofText(text, dictionary)
      expect(entries(terms), text).toEqual([...termFrequencies(text)])
      const numbers: Array<[string, number]> = []
      terms.forEachId((count, id) => numbers.push([dictionary.terms[id]!, count]))
      expect(numbers).toEqual([...termFrequencies(text)])
    }
  })
})

describe('PassageTerms.withHeader', () => {
  it('adds a header’s counts to a passage’s in the order a Map of the passage with the header added would hold them', () => {
    const body = termFrequencies('园区新签约项目十二个。')
    const header = termFrequencies('怀化高新区｜园区项目')
    const added = new Map(body)
    for (const [term, count] of header) added.set(term, (added.get(term) ?? 0) + count)
    expect(entries(PassageTerms.of(body, new TermDictionary()).withHeader(header))).toEqual([...added])
  })
})
