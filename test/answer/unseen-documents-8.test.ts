import fs from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createAnswerer } from '../../src/answer/answer.js'
import { extractAnswer } from '../../src/answer/extractive.js'
import { chunkDocument, type Passage } from '../../src/ingest/chunk.js'
import { cleanText } from '../../src/ingest/clean.js'
import { sha256, type SourceDocument } from '../../src/ingest/corpus.js'
import { parkMentions } from '../../src/ingest/derive.js'
import { openIndex } from '../../src/interfaces/setup.js'
import { silentLogger } from '../../src/log.js'
import { latinNames, loadReadings, withChineseNames } from '../../src/retrieve/names.js'
import { ParkCatalog } from '../../src/retrieve/parks.js'
import { analyzeQuestion, periodsIn } from '../../src/retrieve/query.js'
import { clauseCues } from '../../src/rules/clauses.js'
import { figureRules } from '../../src/rules/figures.js'
import { places } from '../../src/rules/places.js'
import { timeRules } from '../../src/rules/time.js'
import { tempDir, testConfig } from '../helpers.js'
import { ask, catalog, passage, tableOf, vocabulary } from '../rule-fixtures.js'

/*
 * The rules of issue 17's eighth round (documents the bot was never tuned on): each is named after
 * its table entry, constant or function, and fails when the rule is taken out.
 */

const answerOf = (question: string, text: string, fields: Partial<Passage> = {}) => extractAnswer(ask(question), [passage(text, fields)], vocabulary())

/** The rule fixtures' parks and a city (a county-level one, written with and without its 市). */
const withCity = new ParkCatalog([...catalog.parks, { name: '怀化市', aliases: ['怀化'], english: [] }])

describe('rule: a name before 全市 does not hide the comparison before it (parks partScope)', () => {
  it('高于怀化全市平均水平 is a comparison, not the city as subject', () => {
    expect(withCity.scopeOf('规模工业增加值增长9.8%，高于怀化全市平均水平2.1个百分点；实现税收收入')).toBeUndefined()
    expect(withCity.scopeOf('怀化全市实现税收收入')).toEqual({ scope: 'city' })
  })
})

describe('rule: the wider of two measures asked is where the narrower stands (extractive wider)', () => {
  it('税收里，工业税收有多少 is answered once, by 工业税收', () => {
    const result = answerOf('湘西高新区的税收里，工业税收有多少？', '湘西高新区实现税收收入13.86亿元，增长11.3%，其中工业税收10.42亿元。', { park: '湘西高新区' })
    expect(result.quotes).toHaveLength(1)
    expect(result.quotes[0]!.text).toContain('10.42亿元')
    expect(result.missing).toEqual([])
  })
})

describe('rule: comparisons set no scene (time.json baselines 接近, 超过, 高于, 低于, 相当于)', () => {
  const baselines = tableOf<{ baselines: string[] }>('rules/time.json').baselines
  it.each(baselines)('%s2023年 is what a figure is compared with', (word) => {
    expect(timeRules.withoutBaselines(`已${word}2023年全年15.9亿元的水平`)).not.toContain('2023')
  })
  it('实际使用外资 after …已接近2023年全年的水平 is this year’s', () => {
    const text = '1—9月，湘西高新区实现进出口总额14.3亿元，同比增长27.5%，已接近2023年全年15.9亿元的水平。实际使用外资2180万美元，完成全年目标任务的87.2%。'
    expect(answerOf('湘西高新区今年1到9月实际使用外资多少？', text, { park: '湘西高新区', documentYear: '2024' }).quotes[0]?.text).toContain('2180万美元')
  })
})

describe('rule: synonyms (glossary.json synonyms 更名, 比重, 获批)', () => {
  it.each([
    ['园区是哪一年改名的？', '更名'],
    ['园区税收占全市的比重是多少？', '占'],
    ['园区是什么时候获批省级开发区的？', '批准'],
  ])('%s finds %s', (question, word) => {
    expect(analyzeQuestion(question, catalog).terms.some((group) => group.includes(word))).toBe(true)
  })
})

describe('rule: 全市 is the city the question names (query cityWide terms)', () => {
  it('洪江全市 finds 洪江市', () => {
    const q = analyzeQuestion('湘西高新区的税收占怀化全市税收的比重是多少？', withCity)
    expect(q.terms.find((group) => group.includes('全市'))).toContain('怀化市')
  })
})

