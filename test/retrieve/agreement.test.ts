import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { timeRules } from '../../src/rules/time.js'
import { agreement, EarlierText, measureAgreement, parkAgreement, periodAgreement, splitSentences, yearAgreement, type TextContext } from '../../src/retrieve/agreement.js'
import { ask } from '../rule-fixtures.js'

/** A text of a passage that tells nothing more than the text itself, unless asked to. */
function context(text: string, more: Partial<TextContext> = {}): TextContext {
  return { text, earlier: [], heading: '', park: '', mentions: [], ...more }
}

describe('rule: park agreement', () => {
  const q = ask('湘西高新区的工业总产值是多少？')

  it('+1 when the passage belongs to the park asked about, or names it', () => {
    expect(parkAgreement(q, context('完成工业总产值', { park: '湘西高新区' }))).toBe(1)
    expect(parkAgreement(q, context('完成工业总产值', { park: '怀化高新区', mentions: ['湘西高新区'] }))).toBe(1)
  })

  it('−1 when it is about another park only', () => {
    expect(parkAgreement(q, context('完成工业总产值', { park: '怀化高新区', mentions: ['怀化高新区'] }))).toBe(-1)
  })

  it('0 when the question names no park', () => {
    expect(parkAgreement(ask('工业总产值是多少？'), context('完成工业总产值', { park: '怀化高新区' }))).toBe(0)
  })
})

describe('rule: scope agreement (park-words.json scope)', () => {
  const context = (scope: TextContext['scope']): TextContext => ({ text: '实现地区生产总值4606.2亿元', earlier: [], heading: '', park: '湘西高新区', mentions: ['湘西高新区'], scope })
  it('a figure about the zone’s own city, or the whole city, does not answer for the zone; one about a zone does not answer for the city', () => {
    expect(parkAgreement(ask('湘西高新区的地区生产总值是多少？'), context({ scope: 'city' }))).toBe(-1)
    expect(parkAgreement(ask('湘西高新区的地区生产总值是多少？'), context({ scope: 'city', city: '湘西市' }))).toBe(-1)
    // Another city's name (a company's home) says nothing about this zone.
    expect(parkAgreement(ask('湘西高新区的地区生产总值是多少？'), context({ scope: 'city', city: '深圳市' }))).toBe(1)
    expect(parkAgreement(ask('全市的地区生产总值是多少？'), context({ scope: 'zone' }))).toBe(-1)
    expect(parkAgreement(ask('湘西高新区的地区生产总值是多少？'), context({ scope: 'zone' }))).toBe(1)
  })
})

describe('rule: baselines (time.json) — a year compared with sets no scene', () => {
  it('every baseline cue takes the year after it out of the scene', () => {
    const cues = (JSON.parse(fs.readFileSync(new URL('../../src/rules/time.json', import.meta.url), 'utf8')) as { baselines: string[] }).baselines
    for (const cue of cues) expect(timeRules.withoutBaselines(`产值${cue}2022年增长`), cue).not.toContain('2022')
    expect(timeRules.withoutBaselines('2022年产值增长')).toContain('2022')
  })

  it('比2022年的… in the sentence before does not date the next one', () => {
    const text = '2023年，园区实现产值1026.8亿元；规模以上工业总产值3186.5亿元，比2022年的2730.4亿元净增456.1亿元。同期，全市实现地区生产总值4741.1亿元'
    const earlier = new EarlierText(text).at(text.indexOf('全市实现'))
    const c: TextContext = { text: '全市实现地区生产总值4741.1亿元', earlier, heading: '', park: '湘西高新区', mentions: [] }
    expect(yearAgreement(ask('2023年全市地区生产总值是多少？'), c)).toBe(1)
  })
})

describe('rule: year agreement', () => {
  const q = ask('湘西高新区2020年工业总产值是多少？')

  it('+1 when the text names the year asked, −1 when it names only another', () => {
    expect(yearAgreement(q, context('2020年完成工业总产值'))).toBe(1)
    expect(yearAgreement(q, context('2019年完成工业总产值'))).toBe(-1)
  })

  it('0 when the question names no year', () => {
    expect(yearAgreement(ask('工业总产值是多少？'), context('2019年完成工业总产值'))).toBe(0)
  })

  it('dates a text without a year by the nearest earlier sentence that has one, not an older one further up', () => {
    const before = '2019年，园区起步。2020年，园区发展迅速。'
    expect(yearAgreement(q, context('完成工业总产值', { earlier: splitSentences(before) }))).toBe(1)
    expect(yearAgreement(ask('2019年工业总产值是多少？'), context('完成工业总产值', { earlier: splitSentences(before) }))).toBe(-1)
  })

  it('dates a text by its title and section when nothing before it names a year, and says nothing without either', () => {
    expect(yearAgreement(q, context('完成工业总产值', { heading: '湘西高新区2020年发展综述' }))).toBe(1)
    expect(yearAgreement(q, context('完成工业总产值', { heading: '湘西高新区2019年发展综述' }))).toBe(-1)
    expect(yearAgreement(q, context('完成工业总产值'))).toBe(0)
  })

  it('reads 今年 and 去年 against the document’s year', () => {
    expect(yearAgreement(q, context('今年完成工业总产值', { documentYear: '2020' }))).toBe(1)
    expect(yearAgreement(q, context('去年完成工业总产值', { documentYear: '2021' }))).toBe(1)
    expect(yearAgreement(q, context('今年完成工业总产值', { documentYear: '2021' }))).toBe(-1)
    // Without the document's year, 今年 names no year.
    expect(yearAgreement(q, context('今年完成工业总产值'))).toBe(0)
  })

  it('puts a bare date in the one year of its scene, else in the document’s year', () => {
    const q2021 = ask('2021年什么时候复工？')
    // A review of 2020 printed in 2021: "2月4日" is in 2020.
    expect(yearAgreement(ask('2020年什么时候复工？'), context('2月4日全面复工', { heading: '2020年回顾', documentYear: '2021' }))).toBe(1)
    expect(yearAgreement(q2021, context('2月4日全面复工', { heading: '2020年回顾', documentYear: '2021' }))).toBe(-1)
    // No scene: the newspaper's own year.
    expect(yearAgreement(q2021, context('2月4日全面复工', { documentYear: '2021' }))).toBe(1)
  })
})

