import { describe, expect, it } from 'vitest'
import { extractAnswer, onlyUnknownParks, renderQuotes, verifyQuotes, withMeasure } from '../../src/answer/extractive.js'
import type { NumberedPassage as Passage } from '../../src/answer/types.js'
import { ask, passage, vocabulary } from '../rule-fixtures.js'

/** The quoted texts of the answer to `question` from `passages` (none: the documents do not say). */
function quotes(question: string, passages: Passage[], vocab = vocabulary()): string[] {
  const result = extractAnswer(ask(question), passages.map((p, i) => ({ ...p, n: i + 1 })), vocab)
  expect(result.found).toBe(result.quotes.length > 0)
  return result.quotes.map((q) => q.text)
}

function answers(question: string, passages: Passage[], vocab = vocabulary()): boolean {
  return quotes(question, passages, vocab).length > 0
}

const xiangxi = (text: string, fields: Partial<Passage> = {}) => passage(text, { park: '湘西高新区', title: '湘西高新区2020年发展综述', documentYear: '2021', ...fields })

describe('extractAnswer', () => {
  const review = xiangxi('2020年，湘西高新区完成工业总产值23.05亿元，增长4.26%；引进项目12个。')

  it('quotes the clause that answers, verbatim, with the growth clause that completes its figure', () => {
    const result = extractAnswer(ask('湘西高新区2020年工业总产值是多少？'), [review], vocabulary())
    expect(result).toEqual({ found: true, quotes: [{ n: 1, text: '2020年，湘西高新区完成工业总产值23.05亿元，增长4.26%', label: undefined }], missing: [] })
    expect(review.text).toContain(result.quotes[0]!.text)
  })

  it('refuses when the passages are about another park', () => {
    expect(quotes('怀化高新区2020年工业总产值是多少？', [review])).toEqual([])
  })

  it('refuses when the passages are about another year', () => {
    expect(quotes('湘西高新区2019年工业总产值是多少？', [review])).toEqual([])
  })

  it('refuses when the passages are about another period', () => {
    expect(quotes('湘西高新区2020年上半年工业总产值是多少？', [review])).toEqual([])
  })

  it('refuses when the passages give another measure only', () => {
    const scale = xiangxi('2020年，湘西高新区完成规模工业总产值21.42亿元。')
    expect(quotes('湘西高新区2020年工业总产值是多少？', [scale])).toEqual([])
    expect(quotes('湘西高新区2020年规模工业总产值是多少？', [scale])).toEqual(['2020年，湘西高新区完成规模工业总产值21.42亿元'])
  })

  it('refuses when too few of the question’s words are there', () => {
    expect(quotes('湘西高新区2020年新建标准厂房多少平方米？', [review])).toEqual([])
  })

  it('puts the park in front of a quote that does not name it, and only then', () => {
    const unnamed = xiangxi('2020年，园区完成工业总产值23.05亿元。')
    expect(extractAnswer(ask('湘西高新区2020年工业总产值是多少？'), [unnamed], vocabulary()).quotes).toEqual([{ n: 1, text: '2020年，园区完成工业总产值23.05亿元', label: '湘西高新区' }])
    expect(extractAnswer(ask('湘西高新区2020年工业总产值是多少？'), [review], vocabulary()).quotes[0]!.label).toBeUndefined()
  })

  it('gives a question about two parks a quote for each', () => {
    const huaihua = passage('2020年，怀化高新区完成工业总产值31.2亿元。', { park: '怀化高新区', title: '怀化高新区2020年发展综述' })
    expect(quotes('2020年湘西高新区和怀化高新区的工业总产值各是多少？', [review, huaihua])).toEqual(['2020年，湘西高新区完成工业总产值23.05亿元，增长4.26%', '2020年，怀化高新区完成工业总产值31.2亿元'])
  })

  it('says the documents do not say when the question names only a park they never name', () => {
    const q = ask('长沙高新区2020年工业总产值是多少？')
    expect(onlyUnknownParks(q)).toBe(true)
    expect(extractAnswer(q, [review], vocabulary())).toEqual({ found: false, quotes: [], missing: [] })
    // A park the catalog knows is not unknown, even beside one it does not.
    expect(onlyUnknownParks(ask('湘西高新区和长沙高新区2020年工业总产值各是多少？'))).toBe(false)
  })
})

