import { describe, expect, it } from 'vitest'
import { extractAnswer, listOfAsked, withAntecedent } from '../../src/answer/extractive.js'
import { chunkDocument, denseHeader, indexedText, lexicalHeader, type Passage } from '../../src/ingest/chunk.js'
import { cleanText } from '../../src/ingest/clean.js'
import { sha256, type SourceDocument } from '../../src/ingest/corpus.js'
import { parkMentions, publicationYear } from '../../src/ingest/derive.js'
import { ParkCatalog } from '../../src/retrieve/parks.js'
import { analyzeQuestion } from '../../src/retrieve/query.js'
import { clauseCues } from '../../src/rules/clauses.js'
import { figureRules } from '../../src/rules/figures.js'
import { glossary } from '../../src/rules/glossary.js'
import { ask, catalog, passage, tableOf, vocabulary } from '../rule-fixtures.js'

/*
 * The rules of issue 17's seventh round (documents the bot was never tuned on): each is named after
 * its table entry, constant or function, and fails when the rule is taken out.
 */

const figures = tableOf<{ ordinal: { asks: string[] }; asks: { moneyMeasures: string[][] } }>('rules/figures.json')
const clauses = tableOf<{ reasonCues: string[]; contrasts: string[][] }>('rules/clauses.json')

const answerOf = (question: string, text: string, fields: Partial<Passage> = {}) => extractAnswer(ask(question), [passage(text, fields)], vocabulary())

describe('rule: 经济开发区 is filed as 经开区 (park-words.json)', () => {
  it('a zone written both ways is one park', () => {
    expect(parkMentions('醴陵经济开发区今年…走进醴陵经开区').map((m) => m.name)).toEqual(['醴陵经开区', '醴陵经开区'])
  })
})

describe('rule: county-level cities (derive parkMentions)', () => {
  it('浏阳市 is a city, like a prefecture-level one', () => {
    expect(parkMentions('去年浏阳市实现地区生产总值1628.7亿元').map((m) => m.name)).toEqual(['浏阳市'])
  })
  it('a county-level city written without its 市 is no city (浏阳 alone)', () => {
    expect(parkMentions('浏阳花炮闻名全国').map((m) => m.name)).toEqual([])
  })
})

describe('rule: a web page dateline dates the document (derive publicationYear)', () => {
  it.each([
    ['2025-01-16 08:32　来源：邵阳新闻网'],
    ['发布时间：2025/01/16'],
    ['2025年1月16日 来源：邵阳日报'],
  ])('%s under the headline', (dateline) => {
    expect(publicationYear(`邵阳经开区：向新而行\n——邵阳经济技术开发区2024年经济发展综述\n${dateline}\n全年完成规模工业总产值386.5亿元，2024年园区…`)).toBe('2025')
  })
  it('a lede opening with a date is no dateline', () => {
    expect(publicationYear('园区综述\n2024年3月5日，园区召开大会，全年完成产值386.5亿元。')).toBe('2024')
  })
})

describe('rule: a source line is a byline (clean SOURCE_LINE)', () => {
  it('the dateline stays apart from the first paragraph', () => {
    const page = [
      '园区：向新而行 跑出高质量发展加速度',
      '——园区2024年经济发展综述',
      '',
      '2025-01-16 08:32　来源：邵阳新闻网　作者：邵阳日报全媒体记者 罗晓岚 通讯员 蒋志清',
      '',
      '寒冬时节，走进园区，生产车间里热浪扑面，窑炉生产线满负荷运转，一片片高铝盖板玻璃从流水线上缓缓下线。',
      '',
      '这是园区2024年奋力攻坚的一个缩影。过去一年，园区坚持工业立区不动摇，主要经济指标稳中有进、进中向好。',
    ].join('\n')
    const { blocks } = cleanText(page)
    expect(blocks.map((b) => b.kind)).toEqual(['heading', 'heading', 'byline', 'paragraph', 'paragraph'])
  })
})

