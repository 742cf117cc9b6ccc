import { describe, expect, it } from 'vitest'
import { chunkDocument } from '../../src/ingest/chunk.js'
import { sha256 } from '../../src/ingest/corpus.js'
import { derivedPark, parkMentions, publicationYear } from '../../src/ingest/derive.js'
import { places } from '../../src/rules/places.js'
import { ParkCatalog } from '../../src/retrieve/parks.js'

const romanize = (chinese: string) => ({ 株洲: 'Zhuzhou', 岳阳: 'Yueyang' })[chinese] ?? chinese

describe('rule: a place before a park word names a park (places.json)', () => {
  it('files a zone under its place’s short name, whatever long form the text uses', () => {
    expect(parkMentions('株洲国家高新技术产业开发区和岳阳经济技术开发区，还有株洲市高新区').map((m) => [m.name, m.surface])).toEqual([
      ['株洲高新区', '株洲国家高新技术产业开发区'],
      ['岳阳经开区', '岳阳经济技术开发区'],
      ['株洲高新区', '株洲市高新区'],
    ])
  })

  it('a prefecture-level city then 市 names the city; a zone of the city is not also the city', () => {
    expect(parkMentions('株洲市工业总产值增长，株洲市高新区也是').map((m) => m.name)).toEqual(['株洲市', '株洲高新区'])
  })

  it('an autonomous prefecture is written by its short name', () => {
    expect(places.shortName('湘西土家族苗族自治州')).toBe('湘西')
    expect(parkMentions('湘西高新区').map((m) => m.name)).toEqual(['湘西高新区'])
  })
})

describe('rule: the year a document’s 今年 means (dating.json)', () => {
  it('a dateline gives it', () => {
    expect(publicationYear('本报讯（记者 李明）2022年11月5日，园区……2019年以来，园区……')).toBe('2022')
  })

  it('otherwise the latest year reported on, targets and deadlines left out', () => {
    expect(publicationYear('2020年，园区完成产值10亿元。力争到2025年产值翻番，2023年前建成平台。')).toBe('2020')
  })

  it('one later when a sentence compares 今年 with that year', () => {
    expect(publicationYear('高新技术企业由2020年的13家增至今年21家。')).toBe('2021')
    // Named together without a comparison they are the same year.
    expect(publicationYear('记者从2023年上半年经济运行分析会上获悉，今年上半年园区增长8%。')).toBe('2023')
  })

  it('one later when the text says the year was last year: 去年（2023年）, or 去年 just before a sentence opening with it', () => {
    expect(publicationYear('去年（2023年）园区产值增长8%。')).toBe('2024')
    expect(publicationYear('开门红是在去年高基数上取得的。2023年，园区实现产值486亿元。')).toBe('2024')
    expect(publicationYear('去年是不平凡的一年。园区发展很快。2023年，园区实现产值486亿元。')).toBe('2023')
  })

  it('forecasts: one later when 今年 is reported in part and the year only whole — a year is reported after it ends', () => {
    expect(publicationYear('记者了解到，今年一季度，园区实现产值118亿元。2023年，园区实现产值486亿元。')).toBe('2024')
    // A forecast or a deadline inside a clause reports nothing of this year.
    expect(publicationYear('负责人表示，今年一季度园区预计有14个项目开工。2023年，园区实现产值486亿元。')).toBe('2023')
    expect(publicationYear('订单已经排到了今年二季度。2023年，园区实现产值486亿元。')).toBe('2023')
    // The year told in part (a month of it) is this year.
    expect(publicationYear('2020年2月，园区复工。今年1至6月，园区实现产值86亿元。')).toBe('2020')
  })

  it('founding: a year whose clause tells the park was set up is history, not a year reported on', () => {
    expect(publicationYear('园区是1992年经国务院批准设立的国家级高新区。今年前三季度，园区实现产值812亿元。')).toBeUndefined()
    expect(publicationYear('园区成立于2010年。2023年，园区实现产值812亿元。')).toBe('2023')
  })

  it('a full date on the first line is the page header that dates the paper', () => {
    expect(publicationYear('某日报·园区经济 2023年7月21日 星期五 第2版\n而在2012年，这一数字只有28家。')).toBe('2023')
  })

  it('no year at all: unknown', () => {
    expect(publicationYear('今年以来，园区发展迅速。')).toBeUndefined()
  })
})

