// @ts-check
/*
 * The chat page. Plain ES modules, no framework and no build: the browser runs these files as they
 * are in src/, and `npm run typecheck` checks them (JSDoc types). Every piece of text from the
 * server or the user goes into the page through textContent, never as HTML.
 */
import { attributedText, quotedRanges } from '../../../answer/quotes.js'
import { pickLanguage, strings } from './i18n.js'
import { MAX_HISTORY_TURNS, MAX_QUESTION_CHARS, MAX_TURN_CHARS } from './limits.js'

/** Closest passages shown under a refusal. */
const CLOSEST_SHOWN = 3
/** When the server says to wait but not how long. */
const DEFAULT_RETRY_SECONDS = 5

/**
 * @typedef {{ n: number, id: string, source: string, title: string, park: string, text: string, score: number, page?: number }} Citation
 * @typedef {{ answer: string, found: boolean, mode: string, cited: number[] }} Done
 * @typedef {{ role: 'user' | 'assistant', content: string }} Turn
 */

const language = pickLanguage(navigator.languages.length > 0 ? navigator.languages : [navigator.language])
const t = strings[language]

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @param {{ new (): T, prototype: T }} type
 * @returns {T}
 */
function byId(id, type) {
  const element = document.getElementById(id)
  if (!(element instanceof type)) throw new Error(`#${id} is missing from the page`)
  return element
}

const form = byId('ask', HTMLFormElement)
const questionBox = byId('question', HTMLTextAreaElement)
const sendButton = byId('send', HTMLButtonElement)
const parkSelect = byId('park', HTMLSelectElement)
const newButton = byId('new', HTMLButtonElement)
const log = byId('log', HTMLOListElement)
const live = byId('live', HTMLDivElement)
const status = byId('status', HTMLParagraphElement)
const dialog = byId('passage', HTMLDialogElement)

/** English names of parks, by name, for an English page (from GET /parks). */
/** @type {Map<string, string>} */
const englishNames = new Map()

/** The conversation as the server expects it: answered turns only (a refusal is not remembered). */
/** @type {Turn[]} */
let history = []
/** The question being answered, to abort when a new conversation begins. */
/** @type {AbortController | undefined} */
let inFlight

/**
 * @param {string} tag
 * @param {string} [className]
 * @param {string} [text]
 */
function element(tag, className, text) {
  const node = document.createElement(tag)
  if (className) node.className = className
  if (text !== undefined) node.textContent = text
  return node
}

function translatePage() {
  document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en'
  document.title = t.title
  for (const node of document.querySelectorAll('[data-text]')) {
    const key = /** @type {keyof typeof t} */ (node.getAttribute('data-text'))
    const value = t[key]
    if (typeof value === 'string') node.textContent = value
  }
  for (const node of document.querySelectorAll('[data-placeholder]')) {
    const value = t[/** @type {keyof typeof t} */ (node.getAttribute('data-placeholder'))]
    if (typeof value === 'string') node.setAttribute('placeholder', value)
  }
}

/** @param {string} message */
function say(message) {
  status.textContent = message
}

/** @param {Response} response */
function retrySeconds(response) {
  const seconds = Number(response.headers.get('retry-after'))
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : DEFAULT_RETRY_SECONDS
}

async function loadParks() {
  let response
  try {
    response = await fetch('/parks', { headers: { accept: 'application/json' } })
  } catch {
    setTimeout(loadParks, DEFAULT_RETRY_SECONDS * 1000)
    return
  }
  if (!response.ok) {
    // Still loading: the list fills in once the index is served.
    if (response.status === 503) setTimeout(loadParks, retrySeconds(response) * 1000)
    return
  }
  /** @type {{ parks: Array<{ name: string, english?: string, passages: number }> }} */
  const { parks } = await response.json()
  for (const park of parks) {
    if (park.english !== undefined) englishNames.set(park.name, park.english)
    const english = language === 'en' && park.english !== undefined
    const option = new Option(english ? park.english : park.name, park.name)
    if (english) option.lang = 'en'
    parkSelect.append(option)
  }
}

/**
 * One question and its answer in the log.
 * @param {string} question
 */
function addTurn(question) {
  const item = element('li', 'turn')
  const asked = element('div', 'question')
  asked.append(element('span', 'visually-hidden', `${t.you}：`), document.createTextNode(question))
  const answer = element('article', 'answer')
  answer.setAttribute('aria-busy', 'true')
  const body = element('div', 'answer-body')
  const streamed = element('p', 'streamed')
  streamed.append(element('span', 'thinking', t.thinking))
  body.append(streamed)
  answer.append(body)
  item.append(asked, answer)
  log.append(item)
  item.scrollIntoView({ block: 'end', behavior: 'smooth' })
  return { answer, body, streamed }
}

/** @typedef {ReturnType<typeof addTurn>} TurnView */

/**
 * The answer's text with its [n] markers as buttons that open the passage they cite.
 * @param {string} answer
 * @param {Map<number, Citation>} byNumber
 */
