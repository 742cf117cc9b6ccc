import { describe, expect, it } from 'vitest'
import { extractAnswer } from '../../src/answer/extractive.js'
import { clauseCues } from '../../src/rules/clauses.js'
import { ask, passage, tableOf, vocabulary } from '../rule-fixtures.js'

const table = tableOf<{ reasonCues: string[]; backReferences: string[]; tallies: { stock: string[]; additions: string[] }; contrasts: Array<[string, string]>; doneQuestions: string[]; continuations: string[]; industryWords: string[]; industryCompounds: string[]; companies: { suffixes: string[]; asks: string[] }; anaphors: string[]; listJoiners: string[]; growth: { comparisons: string[]; changes: string[] } }>('rules/clauses.json')

/** The one quote answering `question` from a passage of 湘西高新区 (none: not found). */
function quote(question: string, text: string): string | undefined {
  const result = extractAnswer(ask(question), [passage(text, { park: '湘西高新区' })], vocabulary())
  return result.quotes[0]?.text
}

describe('rule: clause cues', () => {
  it('every reason cue makes a clause tell how or why', () => {
    for (const cue of table.reasonCues) expect(clauseCues.reason.test(`园区${cue}改革`), cue).toBe(true)
    expect(clauseCues.reason.test('园区完成投资')).toBe(false)
  })

  it('every back reference makes the sentence before it the problem of a how/why question, and lends it that sentence’s words', () => {
    for (const cue of table.backReferences) {
      const text = `湘西高新区可供开发的工业用地日益紧张。${cue}，园区探索“工业上楼”模式。`
      expect(quote('湘西高新区工业用地紧张，是怎么解决的？', text), cue).toContain('工业上楼')
    }
    // Without one, the sentence naming the problem is all the passage says about it (a short topic
    // sentence, no figure of its own, is taken up by the measure after it: extractive TOPIC_CHARS).
    expect(quote('湘西高新区工业用地紧张，是怎么解决的？', '湘西高新区可供开发的工业用地日益紧张，全年可供出让的仅剩32亩。园区探索“工业上楼”模式。')).not.toContain('工业上楼')
  })

  it('tallies: a count of all there are is not answered by a count of new ones, nor the other way round', () => {
    for (const word of table.tallies.stock) expect(clauseCues.tallyOf(`园区${word}`), word).toBe('stock')
    for (const word of table.tallies.additions) expect(clauseCues.tallyOf(`园区${word}`), word).toBe('additions')
    const text = '2023年，湘西高新区新增高新技术企业68家。截至年底，园区高新技术企业总数为512家。'
    expect(quote('湘西高新区2023年高新技术企业总数是多少家？', text)).toContain('512家')
    expect(quote('湘西高新区2023年新增高新技术企业多少家？', text)).toContain('68家')
    // A quote holding both figures answers either.
    expect(quote('湘西高新区2023年高新技术企业总数是多少家？', '2023年，湘西高新区高新技术企业新增11家达到23家。')).toContain('23家')
    expect(quote('湘西高新区2023年高新技术企业总数是多少家？', '2023年，湘西高新区新增高新技术企业68家。')).toBeUndefined()
  })

  it('contrasts: a quote saying the opposite word of a pair the question names speaks of another figure', () => {
    for (const [a, b] of table.contrasts) {
      expect(clauseCues.contradicts(`园区${a}是多少？`, `园区${b}12亿元`), `${a}/${b}`).toBe(true)
      expect(clauseCues.contradicts(`园区${b}是多少？`, `园区${a}12亿元`), `${b}/${a}`).toBe(true)
      expect(clauseCues.contradicts(`园区${a}是多少？`, `园区${a}12亿元`), a).toBe(false)
    }
    expect(quote('湘西高新区2023年实际使用内资多少？', '2023年，湘西高新区实际使用外资2.36亿美元。')).toBeUndefined()
  })

  it('doneQuestions: a figure question asking what was done is not answered by a plan, year or none', () => {
    const text = '湘西高新区二是围绕氢能产业开展专项招商，力争新建加氢站3座。'
    for (const word of table.doneQuestions) expect(quote(`湘西高新区${word}新建几座加氢站？`, text), word).toBeUndefined()
    expect(quote('湘西高新区计划新建几座加氢站？', text)).toContain('3座')
  })

  it('continuations: a clause opening with one carries the measure before it to its figure', () => {
    for (const word of table.continuations) {
      expect(quote('湘西高新区去年的地区生产总值是多少？', `去年，湘西高新区地区生产总值首次突破千亿元，${word}1018.6亿元。`), word).toContain('1018.6亿元')
    }
  })

  it('a back reference answers a problem told in up to two sentences', () => {
    const text = '湘西高新区每到夏季都面临供电紧张的压力。2022年夏季，企业曾因限电错峰生产。为此，园区大力推广屋顶分布式光伏。'
    expect(quote('湘西高新区夏天供电紧张，园区怎么应对的？', text)).toContain('分布式光伏')
  })

  it('industryWords: a figure about another industry does not answer for the one asked; industryCompounds are not industries', () => {
    for (const word of table.industryWords) {
      const text = `2023年，湘西高新区动力装备${word}实现营业收入1136.2亿元。`
      expect(quote(`湘西高新区2023年声学光电${word}营收有多少？`, text), word).toBeUndefined()
      expect(quote(`湘西高新区2023年动力装备${word}营收有多少？`, text), word).toContain('1136.2亿元')
    }
    for (const compound of table.industryCompounds) {
      expect(quote(`湘西高新区2023年的产业${compound}有多少？`, `2023年，湘西高新区设立产业${compound}6亿元。`), compound).toContain('6亿元')
    }
  })

  it('a question naming a change is answered by the figure right after one (净增456.1亿元), not by the amount', () => {
    const text = '2023年，湘西高新区规模以上工业总产值3186.5亿元，比2022年的2730.4亿元净增456.1亿元。'
    expect(quote('跟2022年比，湘西高新区2023年规模以上工业总产值多出来多少？', text)).toContain('456.1亿元')
    expect(quote('湘西高新区2023年规模以上工业总产值是多少？', text)).toContain('3186.5亿元')
  })

  it('companies: a figure whose clause names a company is the company’s, unless the question asks about companies or names it', () => {
    for (const suffix of table.companies.suffixes) {
      const text = `2023年，湘西高新区整车出口63.8万辆。龙头企业奇瑞汽车${suffix}全年出口汽车93.7万辆。`
      expect(quote('湘西高新区2023年出口了多少万辆汽车？', text), suffix).toContain('63.8万辆')
      expect(quote('奇瑞汽车2023年出口了多少万辆汽车？', text.replace('63.8万辆', '很多')), suffix).toContain('93.7万辆')
    }
    for (const word of table.companies.asks) expect(clauseCues.othersCompany(`园区${word}出口多少？`, '奇瑞汽车有限公司全年出口汽车'), word).toBe(false)
  })

  it('anaphors: a which-company quote that only points back starts at the sentence before that names the company', () => {
    for (const anaphor of table.anaphors) {
      const text = `除了中航光电，麦斯克电子材料股份有限公司是湘西高新区另一家代表性企业。${anaphor}主要生产半导体硅抛光片，今年产量达到126万片。`
      expect(quote('湘西高新区里生产半导体硅抛光片的是哪家企业？', text), anaphor).toContain('麦斯克')
    }
    // A quote that names the company itself stays as it is.
    expect(quote('湘西高新区里生产半导体硅抛光片的是哪家企业？', '园区企业很多。麦斯克公司主要生产半导体硅抛光片。')).toBe('麦斯克公司主要生产半导体硅抛光片')
  })

  it('an industry the question names must be named by the figure’s sentence or the one before; else the figure is the park’s', () => {
    const text = '湘西高新区规模以上工业营业收入2186.5亿元。受需求疲软影响，前三季度全区声学光电及虚拟现实产业实现营业收入742.8亿元。'
    expect(quote('湘西高新区声学光电和VR产业前三季度营收有多少？', text)).toContain('742.8亿元')
    expect(quote('湘西高新区新能源汽车产业营收有多少？', '湘西高新区规模以上工业营业收入2186.5亿元。')).toBeUndefined()
    // 虚拟 is no plan (拟 alone is not a plan cue).
    expect(clauseCues.plan.test('虚拟现实产业实现营业收入742.8亿元')).toBe(false)
  })

  it('a question naming a title asks for its holder, not the deputy’s (personTitles)', () => {
    const text = '市委副书记、市长刘革安多次召集会议。市委书记虢正贵提出要求。'
    expect(clauseCues.personsIn(text, '市委书记是谁？')).toEqual(['虢正贵'])
    expect(clauseCues.personsIn(text, '市长是谁？')).toEqual(['刘革安'])
    expect(clauseCues.personsIn(text)).toEqual(['刘革安', '虢正贵'])
    expect(clauseCues.personsIn('党工委书记、管委会主任张立华说', '党工委书记是谁？')).toEqual(['张立华'])
  })

  it('every list joiner makes a clause a list', () => {
    for (const joiner of table.listJoiners) expect(clauseCues.list.test(`新材料${joiner}生物医药`), joiner).toBe(true)
    expect(clauseCues.list.test('新材料产业')).toBe(false)
  })

  it('every change, after any comparison or none, completes the figure before it', () => {
    const question = '湘西高新区2020年工业总产值是多少？'
    for (const comparison of ['', ...table.growth.comparisons]) {
      for (const change of table.growth.changes) {
        const clause = `${comparison}${change}较多`
        expect(quote(question, `2020年，湘西高新区完成工业总产值23.05亿元，${clause}，其中规模工业较快。`), clause).toBe(`2020年，湘西高新区完成工业总产值23.05亿元，${clause}`)
      }
    }
    // Any other clause is not part of the answer.
    expect(quote(question, '2020年，湘西高新区完成工业总产值23.05亿元，其中规模工业较快。')).toBe('2020年，湘西高新区完成工业总产值23.05亿元')
  })
})
