import { describe, expect, it } from 'vitest'
import { extractAnswer, timeBefore } from '../../src/answer/extractive.js'
import { chunkDocument, type Passage } from '../../src/ingest/chunk.js'
import { cleanText } from '../../src/ingest/clean.js'
import { sha256, type SourceDocument } from '../../src/ingest/corpus.js'
import { derivedPark } from '../../src/ingest/derive.js'
import { countParkMentions } from '../../src/ingest/metadata.js'
import { ParkCatalog } from '../../src/retrieve/parks.js'
import { clauseCues } from '../../src/rules/clauses.js'
import { figureRules } from '../../src/rules/figures.js'
import { places } from '../../src/rules/places.js'
import { timeRules } from '../../src/rules/time.js'
import { ask, catalog, passage, tableOf, vocabulary } from '../rule-fixtures.js'

/*
 * The rules of issue 17's ninth round (documents the bot was never tuned on): each is named after
 * its table entry, constant or function, and fails when the rule is taken out.
 */

const answerOf = (question: string, text: string, fields: Partial<Passage> = {}) => extractAnswer(ask(question), [passage(text, fields)], vocabulary())
const quoteOf = (question: string, text: string, fields: Partial<Passage> = {}) => answerOf(question, text, fields).quotes[0]?.text

function documentOf(content: string): SourceDocument {
  return { source: 'a.txt', content, contentHash: sha256(content) }
}

const metadata = { parks: [], documents: [] }

describe('rule: a passage cut inside a sentence keeps its opening (chunk sentenceOpening)', () => {
  // Each clause alone is short; together they pass the chunk's size, so the cut falls after a semicolon.
  const clauses = [
    '今年1-10月，湘西高新区实现技工贸总收入286.4亿元，同比增长11.2%；',
    '规模以上工业总产值241.7亿元，增长10.6%，增速高于全县平均水平2.3个百分点；',
    '完成固定资产投资53.8亿元，增长14.3%，其中工业投资41.2亿元；',
    '实现税收收入9.36亿元，增长7.9%。',
  ]
  const sentence = clauses.join('')

  it('the second passage opens where its sentence does', () => {
    const chunks = chunkDocument(documentOf(`湘西高新区发展综述\n\n${sentence}\n`), metadata, 100)
    const cut = chunks.find((c) => c.text.includes('完成固定资产投资') && !c.text.includes('今年1-10月'))
    expect(cut?.opening).toBeDefined()
    expect(cut!.opening).toContain('今年1-10月')
    expect(chunks[0]!.opening).toBeUndefined()
  })

  it('a closing quote after the full stop opens nothing', () => {
    const chunks = chunkDocument(documentOf(`湘西高新区发展综述\n\n“${clauses[0]}${clauses[1]}。”${clauses[2]}${clauses[3]}\n`), metadata, 100)
    expect(chunks.every((c) => c.opening === undefined || !/^[”’」』）)]/.test(c.opening))).toBe(true)
  })

  it('a figure of the cut passage is dated by its opening: 今年1-10月 is no whole year', () => {
    const cut = { park: '湘西高新区', documentYear: '2024', opening: clauses[0]! + clauses[1]! }
    expect(answerOf('湘西高新区2023年全年完成固定资产投资多少？', clauses[2]! + clauses[3]!, cut).found).toBe(false)
    expect(quoteOf('湘西高新区今年1-10月完成固定资产投资多少？', clauses[2]! + clauses[3]!, cut)).toContain('53.8亿元')
  })
})

describe('rule: a quote says the time its sentence gives before a semicolon (extractive timeBefore)', () => {
  it('今年1-10月，…；…；完成固定资产投资53.8亿元 is labelled 今年1-10月', () => {
    const text = '今年1-10月，湘西高新区实现技工贸总收入286.4亿元；完成固定资产投资53.8亿元，增长14.3%。'
    const at = text.indexOf('完成')
    expect(timeBefore({ text }, { start: at, end: text.indexOf('。') })).toBe('今年1-10月')
    const answer = answerOf('湘西高新区今年1-10月完成固定资产投资多少？', text, { park: '湘西高新区', documentYear: '2024' })
    expect(answer.quotes[0]!.label).toContain('今年1-10月')
  })
  it('a quote naming its own time, or a time in an earlier sentence, gets no label', () => {
    const text = '2023年，园区技工贸总收入286.4亿元。完成固定资产投资53.8亿元。'
    expect(timeBefore({ text }, { start: text.indexOf('完成'), end: text.length - 1 })).toBeUndefined()
    expect(timeBefore({ text: '今年1-10月完成固定资产投资53.8亿元' }, { start: 0, end: 19 })).toBeUndefined()
  })
  it('the opening of a cut passage gives it too', () => {
    expect(timeBefore({ text: '完成固定资产投资53.8亿元。', opening: '上半年，园区实现产值98亿元；' }, { start: 0, end: 14 })).toBe('上半年')
  })
})

