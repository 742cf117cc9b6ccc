import { describe, expect, it } from 'vitest'
import { ParkCatalog } from '../../src/retrieve/parks.js'
import { analyzeQuestion, MAX_NAMED, MAX_QUESTION_TERMS, measuresIn, periodsIn, yearsIn } from '../../src/retrieve/query.js'

const catalog = new ParkCatalog([
  { name: '常德市', aliases: ['常德'], english: ['Changde'] },
  { name: '常德高新区', aliases: ['常德国家高新区'], english: ['Changde High-tech Zone'] },
  { name: '湘西高新区', aliases: [], english: ['Xiangxi'] },
])

describe('ParkCatalog', () => {
  it('matches longest names first, English names as whole words, and blanks names out', () => {
    expect(catalog.mentioned('常德高新区和常德的对比')).toEqual(['常德高新区', '常德市'])
    expect(catalog.mentioned('What did Changde High-tech Zone and Xiangxi report?')).toEqual(['常德高新区', '湘西高新区'])
    expect(catalog.mentioned('Changdexyz')).toEqual([])
    expect(catalog.withoutNames('常德高新区工业总产值')).toBe(' 工业总产值')
    expect(catalog.resolve('changde high-tech zone')).toBe('常德高新区')
    expect(() => catalog.resolve('长沙')).toThrow(/Known parks: 常德市、常德高新区、湘西高新区/)
  })

  it('spots parks it does not know: a place name before a park word, or an English zone name', () => {
    expect(catalog.foreignParks('长沙高新区2020年工业总产值是多少？')).toEqual([{ name: '长沙高新区', place: '长沙' }])
    expect(catalog.foreignParks('请问岳阳经开区的固投')).toEqual([{ name: '岳阳经开区', place: '岳阳' }])
    expect(catalog.foreignParks('What was the output of Changsha High-tech Zone?')).toEqual([{ name: 'Changsha High-tech Zone', place: 'changsha' }])
    // Known parks, a known city in front of a park word, and generic words are not foreign parks.
    for (const known of ['常德高新区的产值', '常德市高新区', 'Changde High-tech Zone output', '国家级高新区有哪些', '区县和高新区', '常德高新区那个现代装备制造配套产业园']) {
      expect(catalog.foreignParks(known), known).toEqual([])
    }
  })
})

describe('question analysis', () => {
  it('reads years (今年/去年 and bare dates against the publication year), periods and measures', () => {
    expect(yearsIn('2019年，今年上半年', '2020')).toEqual(['2019', '2020'])
    expect(yearsIn('去年', '2021')).toEqual(['2020'])
    expect(yearsIn('7月29日,湘西高新区举行', '2023')).toEqual(['2023'])
    expect(yearsIn('2月4日启动复工复产', '2021', '2020')).toEqual(['2020'])
    expect(yearsIn('12380个')).toEqual([])
    expect(periodsIn('1至10月、1-6月、1季度')).toEqual(['1-10月', '上半年', '一季度'])
    expect(measuresIn('规模工业总产值21.42亿元')).toEqual([['规模工业总产值', '规上工业总产值', '规模以上工业总产值']])
    expect(measuresIn('完成工业总产值23.05亿元')).toEqual([['工业总产值']])
  })

  it('expands short forms and English terms, and tells the kind of answer wanted', () => {
    const short = analyzeQuestion('常德高新区上半年规工总产值多少？', catalog)
    expect(short).toMatchObject({ parks: ['常德高新区'], periods: ['上半年'], kind: 'number' })
    expect(short.measures).toEqual([['规模工业总产值', '规上工业总产值', '规模以上工业总产值']])
    const english = analyzeQuestion('What was the GDP of Xiangxi in 2022?', catalog)
    expect(english).toMatchObject({ english: true, parks: ['湘西高新区'], years: ['2022'], kind: 'number' })
    expect(english.searchText).toContain('地区生产总值')
    expect(analyzeQuestion('哪些城市设了招商中心？', catalog).kind).toBe('list')
    expect(analyzeQuestion('什么时候开工的？', catalog).kind).toBe('date')
    expect(analyzeQuestion('是怎么做到的？', catalog).kind).toBe('reason')
    expect(analyzeQuestion('增速是百分之多少？', catalog).kind).toBe('percent')
  })
})

describe('the bounds on what one question asks about', () => {
  it('reads at most MAX_QUESTION_TERMS terms and MAX_NAMED years, periods and places, and searches with those alone', () => {
    const distinct = Array.from({ length: 2000 }, (_, i) => String.fromCodePoint(0x4e00 + 3000 + 7 * i)).join('')
    const long = analyzeQuestion(distinct, catalog)
    expect(long.terms).toHaveLength(MAX_QUESTION_TERMS)
    expect(long.searchText.replace(/\s/g, '').length).toBeLessThan(500)
    const named = analyzeQuestion(Array.from({ length: 50 }, (_, i) => `${1950 + i}年上半年郴州${i}月`).join(''), catalog)
    for (const list of [named.years, named.periods, named.places]) expect(list.length).toBeLessThanOrEqual(MAX_NAMED)
    expect(named.years).toHaveLength(MAX_NAMED)
  })

  it('leaves a question of ordinary length as it was asked', () => {
    const q = analyzeQuestion('疫情期间继源科技、畅想农业这些企业买防疫物资难、融资难，常德高新区是怎么帮他们解决的？', catalog)
    expect(q.terms.length).toBeLessThan(MAX_QUESTION_TERMS)
    expect(q.searchText).toContain('防疫物资难')
  })
})