describe('renderQuotes', () => {
  const cited = [xiangxi('2020年，园区完成工业总产值23.05亿元。', { n: 2 })]

  it('writes each quote as label：text[n]', () => {
    expect(renderQuotes([{ n: 2, text: '园区完成工业总产值23.05亿元', label: '湘西高新区' }, { n: 2, text: '2020年' }], cited)).toBe('湘西高新区：园区完成工业总产值23.05亿元[2]；2020年[2]')
  })

  it('refuses a quote that is not verbatim in its passage, or cites no passage', () => {
    expect(() => verifyQuotes([{ n: 2, text: '园区完成工业总产值23亿元' }], cited)).toThrow(/quote for \[2\]/)
    expect(() => renderQuotes([{ n: 3, text: '2020年' }], cited)).toThrow(/quote for \[3\]/)
  })
})

describe('rule: kind fit', () => {
  it('a count question rejects a money figure', () => {
    const question = '湘西高新区2020年引进项目多少个？'
    expect(quotes(question, [xiangxi('2020年，湘西高新区引进项目投资12亿元。')])).toEqual([])
    expect(quotes(question, [xiangxi('2020年，湘西高新区引进项目12个。')])).toEqual(['2020年，湘西高新区引进项目12个'])
  })

  it('a money question rejects a count', () => {
    const question = '湘西高新区2020年引进项目投资多少？'
    expect(quotes(question, [xiangxi('2020年，湘西高新区引进项目投资12个。')])).toEqual([])
    expect(quotes(question, [xiangxi('2020年，湘西高新区引进项目投资12亿元。')])).toEqual(['2020年，湘西高新区引进项目投资12亿元'])
  })

  it('a question that counts something wants a count even when it names money', () => {
    expect(quotes('湘西高新区2020年引进投资项目多少个？', [xiangxi('2020年，湘西高新区引进投资项目12个。')])).toEqual(['2020年，湘西高新区引进投资项目12个'])
  })

  it('a figure the question states is no answer', () => {
    const question = '湘西高新区2020年引进的12个项目里有多少个开工？'
    expect(quotes(question, [xiangxi('2020年，湘西高新区引进的12个项目全部开工。')])).toEqual([])
    expect(quotes(question, [xiangxi('2020年，湘西高新区引进的12个项目有8个开工。')])).toEqual(['2020年，湘西高新区引进的12个项目有8个开工'])
  })

  it('a figure asked by measure must follow the measure in its clause, or count it', () => {
    const question = '湘西高新区2020年有多少家高新技术企业？'
    expect(quotes(question, [xiangxi('2020年，湘西高新区培育科技企业15家，认定高新技术企业。')])).toEqual([])
    expect(quotes(question, [xiangxi('2020年，湘西高新区认定高新技术企业15家。')])).toEqual(['2020年，湘西高新区认定高新技术企业15家'])
    expect(quotes(question, [xiangxi('2020年，湘西高新区有15家高新技术企业。')])).toEqual(['2020年，湘西高新区有15家高新技术企业'])
  })

  it('a percentage question needs a percentage', () => {
    const question = '湘西高新区2020年工业总产值增速是多少？'
    expect(quotes(question, [xiangxi('2020年，湘西高新区工业总产值增速加快，达到23.05亿元。')])).toEqual([])
    expect(quotes(question, [xiangxi('2020年，湘西高新区工业总产值增速为4.26%。')])).toEqual(['2020年，湘西高新区工业总产值增速为4.26%'])
  })

  it('a reason question prefers the clause that tells how', () => {
    // The two sentences are alike but for 坚持 (a reason cue); without the cue the first would win.
    expect(quotes('湘西高新区营商环境是怎么改善的？', [xiangxi('湘西高新区持续改善营商环境。湘西高新区坚持改善营商环境。')])).toEqual(['湘西高新区坚持改善营商环境'])
  })

  it('a list question prefers the clause that lists', () => {
    expect(quotes('湘西高新区有哪些主导产业？', [xiangxi('湘西高新区主导产业为新型材料生物医药。湘西高新区主导产业为新材料、生物医药。')])).toEqual(['湘西高新区主导产业为新材料、生物医药'])
  })

  it('a date question needs a date', () => {
    const question = '湘西高新区的标准厂房什么时候开工？'
    expect(quotes(question, [xiangxi('湘西高新区的标准厂房近期开工。')])).toEqual([])
    expect(quotes(question, [xiangxi('湘西高新区的标准厂房于2020年3月18日开工。')])).toEqual(['湘西高新区的标准厂房于2020年3月18日开工'])
  })
})