describe('rule: bracketed and stand-alone headings (clean NUMBERED_HEADING, standsAlone)', () => {
  const wrapped = (heading: string, blankAfter = true) =>
    [
      '园区还与职业技术学院合作开设订单',
      '班，每年为园区企业定向输送技能人',
      '才600余名，缓解了企业招工难问题。',
      '',
      heading,
      ...(blankAfter ? [''] : []),
      '陶瓷是传统的高耗能行业。为推动产',
      '业绿色转型，园区全面推进窑炉改造，',
      '今年累计完成窑炉改造134座，单位产',
      '值能耗平均下降15%，烟尘排放减少。',
    ].join('\n')
  it('【绿色篇】… on a page of short lines is a heading, not the start of the paragraph under it', () => {
    const { blocks } = cleanText(wrapped('【绿色篇】窑炉“换气” 园区“添绿”', false))
    expect(blocks.find((b) => b.text.startsWith('【绿色篇】'))).toMatchObject({ kind: 'heading', text: '【绿色篇】窑炉“换气”园区“添绿”' })
  })
  it('a line standing alone between blank lines is a heading even at the wrap width', () => {
    const { blocks } = cleanText(wrapped('绿色转型步伐加快园区添绿'))
    expect(blocks.find((b) => b.text.startsWith('绿色转型'))?.kind).toBe('heading')
  })
})

describe('rule: the BM25 header has no title (chunk lexicalHeader)', () => {
  const chunk = { park: '芜湖经开区', title: '芜湖经开区2023年规上工业总产值突破3000亿元', section: '【整车】' } as Passage
  it('the title is embedded, not BM25-indexed', () => {
    expect(denseHeader(chunk)).toContain('3000亿元')
    expect(lexicalHeader(chunk)).toBe('芜湖经开区｜【整车】')
    expect(indexedText({ ...chunk, text: '正文' })).toBe(`${denseHeader(chunk)}\n正文`)
  })
  it('a passage without a section keeps its title', () => {
    expect(lexicalHeader({ ...chunk, section: '' })).toBe(`芜湖经开区｜${chunk.title}`)
  })
})

describe('rule: a section naming its zone’s city is still the zone’s (chunk ownZone)', () => {
  it('浏阳高新区’s section comparing with 浏阳市 keeps the zone', () => {
    const text = [
      '浏阳高新区：千亿园区再出发',
      '',
      '浏阳高新区去年技工贸总收入达到1056.3亿元。浏阳高新区规模工业总产值增长9%。',
      '',
      '【成绩单】稳中有进',
      '',
      '去年浏阳市实现地区生产总值1628.7亿元。园区贡献了浏阳市四成的工业产值，园区完成进出口总额96.3亿元。',
    ].join('\n')
    const doc: SourceDocument = { source: 'a.txt', content: text, contentHash: sha256(text) }
    const chunks = chunkDocument(doc, { documents: [], parks: [] })
    expect(chunks.length).toBeGreaterThan(0)
    expect(new Set(chunks.map((c) => c.park))).toEqual(new Set(['浏阳高新区']))
  })
})

describe('rule: a year is no figure (figures digits)', () => {
  it('2022年度 holds no figure; 10年 and 第18位 do', () => {
    expect([...'在全省2022年度产业园区综合评价中'.matchAll(figureRules.figure)]).toEqual([])
    expect([...'连续10年位列第18位'.matchAll(figureRules.figure)].map((m) => m[0])).toEqual(['10年', '第18位'])
  })
  it('a number is read from its first digit', () => {
    expect([...'产值1865.3亿元'.matchAll(figureRules.money)].map((m) => m[0])).toEqual(['1865.3亿元'])
  })
})

describe('rule: energy units (figures.json GW, GWh …)', () => {
  it.each(['42GW', '20GWh', '48MW', '3.5吉瓦'])('%s is a figure', (figure) => {
    expect([...`年产能提升至${figure}`.matchAll(figureRules.figure)].map((m) => m[0])).toEqual([figure])
  })
})

describe('rule: a rank is asked for (figures.json ordinal.asks)', () => {
  it.each(figures.ordinal.asks)('%s asks for a rank', (word) => {
    expect(figureRules.asksRank.test(`园区在全省${word}`)).toBe(true)
  })
  it('only a rank answers: 2名 is no rank', () => {
    const text = '引进省级科技创新人才2名。在全省产业园区综合评价中排名第75名。'
    expect(answerOf('常德经开区在全省综合评价中排第几名？', text, { park: '常德经开区' }).quotes[0]!.text).toContain('第75名')
    expect(answerOf('常德经开区在全省综合评价中排第几名？', '引进省级科技创新人才2名，综合评价优秀。', { park: '常德经开区' }).found).toBe(false)
  })
})