describe('rule: another phase of a project (clauses.json phases)', () => {
  const phases = tableOf<{ phases: string[] }>('rules/clauses.json').phases
  it.each(phases)('%s asked: a figure of the whole project is not its; one of that phase is', (phase) => {
    expect(clauseCues.phasesIn(`${phase}项目总投资多少？`)).toEqual([phase])
    expect(answerOf(`华晟锂电${phase}项目总投资多少？`, '总投资45亿元的华晟锂电项目正在建设。', { park: '湘西高新区' }).found).toBe(false)
    expect(quoteOf(`华晟锂电${phase}项目总投资多少？`, `华晟锂电${phase}项目总投资15亿元。`, { park: '湘西高新区' })).toContain('15亿元')
  })
  it('the last phase named before the figure is the one it is of', () => {
    const text = '光辉电子一期项目去年投产，今年实现营收6.8亿元；二期项目总投资15亿元，已于7月开工。'
    expect(answerOf('光辉电子一期项目总投资是多少钱？', text, { park: '湘西高新区' }).found).toBe(false)
    expect(quoteOf('光辉电子二期项目总投资是多少钱？', text, { park: '湘西高新区' })).toContain('15亿元')
  })
  it('二期 asked of a project whose sentence dates only its whole is refused', () => {
    const text = '总投资45亿元的华晟锂电年产10万吨正极材料项目于2023年2月开工，一期于2024年6月建成投产，二期预计2025年底建成。'
    expect(answerOf('华晟锂电二期项目投资了多少钱？', text, { park: '湘西高新区' }).found).toBe(false)
    expect(quoteOf('华晟锂电那个项目总投资多少？', text, { park: '湘西高新区' })).toContain('45亿元')
  })
})

describe('rule: another level (clauses.json levels)', () => {
  const levels = tableOf<{ levels: string[] }>('rules/clauses.json').levels
  it.each(levels)('%s asked: a sentence naming only another level is about that one', (level) => {
    const other = levels.find((l) => l !== level)!
    const question = `湘西高新区是哪一年获批${level}开发区的？`
    expect(answerOf(question, `2019年，湘西高新区获批${other}开发区。`, { park: '湘西高新区' }).found).toBe(false)
    expect(quoteOf(question, `2019年，湘西高新区获批${level}开发区。`, { park: '湘西高新区' })).toContain('2019年')
    expect(quoteOf(question, '2006年，湘西高新区获批设立。', { park: '湘西高新区' })).toContain('2006年')
  })
  it('哪一年获批国家级 is not answered by the year it became 省级', () => {
    const text = '湘西高新区的前身是2006年获批设立的工业集中区，2019年经省人民政府批准升级为省级高新技术产业开发区。'
    expect(answerOf('湘西高新区是哪一年获批国家级高新区的？', text, { park: '湘西高新区' }).found).toBe(false)
  })
})

describe('rule: a date is of the event its sentence names (extractive kindFit date)', () => {
  it('哪一年获批 is not answered by a plan dated 到2026年 that names no 获批', () => {
    const text = '按照规划，到2026年，湘西高新区技工贸总收入将达到500亿元，并积极创建国家级高新技术产业开发区。'
    expect(answerOf('湘西高新区是哪一年获批国家级高新区的？', text, { park: '湘西高新区' }).found).toBe(false)
    expect(quoteOf('湘西高新区是哪一年获批国家级高新区的？', '2019年，湘西高新区获批国家级高新技术产业开发区。', { park: '湘西高新区' })).toContain('2019年')
  })
})