describe('rule: focus words', () => {
  const question = '湘西高新区2020年引进了哪家世界500强企业？'
  const holding = xiangxi('2020年，湘西高新区引进世界500强企业万达集团。')
  const lacking = xiangxi('2020年，湘西高新区引进知名企业万达集团。')

  it('a rare word of the question must be in the passage', () => {
    // jieba cuts 世界500强 into 世界, 500, 强: 世界 is the rare one.
    const vocab = vocabulary(['世界'])
    expect(answers(question, [holding], vocab)).toBe(true)
    expect(answers(question, [lacking], vocab)).toBe(false)
    // The same passage answers when the word is common: focus is about rare words only.
    expect(answers(question, [lacking])).toBe(true)
  })

  it('of several rare words, one may be missing', () => {
    const vocab = vocabulary(['世界', '引进'])
    expect(answers(question, [xiangxi('2020年，湘西高新区签下世界500强企业万达集团。')], vocab)).toBe(true)
    expect(answers(question, [xiangxi('2020年，湘西高新区签下知名企业万达集团。')], vocab)).toBe(false)
  })

  it('a word the corpus never uses is a paraphrase, not a focus word', () => {
    expect(answers('湘西高新区2020年拉进了哪家知名企业？', [lacking], vocabulary([], ['拉进']))).toBe(true)
  })

  it('a rare verb is wording, not topic', () => {
    const answer = xiangxi('2020年，湘西高新区的研发投入主要用于新材料。')
    expect(answers('湘西高新区2020年研发投入打算用在哪些方面？', [answer], vocabulary(['打算']))).toBe(true)
    expect(answers('湘西高新区2020年研发投入在哪些材料方面？', [answer], vocabulary(['方面']))).toBe(false)
  })

  it('a frame word (总额, 年底 …) is never required', () => {
    const answer = xiangxi('2020年，湘西高新区完成外贸进出口9530.07万美元。')
    expect(answers('湘西高新区2020年外贸进出口总额是多少？', [answer], vocabulary(['总额']))).toBe(true)
  })
})

describe('rule: a quote keeps its time qualifier', () => {
  it('starts early enough to keep the year or period its sentence gives', () => {
    const partYear = xiangxi('今年1-10月，湘西高新区签约项目26个，总投资80亿元。')
    expect(quotes('湘西高新区2021年1-10月签约了多少个项目？', [partYear])).toEqual(['今年1-10月，湘西高新区签约项目26个'])
  })

  it('leaves a quote that already names its time as it is', () => {
    expect(quotes('湘西高新区2020年引进了多少个项目？', [xiangxi('湘西高新区2020年引进项目12个。')])).toEqual(['湘西高新区2020年引进项目12个'])
  })
})

describe('rule: a plan is no result', () => {
  it('a target does not answer what a year achieved, but answers a question about the plan', () => {
    const target = xiangxi('2021年，湘西高新区力争引进项目20个。')
    expect(quotes('湘西高新区2021年引进了多少个项目？', [target])).toEqual([])
    expect(quotes('湘西高新区2021年力争引进多少个项目？', [target])).toEqual(['2021年，湘西高新区力争引进项目20个'])
  })
})

describe('rule: near forms of focus words', () => {
  it('a rare question word counts when the passage holds two thirds of its character pairs (招工难 ~ 用工难 … 招工)', () => {
    const vocab = vocabulary(['招工难'])
    const measures = xiangxi('针对企业用工难的问题，湘西高新区建立企业用工服务站，帮助企业招工1万人次。')
    expect(answers('针对企业招工难，湘西高新区是怎么做的？', [measures], vocab)).toBe(true)
  })
})

describe('rule: money or a rate', () => {
  it('a question naming a money measure wants an amount, unless it asks how it changed', () => {
    const gdp = xiangxi('2020年，湘西高新区地区生产总值年均增长10.6%；地区生产总值达到84.6亿元。')
    expect(quotes('湘西高新区2020年地区生产总值是多少？', [gdp])).toEqual(['地区生产总值达到84.6亿元'])
    const rate = xiangxi('2020年，湘西高新区地区生产总值增长10.6%。')
    expect(quotes('湘西高新区2020年地区生产总值是多少？', [rate])).toEqual([])
    expect(quotes('湘西高新区2020年地区生产总值涨了多少？', [rate])[0]).toContain('10.6%')
  })
})

