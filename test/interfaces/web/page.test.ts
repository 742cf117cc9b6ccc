import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page, type Request as BrowserRequest } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createAnswerer, type Answerer } from '../../../src/answer/answer.js'
import { MAX_HISTORY_TURNS, MAX_QUESTION_CHARS, MAX_TURN_CHARS } from '../../../src/answer/request.js'
import type { AnswerRequest, AnswerResponse } from '../../../src/answer/types.js'
import type { SearchIndex } from '../../../src/index/search-index.js'
import * as pageLimits from '../../../src/interfaces/web/public/limits.js'
import { silentLogger } from '../../../src/log.js'
import { ROOT, seedIndex } from '../../helpers.js'
import { handedLive, servedLive, startTestServer, type TestServer } from '../http/client.js'

/**
 * The chat page in real headless Chromium (Debian's `chromium` through playwright-core) against
 * the real server over the seed index. Every page's console errors, uncaught errors and CSP
 * violations fail its test; screenshots go to test-output/web/ (git-ignored) to be looked at.
 */

const PUBLIC_DIR = path.join(ROOT, 'src/interfaces/web/public')
const SHOTS = path.join(ROOT, 'test-output/web')
const CHROMIUM_CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter((p): p is string => !!p)

const QUESTION = '张家界高新区2020年工业总产值是多少？'
const FIRST = '常德高新区有多少家高新技术企业？'
const FOLLOW_UP = '那常德经开区呢？'
const REFUSED = '张家界高新区有多少名宇航员？'

let index: SearchIndex
let answerer: Answerer
let server: TestServer
let browser: Browser