describe('rule: period agreement', () => {
  const firstHalf = ask('湘西高新区上半年工业总产值是多少？')

  it('+1 when the text names the period asked, by any of its names (1-6月 is 上半年)', () => {
    expect(periodAgreement(firstHalf, context('上半年完成工业总产值'))).toBe(1)
    expect(periodAgreement(firstHalf, context('1-6月完成工业总产值'))).toBe(1)
    expect(periodAgreement(firstHalf, context('1至6月完成工业总产值'))).toBe(1)
  })

  it('−1 when the text names another period', () => {
    expect(periodAgreement(firstHalf, context('1-10月完成工业总产值'))).toBe(-1)
  })

  it('without a period in the text, the scene’s period decides, and none at all is −1 (a figure without a period is a full year’s)', () => {
    expect(periodAgreement(firstHalf, context('完成工业总产值', { earlier: splitSentences('上半年，园区逆势上扬。') }))).toBe(1)
    expect(periodAgreement(firstHalf, context('完成工业总产值', { heading: '一季度经济运行' }))).toBe(-1)
    expect(periodAgreement(firstHalf, context('完成工业总产值'))).toBe(-1)
  })

  it('a question naming no period takes any: 0', () => {
    expect(periodAgreement(ask('工业总产值是多少？'), context('1-10月完成工业总产值'))).toBe(0)
  })

  it('全年 rules out only part-year figures: most full-year figures do not say 全年', () => {
    const fullYear = ask('全年工业总产值是多少？')
    expect(periodAgreement(fullYear, context('完成工业总产值'))).toBe(0)
    expect(periodAgreement(fullYear, context('全年完成工业总产值'))).toBe(0)
    expect(periodAgreement(fullYear, context('1-10月完成工业总产值'))).toBe(-1)
    expect(periodAgreement(fullYear, context('完成工业总产值', { earlier: splitSentences('上半年，园区逆势上扬。') }))).toBe(-1)
  })
})

describe('rule: measure agreement', () => {
  it('+1 when the text names the measure asked, by any of its names', () => {
    expect(measureAgreement(ask('规模工业总产值是多少？'), context('规上工业总产值21.42亿元'))).toBe(1)
  })

  it('−1 when the text names only another measure, even one that contains the one asked', () => {
    expect(measureAgreement(ask('工业总产值是多少？'), context('规模工业总产值21.42亿元'))).toBe(-1)
    expect(measureAgreement(ask('工业总产值是多少？'), context('引进项目12个'))).toBe(-1)
  })

  it('0 when the question names no measure', () => {
    expect(measureAgreement(ask('引进了多少个项目？'), context('规模工业总产值21.42亿元'))).toBe(0)
  })
})

describe('agreement', () => {
  it('gives each check its own answer', () => {
    const q = ask('湘西高新区2020年上半年工业总产值是多少？')
    expect(agreement(q, context('2019年上半年完成规模工业总产值', { park: '湘西高新区' }))).toEqual({ park: 1, year: -1, period: 1, measure: -1 })
  })
})

describe('rule: the earlier text that dates a span', () => {
  it('EarlierText.at(start) is the prefix cut into sentences, at every position', () => {
    const text = '2019年，园区起步。2020年上半年，园区发展迅速；全年完成工业总产值23亿元！\n下半年，继续增长。'
    const earlier = new EarlierText(text)
    for (let start = 0; start <= text.length; start++) {
      expect(earlier.at(start).filter((s) => s !== '')).toEqual(splitSentences(text.slice(0, start)).filter((s) => s !== ''))
    }
  })
})