describe('rule: a how/why answer starts at the measure', () => {
  it('quotes the measure its sentence names before the result', () => {
    const text = '湘西高新区推行“拿地即开工”改革，将项目用时压缩至45天。'
    const result = { start: text.indexOf('将项目'), end: text.indexOf('。') }
    expect(text.slice(...Object.values(withMeasure(text, result)))).toBe('湘西高新区推行“拿地即开工”改革，将项目用时压缩至45天')
    // A sentence that names no measure before the result leaves the quote as it is.
    const plain = '园区将项目用时压缩至45天。'
    expect(withMeasure(plain, { start: 2, end: plain.indexOf('。') })).toEqual({ start: 2, end: plain.indexOf('。') })
  })
})

describe('rule: a two-part question', () => {
  it('gets a quote for each measure it asks, or says which one the documents do not give', () => {
    const both = xiangxi('2020年，湘西高新区完成工业总产值23.05亿元；完成固定资产投资19.27亿元。')
    const result = extractAnswer(ask('湘西高新区2020年工业总产值和固定资产投资各是多少？'), [both], vocabulary())
    expect(result.quotes.map((quote) => quote.text).join('|')).toMatch(/23\.05亿元.*\|.*19\.27亿元|19\.27亿元.*\|.*23\.05亿元/)
    expect(result.missing).toEqual([])
    const one = xiangxi('2020年，湘西高新区完成工业总产值23.05亿元。')
    expect(extractAnswer(ask('湘西高新区2020年工业总产值和固定资产投资各是多少？'), [one], vocabulary()).missing).toEqual(['固定资产投资'])
  })
})

describe('rule: a place the question names outside any park', () => {
  it('must be the passage’s: another park’s figure does not answer a question about a city the catalog does not hold', () => {
    const q = ask('苏州2022年完成了多少投资？')
    expect(q.places).toEqual(['苏州'])
    expect(quotes('苏州2022年完成了多少投资？', [xiangxi('2022年，湘西高新区完成投资12亿元。')])).toEqual([])
    expect(quotes('苏州2022年完成了多少投资？', [xiangxi('2022年，苏州完成投资12亿元。', { park: '' })])).toEqual(['2022年，苏州完成投资12亿元'])
  })
})

describe('rule: a year asked without a period wants the whole year', () => {
  it('a part-year figure loses to the year’s, and answers, with its period, only when the year’s is missing', () => {
    const midYear = '2022年年中时，湘西高新区规上工业总产值为528.7亿元。'
    const wholeYear = '面对原材料价格高位波动等多重考验，园区稳住了增长势头，2022年规模以上工业总产值首次突破千亿元大关，达到1086.3亿元。'
    const q = ask('湘西高新区2022年规模工业总产值是多少？')
    const both = extractAnswer(q, [passage(midYear + wholeYear, { park: '湘西高新区', documentYear: '2022' })], vocabulary())
    expect(both.quotes[0]!.text).toContain('1086.3亿元')
    const only = extractAnswer(q, [passage(midYear, { park: '湘西高新区', documentYear: '2022' })], vocabulary())
    expect(only.quotes[0]!.text).toContain('年中时')
    expect(only.quotes[0]!.text).toContain('528.7亿元')
  })
})

describe('rule: a flattened table cell', () => {
  it('a measure, its unit in brackets, then a number answers; a dash in the cell does not', () => {
    // As ingest joins a PDF table's cells: one line.
    const table = '表1 2023年上半年湘西高新区主要经济指标指标绝对值同比增长（%）规模以上工业总产值（亿元）586.38.7固定资产投资（亿元）—15.7'
    const cite = [passage(table, { park: '湘西高新区', documentYear: '2023' })]
    expect(extractAnswer(ask('2023年上半年湘西高新区规上工业总产值是多少亿元？'), cite, vocabulary()).quotes[0]?.text).toContain('586.3')
    expect(extractAnswer(ask('2023年上半年湘西高新区固定资产投资完成额是多少亿元？'), cite, vocabulary()).found).toBe(false)
  })
})

describe('rule: a year-on-year question and a change over years', () => {
  it('同比 is not answered by a growth measured from a year long before (time.json baselines)', () => {
    const text = '湘西高新区将园区GDP从2013年的7.7亿元提高到2022年的84.6亿元，增长了10倍。'
    const cite = [passage(text, { park: '湘西高新区', documentYear: '2023' })]
    expect(extractAnswer(ask('湘西高新区2022年GDP同比增长了多少？'), cite, vocabulary()).found).toBe(false)
    expect(extractAnswer(ask('湘西高新区2022年GDP比2013年增长了多少？'), cite, vocabulary()).found).toBe(true)
  })
})