describe('rule: a year’s 年 is not the next word’s (query 2023年产值)', () => {
  it('2023年产值 asks for 产值', () => {
    const terms = ask('湘西高新区精细陶瓷产业2023年产值有多少？').terms.flat()
    expect(terms).toContain('产值')
    expect(terms).not.toContain('年产值')
  })
})

describe('rule: how many square meters is a quantity (figures.json asks.quantityEnglish)', () => {
  const words = tableOf<{ asks: { quantityEnglish: string[] } }>('rules/figures.json').asks.quantityEnglish
  it.each(words)('how many %s … does not count things', (word) => {
    expect(figureRules.asksCount.test(`How many ${word} of factory buildings?`)).toBe(false)
  })
  it('how many projects still counts', () => {
    expect(figureRules.asksCount.test('How many projects were signed?')).toBe(true)
  })
  it('52万平方米 answers how many square meters', () => {
    const text = '湘西高新区今年新建成标准厂房18万平方米，累计建成标准厂房达到52万平方米。'
    expect(answerOf('How many square meters of standard factory buildings has Xiangxi High-tech Zone built in total so far?', text, { park: '湘西高新区' }).quotes[0]?.text).toContain('52万平方米')
  })
})

describe('rule: 前10个月 is 1-10月 (time.json monthsSoFar)', () => {
  it.each([
    ['前10个月', '1-10月'],
    ['前十个月', '1-10月'],
    ['前十一个月', '1-11月'],
    ['前3个月', '一季度'],
  ])('%s is %s', (written, period) => {
    expect(periodsIn(`园区${written}完成产值98.6亿元`)).toEqual([period])
  })
})

describe('rule: the measures follow their introduction (clauses.json introductions)', () => {
  const text = '项目快落地的背后，是园区持续深化的“放管服”改革。湘西高新区全面推行“标准地+承诺制”供地模式，实现“拿地即开工”；组建“园区帮代办”服务队。'
  it('项目快落地的背后，是… points to the next sentence', () => {
    expect(clauseCues.introduces.test('项目快落地的背后，是园区持续深化的“放管服”改革')).toBe(true)
  })
  it('how projects land fast is answered by the measures, not their introduction', () => {
    expect(answerOf('湘西高新区靠哪些做法让项目快速落地？', text, { park: '湘西高新区' }).quotes[0]?.text).toContain('标准地')
  })
})

describe('rule: 公司 opening a phrase points back (clauses othersCompany)', () => {
  it('”公司总经理…告诉记者，企业总投资12.8亿元 names no other company', () => {
    expect(clauseCues.othersCompany('沅恒新材料那个硫酸项目投了多少钱？', '”公司总经理陈立航告诉记者，企业总投资')).toBe(false)
    expect(clauseCues.othersCompany('沅恒新材料那个硫酸项目投了多少钱？', '湖南华瓷精密陶瓷有限公司总投资')).toBe(true)
  })
})

describe('rule: framing words of a how-question (stopwords.json answerWords 帮, 解决)', () => {
  it('帮企业解决融资难 is answered where 融资难 is, not where 解决 is', () => {
    const text = '湘西高新区建立问题收集、交办、督办闭环机制，今年以来共帮助企业解决用工、融资、用地等问题217个。针对企业融资难，园区搭建“园区通”银企对接平台，推出“园保贷”等产品。'
    expect(answerOf('湘西高新区是怎么帮企业解决融资难的？', text, { park: '湘西高新区' }).quotes[0]?.text).toContain('园区通')
  })
})

describe('rule: a sentence opening with 这家…企业 is about the company before (clauses.json anaphorOpenings)', () => {
  it('这家成立于2015年的企业 opens with an anaphor', () => {
    expect(clauseCues.opensWithAnaphor.test('这家成立于2015年的企业，全年实现营业收入7.3亿元')).toBe(true)
    expect(clauseCues.opensWithAnaphor.test('园区全年实现营业收入7.3亿元')).toBe(false)
  })
  it('the company’s revenue is the one in the sentence after its name', () => {
    const text = '湖南韶宇智能装备有限公司是其中的佼佼者。这家成立于2015年的企业全年实现营业收入7.3亿元。另一家企业建成数字化车间，全年营业收入突破9亿元。'
    expect(answerOf('韶宇智能装备的营业收入是多少？', text, { park: '湘西高新区' }).quotes[0]?.text).toContain('7.3亿元')
  })
})

