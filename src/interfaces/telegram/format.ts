import { REFUSAL } from '../../answer/answer.js'
import { attributedText, quotedRanges } from '../../answer/quotes.js'
import { citedCitations, type AnswerResponse, type Citation } from '../../answer/types.js'
import { isEnglish } from '../../retrieve/query.js'

/**
 * Answers as Telegram HTML messages, laid out for a phone: the answer first, its sources folded
 * into one expandable quote (each excerpt centred on what the answer quotes, that part in bold),
 * a refusal in one line. Everything that comes from a question, an answer or a passage is escaped,
 * so `<`, `>` and `&` in the documents can never break a message or inject markup (MarkdownV2 is
 * avoided on purpose: its escaping rules are a trap with Chinese punctuation).
 */

/** Telegram's limit for one message. The HTML length is counted, which is never below the limit Telegram applies. */
export const MESSAGE_LIMIT = 4096

/** Characters of a passage shown on each side of what the answer quotes. */
const CONTEXT_CHARS = 30
/** An excerpt's length when the answer quotes nothing of the passage (its opening is shown). */
const OPENING_CHARS = 90

/** Closest passages offered under a "the documents do not say" answer. */
const CLOSEST_SHOWN = 3

export type Lang = 'zh' | 'en'

/** The same test the answerer uses to choose its refusal's language, so that the bot's words match it. */
export const languageOf = (text: string): Lang => (isEnglish(text) ? 'en' : 'zh')

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

const WORDS = {
  zh: { sources: '来源', closest: '最接近的段落', retrieved: '检索到的段落', page: (n: number) => `第${n}页`, notFound: '文档中没有找到这个问题的答案。' },
  en: { sources: 'Sources', closest: 'Closest passages', retrieved: 'Passages retrieved', page: (n: number) => `p. ${n}`, notFound: 'The documents do not say.' },
}

/** The passages listed under a reply: those the answer cites, or the closest few when it found nothing. */
export function sourcesShown(response: AnswerResponse): Citation[] {
  return response.found ? citedCitations(response) : response.citations.slice(0, CLOSEST_SHOWN)
}

/**
 * The numbers a reader sees: the cited passages 1, 2, 3… in the order the answer first cites
 * them (a reply never opens with “[4]”). Which passages are cited is the response's `cited` data.
 */
export function displayNumbers(response: AnswerResponse): Map<number, number> {
  const order = response.found ? response.cited : sourcesShown(response).map((c) => c.n)
  return new Map(order.map((n, i) => [n, i + 1]))
}

const MARKER = /\[(\d+)\]/g

/** The answer's markers in display numbers; a marker the data does not cite is dropped. */
function renumbered(answer: string, numbers: ReadonlyMap<number, number>): string {
  return answer.replace(MARKER, (_, n: string) => {
    const shown = numbers.get(Number(n))
    return shown === undefined ? '' : `[${shown}]`
  })
}

/**
 * A passage's excerpt as HTML: what the answer quotes in bold with a little context on each side,
 * gaps marked "…"; the passage's opening when the answer quotes none of it.
 */
export function excerptHtml(passage: string, ranges: ReadonlyArray<readonly [number, number]>): string {
  // One space for one whitespace character: the ranges are offsets into the passage as it is.
  const text = passage.replace(/\s/g, ' ')
  if (ranges.length === 0) {
    const chars = Array.from(text.trim())
    return escapeHtml(chars.length > OPENING_CHARS ? `${chars.slice(0, OPENING_CHARS).join('')}…` : chars.join(''))
  }
  // Windows of context around the quotes; windows that touch are one.
  const windows: Array<[number, number]> = []
  for (const [start, end] of ranges) {
    const from = Math.max(0, start - CONTEXT_CHARS)
    const to = Math.min(text.length, end + CONTEXT_CHARS)
    const last = windows.at(-1)
    if (last && from <= last[1]) last[1] = Math.max(last[1], to)
    else windows.push([from, to])
  }
  let html = ''
  for (const [from, to] of windows) {
    if (from > 0) html += '…'
    let at = from
    for (const [start, end] of ranges) {
      if (end <= from || start >= to) continue
      html += escapeHtml(text.slice(at, start)) + `<b>${escapeHtml(text.slice(start, end))}</b>`
      at = end
    }
    html += escapeHtml(text.slice(at, to))
    if (to < text.length && windows.at(-1)![1] === to) html += '…'
  }
  // A line break in the passage reads as a space; two in a row as one.
  return html.replace(/ {2,}/g, ' ').trim()
}

/** One document's passages under its title (said once), each with its number, excerpt and page. */
function sourceLines(citations: Citation[], numbers: ReadonlyMap<number, number>, lang: Lang, answer?: string): string[] {
  const lines: string[] = []
  let lastTitle: string | undefined
  for (const citation of citations) {
    const title = `${citation.source}\u0000${citation.title}`
    if (title !== lastTitle) {
      const park = citation.park !== '' && !citation.title.includes(citation.park) ? ` · ${escapeHtml(citation.park)}` : ''
      lines.push(`📄 <b>${escapeHtml(citation.title)}</b>${park}`)
      lastTitle = title
    }
    const ranges = answer === undefined ? [] : quotedRanges(attributedText(answer, citation.n), citation.text)
    const page = citation.page !== undefined ? ` · ${WORDS[lang].page(citation.page)}` : ''
    lines.push(`[${numbers.get(citation.n) ?? citation.n}] ${excerptHtml(citation.text, ranges)}${page}`)
  }
  return lines
}