describe('rule: an undated text is its document’s year, give or take one', () => {
  it('is not about a year two or more years from its document’s', () => {
    const q = ask('2012年高新技术企业有多少家？')
    expect(yearAgreement(q, context('园区新申报高新技术企业95家', { documentYear: '2023' }))).toBe(-1)
    // A review printed in 2021 may well report on 2020 without naming it.
    expect(yearAgreement(ask('2020年高新技术企业有多少家？'), context('园区新申报高新技术企业95家', { documentYear: '2021' }))).toBe(0)
  })

  it('a period (上半年) opens a scene of the document’s year, even after an older year', () => {
    const q = ask('2012年高新技术企业有多少家？')
    const earlier = splitSentences('而在2012年，这一数字只有28家。上半年，')
    expect(yearAgreement(q, context('园区新申报高新技术企业95家', { earlier, documentYear: '2023' }))).toBe(-1)
  })
})

describe('rule: a year on the way back starts another scene', () => {
  it('the 上半年 of earlier sentences does not reach a text after 去年', () => {
    const q = ask('2022年上半年生产总值是多少？')
    const earlier = splitSentences('今年上半年，园区生产总值增长8%。回望去年，')
    expect(periodAgreement(q, context('园区实现生产总值432.1亿元', { earlier, documentYear: '2023' }))).toBe(-1)
    expect(periodAgreement(ask('2023年上半年生产总值是多少？'), context('园区生产总值增长8%', { earlier: splitSentences('今年上半年，'), documentYear: '2023' }))).toBe(1)
  })

  it('a bare date is not put in a year far from its document’s (而在2012年 is a comparison)', () => {
    const q = ask('2023年6月园区和哪所高校共建了基地？')
    const earlier = splitSentences('而在2012年，这一数字只有28家。')
    expect(yearAgreement(q, context('6月18日，园区与南华大学共建基地揭牌', { earlier, documentYear: '2023' }))).toBe(1)
  })
})

describe('rule: a full-year question and an earlier period', () => {
  it('a figure after 去年 is not part-year because the sentences before it spoke of 上半年', () => {
    const q = ask('2022年全年的技工贸总收入是多少？')
    const earlier = splitSentences('今年上半年，园区增长8%。去年，')
    expect(periodAgreement(q, context('园区完成技工贸总收入892.7亿元', { earlier, documentYear: '2023' }))).toBe(0)
  })
})

describe('rule: a question asking about 去年 or 今年', () => {
  const context = (text: string, documentYear?: string): TextContext => ({ text, earlier: [], heading: '', park: '湘西高新区', mentions: [], documentYear })
  it('is read against the document’s year when it is known', () => {
    expect(yearAgreement(ask('湘西高新区去年的地区生产总值是多少？'), context('2023年，园区地区生产总值1018.6亿元', '2024'))).toBe(1)
    expect(yearAgreement(ask('湘西高新区去年的地区生产总值是多少？'), context('2022年，园区地区生产总值1018.6亿元', '2024'))).toBe(-1)
  })

  it('without one, the text must say the same word: 前年 or 今年全年 is not 去年', () => {
    expect(yearAgreement(ask('湘西高新区去年的地区生产总值是多少？'), context('去年，全区地区生产总值达到1018.6亿元'))).toBe(1)
    expect(yearAgreement(ask('湘西高新区前年的地区生产总值是多少？'), context('去年，全区地区生产总值达到1018.6亿元'))).toBe(-1)
    expect(yearAgreement(ask('湘西高新区今年的地区生产总值是多少？'), context('去年，全区地区生产总值达到1018.6亿元'))).toBe(-1)
    expect(yearAgreement(ask('湘西高新区去年的地区生产总值是多少？'), context('全区地区生产总值达到1018.6亿元'))).toBe(0)
  })
})

describe('rule: a bare date up the passage is in the year its heading reviews', () => {
  it('3月16日 in a review of 2022 printed in 2023 dates the sentences after it to 2022', () => {
    const text = '3月16日，园区一季度重大项目集中开工。一年来，园区新签约项目46个，合同引资238.5亿元。'
    const at = text.indexOf('园区新签约')
    const c: TextContext = { text: '园区新签约项目46个', earlier: new EarlierText(text).at(at), heading: '钢城淬火——园区2022年高质量发展综述', park: '湘西高新区', mentions: [], documentYear: '2023' }
    expect(yearAgreement(ask('湘西高新区2022年新签约了多少个项目？'), c)).toBe(1)
    expect(yearAgreement(ask('湘西高新区2023年新签约了多少个项目？'), c)).toBe(-1)
  })
})

describe('rule: two times asked', () => {
  it('a whole-year figure answers the 全年 part of a question that also asks about 上半年', () => {
    const c = (text: string): TextContext => ({ text, earlier: [], heading: '', park: '湘西高新区', mentions: [] })
    const q = ask('湘西高新区上半年和怀化高新区2022年全年的外贸进出口总额各是多少？')
    expect(periodAgreement(q, c('外贸进出口总额126.4亿元'))).toBe(1)
    expect(periodAgreement(q, c('上半年外贸进出口总额57.2亿元'))).toBe(1)
    expect(periodAgreement(q, c('1-9月外贸进出口总额90.2亿元'))).toBe(-1)
    // Only 上半年 asked: the whole year does not answer.
    expect(periodAgreement(ask('湘西高新区上半年外贸进出口总额是多少？'), c('外贸进出口总额126.4亿元'))).toBe(-1)
  })
})