describe('rule: events and synonyms (clauses.json events 升为, 转型为, 改叫; glossary.json synonyms 升为, 改叫, 经济总量)', () => {
  it.each([
    ['园区是什么时候由经开区转型升级为高新区的？', '2022年7月，经省政府批准，园区正式转型为省级高新技术产业开发区。', '2022年7月'],
    ['园区是哪一年升为省级园区的？', '2006年，园区经省政府批准升为省级工业园区。', '2006年'],
    ['园区是什么时候改叫现在这个名字的？', '2018年，园区正式改叫现名。', '2018年'],
  ])('%s', (question, text, date) => {
    expect(clauseCues.eventAsked(question)).toBeDefined()
    expect(quoteOf(question, text)).toContain(date)
  })
  it('改叫 finds 更名, 升为 finds 升级, 经济总量 finds 地区生产总值', () => {
    expect(ask('园区是什么时候改叫现在的名字的？').terms.some((group) => group.includes('更名'))).toBe(true)
    expect(ask('园区是哪一年升为省级园区的？').terms.some((group) => group.includes('升级'))).toBe(true)
    expect(ask('湘西高新区去年的经济总量是多少？').measures.flat()).toContain('地区生产总值')
  })
})

describe('rule: a company the question names must be named near the figure (extractive brandsAsked, BRAND_SHARE)', () => {
  it('舜瑞电子上半年产值 is not the park’s 规模工业总产值', () => {
    // The passage names the company, but three sentences before the park's figure.
    const text = '在湖南舜瑞电子科技有限公司的车间里，工人们正在赶制订单。园区还引进了多家配套企业。今年以来，园区经济持续向好。上半年，湘西高新区完成规模工业总产值68.9亿元，同比增长12.1%。'
    const page = passage(text, { park: '湘西高新区' })
    expect(extractAnswer(ask('舜瑞电子上半年产值有多少？'), [page], vocabulary(['舜瑞'])).found).toBe(false)
    expect(extractAnswer(ask('湘西高新区上半年产值有多少？'), [page], vocabulary(['舜瑞'])).found).toBe(true)
  })
  it('the company named two sentences up owns the figure (麦斯克…。这家企业…。企业正在建设的…)', () => {
    const text = '麦斯克电子材料股份有限公司是园区另一家代表性企业。这家企业主要生产半导体硅抛光片。企业正在建设的12英寸硅片项目总投资36亿元，计划2024年底建成投产。'
    expect(extractAnswer(ask('麦斯克的12英寸硅片项目总投资多少？'), [passage(text, { park: '湘西高新区' })], vocabulary(['麦斯'])).quotes[0]?.text).toContain('36亿元')
  })
  it('a time word is no brand (去年公司…)', () => {
    const other = passage('去年公司实现营业收入5.2亿元。', { park: '湘西高新区' })
    expect(clauseCues.brandsIn(other.text)).toContain('去年')
    const text = '湘西高新区全年完成投资8.6亿元。'
    expect(extractAnswer(ask('湘西高新区去年完成投资多少？'), [passage(text, { park: '湘西高新区', n: 2 }), other], vocabulary(['去年'])).found).toBe(true)
  })
})

describe('rule: a count asked is a count (extractive figureAfterMeasure, asksTwice)', () => {
  it('规上工业企业一共多少家 is not the 2.3% of 规上工业企业研发投入', () => {
    const text = '目前，湘西高新区共有省级以上研发平台11个，企业有效发明专利98件，规上工业企业研发投入占营业收入比重为2.3%。'
    expect(answerOf('湘西高新区目前规上工业企业一共多少家？', text, { park: '湘西高新区' }).found).toBe(false)
    expect(quoteOf('湘西高新区目前规上工业企业一共多少家？', '截至2023年底，湘西高新区规模以上工业企业87家。', { park: '湘西高新区' })).toContain('87家')
  })
  it('a question that asks two figures keeps both (签约了多少个项目？总投资多大？)', () => {
    const text = '1-10月，湘西高新区新签约项目42个，总投资168.5亿元。'
    expect(quoteOf('湘西高新区1-10月一共签约了多少个项目？总投资多大？', text, { park: '湘西高新区' })).toContain('168.5亿元')
  })
})