describe('rule: a date in a year read against the document (extractive DATE)', () => {
  it('去年6月 answers when', () => {
    const text = '去年6月，湘西高新区工业互联网赋能中心正式投入运营，已帮助120多家企业上云。'
    expect(answerOf('湘西高新区的工业互联网赋能中心是什么时候开始运营的？', text, { park: '湘西高新区' }).quotes[0]!.text).toContain('去年6月')
  })
})

describe('rule: measures taken (clauses.json reasonCues)', () => {
  it.each(['设立', '举办', '出台', '推出', '搭建', '组建'])('%s tells how', (cue) => {
    expect(clauses.reasonCues).toContain(cue)
    expect(clauseCues.reason.test(`园区${cue}了对接平台`)).toBe(true)
  })
  it('the clause holding the measure answers, not another service clause', () => {
    const text =
      '针对企业反映的融资难问题，园区联合8家银行常态化举办“园企融资对接会”。园区还推行“首席服务官”制度，全年协调企业诉求436个。'
    expect(answerOf('湘西高新区是怎么帮企业解决融资难的？', text, { park: '湘西高新区' }).quotes[0]!.text).toContain('园企融资对接会')
  })
})

describe('rule: synonyms for a problem (glossary.json synonyms 融资难, 电费)', () => {
  it.each([
    ['贷款难', '融资难'],
    ['缺钱', '融资难'],
    ['电价', '电费'],
  ])('%s finds %s', (asked, written) => {
    expect(glossary.synonyms.find((group) => group.includes(asked))).toContain(written)
    expect(analyzeQuestion(`园区怎么解决${asked}的问题？`, catalog).terms.some((group) => group.includes(written))).toBe(true)
  })
})

describe('rule: measures named another way (glossary.json measures)', () => {
  it.each([
    ['实际利用外资', '实际使用外资'],
    ['技工贸收入', '技工贸总收入'],
  ])('%s is %s', (asked, written) => {
    expect(glossary.measures.find((group) => group.includes(asked))).toContain(written)
  })
})

describe('rule: a list of what is asked (extractive LIST_REACH, listOfAsked)', () => {
  const q = ask('湘西高新区有哪几个主导产业？')
  it('a list beside the question’s word fits', () => {
    expect(listOfAsked(q, '先进储能材料、高端装备制造、绿色食品是湘西高新区的三大主导产业')).toBe(true)
  })
  it('a list elsewhere in the clause does not, though it holds the word and a joiner', () => {
    const text = '由园区领导分别担任三大主导产业的“链长”，同时为每家规上企业派驻一名“企业服务专员”，今年以来帮助企业解决用工、融资、物流等各类问题520余个'
    expect(clauseCues.list.test(text)).toBe(true)
    expect(listOfAsked(q, text)).toBe(false)
  })
  it('a list ends where its last item ends (…总经理田敏等，被聘为招商顾问)', () => {
    const text = '当天，深圳市华美兴泰科技股份有限公司董事长杨昌军、广州市洁宝日用品有限公司董事长周金平、深圳市柯林森科技有限公司总经理田敏等，被聘为招商顾问'
    expect(listOfAsked(ask('湘西高新区聘的招商顾问都有谁？'), text)).toBe(true)
  })
})

describe('rule: verbs and time words are wording (extractive focusWords)', () => {
  it('a rare verb-noun (培育) or time word (现在) need not be in the answering passage', () => {
    const text = '湘西高新区聚焦新一代信息技术、高端装备制造、生物医药三大支柱产业。'
    const list = extractAnswer(ask('湘西高新区重点培育哪几个支柱产业？'), [passage(text, { park: '湘西高新区' })], vocabulary(['培育']))
    expect(list.quotes[0]?.text).toContain('高端装备制造')
    const count = extractAnswer(ask('湘西高新区现在一共有多少家高企？'), [passage('园区共有高新技术企业386家。', { park: '湘西高新区' })], vocabulary(['现在']))
    expect(count.quotes[0]?.text).toContain('386家')
  })
})

