import { describe, expect, it } from 'vitest'
import { vocabularyOf } from '../../src/answer/answer.js'
import { extractAnswer } from '../../src/answer/extractive.js'
import type { SearchIndex } from '../../src/index/search-index.js'
import { analyzeQuestion, periodsIn } from '../../src/retrieve/query.js'
import { figureRules } from '../../src/rules/figures.js'
import { clauseCues } from '../../src/rules/clauses.js'
import { kindCues } from '../../src/rules/kinds.js'
import { glossary } from '../../src/rules/glossary.js'
import { stopwords } from '../../src/text/stopwords.js'
import { wordStarts } from '../../src/text/tokenize.js'
import { ask, catalog, passage, tableOf, vocabulary } from '../rule-fixtures.js'

/*
 * The rules added for documents the bot was never tuned on (issue 17, sixth round): each is named
 * after its table entry or constant and fails when the rule is taken out.
 */

const time = tableOf<{ periodEnds: Record<string, string>; monthEnds: string[]; upTo: string[] }>('rules/time.json')
const figures = tableOf<{ asks: { interchangeable: string[] } }>('rules/figures.json')
const stops = tableOf<{ answerWords: string[] }>('text/stopwords.json')

describe('rule: period ends (time.json periodEnds)', () => {
  it.each(Object.entries(time.periodEnds))('%s is read as %s', (end, period) => {
    expect(periodsIn(`截至${end}，园区…`)).toEqual([period])
  })
})

describe('rule: month ends after 截至 (time.json monthEnds, upTo)', () => {
  it.each(time.upTo.flatMap((upTo) => time.monthEnds.map((end) => [upTo, end])))('%s9月%s is the months up to it (前三季度)', (upTo, end) => {
    expect(periodsIn(`${upTo}9月${end}，…`)).toEqual(['前三季度'])
    expect(periodsIn(`${upTo}10月${end}`)).toEqual(['1-10月'])
  })
  it('a month end without 截至 is a date, not a period', () => {
    expect(periodsIn('项目于6月底投产')).toEqual([])
  })
})

describe('rule: durations are not counts (figures.json 个月)', () => {
  it('三个月 is no count of three; 三个项目 is', () => {
    expect([...'从签约到开工只用了不到三个月'.matchAll(figureRules.count)]).toEqual([])
    expect([...'新签约项目27个，历时3个月'.matchAll(figureRules.count)].map((m) => m[0])).toEqual(['27个'])
  })
})

describe('rule: a unit the question counts in (figures.json asks.interchangeable)', () => {
  it.each(figures.asks.interchangeable)('多少%s: any counter answers', (unit) => {
    expect(figureRules.askedUnit(`园区有多少${unit}？`)).toBeUndefined()
  })
  it('多少辆 needs a figure in 辆, not in 家', () => {
    const asked = figureRules.askedUnit('新能源汽车产了多少辆？')!
    expect(asked.unit).toBe('辆')
    expect(asked.figure.test('新能源汽车产量21.3万辆')).toBe(true)
    expect(asked.figure.test('高新技术企业总数突破430家')).toBe(false)
    const cars = passage('2023年，高新技术企业总数突破430家，新能源汽车产量21.3万辆。')
    expect(extractAnswer(ask('新能源汽车一共产了多少辆？'), [cars], vocabulary()).quotes[0]!.text).toContain('21.3万辆')
    const firms = passage('2023年，新能源汽车产业链上的高新技术企业总数突破430家。')
    expect(extractAnswer(ask('新能源汽车一共产了多少辆？'), [firms], vocabulary()).found).toBe(false)
  })
})

describe('rule: framing words are no topic (stopwords.json answerWords)', () => {
  it.each(['报道', '最新', '数字', '各自', '两边', '分别'])('%s is an answer word', (word) => {
    expect(stops.answerWords).toContain(word)
    expect(stopwords.answerWords.has(word)).toBe(true)
  })
  it('a comparison worded about the reports covers only its topic', () => {
    const q = analyzeQuestion('按各自报道里的最新数字，两边的高新技术企业分别有多少家？', catalog)
    expect(q.terms.flat()).not.toContain('报道')
    expect(q.terms.flat()).not.toContain('最新')
  })
})

describe('rule: a place starts a word (query placesIn)', () => {
  it('报道里 names no place 道里', () => {
    expect(wordStarts('报道里').has(1)).toBe(false)
    expect(analyzeQuestion('按各自报道里的数字，哪边更多？', catalog).places).toEqual([])
  })
})

