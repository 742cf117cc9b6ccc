import { describe, expect, it } from 'vitest'
import type { AnswerResponse, Citation } from '../../../src/answer/types.js'
import { REFUSAL } from '../../../src/answer/answer.js'
import {
  displayNumbers,
  escapeHtml,
  excerptHtml,
  hasWholeSentence,
  MESSAGE_LIMIT,
  passagesHtml,
  renderAnswer,
  renderPartial,
  sourcesShown,
  splitPlain,
} from '../../../src/interfaces/telegram/format.js'
import { quotedRanges } from '../../../src/answer/quotes.js'
import { telegramHtmlProblem } from '../../fakes/telegram-server.js'

const citation = (n: number, text: string, extra: Partial<Citation> = {}): Citation => ({ n, id: `c${n}`, source: 'doc.txt', title: `标题${n}`, park: '常德高新区', text, score: 1, ...extra })

/** What a message shows once Telegram has parsed its HTML. */
const visible = (html: string) => html.replace(/<\/?[a-z]+[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')

describe('escaping', () => {
  it('escapes <, > and & in the answer, titles, parks and excerpts, and nothing else is markup', () => {
    const response: AnswerResponse = {
      answer: 'A<B & C>D [1]',
      found: true,
      mode: 'extractive',
      cited: [1],
      citations: [citation(1, 'x < y && y > z', { title: 'T<i>itle</i>', park: 'P&Q' })],
    }
    const [html] = renderAnswer(response, 'en')
    expect(html).toContain('A&lt;B &amp; C&gt;D [1]')
    expect(html).toContain('T&lt;i&gt;itle&lt;/i&gt;')
    expect(html).toContain('P&amp;Q')
    expect(html).toContain('x &lt; y &amp;&amp; y &gt; z')
    // Only the bot's own tags remain: bold, and the folded quote.
    expect(html!.match(/<\/?[a-z]+[^>]*>/g)!.every((tag) => /^<\/?b>$|^<blockquote expandable>$|^<\/blockquote>$/.test(tag))).toBe(true)
    expect(telegramHtmlProblem(html!)).toBeUndefined()
    expect(escapeHtml('&amp;')).toBe('&amp;amp;')
  })
})

describe('layout', () => {
  const citations = [citation(1, '一'), citation(2, '二'), citation(3, '三'), citation(4, '四')]

  it('puts the answer first and folds its sources into one expandable quote', () => {
    const response: AnswerResponse = { answer: '甲[1]。', found: true, mode: 'extractive', cited: [1], citations }
    const [html] = renderAnswer(response, 'zh')
    expect(html).toBe('甲[1]。\n\n<blockquote expandable><b>来源</b>\n📄 <b>标题1</b> · 常德高新区\n[1] 一</blockquote>')
  })

  it('numbers the sources 1, 2, 3 in the order the answer cites them, and the answer’s markers with them', () => {
    const response: AnswerResponse = { answer: '甲[4]，乙[2]，丙[4]。', found: true, mode: 'extractive', cited: [4, 2], citations }
    expect([...displayNumbers(response)]).toEqual([[4, 1], [2, 2]])
    const [html] = renderAnswer(response, 'zh')
    expect(html!.startsWith('甲[1]，乙[2]，丙[1]。')).toBe(true)
    expect(visible(html!)).toContain('[1] 四')
    expect(visible(html!)).toContain('[2] 二')
    expect(visible(html!)).not.toContain('三')
  })

  it('drops a marker the data does not cite', () => {
    const response: AnswerResponse = { answer: '甲[1]，乙[3]。', found: true, mode: 'llm', cited: [1], citations }
    expect(renderAnswer(response, 'zh')[0]!.startsWith('甲[1]，乙。')).toBe(true)
    expect(sourcesShown(response).map((c) => c.n)).toEqual([1])
  })

  it('says a document’s title once, its passages under it', () => {
    const same = { title: '同一篇', source: 'a.txt' }
    const response: AnswerResponse = { answer: '甲[1]，乙[2]，丙[3]。', found: true, mode: 'extractive', cited: [1, 2, 3], citations: [citation(1, '一', same), citation(2, '二'), citation(3, '三', same)] }
    const shown = visible(renderAnswer(response, 'zh')[0]!)
    expect(shown.match(/同一篇/g)).toHaveLength(1)
    expect(shown).toContain('📄 同一篇 · 常德高新区\n[1] 一\n[3] 三\n📄 标题2 · 常德高新区\n[2] 二')
  })

  it('says the page of a PDF passage, in the user’s language, and no page for other files', () => {
    const response: AnswerResponse = { answer: '甲[1]，乙[2]。', found: true, mode: 'extractive', cited: [1, 2], citations: [citation(1, '一', { source: 'a.pdf', page: 3 }), citation(2, '二')] }
    expect(renderAnswer(response, 'zh')[0]).toContain('[1] 一 · 第3页\n')
    expect(renderAnswer(response, 'en')[0]).toContain('[1] 一 · p. 3\n')
    expect(renderAnswer(response, 'zh')[0]).toMatch(/\[2\] 二<\/blockquote>$/)
  })

  it('leaves the park out when the title already names it', () => {
    const response: AnswerResponse = { answer: '甲[1]。', found: true, mode: 'extractive', cited: [1], citations: [citation(1, '一', { title: '常德高新区年度报告' })] }
    expect(renderAnswer(response, 'zh')[0]).toContain('📄 <b>常德高新区年度报告</b>\n')
  })

  it('a refusal is one line, its closest passages a button away (passagesHtml)', () => {
    const response: AnswerResponse = { answer: REFUSAL.zh, found: false, mode: 'extractive', cited: [], citations }
    expect(renderAnswer(response, 'zh')).toEqual(['文档中没有找到这个问题的答案。'])
    expect(renderAnswer({ ...response, answer: REFUSAL.en }, 'en')).toEqual(['The documents do not say.'])
    const [closest] = passagesHtml(response, 'zh')
    expect(closest).toBe('<blockquote expandable><b>最接近的段落</b>\n📄 <b>标题1</b> · 常德高新区\n[1] 一\n📄 <b>标题2</b> · 常德高新区\n[2] 二\n📄 <b>标题3</b> · 常德高新区\n[3] 三\n📄 <b>标题4</b> · 常德高新区\n[4] 四</blockquote>')
  })

  it('lists every passage retrieved behind the button, the cited first and in the answer’s numbers', () => {
    const response: AnswerResponse = { answer: '甲[3]。', found: true, mode: 'extractive', cited: [3], citations }
    const shown = visible(passagesHtml(response, 'en')[0]!)
    expect(shown.startsWith('Passages retrieved\n📄 标题3 · 常德高新区\n[1] 三\n📄 标题1')).toBe(true)
    expect(shown).toContain('[2] 一')
    expect(shown).toContain('[4] 四')
  })
})

describe('excerpts', () => {
  const passage = `${'前文'.repeat(60)}常德高新区2020年新增高新技术企业19家，累计达到44家。${'后文'.repeat(60)}`

  it('centre on what the answer quotes, that part in bold, with a little context and … where cut', () => {
    const response: AnswerResponse = { answer: '2020年新增高新技术企业19家[1]。', found: true, mode: 'extractive', cited: [1], citations: [citation(1, passage)] }
    const [html] = renderAnswer(response, 'zh')
    expect(html).toContain('<b>2020年新增高新技术企业19家</b>')
    const line = visible(html!).split('\n').find((l) => l.startsWith('[1]'))!
    expect(line).toMatch(/^\[1\] …文?(前文)+常德高新区2020年新增高新技术企业19家，累计达到44家。(后文)+后?…$/)
    expect(Array.from(line).length).toBeLessThan(120)
  })

  it('find each quoted clause of a passage, far apart ones in windows of their own', () => {
    const long = `甲园区实现技工贸总收入500亿元。${'中间'.repeat(80)}甲园区新增高新技术企业19家。`
    const ranges = quotedRanges('技工贸总收入500亿元，新增高新技术企业19家', long)
    expect(ranges.map(([a, b]) => long.slice(a, b))).toEqual(['技工贸总收入500亿元', '新增高新技术企业19家'])
    const html = excerptHtml(long, ranges)
    expect(html).toContain('<b>技工贸总收入500亿元</b>')
    // One gap in the middle run: the windows do not touch.
    expect(html.split('…')).toHaveLength(2)
    expect(html).not.toContain('中间'.repeat(40))
  })

  it('show the opening when nothing is quoted', () => {
    const response: AnswerResponse = { answer: '另一件事[1]。', found: true, mode: 'llm', cited: [1], citations: [citation(1, '长'.repeat(500))] }
    const [html] = renderAnswer(response, 'zh')
    expect(html).toContain('长'.repeat(90) + '…')
    expect(html).not.toContain('长'.repeat(91))
  })
})

describe('splitting', () => {
  it('splits an answer longer than one message at paragraph boundaries, every message within the limit', () => {
    const paragraphs = Array.from({ length: 12 }, (_, i) => `第${i + 1}段：${'产业项目建设'.repeat(100)}[1]`)
    const response: AnswerResponse = { answer: paragraphs.join('\n\n'), found: true, mode: 'llm', cited: [1], citations: [citation(1, '原文 & <摘录>')] }
    const messages = renderAnswer(response, 'zh')
    expect(messages.length).toBeGreaterThan(1)
    for (const html of messages) expect(html.length).toBeLessThanOrEqual(MESSAGE_LIMIT)
    // No paragraph is cut: each message holds whole paragraphs.
    for (const paragraph of paragraphs) expect(messages.some((html) => html.includes(paragraph))).toBe(true)
    expect(messages.map(visible).join('\n\n')).toContain(paragraphs.join('\n\n'))
    // The sources come last, folded, the heading with its first source.
    expect(messages.at(-1)).toContain('<blockquote expandable><b>来源</b>\n📄 <b>标题1</b>')
    for (const html of messages) expect(telegramHtmlProblem(html)).toBeUndefined()
  })

  it('cuts one paragraph longer than a message at sentence ends, and one sentence anywhere', () => {
    const sentence = '园区实现技工贸总收入500亿元。'
    const long = sentence.repeat(400)
    const pieces = splitPlain(long, MESSAGE_LIMIT)
    expect(pieces.length).toBeGreaterThan(1)
    expect(pieces.join('')).toBe(long)
    for (const piece of pieces) expect(piece.endsWith('。')).toBe(true)
    const unbroken = '&'.repeat(3000)
    const cut = splitPlain(unbroken, MESSAGE_LIMIT)
    expect(cut.join('')).toBe(unbroken)
    for (const piece of cut) expect(escapeHtml(piece).length).toBeLessThanOrEqual(MESSAGE_LIMIT)
  })

  it('never splits a character made of two UTF-16 units', () => {
    const pieces = splitPlain('😀'.repeat(3000), 100)
    for (const piece of pieces) expect(piece).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/)
  })

  it('streams only once the first sentence is whole', () => {
    expect(hasWholeSentence('常德高')).toBe(false)
    expect(hasWholeSentence('常德高新区累计44.5')).toBe(false)
    expect(hasWholeSentence('常德高新区累计44家[1]。园')).toBe(true)
    expect(hasWholeSentence('It has 44. More')).toBe(true)
  })

  it('marks a partial answer as unfinished and keeps it within one message', () => {
    expect(renderPartial('A & B')).toBe('A &amp; B …')
    expect(renderPartial('字'.repeat(5000)).length).toBeLessThanOrEqual(MESSAGE_LIMIT)
  })
})