describe('rule: a year after the document’s sets no scene (agreement sceneYears)', () => {
  it('明年计划… up the passage does not date 全年实现产值51.2亿元', () => {
    const text = '企业产品已进入多家手机品牌的供应链，明年计划再投资2.6亿元建设新项目。目前，电子信息产业全年实现产值51.2亿元，同比增长28.6%。'
    expect(quoteOf('湘西高新区电子信息产业去年的产值有多少？', text, { park: '湘西高新区', documentYear: '2025' })).toContain('51.2亿元')
  })
})

describe('rule: 有多少 counts all there are (clauses.json tallies.stock)', () => {
  it('规上工业企业有多少家 is the total, not the new ones', () => {
    expect(clauseCues.tallyOf('规上工业企业分别有多少家？')).toBe('stock')
    const text = '湘西高新区今年新增规上工业企业17家；规上工业企业总数达到158家。'
    const answer = quoteOf('湘西高新区的规上工业企业有多少家？', text, { park: '湘西高新区' })
    expect(answer).toContain('158家')
    expect(answer).not.toContain('17家')
  })
})

describe('rule: English years (glossary.json english last year, this year)', () => {
  it('last year is 去年, this year 今年', () => {
    expect(ask('What was the total tax revenue of Xiangxi High-tech Zone last year?').yearOffsets).toEqual([-1])
    expect(ask('What was the total tax revenue of Xiangxi High-tech Zone this year?').yearOffsets).toEqual([0])
  })
})

describe('rule: a short topic sentence is what the measures after it take up (extractive TOPIC_CHARS)', () => {
  it('用工问题同样是企业关心的大事。园区建立… answers how the park eased hiring', () => {
    const text = '用工问题同样是企业关心的大事。园区建立“人力资源驿站”，与职业院校开展订单式培养，今年已输送技术工人1200余人。'
    expect(quoteOf('湘西高新区企业关心的用工问题，园区想了哪些办法？', text, { park: '湘西高新区' })).toContain('人力资源驿站')
  })
})

describe('rule: a short question asks about the sentence before it (extractive RHETORICAL_CHARS)', () => {
  it('…压缩到3.1个月。速度从何而来？… answers how, with the measures', () => {
    const text = '项目从签约到开工的平均时间，由去年的5.2个月压缩到3.1个月。速度从何而来？管委会主任给出了答案：一是推行“拿地即开工”；二是代建标准厂房。园区推行“园区事园区办”改革，企业开办时间缩短至1个工作日以内。'
    expect(quoteOf('湘西高新区项目从签约到开工的时间是怎么压缩下来的？', text, { park: '湘西高新区' })).toContain('拿地即开工')
  })
  it('the measures after it cover the question through the result it asks about', () => {
    const text = '项目从签约到开工的平均时间，由去年的5.2个月压缩到3.1个月。速度从何而来？一是推行“标准地”出让；二是由平台公司代建厂房。'
    expect(quoteOf('湘西高新区项目从签约到开工的时间是怎么压缩下来的？', text, { park: '湘西高新区' })).toContain('标准地')
  })
})

describe('rule: a semicolon’s clauses before count towards what comes after it (extractive clausesBefore)', () => {
  it('the park and period of the first clause cover the figure of the third', () => {
    const text = '今年1-10月，湘西高新区实现技工贸总收入286.4亿元；规模以上工业总产值241.7亿元；完成固定资产投资53.8亿元，增长14.3%。'
    expect(quoteOf('湘西高新区今年前十个月固投干了多少？', text, { documentYear: '2024' })).toContain('53.8亿元')
  })
})

describe('rule: the short name of an autonomous county (places.json suffixes 瑶族自治县 …)', () => {
  const suffixes = tableOf<{ suffixes: string[] }>('rules/places.json').suffixes.filter((s) => /族.*自治县$/.test(s))
  it.each(suffixes.slice(0, 12))('湘南%s is 湘南', (suffix) => {
    expect(places.shortName(`湘南${suffix}`)).toBe('湘南')
  })
  it('江华经济开发区 is 江华经开区, and the article about it is its', () => {
    expect(countParkMentions('江华经济开发区2024年发展综述', [])).toEqual(new Map([['江华经开区', 1]]))
    const page = ['瑶山深处崛起湘南产业新高地', '', '一、承接转移', '', '江华经开区全年实现税收收入6.42亿元，增长8.6%。永州市规模工业增加值增长7.1%，永州市固定资产投资增长5%。江华经开区新增企业12家。'].join('\n')
    expect(chunkDocument(documentOf(page), metadata).map((c) => c.park)).toEqual(['江华经开区'])
  })
})

