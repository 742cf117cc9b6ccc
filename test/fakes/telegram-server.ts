import http from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A fake Telegram Bot API on 127.0.0.1 for the real telegraf client: `/bot<token>/<method>` with
 * JSON bodies. Tests push updates (delivered to long polling), read every call the bot made, and
 * make chosen calls fail (a 429 with retry_after, say).
 */

export const FAKE_BOT = { id: 777000, is_bot: true as const, first_name: 'ParkQA', username: 'parkqa_test_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false }

export interface ApiCall {
  method: string
  body: Record<string, unknown>
  at: number
  /** The id of the message a sendMessage created. */
  messageId?: number
}

type Failure = { error_code: number; description: string; parameters?: Record<string, unknown> }

export interface FakeTelegram {
  apiRoot: string
  token: string
  calls: ApiCall[]
  /** Every call of `method`, in order. */
  callsOf(method: string): ApiCall[]
  /** Queues an update (update_id assigned) for the next getUpdates. */
  push(update: Record<string, unknown>): number
  /** The next `times` calls of `method` fail with `failure`. */
  failNext(method: string, failure: Failure, times?: number): void
  /** Resolves once `predicate` holds for the calls so far (checked on every call), or rejects after `ms`. */
  waitFor(predicate: (calls: ApiCall[]) => boolean, ms?: number): Promise<void>
  close(): Promise<void>
}

let nextMessageId = 5000

export async function startFakeTelegram(token = '123456:TEST-token_secret'): Promise<FakeTelegram> {
  const calls: ApiCall[] = []
  const updates: Array<Record<string, unknown>> = []
  const failures = new Map<string, Array<Failure>>()
  const pollers = new Set<() => void>()
  const watchers = new Set<() => void>()
  /** The bot's command menus and descriptions, per language code ('' = default). */
  const profile = new Map<string, unknown>()
  let nextUpdateId = 1

  const reply = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }

  function message(body: Record<string, unknown>) {
    return { message_id: nextMessageId++, date: Math.floor(Date.now() / 1000), chat: { id: body.chat_id, type: 'private' }, from: FAKE_BOT, text: body.text }
  }

  async function getUpdates(body: Record<string, unknown>, res: http.ServerResponse): Promise<void> {
    const offset = typeof body.offset === 'number' ? body.offset : 0
    const pending = () => updates.filter((update) => (update.update_id as number) >= offset)
    if (pending().length === 0 && typeof body.timeout === 'number' && body.timeout > 0) {
      // Long polling: held until an update arrives or the client goes away (capped at 2 s here).
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, 2000)
        function done() {
          clearTimeout(timer)
          pollers.delete(done)
          resolve()
        }
        pollers.add(done)
        res.on('close', done)
      })
    }
    if (res.destroyed) return
    reply(res, 200, { ok: true, result: pending() })
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '')
      if (!match || match[1] !== token) return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' })
      const method = match[2]!
      const raw = Buffer.concat(chunks).toString('utf8')
      const body = raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>)
      const call: ApiCall = { method, body, at: Date.now() }
      calls.push(call)
      const notify = () => {
        for (const watch of watchers) watch()
      }
      const failure = failures.get(method)?.shift()
      if (method !== 'sendMessage' && method !== 'editMessageText') notify()
      if (failure) {
        if (method === 'sendMessage' || method === 'editMessageText') notify()
        return reply(res, failure.error_code, { ok: false, ...failure })
      }
      switch (method) {
        case 'getMe':
          return reply(res, 200, { ok: true, result: FAKE_BOT })
        case 'getUpdates':
          return void getUpdates(body, res)
        case 'deleteWebhook':
        case 'setWebhook':
        case 'sendChatAction':
        case 'answerCallbackQuery':
          return reply(res, 200, { ok: true, result: true })
        case 'getMyCommands':
          return reply(res, 200, { ok: true, result: profile.get(`commands|${body.language_code ?? ''}`) ?? [] })
        case 'getMyDescription':
          return reply(res, 200, { ok: true, result: { description: profile.get(`description|${body.language_code ?? ''}`) ?? '' } })
        case 'getMyShortDescription':
          return reply(res, 200, { ok: true, result: { short_description: profile.get(`short_description|${body.language_code ?? ''}`) ?? '' } })
        case 'setMyCommands':
        case 'setMyDescription':
        case 'setMyShortDescription': {
          const field = method === 'setMyCommands' ? 'commands' : method === 'setMyDescription' ? 'description' : 'short_description'
          profile.set(`${field}|${body.language_code ?? ''}`, body[field])
          return reply(res, 200, { ok: true, result: true })
        }
        case 'sendMessage':
        case 'editMessageText': {
          // What Telegram's HTML parser refuses, the fake refuses with Telegram's error.
          const problem = body.parse_mode === 'HTML' ? telegramHtmlProblem(String(body.text)) : undefined
          if (problem) {
            notify()
            return reply(res, 400, { ok: false, error_code: 400, description: `Bad Request: can't parse entities: ${problem}` })
          }
          const sent = { ...message(body), ...(method === 'editMessageText' ? { message_id: body.message_id } : {}) }
          if (method === 'sendMessage') call.messageId = sent.message_id as number
          notify()
          return reply(res, 200, { ok: true, result: sent })
        }
        default:
          return reply(res, 400, { ok: false, error_code: 400, description: `Bad Request: the fake has no method ${method}` })
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    calls,
    callsOf: (method) => calls.filter((call) => call.method === method),
    push(update) {
      const update_id = nextUpdateId++
      updates.push({ update_id, ...update })
      for (const wake of pollers) wake()
      pollers.clear()
      return update_id
    },
    failNext(method, failure, times = 1) {
      failures.set(method, [...(failures.get(method) ?? []), ...Array.from({ length: times }, () => failure)])
    },
    waitFor(predicate, ms = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(calls)) return
          watchers.delete(check)
          clearTimeout(timer)
          resolve()
        }
        const timer = setTimeout(() => {
          watchers.delete(check)
          reject(new Error(`the bot did not make the expected calls within ${ms} ms; calls: ${calls.map((c) => c.method).join(', ')}`))
        }, ms)
        watchers.add(check)
        check()
      })
    },
    async close() {
      for (const wake of pollers) wake()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/**
 * Why Telegram would refuse `html` as a message in parse_mode HTML, or undefined when it accepts
 * it (https://core.telegram.org/bots/api#html-style): only its tags (a blockquote may be
 * `expandable`, an <a> needs an href), properly nested, no blockquote in a blockquote, only the
 * four named entities and numeric ones, and at most 4,096 characters of text once parsed.
 */
export function telegramHtmlProblem(html: string): string | undefined {
  const TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'span', 'tg-spoiler', 'a', 'tg-emoji', 'code', 'pre', 'blockquote'])
  const open: string[] = []
  let text = 0
  const token = /<(\/?)([a-z-]+)((?:\s+[a-z-]+(?:="[^"<>]*")?)*)\s*>|&(?:(lt|gt|amp|quot)|#(\d+)|#x([0-9a-f]+));|([<>&])|[^<>&]+/gi
  for (const match of html.matchAll(token)) {
    const [whole, closing, name, attributes = '', , , , stray] = match
    if (stray !== undefined) return `unescaped "${stray}" at byte offset ${match.index}`
    if (name === undefined) {
      text += whole.startsWith('&') ? 1 : Array.from(whole).length
      continue
    }
    const tag = name.toLowerCase()
    if (!TAGS.has(tag)) return `unsupported start tag "${tag}" at byte offset ${match.index}`
    if (closing) {
      if (open.pop() !== tag) return `unmatched end tag at byte offset ${match.index}, expected "</${open.at(-1) ?? ''}>", found "</${tag}>"`
      continue
    }
    const attribute = attributes.trim()
    if (tag === 'blockquote' && attribute !== '' && attribute !== 'expandable') return `unsupported blockquote attribute "${attribute}"`
    if (tag === 'a' && !/^href="[^"]+"$/.test(attribute)) return 'an <a> tag needs an href'
    if (tag !== 'blockquote' && tag !== 'a' && tag !== 'span' && tag !== 'tg-emoji' && tag !== 'pre' && tag !== 'code' && attribute !== '') return `unexpected attribute on <${tag}>`
    if (tag === 'blockquote' && open.includes('blockquote')) return 'a blockquote inside a blockquote'
    open.push(tag)
  }
  if (open.length > 0) return `can't find end tag corresponding to start tag "${open.at(-1)}"`
  if (text > 4096) return `message is too long (${text} characters of text)`
  return undefined
}

/** Update builders in the Bot API's shape. */
let nextTestMessageId = 1

export const user = (id: number, language_code = 'zh-hans') => ({ id, is_bot: false, first_name: `User${id}`, language_code })

export function textMessage(chat: { id: number; type: 'private' | 'group' | 'supergroup' }, from: ReturnType<typeof user>, text: string, extra: Record<string, unknown> = {}) {
  const chatFull = chat.type === 'private' ? { ...chat, first_name: from.first_name } : { ...chat, title: 'Park group' }
  return { message: { message_id: nextTestMessageId++, date: Math.floor(Date.now() / 1000), chat: chatFull, from, text, ...extra } }
}

/** A press of the bot's inline button `data` under its message `messageId` in a private chat. */
export function press(chatId: number, messageId: number, data: string, queryId: string, from = user(chatId)) {
  return { callback_query: { id: queryId, from, chat_instance: 'ci', data, message: { message_id: messageId, date: 0, chat: { id: chatId, type: 'private', first_name: from.first_name }, from: FAKE_BOT, text: '…' } } }
}

/** A command or mention entity list for `text`, as Telegram would send it. */
export function entities(text: string, ...found: Array<{ type: string; part: string; user?: unknown }>) {
  return found.map(({ type, part, user }) => ({ type, offset: text.indexOf(part), length: part.length, ...(user ? { user } : {}) }))
}