describe('rule: English names the glossary gives (glossary.json english)', () => {
  it('gross output value of above-scale industry is 规模工业总产值', () => {
    expect(ask('What was the gross output value of above-scale industry in Xiangxi High-tech Zone?').measures.flat()).toContain('规模工业总产值')
  })
  it('annual capacity is 年产', () => {
    expect(ask('What is the annual capacity of the project?').terms.flat()).toContain('年产')
  })
})

describe('rule: names written in pinyin (names withChineseNames)', () => {
  it('the capitalised words after the first are the candidates', () => {
    expect(latinNames('What is the total investment of the Xinshuo project in 湘西高新区?')).toEqual([['Xinshuo']])
  })
  it('Xinshuo is 鑫烁 where the passages write it; a name they do not hold is left alone', async () => {
    const readings = await loadReadings()
    const texts = ['总投资50亿元的鑫烁新能源储能电池项目于去年4月开工']
    expect(withChineseNames('What is the investment of the Xinshuo project?', 'What is the investment of the Xinshuo project?', texts, readings)).toContain('「鑫烁」')
    expect(withChineseNames('What is the investment of the Haoyun project?', 'What is the investment of the Haoyun project?', texts, readings)).toBeUndefined()
  })
  it('a polyphonic character reads any way (重庆 as chongqing)', async () => {
    const readings = await loadReadings()
    expect(withChineseNames('Revenue of Chongqing Steel?', 'Revenue of Chongqing Steel?', ['重庆钢铁全年营收'], readings)).toContain('「重庆」')
  })
  it('a given name is a name, not the city asked about, and its abbreviation counts (冷水江钢铁 → 冷钢)', () => {
    const cities = new ParkCatalog([...catalog.parks, { name: '冷水江市', aliases: ['冷水江'], english: [] }])
    const q = analyzeQuestion('What was Lengshuijiang Gangtie 「冷水江钢铁」 revenue last year?', cities)
    expect(q.english).toBe(true)
    expect(q.parks).toEqual([])
    expect(q.terms.find((group) => group.includes('冷水江钢铁'))).toContain('冷钢')
  })
  it('an English question naming a company in pinyin is answered from a corpus it was never tuned on', async () => {
    const corpus = await tempDir('parkqa-pinyin-')
    await fs.writeFile(
      path.join(corpus, 'a.txt'),
      [
        '浏阳高新区：储能产业加速集聚',
        '',
        '2024年，浏阳高新区全年共引进签约项目58个，总投资312亿元，新开工项目46个，竣工投产项目39个。',
        '',
        '总投资50亿元的鑫烁新能源储能电池项目于去年4月开工，目前一期厂房已经封顶，预计明年投产。',
        '',
        '园区还引进了一批配套企业，储能产业链条不断延伸，全年储能产业实现产值86亿元。',
      ].join('\n'),
    )
    const config = testConfig({ CORPUS_DIR: corpus, INDEX_DIR: path.join(await tempDir('parkqa-pinyin-index-'), 'index') })
    const answerer = createAnswerer({ index: await openIndex(config, silentLogger, { refresh: true }), logger: silentLogger })
    const response = await answerer.answer({ question: 'What is the total investment of the Xinshuo energy-storage battery project in Liuyang High-tech Zone?' })
    expect(response.found).toBe(true)
    expect(response.answer).toContain('50亿元')
  })
})

describe('rule: a project is named after its owner (clauses.json entities namedBefore 年产)', () => {
  it('北辰化工年产30万吨… names a company without its 公司; 年产值 names none', () => {
    const target = clauseCues.entityTarget('那个项目是哪家企业的？')
    expect(target && 'namedBefore' in target && target.namedBefore?.test('北辰化工年产30万吨聚烯烃弹性体项目正在加紧建设')).toBe(true)
    expect(target && 'namedBefore' in target && target.namedBefore?.test('园区全年年产值突破百亿元')).toBe(false)
  })
  it('which company builds the project is answered by the clause naming its owner', () => {
    const text = '湘西高新区固定资产投资同比增长13.5%。总投资32亿元的华晟锂电年产5万吨磷酸铁锂正极材料项目是其中的“明星项目”。'
    expect(answerOf('湘西高新区那个年产5万吨磷酸铁锂正极材料的项目是哪家公司做的？', text, { park: '湘西高新区' }).quotes[0]?.text).toContain('华晟锂电')
  })
})