describe('rule: an interviewer’s question answers nothing (extractive asking)', () => {
  it('记者：…做了哪些工作？ is not quoted', () => {
    const text = '记者：不少中小企业反映融资难，园区在融资难方面做了哪些工作？\n彭志坚：我们设立了规模10亿元的产业引导基金。'
    const result = answerOf('湘西高新区的中小企业融资难，园区想了什么办法？', text, { park: '湘西高新区' })
    expect(result.quotes.map((q) => q.text).join('')).not.toContain('记者')
  })
})

describe('rule: a partner is no subject (park-words.json scope.notSubject 联合)', () => {
  it('联合常德市设立… is said by the zone', () => {
    const withCity = new ParkCatalog([{ name: '常德市', aliases: [], english: [] }, { name: '常德经开区', aliases: [], english: [] }])
    expect(withCity.scopeOf('常德市设立了规模10亿元的产业引导基金')).toEqual({ scope: 'city', city: '常德市' })
    expect(withCity.scopeOf('我们联合常德市设立了规模10亿元的产业引导基金')).not.toEqual({ scope: 'city', city: '常德市' })
  })
})

describe('rule: money of another measure (figures.json moneyMeasures)', () => {
  it('every group is a list of words', () => {
    expect(figures.asks.moneyMeasures.length).toBeGreaterThan(5)
  })
  it('总投资35亿元 does not answer 产值', () => {
    const text = '总投资35亿元的宏亚新能源储能电池项目已经投产。'
    expect(answerOf('宏亚新能源储能电池项目2024年实现了多少产值？', text).found).toBe(false)
    expect(answerOf('宏亚新能源储能电池项目总投资多少？', text).quotes[0]!.text).toContain('35亿元')
  })
})

describe('rule: a fund’s size is no amount lent (figures.json moneyMeasures 规模)', () => {
  it('设立规模2亿元的资金池 does not answer how much was lent', () => {
    const text = '高新区设立规模2亿元的“科技贷”风险补偿资金池。'
    expect(answerOf('“科技贷”2022年一共发放了多少贷款？', text).found).toBe(false)
    expect(answerOf('“科技贷”风险补偿资金池规模多少亿元？', text).quotes[0]!.text).toContain('2亿元')
  })
})

describe('rule: contrasts (clauses.json contrasts 认定/申报)', () => {
  it('新申报 does not answer 新认定', () => {
    expect(clauses.contrasts).toContainEqual(['认定', '申报'])
    expect(clauseCues.contradicts('今年新认定了多少家高新技术企业', '今年园区新申报高新技术企业96家')).toBe(true)
  })
})

describe('rule: another company’s figure (clauses othersCompany)', () => {
  it('the company may be the subject of the sentence’s first phrase', () => {
    expect(clauseCues.othersCompany('鑫烁新能源项目实现产值多少', '总投资20亿元的湖南拓维精工机械有限公司高端齿轮箱项目于去年9月竣工投产，当年即实现产值')).toBe(true)
  })
  it('a company named after its province is the one the question names', () => {
    expect(clauseCues.othersCompany('欧泰新材料去年营收做到了多少', '湖南欧泰新材料有限公司专注锂电正极材料，去年实现营业收入')).toBe(false)
  })
  it('only the figure’s own clause counts (…竣工投产；全市共签约…总投资额)', () => {
    expect(clauseCues.othersCompany('全市签约项目总投资额多少', '仙踪林公司年产50万盒等4个项目竣工投产；全市共签约重大招商引资项目50个总投资额')).toBe(false)
  })
})

describe('rule: a quote pointing back at a company (extractive withAntecedent)', () => {
  it('该公司 … 回收企业之一 starts at the sentence naming the company', () => {
    const text = '在湘邦循环科技有限公司，退役动力电池被拆解回收。目前，该公司年回收能力达到30万吨，是国内最大的动力电池回收企业之一。'
    const start = text.indexOf('该公司')
    const span = withAntecedent(text, { start, end: text.length - 1 }, /公司|企业/)
    expect(text.slice(span.start, span.end)).toContain('湘邦循环科技有限公司')
  })
})

