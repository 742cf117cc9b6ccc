import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { createAnswerer } from '../../../src/answer/answer.js'
import { citedCitations, type AnswerResponse } from '../../../src/answer/types.js'
import { loadDataset } from '../../../src/interfaces/eval/run.js'
import { attributedText } from '../../../src/answer/quotes.js'
import { displayNumbers, languageOf, renderAnswer } from '../../../src/interfaces/telegram/format.js'
import { silentLogger } from '../../../src/log.js'
import { telegramHtmlProblem } from '../../fakes/telegram-server.js'
import { ROOT, seedIndex } from '../../helpers.js'

/**
 * The replies to the seed eval questions as a phone shows them: whether the reader can check an
 * answer against the excerpt shown, and how many lines a reply takes before its sources unfold.
 */

/** CJK characters on one line of a phone ~360 pt wide at Telegram's default text size. */
const PHONE_COLUMNS = 22
/** Lines of an expandable quote Telegram shows collapsed. */
const COLLAPSED_QUOTE_LINES = 3

const textOf = (html: string) => html.replace(/<\/?[a-z]+[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')

/** Lines one line of text wraps to: a CJK character or emoji is a column, a Latin one half. */
const wrapped = (line: string) => Math.max(1, Math.ceil(Array.from(line).reduce((width, char) => width + (char.charCodeAt(0) < 0x2000 ? 0.5 : 1), 0) / PHONE_COLUMNS))

/** Lines a message takes on a phone before anything is expanded. */
export function phoneLines(html: string): number {
  let lines = 0
  for (const [i, part] of html.split(/<blockquote expandable>|<\/blockquote>/).entries()) {
    const text = textOf(part).replace(/^\n+|\n+$/g, '')
    if (text === '') continue
    const count = text.split('\n').reduce((sum, line) => sum + wrapped(line), 0)
    // Odd parts are the folded quotes.
    lines += i % 2 === 1 ? Math.min(COLLAPSED_QUOTE_LINES, count) : count
  }
  return lines
}

/** Clauses of the answer's text for a passage that stand word for word in the passage. */
function quotedClauses(answer: string, n: number, passage: string): string[] {
  return attributedText(answer, n)
    .split(/[，。；：、,;:！？!?\s（）()“”]+/)
    .map((clause) => clause.trim())
    .filter((clause) => Array.from(clause).length >= 4 && passage.includes(clause))
}

const replies: Array<{ id: string; response: AnswerResponse; messages: string[] }> = []

beforeAll(async () => {
  const index = await seedIndex()
  const answerer = createAnswerer({ index, logger: silentLogger })
  const dataset = await loadDataset(path.join(ROOT, 'evals'))
  for (const { item } of dataset.items) {
    const response = await answerer.answer({ question: item.question })
    replies.push({ id: item.id, response, messages: renderAnswer(response, languageOf(item.question)) })
  }
}, 120_000)

describe('replies to the seed questions on a phone', () => {
  it('are HTML Telegram accepts', () => {
    for (const { id, messages } of replies) for (const html of messages) expect(telegramHtmlProblem(html), id).toBeUndefined()
  })

  it('show every quoted clause of an answer in the excerpt of the passage it quotes', () => {
    let clauses = 0
    for (const { id, response, messages } of replies.filter((r) => r.response.found)) {
      const shown = textOf(messages.join('\n'))
      const numbers = displayNumbers(response)
      for (const citation of citedCitations(response)) {
        const line = shown.split('\n').find((l) => l.startsWith(`[${numbers.get(citation.n)}] `))
        expect(line, `${id} [${citation.n}]`).toBeDefined()
        for (const clause of quotedClauses(response.answer, citation.n, citation.text)) {
          clauses++
          expect(line, `${id}: "${clause}"`).toContain(clause)
        }
      }
    }
    console.log(`telegram layout: ${clauses} quoted clauses, all shown in their excerpts`)
    expect(clauses).toBeGreaterThan(100)
  })

  it('take ≤ 6 lines for a typical answer with its folded sources, ≤ 3 for a refusal', () => {
    const answers = replies.filter((r) => r.response.found).map((r) => r.messages.reduce((sum, html) => sum + phoneLines(html), 0))
    const refusals = replies.filter((r) => !r.response.found).map((r) => phoneLines(r.messages[0]!))
    const sorted = [...answers].sort((a, b) => a - b)
    const median = sorted[Math.floor(sorted.length / 2)]!
    console.log(`telegram layout: answers ${answers.length}, median ${median} lines, p90 ${sorted[Math.floor(sorted.length * 0.9)]}; refusals ${refusals.length}, at most ${Math.max(...refusals)} lines`)
    expect(median).toBeLessThanOrEqual(6)
    expect(refusals.length).toBeGreaterThan(5)
    for (const lines of refusals) expect(lines).toBeLessThanOrEqual(3)
  })

  it('counts lines as a phone wraps them', () => {
    expect(phoneLines('甲'.repeat(22))).toBe(1)
    expect(phoneLines('甲'.repeat(23))).toBe(2)
    expect(phoneLines('a'.repeat(44))).toBe(1)
    expect(phoneLines(`答[1]。\n\n<blockquote expandable><b>来源</b>\n${'乙\n'.repeat(9)}乙</blockquote>`)).toBe(1 + 3)
  })
})