describe('rule: time words as written (time timeWordsIn)', () => {
  it('今年1-10月 is 今年, 1-10月', () => {
    expect(timeRules.timeWordsIn('今年1-10月，园区')).toEqual(['今年', '1-10月'])
    expect(timeRules.timeWordsIn('2023 年上半年')).toEqual(['2023年', '上半年'])
  })
})

describe('rule: a park named after the figure is not whose it is (extractive mentionsEnd)', () => {
  it('…完成规模工业总产值61.2亿元，…与怀化高新区并列获评一等奖 is not 怀化高新区’s output', () => {
    const text = '2023年上半年，园区完成规模工业总产值61.2亿元，在全市考核中与怀化高新区并列获评一等奖。'
    expect(answerOf('怀化高新区2023年上半年规模工业总产值是多少？', text, { park: '常德经开区' }).found).toBe(false)
    expect(quoteOf('常德经开区2023年上半年规模工业总产值是多少？', text, { park: '常德经开区' })).toContain('61.2亿元')
  })
})

describe('rule: a date alone in its phrase dates the clause after it (extractive kindFit date)', () => {
  it('今年3月18日，…项目正式签约落户 is no 开工 date', () => {
    const text = '今年3月18日，总投资30亿元的复合铜箔项目正式签约落户，项目分两期建设，计划今年下半年开工。'
    expect(answerOf('湘西高新区复合铜箔项目是哪天开工建设的？', text, { park: '湘西高新区' }).found).toBe(false)
    expect(quoteOf('湘西高新区复合铜箔项目是哪天签约的？', text, { park: '湘西高新区' })).toContain('3月18日')
  })
})

describe('rule: new ones asked, new ones said (extractive tally additions; clauses.json tallies.additions 新签约)', () => {
  it('新增了多少家 is not answered by a count that says nothing of new ones', () => {
    expect(answerOf('湘西高新区去年新增了多少家规上工业企业？', '截至2023年底，湘西高新区入驻企业246家，其中规模以上工业企业78家。', { park: '湘西高新区' }).found).toBe(false)
    expect(quoteOf('湘西高新区去年新增了多少家规上工业企业？', '2023年，湘西高新区新增规模以上工业企业12家。', { park: '湘西高新区' })).toContain('12家')
  })
  it('新签约 is a count of new ones', () => {
    expect(clauseCues.tallyOf('全年新签约项目71个')).toBe('additions')
  })
})

describe('rule: a target year is no date a thing happened (extractive date and plan)', () => {
  it('哪一年突破300亿元 is not answered by 力争到2025年…突破300亿元; 什么时候投产 is, by 预计…投产', () => {
    expect(answerOf('湘西高新区规上工业产值是哪一年突破300亿元的？', '湘西高新区将力争到2025年实现规模工业总产值突破300亿元。', { park: '湘西高新区' }).found).toBe(false)
    expect(quoteOf('湘西高新区那个铜箔项目什么时候投产？', '湘西高新区铜箔项目预计2025年底建成投产。', { park: '湘西高新区' })).toContain('2025年底')
  })
})

describe('rule: English words for phases, events and money (glossary.json english; kinds.json; figures.json moneyEnglish)', () => {
  it.each([
    ['phase one', '一期'],
    ['first phase', '一期'],
    ['phase two', '二期'],
    ['second phase', '二期'],
    ['construction start', '开工'],
    ['start construction', '开工'],
    ['started construction', '开工'],
    ['construction began', '开工'],
    ['broke ground', '开工'],
    ['registered capital', '注册资本'],
  ])('%s is %s', (english, chinese) => {
    expect(ask(`When was the ${english} of the project in Xiangxi High-tech Zone?`).normalized).toContain(chinese)
  })
  it.each(['capital', 'tax', 'sales', 'profit'])('what is the … %s asks for an amount of money', (word) => {
    const q = ask(`What was the ${word} of the company in Xiangxi High-tech Zone?`)
    expect(q.kind).toBe('number')
  })
  it('registered capital is not answered by output value', () => {
    const text = '湘西高新区电子信息企业达到21家，全年产值突破30亿元。'
    expect(answerOf('What is the registered capital of the electronics companies in Xiangxi High-tech Zone?', text, { park: '湘西高新区' }).found).toBe(false)
  })
})

