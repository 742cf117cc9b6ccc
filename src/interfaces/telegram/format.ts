import { citedCitations, type AnswerResponse, type Citation } from '../../answer/types.js'
import { isEnglish } from '../../retrieve/query.js'

/**
 * Answers as Telegram HTML messages. Everything that comes from a question, an answer or a passage
 * is escaped, so `<`, `>` and `&` in the documents can never break a message or inject markup
 * (MarkdownV2 is avoided on purpose: its escaping rules are a trap with Chinese punctuation).
 */

/** Telegram's limit for one message. The HTML length is counted, which is never below the limit Telegram applies. */
export const MESSAGE_LIMIT = 4096

/** How long a source's excerpt is, in characters. */
const EXCERPT_CHARS = 120

/** Closest passages shown under a "the documents do not say" answer. */
const CLOSEST_SHOWN = 3

export type Lang = 'zh' | 'en'

/** The same test the answerer uses to choose its refusal's language, so that the bot's words match it. */
export const languageOf = (text: string): Lang => (isEnglish(text) ? 'en' : 'zh')

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

const HEADINGS = {
  zh: { sources: '来源', closest: '最接近的段落', page: (n: number) => `第${n}页` },
  en: { sources: 'Sources', closest: 'Closest passages', page: (n: number) => `p. ${n}` },
}

/** The passages listed under a reply: those the answer cites, or the closest few when it found nothing. */
export function sourcesShown(response: AnswerResponse): Citation[] {
  return response.found ? citedCitations(response) : response.citations.slice(0, CLOSEST_SHOWN)
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  const chars = Array.from(flat)
  return chars.length > EXCERPT_CHARS ? `${chars.slice(0, EXCERPT_CHARS).join('')}…` : flat
}

function sourceEntry(citation: Citation, lang: Lang): string {
  // A PDF's passage says its page: the reader can turn to it.
  const page = citation.page !== undefined ? ` · ${HEADINGS[lang].page(citation.page)}` : ''
  return `<b>[${citation.n}] ${escapeHtml(citation.title)}</b> · ${escapeHtml(citation.park)}${page}\n${escapeHtml(excerpt(citation.text))}`
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

/**
 * The reply: the answer with its `[n]` markers, then for each cited passage its document title,
 * park and a short excerpt. Longer than one message, it is split at paragraph boundaries (then
 * sentences); the sources heading always travels with the first source.
 */
export function renderAnswer(response: AnswerResponse, lang: Lang, limit = MESSAGE_LIMIT): string[] {
  const paragraphs = response.answer
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== '')
  const blocks = paragraphs.flatMap((paragraph) => splitPlain(paragraph, limit)).map(escapeHtml)
  const sources = sourcesShown(response)
  if (sources.length > 0) {
    const heading = `<b>${response.found ? HEADINGS[lang].sources : HEADINGS[lang].closest}</b>`
    blocks.push(`${heading}\n${sourceEntry(sources[0]!, lang)}`, ...sources.slice(1).map((c) => sourceEntry(c, lang)))
  }
  return pack(blocks, limit)
}

/** An answer still being written (LLM streaming): escaped, cut to fit one message, marked as unfinished. */
export function renderPartial(text: string, limit = MESSAGE_LIMIT): string {
  const marker = ' …'
  const [head = ''] = splitPlain(text.trim(), limit - marker.length)
  return escapeHtml(head) + marker
}