describe('rule: a flattened table becomes one line a row (clean tableRows)', () => {
  const table = ['表：2024年主要经济指标', '指标', '数值', '单位', '增幅（%）', '技工贸总收入', '412.6', '亿元', '11.3', '税收收入', '9.87', '亿元', '7.2', '进出口总额', '18.3', '亿元', '24.5', '实际使用外资', '2180', '万美元', '8.9', '新增市场主体', '312', '户', '24.8', '数据来源：园区管委会'].join('\n')
  it('label, number, unit and change of a row stand together; the header row apart', () => {
    const { blocks } = cleanText(table)
    const texts = blocks.map((b) => b.text)
    expect(texts).toContain('指标 数值 单位 增幅（%）')
    expect(texts).toContain('实际使用外资 2180 万美元 8.9')
    expect(texts).toContain('新增市场主体 312 户 24.8')
  })
  it('a unit repeated in every row is no running header', () => {
    expect(cleanText(table).text.match(/亿元/g)).toHaveLength(3)
  })
  it('a row answers a question about its measure', () => {
    const { text } = cleanText(table)
    expect(answerOf('湘西高新区2024年实际使用外资多少万美元？', text, { park: '湘西高新区', documentYear: '2024' }).quotes[0]!.text).toContain('2180 万美元')
  })
})

describe('rule: an interview’s question is what its answer is about (extractive ANSWER_SENTENCES)', () => {
  it('the answer under 记者：…融资难…？ covers 融资难', () => {
    const text = '记者：不少中小企业反映融资难，园区做了哪些工作？\n彭志坚：我们做了几件事。一是联合6家银行推出“园企通”信用贷款，今年已累计发放9.6亿元。'
    expect(answerOf('湘西高新区采取了哪些办法缓解中小企业融资难？', text, { park: '湘西高新区' }).quotes[0]?.text).toContain('园企通')
  })
})

describe('rule: a window’s period is its last phrase’s (extractive lastPeriods)', () => {
  it('上半年…19个，全年累计…36个 is a whole-year figure', () => {
    const text = '2024年，湘西高新区开展“项目攻坚年”活动，上半年签约项目19个，全年累计签约项目36个。'
    expect(answerOf('湘西高新区2024年一共签约了多少个项目？', text, { park: '湘西高新区' }).quotes[0]!.text).toContain('36个')
  })
})

describe('rule: colloquial forms and synonyms (glossary.json shortForms 签了, synonyms 升格)', () => {
  it('签了 is 签约', () => {
    expect(glossary.shortForms['签了']).toEqual(['签约'])
    expect(analyzeQuestion('园区一共签了多少个项目？', catalog).terms.flat()).toContain('签约')
  })
  it('升格 finds 升级', () => {
    expect(analyzeQuestion('园区是哪一年升格为国家级的？', catalog).terms.some((group) => group.includes('升级'))).toBe(true)
  })
})

describe('rule: 达到 tells a total (clauses.json tallies.stock)', () => {
  it('达到97家 is all there are, not the new ones', () => {
    expect(clauseCues.tallyOf('省级专精特新中小企业达到')).toBe('stock')
    expect(clauseCues.tallyOf('新增省级专精特新中小企业达到')).toBe('additions')
  })
})

describe('rule: a share’s base is not the figure’s measure (clauses.json shares)', () => {
  it('占园区规模工业总产值的比重 names what the figure is part of', () => {
    expect('三大主导产业实现产值318.6亿元，占园区规模工业总产值的比重达到77.2%'.replace(clauseCues.shareBase, ' ')).not.toContain('规模工业总产值')
    expect('贡献了占全市27.6%的产值'.replace(clauseCues.shareBase, ' ')).not.toContain('全市')
  })
  it('a question about the measure is answered by its own figure, not by a part of it', () => {
    const text = '2023年，三大主导产业实现产值318.6亿元，占园区规模工业总产值的比重达到77.2%。全年完成规模工业总产值412.7亿元。'
    expect(answerOf('湘西高新区2023年规模工业总产值达到多少？', text, { park: '湘西高新区', documentYear: '2024' }).quotes[0]!.text).toContain('412.7亿元')
  })
  it('a question asking for the share keeps the base', () => {
    expect(clauseCues.asksShare.test('三大主导产业占规模工业总产值的比重是多少？')).toBe(true)
  })
})