describe('rule: money words (figures.json moneyWords 销售额, 注册资本; moneyMeasures 注册资本)', () => {
  it('销售额是多少 is not answered by its growth rate', () => {
    expect(answerOf('湘西高新区那家公司今年前三季度销售额是多少？', '今年前三季度，公司销售额同比增长27%。', { park: '湘西高新区' }).found).toBe(false)
  })
  it('注册资本 is a money measure of its own', () => {
    expect(answerOf('湘西高新区那家公司注册资本是多少？', '湘西高新区那家公司全年产值突破30亿元。', { park: '湘西高新区' }).found).toBe(false)
  })
})

describe('rule: 交了多少税 asks for 税收 (glossary.json shortForms 交了多少税 …)', () => {
  it('a figure of 产值 beside 纳税第一大户 is not the tax paid', () => {
    expect(ask('五溪铝业去年交了多少税？').measures.flat()).toContain('税收')
    expect(answerOf('湘西高新区去年交了多少税？', '湘西高新区去年实现产值72.6亿元，是全县纳税第一大户。', { park: '湘西高新区' }).found).toBe(false)
  })
})

describe('rule: English names of counties and districts (derive derivedPark)', () => {
  const romanize = (chinese: string) => ({ 安乡: 'Anxiang', 望城: 'Wangcheng', 江华: 'Jianghua' })[chinese] ?? chinese
  it('安乡县 is Anxiang County, 望城区 Wangcheng District, 江华瑶族自治县 Jianghua County', () => {
    expect(derivedPark('安乡县', [], romanize).english).toEqual(['Anxiang County'])
    expect(derivedPark('望城区', [], romanize).english).toEqual(['Wangcheng District'])
    expect(derivedPark('江华瑶族自治县', [], romanize).english).toEqual(['Jianghua County'])
  })
})

describe('rule: a year compared with dates no figure, unless it is the year asked (agreement yearAgreement)', () => {
  const text = '今年1—9月，湘西高新区实现出口额4.27亿元；实际使用外资1350万美元，超过去年全年水平。'
  it('超过去年全年水平 is this year’s figure, not last year’s', () => {
    expect(answerOf('湘西高新区2023年全年实际使用外资多少？', text, { park: '湘西高新区', documentYear: '2024' }).found).toBe(false)
  })
  it('较2021年的969.3亿元 gives 2021’s figure', () => {
    const grew = '2022年，湘西高新区规模以上工业总产值达到1126.3亿元，较2021年的969.3亿元增加157亿元。'
    expect(quoteOf('湘西高新区2021年的规上工业总产值是多少？', grew, { park: '湘西高新区', documentYear: '2022' })).toContain('969.3亿元')
  })
})

describe('rule: a period is no focus word (extractive focusWords)', () => {
  it('前三季度 is asked of a passage that says 1—9月', () => {
    const text = '今年1—9月，湘西高新区完成规模工业总产值96.8亿元，同比增长11.3%。'
    expect(extractAnswer(ask('湘西高新区今年前三季度规上工业总产值是多少？'), [passage(text, { park: '湘西高新区', documentYear: '2024' })], vocabulary(['三季度', '前三季度'])).quotes[0]?.text).toContain('96.8亿元')
  })
})

describe('rule: a hyphen joins English words as a space does (query phrasesFor)', () => {
  it('above-designated-size is above designated size', () => {
    expect(ask('How many above-designated-size industrial enterprises did Xiangxi High-tech Zone have?').normalized).toContain('规模以上')
  })
})

describe('rule: a year’s review is no date (extractive DATE 年度)', () => {
  it('在2023年度全省…综合评价中 does not date when the park became provincial', () => {
    const text = '在2023年度全省省级及以上产业园区综合评价中，湘西高新区排名第52位。'
    expect(answerOf('湘西高新区是哪一年成为省级经开区的？', text, { park: '湘西高新区' }).found).toBe(false)
  })
})