describe('rule: a page header printed once mid-text is dropped (clean PAGE_FURNITURE)', () => {
  it('2024年1月9日 星期二   园区经济   5 does not cut into the sentence it falls in', () => {
    const page = [
      '娄底日报·园区经济          2024年1月9日  第5版',
      '',
      '园区：砥砺奋进结硕果',
      '',
      '今年以来，园区新增高新技术企业',
      '8家，总数达到26家。园区企业全年研发投',
      '',
      '',
      '2024年1月9日 星期二              园区经济                    5',
      '',
      '',
      '入8.9亿元，研发投入强度达到3.1%，较上',
      '年提高0.4个百分点。',
    ].join('\n')
    const text = cleanText(page).blocks.map((b) => b.text).join('\n')
    expect(text).toContain('园区企业全年研发投入8.9亿元')
    expect(text).toContain('娄底日报·园区经济 2024年1月9日 第5版'.replace(/ /g, ''))
  })
})

describe('rule: the year compared with is not the year asked (time.json baselines before 上年)', () => {
  it('比上年增长了多少 asks about no other year', () => {
    expect(ask('湘西高新区1到10月固投完成多少？比上年增长了多少？').yearOffsets).toEqual([])
    expect(ask('湘西高新区上年固投完成多少？').yearOffsets).toEqual([-1])
    expect(ask('湘西高新区2024年比2023年增长了多少？').years).toEqual(['2024'])
  })
})

describe('rule: one company, unnamed, is not the park (clauses.json companies.oneOf)', () => {
  it('一家新材料企业负责人告诉记者 leads one company’s figure', () => {
    expect(clauseCues.othersCompany('园区贷上半年一共放出去多少贷款？', '一家新材料企业负责人告诉记者，今年上半年，企业通过园区贷获得了')).toBe(true)
    expect(clauseCues.othersCompany('园区贷上半年一共放出去多少贷款？', '园区联合8家银行推出“园区贷”，上半年累计放贷')).toBe(false)
  })
  it('the park’s total lent answers, not the loan one company got (and 放贷 is 贷款)', () => {
    const text = '湘西高新区联合8家银行推出“园区贷”，根据企业纳税数据精准授信，上半年累计放贷12.6亿元，惠及企业147家。一家新材料企业负责人告诉记者，今年上半年，企业通过园区贷获得了3000万元贷款。'
    expect(answerOf('湘西高新区的“园区贷”上半年一共放出去多少贷款？', text, { park: '湘西高新区' }).quotes[0]?.text).toContain('12.6亿元')
  })
})

describe('rule: the figure right after the verb asked (extractive FIGURE_OF_VERB)', () => {
  it('转贷了多少钱 is answered by 转贷18.4亿元, not by the 5亿元 fund it came from', () => {
    const text = '针对企业资金周转难的问题，湘西高新区设立5亿元转贷应急资金池，全年为96家企业转贷18.4亿元，为企业节约融资成本3000余万元。'
    expect(answerOf('湘西高新区的转贷应急资金池帮企业转贷了多少钱？', text, { park: '湘西高新区' }).quotes[0]?.text).toContain('18.4亿元')
  })
})

describe('rule: a place called by a common word is no place asked (query COMMON_WORD_TAGS)', () => {
  it('高校合作共建 names no 合作市; 包头 is a city however it is tagged', () => {
    expect(ask('湘西高新区和哪些高校合作共建产业技术研究院？').places).toEqual([])
    expect(ask('包头稀土高新区去年新认定了多少家高新技术企业？').places).toEqual(['包头'])
  })
})

describe('rule: 主打 is 主导 (glossary.json synonyms)', () => {
  it('主打哪几个产业 finds 主导产业', () => {
    expect(ask('湘西高新区主打哪几个产业？').terms.some((group) => group.includes('主导'))).toBe(true)
  })
})

