import { describe, expect, it } from 'vitest'
import { cleanText, compactSpaces } from '../../src/ingest/clean.js'
import { readFixture } from '../helpers.js'

const clean = async (fixture: string) => cleanText(await readFixture(`clean/${fixture}`))

describe('compactSpaces', () => {
  it('removes spaces between CJK characters and inside figures with units', () => {
    expect(compactSpaces('建 设 年 ”。 为 贯 彻 落 实')).toBe('建设年”。为贯彻落实')
    expect(compactSpaces('项目总投资 957.45 亿元。')).toBe('项目总投资957.45亿元。')
    expect(compactSpaces('“五个 100”项目 143 个')).toBe('“五个100”项目143个')
  })

  it('keeps spaces between Latin words and numbers', () => {
    expect(compactSpaces('Zhangjiajie  High-tech Zone 2020 年')).toBe('Zhangjiajie High-tech Zone 2020年')
    expect(compactSpaces('R&D spending 3.02 亿元')).toBe('R&D spending 3.02亿元')
  })
})

describe('cleanText on real seed lines', () => {
  it('re-joins hard-wrapped, letter-spaced lines and keeps the heading apart', async () => {
    const { blocks } = await clean('001-spaced-wrapped.txt')
    expect(blocks[0]).toMatchObject({ kind: 'heading', text: '发力' })
    expect(blocks[1]!.kind).toBe('paragraph')
    expect(blocks[1]!.text).toContain('省委将2018年确定为“产业项目建设年”。为贯彻落实省委省政府战略部署，')
    expect(blocks[1]!.text).not.toMatch(/\s/)
  })

  it('joins a sentence across a blank line that a column break put in it', async () => {
    const { text } = await clean('001-blank-mid-sentence.txt')
    expect(text).toContain('他多次带队走出去招商引资')
    expect(text).toContain('敲定我市产业项目建设“52151”行动计划，明确了工作目标、时间进度、责任单位、联系领导。')
  })

  it('glues figures to their units, also across a line break', async () => {
    expect((await clean('001-figures.txt')).text).toContain('项目总投资957.45亿元。')
    expect((await clean('001-number-split.txt')).text).toContain('总投资15.8亿元，全部达产后可实现年产值35亿元。')
  })

  it('moves a photo caption out of the sentence it interrupted', async () => {
    const { blocks } = await clean('003-caption-mid-sentence.txt')
    const sentence = blocks.find((b) => b.text.startsWith('丰富招商形式'))!
    expect(sentence.text).toContain('引进嘉业实业、均和集团项目;加强以商招商')
    expect(sentence.text).not.toContain('服务大楼')
    const caption = blocks.find((b) => b.text === '怀化高新区创业创新服务大楼及广场')
    expect(caption?.kind).toBe('caption')
    expect(blocks.indexOf(caption!)).toBe(blocks.indexOf(sentence) + 1)
  })

  it('handles two captions between the halves of a sentence', async () => {
    const { blocks } = await clean('003-two-captions.txt')
    expect(blocks.find((b) => b.text.startsWith('平台公司'))?.text).toContain('还要更好地服务企业。在金融服务平台方面')
    expect(blocks.filter((b) => b.kind === 'caption').map((b) => b.text)).toEqual(['湖南正清制药集团股份有限公司', '怀化高新区标准化厂房一角'])
  })

  it('treats a very short stand-alone line as the tail of the broken sentence', async () => {
    const { text } = await clean('002-short-tail.txt')
    expect(text).toContain('42名企业代表为营商环境监测员')
  })

  it('does not glue an unfinished fragment onto the next article across its byline', async () => {
    const { blocks } = await clean('002-byline-after-fragment.txt')
    const byline = blocks.findIndex((b) => b.kind === 'byline')
    expect(blocks[byline]!.text).toBe('李寒露 梁兵 张术杰 胡大湘')
    expect(blocks[byline - 1]!.text).toBe('2021年以来,湘西高新区引进')
    expect(blocks[byline + 1]!.text.startsWith('久困于穷')).toBe(true)
  })

  it('keeps a numbered heading apart from the text right under it', async () => {
    const { blocks } = await clean('004-heading.txt')
    expect(blocks.map((b) => b.kind)).toEqual(['paragraph', 'heading', 'paragraph'])
    expect(blocks[1]!.text).toBe('一、久久为功谋战略')
    expect(blocks[2]!.text).toContain('“功成必定有我”的担当')
  })

  it('separates an article end, the next title and its byline', async () => {
    const { blocks } = await clean('004-article-boundary.txt')
    expect(blocks.slice(0, 3).map((b) => [b.kind, b.text])).toEqual([
      ['byline', '（作者系市发展改革委党组书记、主任）'],
      ['heading', '聚力产业项目主战场推动经济高质量发展'],
      ['byline', '□徐荩'],
    ])
  })

  it('records block offsets that point into the cleaned text', async () => {
    const { text, blocks } = await clean('003-two-captions.txt')
    for (const block of blocks) expect(text.slice(block.start, block.end)).toBe(block.text)
  })
})
