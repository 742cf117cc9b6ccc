import { describe, expect, it } from 'vitest'
import { kindCues } from '../../src/rules/kinds.js'
import { ask, tableOf } from '../rule-fixtures.js'

type Rows = Array<{ kind: string; cues: string[] }>
const table = tableOf<{ chinese: Rows; english: Rows }>('rules/kinds.json')

const isLiteral = (cue: string) => !/[\\[\]().*+?|^$]/.test(cue)

// A question for each cue that is a pattern rather than a word (a literal cue is its own example).
const examples: Record<string, string> = {
  '采取了?什么': '采取了什么',
  '哪[两二三四五六七八九十]': '主导产业有哪三个',
  '[两二三四五六七八九十](大|个|项|条)[^？?，,]{0,10}(是什么|是啥)': '三大主导产业是什么',
  '采取了?哪些': '采取哪些',
  '分别是(?!多少|几)': '三个园区分别是',
  '哪些(举措|措施|办法|做法|改革)': '园区靠哪些办法提速',
  '什么(举措|措施|办法|做法)': '有什么做法',
  '(举措|措施|办法|做法)(有|是)': '主要举措是',
  '[^\\d]率(是|有|为)?多少': '利用率为多少',
  '\\bwhen\\b': 'when did it open',
  'what date': 'what date was it signed',
  'which (day|year|month)': 'which month was it signed',
  'what year': 'what year was it founded',
  '\\bwhy\\b': 'why did it grow',
  '\\bhow (did|does|do|was|were|is|are|can|has|have)\\b': 'how did it grow',
  'what (measures|steps|methods)': 'what measures were taken',
  'in what way': 'in what way did it change',
  percentage: 'by what percentage did it grow',
  'per cent': 'by how many per cent did it grow',
  '\\bpercent\\b': 'by what percent did it grow',
  'growth rate': 'what was the growth rate',
  '\\bhow fast\\b': 'how fast did it grow',
  '\\bwhat\\b.*\\brate\\b': 'what local supporting rate had the zone reached',
  '\\bshare\\b': 'what share of output came from exports',
  '\\bproportion\\b': 'what proportion of firms are high-tech',
  '\\bintensity\\b': 'what r&d intensity did the zone reach',
  '\\bhow (many|much|big|large)\\b': 'how many firms are there',
  '\\bratio\\b': 'what is the ratio',
  '\\bwhat (was|is|were)\\b.*\\b(growth|total|number|amount|value|output|investment|revenue|gdp|rate|figure|capital|tax|taxes|sales|profit)\\b': 'what was the output',
  '\\bwhich\\b.*\\b(cities|companies|industries|projects|parks|ones|areas|sectors|enterprises)\\b': 'which companies moved in',
  '\\bwhat are\\b': 'what are its strengths',
  '\\bname the\\b': 'name the partners',
  '\\blist\\b': 'list the partners',
  '\\bwho\\b': 'who signed it',
  '\\bwhich\\b': 'which firm signed it',
  '\\bwhat\\b': 'what did it sign',
}

describe('rule: answer kinds', () => {
  for (const [language, rows] of [['chinese', table.chinese], ['english', table.english]] as const) {
    it(`every ${language} cue makes its kind`, () => {
      for (const { kind, cues } of rows) {
        for (const cue of cues) {
          const example = isLiteral(cue) ? cue : examples[cue]
          expect(example, `an example for ${cue}`).toBeDefined()
          expect(new RegExp(cue).test(example!), `${cue} matches ${example}`).toBe(true)
          expect(kindCues.kindOf(example!, language === 'english'), example).toBe(kind)
        }
      }
    })

    it(`no ${language} cue is covered by another of its kind (each row does something)`, () => {
      for (const { cues } of rows) {
        for (const cue of cues) for (const other of cues.filter((o) => o !== cue && isLiteral(o))) expect(cue.includes(other), `${cue} holds ${other}`).toBe(false)
      }
    })
  }

  it('the first kind with a cue wins: 哪一年 is a date though 哪一 asks for a name, 哪些 a list though 什么 asks for a name', () => {
    expect(kindCues.kindOf('哪一年开工？', false)).toBe('date')
    expect(kindCues.kindOf('哪一家企业？', false)).toBe('entity')
    expect(kindCues.kindOf('有哪些什么企业？', false)).toBe('list')
    expect(kindCues.kindOf('which year was it founded', true)).toBe('date')
    // A list before a percentage in Chinese, the other way round in English.
    expect(kindCues.kindOf('哪些企业增速最快？', false)).toBe('list')
    expect(kindCues.kindOf('which companies had the highest growth rate', true)).toBe('percent')
  })

  it('a question with no cue is other', () => {
    expect(kindCues.kindOf('介绍一下园区', false)).toBe('other')
    expect(kindCues.kindOf('tell me about the park', true)).toBe('other')
  })

  it('an English question is read in lower case', () => {
    expect(kindCues.kindOf('WHEN did it open?', true)).toBe('date')
    expect(ask('WHEN did Xiangxi open?').kind).toBe('date')
  })
})