describe('rule: one month answers no question about several (time.json periodWords 当月, 单月)', () => {
  it('进入3月，…当月…增长14.3% does not answer 1—2月', () => {
    expect(periodsIn('当月规上工业总产值同比增长14.3%')).toEqual(['当月'])
    const text = '今年1—2月，受春节假期因素影响，湘西高新区规上工业总产值同比增长9.6%。进入3月，企业订单集中释放，当月规上工业总产值同比增长14.3%。'
    expect(answerOf('湘西高新区2024年1—2月规上工业总产值同比增速是多少？', text, { park: '湘西高新区', documentYear: '2024' }).quotes[0]?.text).toContain('9.6%')
  })
})

describe('rule: a question about each park (clauses.json eachPark)', () => {
  it('两个园区…分别是多少 gets a quote for each park, though it names none', () => {
    const a = passage('湘西高新区全年新签约项目32个，合同引资156.8亿元。', { park: '湘西高新区' })
    const b = passage('怀化高新区全年签约项目38个，新开工项目29个。', { park: '怀化高新区' })
    const result = extractAnswer(ask('两个园区的签约项目分别是多少个？'), [a, b], vocabulary())
    expect(result.quotes.map((quote) => quote.text).join('；')).toMatch(/32个[\s\S]*38个|38个[\s\S]*32个/)
    expect(extractAnswer(ask('园区的签约项目是多少个？'), [a, b], vocabulary()).quotes).toHaveLength(1)
  })
})

describe('rule: 数量 counts, and counts all there are (figures.json asks.countWords, clauses.json tallies.stock)', () => {
  it('企业数量是多少 asks for a count', () => {
    expect(figureRules.asksCount.test('规模以上工业企业数量是多少？')).toBe(true)
    expect(clauseCues.tallyOf('规模以上工业企业数量是多少？')).toBe('stock')
  })
  it('分别是多少 asks for figures, not a list (kinds.json 分别是)', () => {
    expect(ask('两个园区的规模以上工业企业数量分别是多少？').kind).toBe('number')
    expect(ask('三大主导产业分别是什么？').kind).toBe('list')
  })
})

describe('rule: each item of a list asked about (extractive PARTS_ASKED)', () => {
  it('签约、新开工、竣工投产的项目分别有多少个 gets a quote for each', () => {
    const text = '去年，湘西高新区全年共引进签约项目58个，总投资312亿元，其中投资过10亿元的项目9个；新开工项目46个；竣工投产项目39个。'
    const answer = answerOf('湘西高新区去年签约、新开工、竣工投产的项目分别有多少个？', text, { park: '湘西高新区' }).quotes.map((quote) => quote.text).join('；')
    for (const figure of ['58个', '46个', '39个']) expect(answer).toContain(figure)
  })
})

describe('rule: a which-company quote whose sentence opens with 这家…企业 starts at the company (extractive withAntecedent)', () => {
  it('其自主研发的… under 这家成立于2015年的企业 reaches back to the name', () => {
    const text = '湖南韶宇智能装备有限公司是其中的佼佼者。这家成立于2015年的企业，专注于智能物流装备研发制造，其自主研发的“四向穿梭车”立体仓储系统打破国外垄断，2023年入选国家级专精特新“小巨人”企业名单。'
    expect(answerOf('湘西高新区那个“四向穿梭车”立体仓储系统是哪家公司搞出来的？', text, { park: '湘西高新区' }).quotes[0]?.text).toContain('湖南韶宇智能装备有限公司')
  })
})

describe('rule: contracted investment is 合同引资 (glossary.json english)', () => {
  it('total contracted investment asks for 合同引资', () => {
    expect(ask('What was the total contracted investment of the projects signed by Xiangxi High-tech Zone?').terms.flat()).toContain('合同引资')
  })
})

describe('rule: a figure said of the measure before it, and a time that dates the next clause (extractive danglingTime, clauses.json figureAnaphors)', () => {
  const text = '截至6月底，湘西高新区高新技术企业总数达到312家，而在2012年，这一数字只有28家，增长了10倍多。'
  it('这一数字 names no measure, but stands for the one before', () => {
    expect(clauseCues.figureAnaphor.test('而在2012年，这一数字只有28家')).toBe(true)
    const apart = '截至6月底，湘西高新区高新技术企业总数达到312家；而在2012年，这一数字只有28家。'
    expect(answerOf('2012年的时候湘西高新区有多少家高新技术企业？', apart, { park: '湘西高新区', documentYear: '2023' }).quotes[0]?.text).toContain('28家')
  })
  it('2012年有多少家高新技术企业 is 28家, not the 312家 before 而在2012年', () => {
    const answer = answerOf('2012年的时候湘西高新区有多少家高新技术企业？', text, { park: '湘西高新区', documentYear: '2023' }).quotes[0]?.text ?? ''
    expect(answer).toContain('28家')
    expect(answer).not.toMatch(/312家，而在2012年$/)
  })
})

