import { describe, expect, it } from 'vitest'
import { passagePages } from '../../src/ingest/pages.js'

describe('passagePages', () => {
  const raw = '园区简介\n\n第一页的文字讲到 了产业。\n\n它接着说到项目\n建设。第二页开头的句子，说到了税收。\n\n第二页的最后一句。'
  const pageTwo = raw.indexOf('建设')

  it('gives each passage the page its opening characters are on, whatever cleaning did to spaces and lines', () => {
    const passages = [{ text: '园区简介' }, { text: '第一页的文字讲到了产业。' }, { text: '它接着说到项目建设。' }, { text: '第二页开头的句子，说到了税收。' }, { text: '第二页的最后一句。' }]
    expect(passagePages(raw, [0, pageTwo], passages)).toEqual([1, 1, 1, 2, 2])
  })

  it('finds a repeated opening at or after the previous passage, not at its first occurrence', () => {
    const repeated = '本报讯。\n\n一段文字。\n\n本报讯。'
    expect(passagePages(repeated, [0, repeated.lastIndexOf('本报讯')], [{ text: '一段文字。' }, { text: '本报讯。' }])).toEqual([1, 2])
  })

  it('leaves the page out for a passage the raw text does not hold', () => {
    expect(passagePages(raw, [0, pageTwo], [{ text: '完全不同的内容' }])).toEqual([undefined])
  })
})