describe('rule: derived park names', () => {
  it('a zone gets the long forms of its kind and English names from its pinyin', () => {
    const park = derivedPark('株洲高新区', ['株洲国家高新技术产业开发区'], romanize)
    expect(park.aliases).toEqual(expect.arrayContaining(['株洲国家高新技术产业开发区', '株洲高新技术产业开发区', '株洲国家高新区']))
    expect(park.english).toEqual(expect.arrayContaining(['Zhuzhou High-tech Zone', 'Zhuzhou Hi-tech Zone']))
    expect(derivedPark('岳阳经开区', [], romanize).english).toContain('Yueyang Economic and Technological Development Zone')
    // The forms English texts use besides: a question in any of them names the park, not a foreign one.
    const catalog = new ParkCatalog([park, derivedPark('岳阳经开区', [], romanize)])
    for (const name of ['Zhuzhou Hi-tech Industrial Development Zone', 'Zhuzhou High-tech Development Zone', 'Zhuzhou Gaoxinqu', 'Yueyang Jingkaiqu', 'Yueyang ETDZ']) {
      expect(catalog.mentioned(`What did ${name} report?`), name).toHaveLength(1)
      expect(catalog.foreignParks(`What did ${name} report?`), name).toEqual([])
    }
  })

  it('a city is also its bare place name, but the catalog does not read that name inside a zone’s (株洲高新区)', () => {
    const city = derivedPark('株洲市', ['株洲市'], romanize)
    expect(city.aliases).toContain('株洲')
    expect(city.english).toEqual(['Zhuzhou City'])
    const catalog = new ParkCatalog([city])
    expect(catalog.mentioned('株洲2022年工业总产值是多少？')).toEqual(['株洲市'])
    expect(catalog.mentioned('株洲高新区2022年工业总产值是多少？')).toEqual([])
    expect(catalog.foreignParks('株洲高新区2022年工业总产值是多少？').map((p) => p.name)).toEqual(['株洲高新区'])
  })
})

describe('rule: article boundaries in a file without metadata', () => {
  const doc = (content: string) => ({ source: 'page.txt', content, contentHash: sha256(content) })
  const body = (park: string) => `${park}坚持项目为王，全年新增项目十个，完成投资二十亿元，园区发展稳中有进，企业活力不断增强，营商环境持续优化。`.repeat(3)

  it('a headline with its byline, a closing byline, or sections numbered from 一、 again start another article, each about the park it names most', () => {
    const text = [
      '株洲高新区奋力争先', '', body('株洲高新区'), '', '二、抓服务', '', body('株洲高新区'), '', '（作者系株洲高新区党工委书记）', '',
      '岳阳经开区：乘势而上', '', '□李明', '', body('岳阳经开区'), '', '二、抓项目', '', body('岳阳经开区'), '',
      '一、强产业', '', body('益阳高新区'),
    ].join('\n')
    const passages = chunkDocument(doc(text), { parks: [], documents: [] })
    const parks = [...new Set(passages.map((p) => `${p.park}|${p.title}`))]
    expect(parks).toEqual(['株洲高新区|株洲高新区奋力争先', '岳阳经开区|岳阳经开区：乘势而上', '益阳高新区|株洲高新区奋力争先'])
  })

  it('a park named only once in a section or article (a partner, 与岳阳经开区签订协议) is not its subject; one its heading names is', () => {
    const text = [
      '株洲高新区奋力争先', '', body('株洲高新区'), '',
      '二、抓开放', '', '园区主动融入城市群建设，与岳阳经开区等3个园区签订产业协作协议。' + '园区承接产业转移项目14个，开放合作水平不断提升，企业活力不断增强。'.repeat(2), '',
      '三、岳阳经开区的经验', '', '园区学习先进经验，推动产业升级，企业活力不断增强，营商环境持续优化，发展质量稳步提高。'.repeat(2),
    ].join('\n')
    const parks = chunkDocument(doc(text), { parks: [], documents: [] }).map((p) => `${p.park}|${p.section}`)
    expect(parks.find((p) => p.endsWith('二、抓开放'))).toBe('株洲高新区|二、抓开放')
    expect(parks.find((p) => p.endsWith('三、岳阳经开区的经验'))).toBe('岳阳经开区|三、岳阳经开区的经验')
  })
})