beforeAll(async () => {
  const executablePath = CHROMIUM_CANDIDATES.find((candidate) => fs.existsSync(candidate))
  if (!executablePath) throw new Error(`No Chromium found (tried ${CHROMIUM_CANDIDATES.join(', ')}): install Debian's chromium, or set CHROMIUM_PATH`)
  index = await seedIndex()
  answerer = createAnswerer({ index, logger: silentLogger })
  server = await startTestServer(servedLive(index, () => answerer))
  browser = await chromium.launch({
    executablePath,
    // No sandbox: CI runs as root in a container. The rest keeps Chromium off the network.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-default-apps'],
  })
  await fsp.mkdir(SHOTS, { recursive: true })
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

interface Watched {
  page: Page
  context: BrowserContext
  /** Console errors, uncaught page errors and CSP violations. */
  problems: string[]
  /** Problems this test provokes on purpose (a 429 is a failed resource load to Chromium). */
  expected: RegExp[]
  /** Bodies of the POST /ask requests the page sent. */
  asked: Array<Record<string, unknown>>
}

const opened: Watched[] = []

async function openPage(url: string, options: { locale?: string; width?: number; height?: number; mobile?: boolean } = {}): Promise<Watched> {
  const context = await browser.newContext({
    locale: options.locale ?? 'zh-CN',
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    isMobile: options.mobile ?? false,
    hasTouch: options.mobile ?? false,
  })
  const page = await context.newPage()
  const watched: Watched = { page, context, problems: [], expected: [], asked: [] }
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`))
  })
  page.on('console', (message) => {
    if (message.type() === 'error') watched.problems.push(message.text())
  })
  page.on('pageerror', (error) => watched.problems.push(`page error: ${error.message}`))
  page.on('request', (request: BrowserRequest) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/ask') watched.asked.push(request.postDataJSON() as Record<string, unknown>)
  })
  await page.goto(url)
  opened.push(watched)
  return watched
}

afterEach(async () => {
  for (const { context, problems, expected } of opened.splice(0)) {
    await context.close()
    expect(problems.filter((problem) => !expected.some((allowed) => allowed.test(problem)))).toEqual([])
  }
})

async function askOnPage(page: Page, question: string): Promise<void> {
  const answers = await page.locator('.answer').count()
  await page.locator('#question').fill(question)
  await page.locator('#question').press('Enter')
  await page.locator('.answer[aria-busy="false"]').nth(answers).waitFor()
}

/** The answer's text as the page shows it: paragraphs run together, markers as [n]. */
const shown = (response: AnswerResponse) => response.answer.replace(/\n+/g, '')

describe('the page itself', () => {
  it('is served at / with a CSP of this server only, no inline script or style, and no upgrade to https', async () => {
    const response = await fetch(server.url + '/')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/html/)
    const csp = response.headers.get('content-security-policy')!
    const directive = (name: string) => csp.split(';').map((d) => d.trim()).find((d) => d.startsWith(`${name} `))
    expect(directive('default-src')).toBe("default-src 'self'")
    expect(directive('script-src')).toBe("script-src 'self'")
    expect(directive('style-src')).toBe("style-src 'self'")
    expect(directive('script-src-attr')).toBe("script-src-attr 'none'")
    expect(csp).not.toContain('unsafe-inline')
    expect(csp).not.toContain('upgrade-insecure-requests')
    // The module the page shares with the Telegram bot is served from src/answer/.
    const quotes = await fetch(server.url + '/answer/quotes.js')
    expect(quotes.headers.get('content-type')).toMatch(/javascript/)
    expect(await quotes.text()).toContain('export function quotedRanges')
  })

  it('has its own files within 100 KB uncompressed, with nothing inline for the CSP to refuse', async () => {
    const files = [...fs.readdirSync(PUBLIC_DIR).map((name) => path.join(PUBLIC_DIR, name)), path.join(ROOT, 'src/answer/quotes.js')]
    const bytes = files.reduce((sum, file) => sum + fs.statSync(file).size, 0)
    expect(bytes).toBeLessThanOrEqual(100 * 1024)
    const html = fs.readFileSync(path.join(PUBLIC_DIR, 'index.html'), 'utf8')
    expect(html).not.toMatch(/\sstyle=|<style|<script(?![^>]*\ssrc=)|\son[a-z]+=/i)
  })

  it("checks a question against the server's own limits", () => {
    expect({ ...pageLimits }).toEqual({ MAX_QUESTION_CHARS, MAX_HISTORY_TURNS, MAX_TURN_CHARS })
  })
})

describe('asking in the browser', () => {
  it('streams the answer, then shows it with [n] markers that open the passage with the quoted span highlighted', async () => {
    const { page } = await openPage(server.url)
    const expected = await answerer.answer({ question: QUESTION })
    expect(expected.found).toBe(true)
    await askOnPage(page, QUESTION)

    // The streamed tokens are what a screen reader was given, and they add up to the answer.
    const live = await page.locator('#live').evaluate((node) => ({ text: node.textContent, tokens: node.childNodes.length, polite: node.getAttribute('aria-live') }))
    expect(live.polite).toBe('polite')
    expect(live.tokens).toBeGreaterThan(0)
    expect(live.text).toBe(expected.answer)
    expect(await page.locator('.answer-body').textContent()).toBe(shown(expected))

    const markers = page.locator('.answer .marker')
    expect(await markers.count()).toBe((expected.answer.match(/\[\d+\]/g) ?? []).length)
    const first = expected.citations.find((c) => c.n === expected.cited[0])!
    expect(await markers.first().getAttribute('aria-label')).toBe(`查看来源 ${first.n}：${first.title}`)
    await markers.first().click()
    const dialog = page.locator('dialog#passage')
    await expect.poll(() => dialog.evaluate((d) => (d as HTMLDialogElement).open)).toBe(true)
    expect(await page.locator('#passage-title').textContent()).toBe(first.title)
    expect(await page.locator('#passage-meta').textContent()).toBe(`${first.park} · 文件 ${first.source}`)
    expect(await page.locator('#passage-text').textContent()).toBe(first.text)
    const marked = await page.locator('#passage-text mark').allTextContents()
    expect(marked.length).toBeGreaterThan(0)
    for (const span of marked) {
      expect(span.length).toBeGreaterThanOrEqual(4)
      expect(expected.answer).toContain(span)
    }
    expect(marked.join('')).toContain('23.05亿元')
    await page.screenshot({ path: path.join(SHOTS, 'desktop-passage.jpg'), type: 'jpeg', quality: 70 })
    await page.locator('#passage-close').click()
    expect(await dialog.evaluate((d) => (d as HTMLDialogElement).open)).toBe(false)

    // The sources under the answer are the cited passages, in the order the answer cites them.
    const titles = await page.locator('.sources .source-title').allTextContents()
    expect(titles).toEqual(expected.cited.map((n) => expected.citations.find((c) => c.n === n)!.title))
    await page.screenshot({ path: path.join(SHOTS, 'desktop.png') })
  })

  it('reports the time from submit to the first token (not asserted: this machine stalls)', async () => {
    const { page } = await openPage(server.url)
    const questions = [QUESTION, FIRST, '湘西高新区2022年GDP有多少？', '怀化高新区引进了哪些项目？', '张家界高新区有多少家高新技术企业？', '常德高新区的主导产业是什么？']
    const times: number[] = []
    for (const question of questions) {
      await askOnPage(page, question)
      times.push(await page.evaluate(() => performance.measure('first token', 'parkqa:submit', 'parkqa:first-token').duration))
    }
    expect(times.every((ms) => ms > 0)).toBe(true)
    const sorted = [...times].sort((a, b) => a - b)
    const report = { questions: times.length, firstMs: times[0], medianMs: sorted[Math.floor(sorted.length / 2)], maxMs: sorted.at(-1) }
    console.log(`web page, seed index: submit → first token ${report.medianMs!.toFixed(1)} ms median of ${report.questions} (first question ${report.firstMs!.toFixed(1)} ms, max ${report.maxMs!.toFixed(1)} ms)`)
    await fsp.writeFile(path.join(SHOTS, 'timing.json'), JSON.stringify(report, null, 2))
  })

  it('fills the park filter from GET /parks, and a chosen park narrows the citations to it', async () => {
    const { page, asked } = await openPage(server.url)
    const parks = (await (await fetch(server.url + '/parks')).json()) as { parks: Array<{ name: string }> }
    await expect.poll(() => page.locator('#park option').count()).toBe(parks.parks.length + 1)
    const question = '新增了多少家高新技术企业？'
    const unfiltered = await answerer.answer({ question })
    // A park whose filtered answer is found and cites only it, where the unfiltered one does not.
    let park = ''
    let filtered: AnswerResponse | undefined
    for (const { name } of parks.parks) {
      const response = await answerer.answer({ question, park: name })
      if (response.found && unfiltered.citations.some((c) => c.park !== name)) {
        park = name
        filtered = response
        break
      }
    }
    expect(filtered).toBeDefined()
    await page.locator('#park').selectOption(park)
    await askOnPage(page, question)
    expect(asked.at(-1)).toMatchObject({ question, park })
    expect(await page.locator('.answer-body').last().textContent()).toBe(shown(filtered!))
    const where = await page.locator('.answer').last().locator('.source-where').allTextContents()
    expect(where.length).toBeGreaterThan(0)
    for (const line of where) expect(line.startsWith(`${park} · `)).toBe(true)
  })

  it('sends the conversation with a follow-up, forgets refusals, and starts afresh on "new conversation"', async () => {
    const { page, asked } = await openPage(server.url)
    await askOnPage(page, FIRST)
    const first = await answerer.answer({ question: FIRST })
    await askOnPage(page, FOLLOW_UP)
    const history: NonNullable<AnswerRequest['history']> = [
      { role: 'user', content: FIRST },
      { role: 'assistant', content: first.answer },
    ]
    expect(asked[1]).toEqual({ question: FOLLOW_UP, history })
    const followUp = await answerer.answer({ question: FOLLOW_UP, history })
    expect(followUp.found).toBe(true)
    expect(followUp.answer).not.toBe(first.answer)
    expect(await page.locator('.answer-body').last().textContent()).toBe(shown(followUp))

    // A refusal is shown as one, with the closest passages, and is not sent back as history.
    const refusal = await answerer.answer({ question: REFUSED, history: [...history, { role: 'user', content: FOLLOW_UP }, { role: 'assistant', content: followUp.answer }] })
    expect(refusal.found).toBe(false)
    await askOnPage(page, REFUSED)
    const last = page.locator('.answer').last()
    expect(await last.getAttribute('class')).toContain('refusal')
    expect(await last.locator('.answer-body').textContent()).toBe(shown(refusal))
    expect(await last.locator('.sources h3').textContent()).toBe('最接近的段落（未必回答了问题）')
    expect(await last.locator('.marker').count()).toBe(0)
    await askOnPage(page, FOLLOW_UP)
    expect((asked[3]!.history as unknown[]).length).toBe(4)

    await page.locator('#new').click()
    expect(await page.locator('.turn').count()).toBe(0)
    expect(await page.locator('#status').textContent()).toBe('已开始新对话。')
    await askOnPage(page, QUESTION)
    expect(asked.at(-1)).toEqual({ question: QUESTION, history: [] })
  })

  it('copies the answer with its sources', async () => {
    const { page, context } = await openPage(server.url)
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url })
    await askOnPage(page, QUESTION)
    const expected = await answerer.answer({ question: QUESTION })
    await page.locator('.answer .copy').click()
    await expect.poll(() => page.locator('#status').textContent()).toBe('已复制回答和来源。')
    const copied = await page.evaluate(() => navigator.clipboard.readText())
    expect(copied.startsWith(expected.answer)).toBe(true)
    for (const n of expected.cited) expect(copied).toContain(`[${n}] ${expected.citations.find((c) => c.n === n)!.title}`)
  })

  it('works from the keyboard alone: Tab to the box, Enter sends, Shift+Enter breaks the line, markers open and Escape closes', async () => {
    const { page } = await openPage(server.url)
    const focusedId = () => page.evaluate(() => document.activeElement?.id ?? '')
    for (let i = 0; i < 10 && (await focusedId()) !== 'question'; i++) await page.keyboard.press('Tab')
    expect(await focusedId()).toBe('question')
    await page.keyboard.type('第一行')
    await page.keyboard.press('Shift+Enter')
    expect(await page.locator('#question').inputValue()).toBe('第一行\n')
    await page.keyboard.press('Control+A')
    await page.keyboard.type(QUESTION)
    await page.keyboard.press('Enter')
    await page.locator('.answer[aria-busy="false"]').waitFor()
    expect(await page.locator('#question').inputValue()).toBe('')

    // Shift+Tab from the box reaches the answer's last focusable controls; find the first marker.
    const onMarker = () => page.evaluate(() => document.activeElement?.classList.contains('marker') ?? false)
    await page.locator('#new').focus()
    for (let i = 0; i < 20 && !(await onMarker()); i++) await page.keyboard.press('Tab')
    expect(await onMarker()).toBe(true)
    await page.keyboard.press('Enter')
    await expect.poll(() => page.locator('dialog#passage').evaluate((d) => (d as HTMLDialogElement).open)).toBe(true)
    expect(await page.locator('#passage-text mark').count()).toBeGreaterThan(0)
    await page.keyboard.press('Escape')
    await expect.poll(() => page.locator('dialog#passage').evaluate((d) => (d as HTMLDialogElement).open)).toBe(false)
    // Focus goes back to the marker that opened the passage.
    expect(await onMarker()).toBe(true)
  })

  it('speaks English to a browser that prefers English, and lays out on a phone', async () => {
    const { page } = await openPage(server.url, { locale: 'en-US', width: 390, height: 844, mobile: true })
    expect(await page.locator('html').getAttribute('lang')).toBe('en')
    expect(await page.title()).toBe('Park documents Q&A')
    expect(await page.locator('#send').textContent()).toBe('Ask')
    const question = 'How many high-tech enterprises did Changde High-tech Zone add?'
    const expected = await answerer.answer({ question })
    await askOnPage(page, question)
    expect(await page.locator('.answer-body').textContent()).toBe(shown(expected))
    // Nothing wider than the phone's screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await page.screenshot({ path: path.join(SHOTS, 'phone.png'), fullPage: true })
    await page.locator('.answer .marker').first().click()
    await page.screenshot({ path: path.join(SHOTS, 'phone-passage.png') })
  })
})

describe('errors a person understands', () => {
  it('a question over the limit is stopped before it is sent', async () => {
    const watched = await openPage(server.url)
    await watched.page.locator('#question').fill('问'.repeat(MAX_QUESTION_CHARS + 1))
    await watched.page.locator('#send').click()
    expect(await watched.page.locator('#status').textContent()).toBe(`问题太长了：${MAX_QUESTION_CHARS + 1} 字，最多 ${MAX_QUESTION_CHARS} 字。请删减后再问。`)
    expect(watched.asked).toEqual([])
    expect(await watched.page.locator('.turn').count()).toBe(0)
  })

  it('429 says how long to wait (Retry-After), and puts the question back in the box', async () => {
    const limited = await startTestServer(servedLive(index, () => answerer), { rateLimit: { max: 1, windowMs: 60_000 } })
    try {
      const watched = await openPage(limited.url)
      watched.expected.push(/status of 429/)
      await askOnPage(watched.page, QUESTION)
      await askOnPage(watched.page, FOLLOW_UP)
      const error = watched.page.locator('.answer').last().locator('.error')
      expect(await error.textContent()).toBe('提问太频繁了，请 60 秒后再试。')
      expect(await error.getAttribute('role')).toBe('alert')
      expect(await watched.page.locator('#question').inputValue()).toBe(FOLLOW_UP)
      await watched.page.screenshot({ path: path.join(SHOTS, 'desktop-429.png') })
    } finally {
      await limited.close()
    }
  })

  it('503 while the documents load says so with its Retry-After, and the park list waits', async () => {
    const loading = await startTestServer(handedLive((i) => createAnswerer({ index: i, logger: silentLogger })))
    try {
      const watched = await openPage(loading.url)
      watched.expected.push(/status of 503/)
      await askOnPage(watched.page, QUESTION)
      expect(await watched.page.locator('.answer .error').textContent()).toBe('文档还在加载，请 5 秒后再试。')
      expect(await watched.page.locator('#park option').count()).toBe(1)
    } finally {
      await loading.close()
    }
  })

  it('the server going away mid-answer keeps what came and says the connection was lost', async () => {
    let release!: () => void
    const hung = new Promise<void>((resolve) => (release = resolve))
    const cut: Answerer = {
      ...answerer,
      async *stream() {
        yield { type: 'token', text: '园区的回答开头' }
        await hung
      },
    }
    const going = await startTestServer(servedLive(index, () => cut))
    const watched = await openPage(going.url)
    watched.expected.push(/ERR_INCOMPLETE_CHUNKED_ENCODING|ERR_CONNECTION/)
    await watched.page.locator('#question').fill(QUESTION)
    await watched.page.locator('#question').press('Enter')
    await watched.page.locator('.streamed', { hasText: '园区的回答开头' }).waitFor()
    const closed = going.close(0)
    await watched.page.locator('.answer[aria-busy="false"]').waitFor()
    release()
    await closed
    const answer = watched.page.locator('.answer')
    expect(await answer.locator('.streamed').textContent()).toBe('园区的回答开头 （回答未完成）')
    expect(await answer.locator('.error').textContent()).toBe('连接中断，回答没有完成。请检查网络后重新提问（问题已放回输入框）。')
    expect(await watched.page.locator('#question').inputValue()).toBe(QUESTION)
    expect(await watched.page.locator('#send').isEnabled()).toBe(true)
  })

  it('a stream that ends without its final event is a lost connection too', async () => {
    const watched = await openPage(server.url)
    await watched.page.route('**/ask', (route) =>
      route.fulfill({ status: 200, headers: { 'content-type': 'text/event-stream' }, body: 'event: token\ndata: {"text":"半句"}\n\n' }),
    )
    await askOnPage(watched.page, QUESTION)
    expect(await watched.page.locator('.answer .error').textContent()).toBe('连接中断，回答没有完成。请检查网络后重新提问（问题已放回输入框）。')
  })

  it('the CSP is enforced: an inline script or style the page did not ship is refused and reported', async () => {
    const watched = await openPage(server.url)
    watched.expected.push(/CSP violation: (script-src-elem|style-src-attr)/, /^(Executing inline script|Applying inline style) violates the following Content Security Policy/)
    const effects = await watched.page.evaluate(() => {
      const script = document.createElement('script')
      script.textContent = 'document.body.dataset.inline = "ran"'
      document.body.append(script)
      const box = document.createElement('div')
      box.setAttribute('style', 'color: rgb(255, 0, 0)')
      document.body.append(box)
      return { ran: document.body.dataset.inline ?? null, color: getComputedStyle(box).color }
    })
    expect(effects.ran).toBeNull()
    expect(effects.color).not.toBe('rgb(255, 0, 0)')
    await expect.poll(() => watched.problems.filter((p) => p.startsWith('CSP violation')).length).toBe(2)
  })
})