describe('rule: a district or county is a place of its own (places isCounty, derive parkMentions)', () => {
  it('望城区 and 双峰县 are named as such; 望城经开区 and 湘江新区 are not', () => {
    expect(parkMentions('望城区全年实现地区生产总值1096.8亿元').map((m) => m.name)).toEqual(['望城区'])
    expect(parkMentions('2023年，双峰县实现地区生产总值398.6亿元').map((m) => m.name)).toEqual(['双峰县'])
    expect(parkMentions('望城经开区全年实现规模工业总产值').map((m) => m.name)).toEqual(['望城经开区'])
    expect(places.isCounty('湘江新区')).toBe(false)
  })
  it('the district’s GDP does not answer for the zone in it', () => {
    const cities = new ParkCatalog([{ name: '望城经开区', aliases: [], english: [] }, { name: '望城区', aliases: [], english: [] }])
    const q = analyzeQuestion('望城经开区2023年的地区生产总值是多少？', cities)
    const text = '2023年，望城区全年实现地区生产总值1096.8亿元，增长5.6%。'
    expect(extractAnswer(q, [passage(text, { park: '望城经开区' })], { ...vocabulary(), catalog: cities }).found).toBe(false)
  })
})

describe('rule: a county is a place of its own, unless it begins a company’s name (parks COMPANY_AFTER)', () => {
  const counties = new ParkCatalog([{ name: '湘阴高新区', aliases: [], english: [] }, { name: '湘阴县', aliases: ['湘阴'], english: [] }])
  it('湘阴县实现地区生产总值 is the county’s; 湘阴县鑫农食品有限公司生产的 names a company', () => {
    expect(counties.scopeOf('湘阴县实现地区生产总值')).toEqual({ scope: 'city', city: '湘阴县' })
    expect(counties.scopeOf('湘阴县鑫农食品有限公司生产的藠头罐头')).toBeUndefined()
    expect(parkMentions('湘阴县鑫农食品有限公司生产的藠头罐头').map((m) => m.name)).toEqual([])
  })
})

describe('rule: 进口 is a measure of its own (glossary.json measures 进口)', () => {
  it('去年进口额有多少 is not answered by what was sold, nor by 出口', () => {
    expect(ask('湘西高新区去年进口额有多少？').measures.flat()).toContain('进口')
    const text = '湘西高新区去年实现出口总额12.6亿元。“去年我们卖出各类收割机1.36万台”，企业负责人说。'
    expect(answerOf('湘西高新区去年进口额有多少？', text, { park: '湘西高新区', documentYear: '2024' }).found).toBe(false)
  })
})

describe('rule: the company asked is neither unnamed nor the one the question names (clauses withoutKnownCompanies, entities asks 企业叫什么)', () => {
  const question = '和琼湖船舶一起投资新能源船舶产业园的深圳企业叫什么名字？'
  it('由湖南琼湖船舶重工有限公司联合深圳一家新能源企业 names no company asked for', () => {
    expect(clauseCues.withoutKnownCompanies(question, '由湖南琼湖船舶重工有限公司联合深圳一家新能源企业共同投资')).not.toMatch(/公司|企业/)
    expect(clauseCues.withoutKnownCompanies('那个铜箔项目是哪家公司投的？', '该项目由湖南铜冠精密材料有限公司投资建设')).toContain('铜冠精密材料有限公司')
  })
  it('so the documents do not say', () => {
    const text = '总投资32亿元的新能源船舶产业园是湘西高新区今年的“一号工程”，由湖南琼湖船舶重工有限公司联合深圳一家新能源企业共同投资建设。'
    expect(answerOf(question, text, { park: '湘西高新区' }).found).toBe(false)
  })
})