function answerParagraphs(answer, byNumber) {
  const paragraphs = []
  for (const line of answer.split(/\n+/)) {
    if (line.trim() === '') continue
    const paragraph = element('p')
    let from = 0
    for (const match of line.matchAll(/\[(\d+)\]/g)) {
      paragraph.append(document.createTextNode(line.slice(from, match.index)))
      const citation = byNumber.get(Number(match[1]))
      // A number with no passage behind it is not shown (the server drops invented ones too).
      if (citation) paragraph.append(markerButton(citation, answer))
      from = match.index + match[0].length
    }
    paragraph.append(document.createTextNode(line.slice(from)))
    paragraphs.push(paragraph)
  }
  return paragraphs
}

/**
 * @param {Citation} citation
 * @param {string} answer
 */
function markerButton(citation, answer) {
  const button = element('button', 'marker', `[${citation.n}]`)
  button.setAttribute('type', 'button')
  button.setAttribute('aria-label', t.openSource(citation.n, citation.title))
  button.addEventListener('click', () => openPassage(citation, answer))
  return button
}

/** @param {Citation} citation */
function whereFrom(citation) {
  const park = (language === 'en' && englishNames.get(citation.park)) || citation.park
  return [park, t.file(citation.source), citation.page ? t.page(citation.page) : ''].filter(Boolean).join(' · ')
}

/**
 * A list of passages, each a button that opens it.
 * @param {string} heading
 * @param {Citation[]} citations
 * @param {string} answer
 */
function sourceList(heading, citations, answer) {
  const section = element('section', 'sources')
  section.append(element('h3', undefined, heading))
  const list = element('ol')
  for (const citation of citations) {
    const item = element('li')
    const button = element('button', 'source')
    button.setAttribute('type', 'button')
    button.append(element('span', 'source-n', `[${citation.n}]`), element('span', 'source-title', citation.title), element('span', 'source-where', whereFrom(citation)))
    button.addEventListener('click', () => openPassage(citation, answer))
    item.append(button)
    list.append(item)
  }
  section.append(list)
  return section
}

/**
 * @param {Done} done
 * @param {Citation[]} citations
 */
function copyText(done, citations) {
  const byNumber = new Map(citations.map((c) => [c.n, c]))
  const lines = done.cited.flatMap((n) => {
    const c = byNumber.get(n)
    return c ? [`[${n}] ${c.title}（${whereFrom(c)}）`] : []
  })
  return lines.length > 0 ? `${done.answer}\n\n${t.sources}\n${lines.join('\n')}` : done.answer
}

/** @param {string} text */
async function copy(text) {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    // No clipboard API outside a secure context (http on a LAN address): the old way.
    const area = /** @type {HTMLTextAreaElement} */ (element('textarea', 'offscreen'))
    area.value = text
    document.body.append(area)
    area.select()
    const done = document.execCommand('copy')
    area.remove()
    return done
  }
}

/**
 * The final answer: markers as buttons, the passages cited under it (or, for a refusal, the
 * closest ones), a copy button.
 * @param {TurnView} view
 * @param {Done} done
 * @param {Citation[]} citations
 */
function renderDone(view, done, citations) {
  const byNumber = new Map(citations.map((c) => [c.n, c]))
  view.body.replaceChildren()
  if (done.found) {
    view.body.append(...answerParagraphs(done.answer, byNumber))
    const cited = done.cited.flatMap((n) => byNumber.get(n) ?? [])
    if (cited.length > 0) view.answer.append(sourceList(t.sources, cited, done.answer))
  } else {
    view.answer.classList.add('refusal')
    view.body.append(...answerParagraphs(done.answer, byNumber))
    if (citations.length > 0) view.answer.append(sourceList(t.closest, citations.slice(0, CLOSEST_SHOWN), ''))
  }
  const copyButton = element('button', 'copy', t.copy)
  copyButton.setAttribute('type', 'button')
  copyButton.addEventListener('click', async () => say((await copy(copyText(done, citations))) ? t.copied : t.copyFailed))
  view.answer.append(copyButton)
}

/**
 * @param {TurnView} view
 * @param {string} message
 * @param {string} question
 */
function renderError(view, message, question) {
  view.answer.classList.add('failed')
  view.streamed.querySelector('.thinking')?.remove()
  if (view.streamed.textContent !== '') view.streamed.append(document.createTextNode(` ${t.incomplete}`))
  else view.streamed.remove()
  const note = element('p', 'error', message)
  note.setAttribute('role', 'alert')
  view.body.append(note)
  // The question comes back to the box, to send again once the problem is gone.
  if (questionBox.value.trim() === '') questionBox.value = question
}

/**
 * A failed response's message, in words a person understands.
 * @param {Response} response
 */
async function failureMessage(response) {
  if (response.status === 429) return t.rateLimited(retrySeconds(response))
  if (response.status === 503) return t.notReady(retrySeconds(response))
  try {
    /** @type {{ error?: { message?: string } }} */
    const body = await response.json()
    // The server's messages are written to be shown (no stack traces); 5xx ones say nothing useful.
    if (response.status < 500 && body.error?.message) return t.failed + body.error.message
  } catch {
    // Not our JSON (a proxy's page): the generic message.
  }
  return t.retryLater
}