describe('rule: items listed before 全市 are compared with too (parks listedFrom)', () => {
  it('增速分别高于全县、全市… names no subject; 全县、全市实现… does', () => {
    const cities = new ParkCatalog([...catalog.parks, { name: '怀化市', aliases: ['怀化'], english: [] }])
    expect(cities.scopeOf('增速分别高于全县、全市2.5个和3.4个百分点')).toBeUndefined()
    expect(cities.scopeOf('全县、全市实现产值')).toEqual({ scope: 'city' })
  })
  it('the figure after such a comparison is still the zone’s', () => {
    const cut = { park: '湘西高新区', documentYear: '2024', opening: '今年1—10月，湘西高新区规模以上工业增加值同比增长10.6%，增速分别高于全县、全市2.5个和3.4个百分点；' }
    expect(quoteOf('湘西高新区1-10月固投完成了多少？', '完成固定资产投资41.6亿元，同比增长9.8%。', cut)).toContain('41.6亿元')
  })
})

describe('rule: a county’s committee is no place (park-words.json scope.organs)', () => {
  const organs = tableOf<{ scope: { organs: string[] } }>('rules/park-words.json').scope.organs
  const county = new ParkCatalog([...catalog.parks, { name: '泸溪县', aliases: [], english: [] }])
  it.each(organs)('泸溪县%s… names that body, not the county', (organ) => {
    expect(county.scopeOf(`泸溪县${organ}常委、湘西高新区党工委书记周志刚介绍`)).toEqual({ scope: 'zone' })
  })
  it('泸溪县实现… is the county', () => {
    expect(county.scopeOf('泸溪县实现地区生产总值')).toEqual({ scope: 'city', city: '泸溪县' })
  })
})

describe('rule: 出口 in 进出口 is no export (glossary.json 出口额; extractive measurePattern)', () => {
  it('出口额 is 出口, both ways', () => {
    expect(ask('湘西高新区2024年出口额是多少？').measures.flat()).toContain('出口')
    expect(ask('湘西高新区2024年出口额是多少？').terms.some((group) => group.includes('出口') && group.includes('出口额'))).toBe(true)
  })
  it('the export figure answers, not the total trade', () => {
    const text = '2024年，湘西高新区实现进出口总额12.46亿元，同比增长21.3%，其中出口10.82亿元。'
    expect(quoteOf('湘西高新区2024年出口额是多少？', text, { park: '湘西高新区' })).toContain('10.82亿元')
    const total = '2024年，湘西高新区完成进出口总额12.47亿元，同比增长21.6%，竹制品成为出口主力产品。'
    expect(answerOf('湘西高新区2024年出口额是多少？', total, { park: '湘西高新区' }).found).toBe(false)
  })
})

describe('rule: a quantity asked by its unit (figures askedQuantity)', () => {
  it('花了几天 asks for days, not money', () => {
    expect(figureRules.askedQuantity('从签约到开工一共花了几天？')?.unit).toBe('天')
    expect(figureRules.askedQuantity('园区有多大？')).toBeUndefined()
    const text = '湘西高新区那个项目从签约到开工只用了48天，总投资12亿元。'
    expect(quoteOf('湘西高新区那个项目从签约到开工一共花了几天？', text, { park: '湘西高新区' })).toContain('48天')
    expect(answerOf('湘西高新区那个项目从签约到开工一共花了几天？', '湘西高新区那个项目从签约到开工总投资12亿元。', { park: '湘西高新区' }).found).toBe(false)
  })
})

describe('rule: more English words (glossary.json english installed capacity, acoustic, produce each year, risk compensation)', () => {
  it.each([
    ['installed capacity', '装机容量'],
    ['rooftop', '屋顶'],
    ['distributed solar', '分布式光伏'],
    ['solar power', '光伏'],
    ['photovoltaic', '光伏'],
    ['acoustic components', '声学器件'],
    ['acoustic', '声学'],
    ['produce each year', '年产'],
    ['produces each year', '年产'],
    ['produced each year', '年产'],
    ['risk compensation pool', '风险补偿资金池'],
    ['risk compensation', '风险补偿'],
  ])('%s is %s', (english, chinese) => {
    expect(ask(`Tell me about the ${english} in Xiangxi High-tech Zone`).normalized).toContain(chinese)
  })
})

describe('rule: a hard-wrapped line ending in a semicolon goes on (clean SEMICOLON_END)', () => {
  it('…占全县的78.6%；\\n完成固定资产投资… is one paragraph, so the figure keeps its sentence’s 1-10月', () => {
    const page = ['某日报·县域经济          2023年11月22日  第5版', '', '园区蓄势崛起', '', '今年以来，园区主要经济指标稳中有进。1-10月，', '园区完成技工贸总收入92.7亿元，同比增长12.4%；', '完成固定资产投资21.6亿元，增长15.8%；实现税收', '2.37亿元，增长9.4%。'].join('\n')
    const text = cleanText(page).blocks.map((b) => b.text).join('\n')
    expect(text).toContain('同比增长12.4%；完成固定资产投资')
  })
})