describe('rule: quoted phrases and merged term groups (query analyzeQuestion)', () => {
  it('a quoted name is one term', () => {
    expect(analyzeQuestion('“科技贷”给多少家企业放了款？', catalog).terms).toContainEqual(['科技贷'])
  })
  it('groups sharing a word are one term (签约 from English, 签约|签下 from the synonyms)', () => {
    const q = analyzeQuestion('How many projects were signed in 2023?', catalog)
    expect(q.terms.filter((g) => g.includes('签约'))).toHaveLength(1)
  })
})

describe('rule: plans (clauses.json plans, planQuestions)', () => {
  it.each(['计划到', '目标是', '目标为', '预期'])('%s marks a target', (word) => {
    expect(clauseCues.plan.test(`${word}2025年达到800家`)).toBe(true)
  })
  it.each(['达产后', '建成后', '投产后', '建成达产'])('%s asks for a plan', (word) => {
    expect(clauseCues.asksPlan.test(`项目${word}能带动多少人就业？`)).toBe(true)
  })
  it('PLAN_PENALTY: without a plan word, the achieved figure wins over a target', () => {
    // The target names the zone too, so it covers more of the question: only the rule puts the result first.
    const both = passage('高新区计划到2025年，电子信息领域高新技术企业达到800家。目前，电子信息领域拥有高新技术企业468家。')
    expect(extractAnswer(ask('高新区电子信息领域有多少家高新技术企业？'), [both], vocabulary()).quotes[0]!.text).toContain('468家')
  })
})

describe('rule: headings (extractive HEADING_PENALTY)', () => {
  it('a list question is answered by the list, not by the section heading naming its topic', () => {
    const text = '二、钛产业“链”式集聚主导产业挺起脊梁\n目前，高新区已形成钛及钛合金新材料、汽车及零部件、高端装备制造四大主导产业。'
    const result = extractAnswer(ask('钛的主导产业有哪几个？'), [passage(text, { section: '二、钛产业“链”式集聚主导产业挺起脊梁' })], vocabulary())
    expect(result.quotes[0]!.text).toContain('汽车及零部件')
  })
})

describe('rule: built as asked (extractive BUILT_AS_ASKED)', () => {
  it('a list clause answers a list question put in other words', () => {
    const list = passage('紧扣新能源新材料、化工循环、智能装备三大主导产业，以项目建设为抓手。', { park: '荆门高新区' })
    expect(extractAnswer(ask('主打哪几个产业方向和门类？'), [list], vocabulary()).found).toBe(true)
    // The same words without a list are no answer.
    const plain = passage('园区以项目建设为抓手推动产业发展。', { park: '荆门高新区' })
    expect(extractAnswer(ask('主打哪几个产业方向和门类？'), [plain], vocabulary()).found).toBe(false)
  })
})

describe('rule: English words (glossary.json english, kinds.json intensity)', () => {
  it.each([['grow', '增长'], ['year on year', '同比'], ['sign', '签约'], ['new-energy vehicles', '新能源汽车']])('%s → %s', (en, zh) => {
    expect(glossary.english[en]).toContain(zh)
  })
  it('an intensity is a percentage', () => {
    expect(kindCues.kindOf('what r&d spending intensity did the zone reach in 2022?', true)).toBe('percent')
  })
})

describe('rule: a measure answers how (extractive REASON_FIT)', () => {
  it('the clause naming the measure is quoted, not the result the question restates', () => {
    const text = '针对汽车零部件本地配套率低的问题，园区实施“强链补链”行动，绘制产业链全景图。全年引进零部件企业37家，整车本地配套率由18%提升到35%。'
    expect(extractAnswer(ask('整车本地配套率是怎么提高的？'), [passage(text)], vocabulary()).quotes[0]!.text).toContain('强链补链')
  })
})

describe('rule: words no passage holds (answer UNSEEN_WORD)', () => {
  // The index as vocabularyOf reads it: 签约 is in 10 passages, the rest in none.
  const index = { wordWeight: () => 2, wordPassages: (word: string) => (word === '签约' ? 10 : 0), passageCount: 100 } as unknown as SearchIndex
  const { weight } = vocabularyOf(index, catalog)
  it('a verb no passage holds is wording: it counts half', () => {
    expect(weight('冒出来')).toBe(1)
  })
  it('a noun no passage holds is a topic the documents lack: it counts in full', () => {
    expect(weight('内资')).toBe(2)
  })
  it('a word passages hold counts in full', () => {
    expect(weight('签约')).toBe(2)
  })
})