/** Passages folded into expandable quotes, the heading in the first, each quote within `limit`. */
function foldedQuotes(heading: string, lines: string[], limit: number): string[] {
  const open = '<blockquote expandable>'
  const close = '</blockquote>'
  const quotes: string[] = []
  let body = `<b>${heading}</b>`
  for (const line of lines) {
    if (open.length + body.length + 1 + line.length + close.length > limit) {
      quotes.push(open + body + close)
      body = line
    } else body += `\n${line}`
  }
  quotes.push(open + body + close)
  return quotes
}

/** Cuts plain text into pieces whose escaped form fits `limit`: at sentence ends where possible, else anywhere. */
export function splitPlain(text: string, limit: number): string[] {
  const fits = (piece: string) => escapeHtml(piece).length <= limit
  if (fits(text)) return [text]
  const sentences = text.match(/[^。！？!?.\n]*(?:[。！？!?.]+|\n+)|[^。！？!?.\n]+$/g) ?? [text]
  const pieces: string[] = []
  let current = ''
  const flush = () => {
    if (current !== '') pieces.push(current)
    current = ''
  }
  for (const sentence of sentences) {
    if (fits(current + sentence)) {
      current += sentence
      continue
    }
    flush()
    if (fits(sentence)) {
      current = sentence
      continue
    }
    // A single sentence longer than a message: cut between characters (never inside a surrogate pair).
    for (const char of sentence) {
      if (!fits(current + char)) flush()
      current += char
    }
  }
  flush()
  return pieces
}

/** Packs HTML blocks (each at most `limit`) into as few messages as fit, a blank line between blocks. */
function pack(blocks: string[], limit: number): string[] {
  const messages: string[] = []
  let current = ''
  for (const block of blocks) {
    const joined = current === '' ? block : `${current}\n\n${block}`
    if (joined.length <= limit) {
      current = joined
      continue
    }
    if (current !== '') messages.push(current)
    current = block
  }
  if (current !== '') messages.push(current)
  return messages
}

/** The answer's paragraphs as escaped blocks, each within `limit`. */
function answerBlocks(text: string, limit: number): string[] {
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== '')
    .flatMap((paragraph) => splitPlain(paragraph, limit))
    .map(escapeHtml)
}

/**
 * The reply. Found: the answer with its markers numbered as its sources are, then the cited
 * passages folded into an expandable quote. Not found: one line saying so (the closest passages
 * are a button away, see `passagesHtml`). Longer than one message, it is split at paragraph
 * boundaries (then sentences).
 */
export function renderAnswer(response: AnswerResponse, lang: Lang, limit = MESSAGE_LIMIT): string[] {
  if (!response.found) {
    // The stock refusal names a list the bot does not print; a model's own refusal may say more.
    const said = response.answer === REFUSAL.zh || response.answer === REFUSAL.en ? WORDS[lang].notFound : response.answer
    return pack(answerBlocks(said, limit), limit)
  }
  const numbers = displayNumbers(response)
  const blocks = answerBlocks(renumbered(response.answer, numbers), limit)
  const sources = citedCitations(response)
  if (sources.length > 0) blocks.push(...foldedQuotes(WORDS[lang].sources, sourceLines(grouped(sources), numbers, lang, response.answer), limit))
  return pack(blocks, limit)
}

/** Passages of one document together (first-cited document first), so that its title is said once. */
function grouped(citations: Citation[]): Citation[] {
  const order: string[] = []
  const byDocument = new Map<string, Citation[]>()
  for (const citation of citations) {
    const key = `${citation.source}\u0000${citation.title}`
    if (!byDocument.has(key)) order.push(key)
    byDocument.set(key, [...(byDocument.get(key) ?? []), citation])
  }
  return order.flatMap((key) => byDocument.get(key)!)
}

/**
 * Every passage retrieved for a question (the button under a reply), folded: for a refusal the
 * closest passages, for an answer all it was given, the cited ones with their quotes in bold.
 */
export function passagesHtml(response: AnswerResponse, lang: Lang, limit = MESSAGE_LIMIT): string[] {
  const numbers = response.found ? displayNumbers(response) : new Map(response.citations.map((c, i) => [c.n, i + 1]))
  // Passages the answer does not cite are numbered after those it does.
  let next = numbers.size
  for (const citation of response.citations) if (!numbers.has(citation.n)) numbers.set(citation.n, ++next)
  const ordered = [...response.citations].sort((a, b) => numbers.get(a.n)! - numbers.get(b.n)!)
  const heading = response.found ? WORDS[lang].retrieved : WORDS[lang].closest
  return pack(foldedQuotes(heading, sourceLines(grouped(ordered), numbers, lang, response.found ? response.answer : undefined), limit), limit)
}

/** An answer still being written (LLM streaming): escaped, cut to fit one message, marked as unfinished. */
export function renderPartial(text: string, limit = MESSAGE_LIMIT): string {
  const marker = ' …'
  const [head = ''] = splitPlain(text.trim(), limit - marker.length)
  return escapeHtml(head) + marker
}

/** Whether a streamed answer has a whole first sentence to show (a notification shows no stub). */
export function hasWholeSentence(text: string): boolean {
  return /[。！？!?；;]|\.\s|\n/.test(text.trim())
}
