import { describe, expect, it } from 'vitest'
import type { AnswerResponse, Citation } from '../../../src/answer/types.js'
import { escapeHtml, sourcesShown, MESSAGE_LIMIT, renderAnswer, renderPartial, splitPlain } from '../../../src/interfaces/telegram/format.js'

const citation = (n: number, text: string, extra: Partial<Citation> = {}): Citation => ({ n, id: `c${n}`, source: 'doc.txt', title: `标题${n}`, park: '常德高新区', text, score: 1, ...extra })

/** What a message shows once Telegram has parsed its HTML. */
const visible = (html: string) => html.replace(/<\/?[a-z]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')

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
    // Only the bot's own tags remain, all of them <b>.
    expect(html!.match(/<\/?[a-z]+>/g)!.every((tag) => /^<\/?b>$/.test(tag))).toBe(true)
    expect(escapeHtml('&amp;')).toBe('&amp;amp;')
  })
})

describe('sources', () => {
  it('says the page of a PDF passage, in the user’s language, and no page for other files', () => {
    const response: AnswerResponse = { answer: '甲[1]，乙[2]。', found: true, mode: 'extractive', cited: [1, 2], citations: [citation(1, '一', { source: 'a.pdf', page: 3 }), citation(2, '二')] }
    const [zh] = renderAnswer(response, 'zh')
    expect(zh).toContain('<b>[1] 标题1</b> · 常德高新区 · 第3页\n一')
    expect(zh).toContain('<b>[2] 标题2</b> · 常德高新区\n二')
    expect(renderAnswer(response, 'en')[0]).toContain('<b>[1] 标题1</b> · 常德高新区 · p. 3\n一')
  })

  const citations = [citation(1, '一'), citation(2, '二'), citation(3, '三'), citation(4, '四')]

  it('lists only the passages the response cites (its `cited` data), in the order it cites them, under the heading in the user’s language', () => {
    const response: AnswerResponse = { answer: '甲[3]，乙[1]。', found: true, mode: 'extractive', cited: [3, 1], citations }
    expect(sourcesShown(response).map((c) => c.n)).toEqual([3, 1])
    const [html] = renderAnswer(response, 'zh')
    expect(html).toContain('<b>来源</b>\n<b>[3] 标题3</b> · 常德高新区\n三')
    expect(html).toContain('<b>[1] 标题1</b>')
    expect(html).not.toContain('[2] 标题2')
    // A marker in the text that the data does not cite lists nothing.
    expect(sourcesShown({ ...response, answer: '甲[2]', cited: [1] }).map((c) => c.n)).toEqual([1])
  })

  it('shows the closest passages under a "documents do not say" answer', () => {
    const response: AnswerResponse = { answer: 'The documents do not say.', found: false, mode: 'extractive', cited: [], citations }
    const [html] = renderAnswer(response, 'en')
    expect(html).toContain('<b>Closest passages</b>')
    expect(sourcesShown(response).map((c) => c.n)).toEqual([1, 2, 3])
  })

  it('keeps excerpts short', () => {
    const response: AnswerResponse = { answer: '甲[1]', found: true, mode: 'extractive', cited: [1], citations: [citation(1, '长'.repeat(500))] }
    const [html] = renderAnswer(response, 'zh')
    expect(html).toContain('长'.repeat(120) + '…')
    expect(html).not.toContain('长'.repeat(121))
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
    // The sources come last, the heading with its first source.
    expect(messages.at(-1)).toContain('<b>来源</b>\n<b>[1] 标题1</b>')
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

  it('marks a partial answer as unfinished and keeps it within one message', () => {
    expect(renderPartial('A & B')).toBe('A &amp; B …')
    expect(renderPartial('字'.repeat(5000)).length).toBeLessThanOrEqual(MESSAGE_LIMIT)
  })
})