describe('rule: what a problem is about counts partly for it (glossary.json problemEndings)', () => {
  it('用工服务专班…招工直通车 answers how the zone eased 招工难', () => {
    const text = '宁远县地处湘南，外出务工人员多。湘西高新区设立了用工服务专班，与县人社部门共同开通“园区招工直通车”，同时建设职工公寓1200套。'
    expect(answerOf('湘西高新区采取了哪些办法帮企业解决招工难？', text, { park: '湘西高新区' }).quotes[0]?.text).toContain('用工服务专班')
  })
})

describe('rule: a sentence restating the problem before it answers it (clauses.json aimedAt)', () => {
  it('…曾是两块“心病”。针对融资难，… : the measures answer, not the problem', () => {
    expect(clauseCues.aimedAt.exec('针对融资难，园区设立资金池')?.[1]).toBe('融资难')
    const text = '融资难、用工难，曾是困扰园区中小企业的两块“心病”。针对融资难，湘西高新区联合县财政出资5000万元设立“园区贷”风险补偿资金池，并推出“订单贷”等产品。'
    expect(answerOf('湘西高新区是怎么帮中小企业解决融资难的？', text, { park: '湘西高新区' }).quotes[0]?.text).toContain('园区贷')
  })
})

describe('rule: a date is of the event its phrase names (clauses.json events)', () => {
  it('一期是几月份投产的 asks about 投产; 于2023年9月签约 dates another event', () => {
    expect(clauseCues.eventAsked('宇晟新能源正极材料项目一期是几月份投产的？')).toContain('投产')
    expect(clauseCues.namesEvent('项目于2023年9月签约')).toBe(true)
    const text = '总投资20亿元的宇晟新能源锂电池正极材料项目于2023年9月签约，12月开工建设，计划今年底一期投产。'
    expect(answerOf('宇晟新能源正极材料项目一期是几月份投产的？', text, { park: '湘西高新区' }).found).toBe(false)
    expect(answerOf('宇晟新能源正极材料项目是什么时候签约的？', text, { park: '湘西高新区' }).quotes[0]?.text).toContain('2023年9月签约')
  })
})

describe('rule: a period compared with sets no scene (time.json baselines before a period)', () => {
  it('增速比上半年提高… is a 1-9月 sentence: its 营业收入 does not answer 上半年', () => {
    expect(timeRules.withoutBaselines('增速比上半年提高0.7个百分点')).not.toContain('上半年')
    const text = '1-9月，湘西高新区完成规模以上工业总产值486.7亿元，同比增长12.4%，增速比上半年提高0.7个百分点；规上工业企业实现营业收入512.3亿元，同比增长13.1%。'
    expect(answerOf('湘西高新区上半年规上工业营收是多少？', text, { park: '湘西高新区' }).found).toBe(false)
  })
})

describe('rule: the subject of a sentence owns every figure after it (extractive subject)', () => {
  it('…有限公司…项目于去年9月竣工投产，当年即实现产值4.3亿元 is that company’s, not the one asked', () => {
    const text = '总投资20亿元的湖南拓维精工机械有限公司高端齿轮箱项目于去年9月竣工投产，当年即实现产值4.3亿元。'
    expect(answerOf('鑫烁新能源储能电池项目去年实现产值多少？', text, { park: '湘西高新区', documentYear: '2024' }).found).toBe(false)
    expect(answerOf('拓维精工的齿轮箱项目去年实现产值多少？', text, { park: '湘西高新区', documentYear: '2024' }).quotes[0]?.text).toContain('4.3亿元')
  })
})

describe('rule: a section naming its zone’s county is still the zone’s (chunk ownZone, places isCounty)', () => {
  it('双峰经开区’s section comparing with 双峰县 keeps the zone', () => {
    const text = [
      '双峰经开区：农机之都再出发',
      '',
      '双峰经开区去年技工贸总收入达到356.3亿元。双峰经开区规模工业总产值增长9%。',
      '',
      '【成绩单】稳中有进',
      '',
      '去年双峰县实现地区生产总值398.6亿元。园区贡献了双峰县六成的工业产值，园区完成进出口总额16.3亿元。',
    ].join('\n')
    const doc: SourceDocument = { source: 'a.txt', content: text, contentHash: sha256(text) }
    const chunks = chunkDocument(doc, { documents: [], parks: [] })
    expect(chunks.length).toBeGreaterThan(0)
    expect(new Set(chunks.map((c) => c.park))).toEqual(new Set(['双峰经开区']))
  })
})