/**
 * Server-Sent Events from a fetch body, as {event, data} with data parsed.
 * @param {ReadableStream<Uint8Array>} body
 * @returns {AsyncGenerator<{ event: string, data: any }>}
 */
async function* serverEvents(body) {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    buffer = (buffer + decoder.decode(value, { stream: true })).replace(/\r\n/g, '\n')
    let end
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      let event = 'message'
      const data = []
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim()
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''))
      }
      if (data.length > 0) yield { event, data: JSON.parse(data.join('\n')) }
    }
  }
}

/** @param {boolean} busy */
function setBusy(busy) {
  sendButton.disabled = busy
  form.setAttribute('aria-busy', String(busy))
}

/**
 * @param {Turn} turn
 */
function remember(turn) {
  history.push({ role: turn.role, content: turn.content.slice(0, MAX_TURN_CHARS) })
  history = history.slice(-MAX_HISTORY_TURNS)
}

/** @param {string} question */
async function ask(question) {
  const controller = new AbortController()
  inFlight = controller
  const view = addTurn(question)
  live.replaceChildren()
  setBusy(true)
  performance.mark('parkqa:submit')
  /** @type {Record<string, unknown>} */
  const request = { question, history }
  if (parkSelect.value !== '') request.park = parkSelect.value
  try {
    const response = await fetch('/ask', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify(request),
      signal: controller.signal,
    })
    if (!response.ok || !response.body) {
      renderError(view, await failureMessage(response), question)
      return
    }
    /** @type {Citation[]} */
    let citations = []
    let first = true
    for await (const { event, data } of serverEvents(response.body)) {
      if (event === 'token') {
        if (first) {
          performance.mark('parkqa:first-token')
          view.streamed.replaceChildren()
          first = false
        }
        view.streamed.append(document.createTextNode(data.text))
        live.append(document.createTextNode(data.text))
      } else if (event === 'citations') {
        citations = data.citations
      } else if (event === 'done') {
        /** @type {Done} */
        const done = data
        renderDone(view, done, citations)
        // A token-less answer (nothing streamed) is announced whole.
        if (first) live.append(document.createTextNode(done.answer))
        if (done.found) {
          remember({ role: 'user', content: question })
          remember({ role: 'assistant', content: done.answer })
        }
        return
      } else if (event === 'error') {
        renderError(view, t.failed + data.message, question)
        return
      }
    }
    // The stream ended with neither `done` nor `error`: the server went away mid-answer.
    renderError(view, t.connectionLost, question)
  } catch {
    if (controller.signal.aborted) return
    renderError(view, t.connectionLost, question)
  } finally {
    view.answer.setAttribute('aria-busy', 'false')
    if (inFlight === controller) {
      inFlight = undefined
      setBusy(false)
    }
  }
}

/**
 * @param {Citation} citation
 * @param {string} answer the answer citing it ('' when nothing of it is quoted)
 */
function openPassage(citation, answer) {
  byId('passage-title', HTMLHeadingElement).textContent = citation.title
  byId('passage-meta', HTMLParagraphElement).textContent = whereFrom(citation)
  const text = byId('passage-text', HTMLQuoteElement)
  text.replaceChildren()
  const ranges = answer === '' ? [] : quotedRanges(attributedText(answer, citation.n), citation.text)
  let from = 0
  for (const [start, end] of ranges) {
    text.append(document.createTextNode(citation.text.slice(from, start)), element('mark', undefined, citation.text.slice(start, end)))
    from = end
  }
  text.append(document.createTextNode(citation.text.slice(from)))
  dialog.showModal()
  text.querySelector('mark')?.scrollIntoView({ block: 'center' })
}

function newConversation() {
  inFlight?.abort()
  inFlight = undefined
  setBusy(false)
  history = []
  log.replaceChildren()
  live.replaceChildren()
  questionBox.value = ''
  say(t.newStarted)
  questionBox.focus()
}

form.addEventListener('submit', (event) => {
  event.preventDefault()
  if (inFlight) return
  const question = questionBox.value.trim()
  if (question === '') {
    questionBox.focus()
    return
  }
  if (question.length > MAX_QUESTION_CHARS) {
    say(t.tooLong(question.length, MAX_QUESTION_CHARS))
    return
  }
  say('')
  questionBox.value = ''
  void ask(question)
})

questionBox.addEventListener('keydown', (event) => {
  // Enter sends; Shift+Enter is a new line; Enter that confirms an IME's candidate is the IME's.
  if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return
  event.preventDefault()
  form.requestSubmit()
})

newButton.addEventListener('click', newConversation)
byId('passage-close', HTMLButtonElement).addEventListener('click', () => dialog.close())
// A click on the backdrop (outside the dialog's box) closes it too.
dialog.addEventListener('click', (event) => {
  if (event.target === dialog) dialog.close()
})

translatePage()
void loadParks()