describe('rule: park words (park-words.json words 工业集中区; 工业园区 is 工业园)', () => {
  it('绥宁工业集中区 is a park; 江永工业园区 and 江永工业园 are one', () => {
    expect(countParkMentions('绥宁工业集中区产业发展综述', [])).toEqual(new Map([['绥宁工业集中区', 1]]))
    expect(countParkMentions('江永工业园区产业发展见闻。江永工业园紧扣三大主导产业', [])).toEqual(new Map([['江永工业园', 2]]))
  })
})

describe('rule: 全县 is the county as a whole (park-words.json scope.cityWide 全县)', () => {
  it('全县实现地区生产总值… does not answer for the zone', () => {
    const text = '湘西高新区全年实现技工贸总收入215亿元。全县实现地区生产总值118.9亿元，同比增长4.8%。'
    expect(answerOf('湘西高新区自己的地区生产总值是多少？', text, { park: '湘西高新区' }).found).toBe(false)
  })
})

describe('rule: two places asked side by side are asked one in each passage (extractive placed)', () => {
  it('怀化、常德两个园区的税收各是多少 takes each passage for its own place', () => {
    const a = passage('2023年，怀化高新区实现税收收入3.28亿元。', { park: '怀化高新区', title: '怀化高新区综述' })
    const b = passage('2023年，常德经开区实现税收收入2.46亿元。', { park: '常德经开区', title: '常德经开区综述', n: 2 })
    const answer = extractAnswer(ask('2023年怀化、常德两个园区的税收各是多少？'), [a, b], vocabulary()).quotes.map((quote) => quote.text).join('；')
    expect(answer).toContain('3.28亿元')
    expect(answer).toContain('2.46亿元')
  })
})

describe('rule: a passage that opens pointing back at a company is about the one named before it (extractive pointsBackToCompany)', () => {
  it('公司…签约总投资32亿元的二期… answers for the company asked, when the passage names no other', () => {
    const other = passage('华晟新能源科技有限公司是园区的龙头企业。', { park: '湘西高新区' })
    const text = '公司一期年产3万吨磷酸铁锂项目于2022年投产。2023年8月，公司与园区签约总投资32亿元的二期年产5万吨磷酸铁锂项目。'
    const vocab = vocabulary(['华晟', '磷酸', '铁锂'])
    expect(extractAnswer(ask('华晟新能源的二期磷酸铁锂项目一共要投多少钱？'), [passage(text, { park: '湘西高新区', n: 2 }), other], vocab).quotes[0]?.text).toContain('32亿元')
    const another = passage('公司一期项目于2022年投产。衡岳重工有限公司也在园区。公司与园区签约总投资32亿元的二期磷酸铁锂项目。', { park: '湘西高新区', n: 3 })
    expect(extractAnswer(ask('华晟新能源的二期磷酸铁锂项目一共要投多少钱？'), [another, other], vocab).found).toBe(false)
  })
})

describe('rule: English names of industrial parks (derive ENGLISH_KINDS 工业集中区, 工业园)', () => {
  const romanize = (chinese: string) => ({ 绥宁: 'Suining', 江永: 'Jiangyong' })[chinese] ?? chinese
  it('绥宁工业集中区 is Suining Industrial Concentration Zone; 江永工业园 Jiangyong Industrial Park', () => {
    expect(derivedPark('绥宁工业集中区', [], romanize).english).toContain('Suining Industrial Concentration Zone')
    expect(derivedPark('江永工业园', [], romanize).english).toContain('Jiangyong Industrial Park')
  })
})

describe('rule: an English question asking two figures keeps both (extractive HOW_MUCH)', () => {
  it('how many projects …, and what was their total investment', () => {
    const text = '2023年，湘西高新区共签约项目14个，总投资36.8亿元。'
    expect(quoteOf('How many projects did Xiangxi High-tech Zone sign in 2023, and what was their total investment?', text, { park: '湘西高新区' })).toContain('36.8亿元')
  })
})
