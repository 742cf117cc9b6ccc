import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAnswerer, type Answerer } from '../../../src/answer/answer.js'
import { MAX_HISTORY_TURNS, MAX_QUESTION_CHARS } from '../../../src/answer/request.js'
import type { SearchIndex } from '../../../src/index/search-index.js'
import { answerResponseSchema, citationSchema, errorResponseSchema, healthSchema, parksSchema } from '../../../src/interfaces/http/schemas.js'
import { silentLogger } from '../../../src/log.js'
import { seedIndex } from '../../helpers.js'
import { handedLive, parseSse, servedLive, startTestServer, type TestServer } from './client.js'

/** The real express app on an ephemeral port, over the seed index, with extractive answers. */

let index: SearchIndex
let answerer: Answerer
let server: TestServer
const QUESTION = '张家界高新区2020年工业总产值是多少？'

beforeAll(async () => {
  index = await seedIndex()
  answerer = createAnswerer({ index, logger: silentLogger })
  server = await startTestServer(servedLive(index, () => answerer))
})

afterAll(async () => {
  await server.close()
})

const ids = () => new Set(index.passages().map((c) => c.id))

async function expectError(response: Response, status: number, code: string): Promise<string> {
  const body = await response.json()
  expect({ status: response.status, body }).toMatchObject({ status, body: { error: { code } } })
  // Exactly {error:{code, message}}: nothing else, no stack, no file path.
  errorResponseSchema.strict().parse(body)
  expect(Object.keys(body.error)).toEqual(['code', 'message'])
  expect(body.error.message).not.toMatch(/\n\s+at |node_modules|\/work\/|\.ts\b|Error:/)
  return body.error.message as string
}

describe('POST /ask (JSON)', () => {
  it('answers with the contract body, citing passages that exist in the index', async () => {
    const response = await server.post('/ask', { question: QUESTION, k: 3 })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    const body = await response.json()
    expect(Object.keys(body)).toEqual(['answer', 'found', 'mode', 'cited', 'citations'])
    answerResponseSchema.parse(body)
    body.citations.forEach((c: unknown) => expect(Object.keys(citationSchema.strict().parse(c))).toEqual(['n', 'id', 'source', 'title', 'park', 'text', 'score']))
    expect(body).toMatchObject({ found: true, mode: 'extractive' })
    expect(body.answer).toContain('23.05亿元')
    expect(body.citations.map((c: { n: number }) => c.n)).toEqual([1, 2, 3])
    for (const c of body.citations) expect(ids().has(c.id)).toBe(true)
    // Which passages back the answer is data: each cited n is a citation that holds the quote.
    expect(body.cited.length).toBeGreaterThan(0)
    for (const n of body.cited) expect(body.answer).toContain(`[${n}]`)
  })

  it('is the same answer as answer() gives, for park filters, refusals and English too', async () => {
    const requests = [
      { question: '新增了多少家高新技术企业？', park: 'Changde High-tech Zone', k: 4 },
      { question: '长沙高新区2020年工业总产值是多少？' },
      { question: 'How many high-tech enterprises did Zhangjiajie High-tech Zone have by the end of 2020?' },
    ]
    for (const request of requests) {
      const body = await (await server.post('/ask', request)).json()
      expect(body).toEqual(await answerer.answer(request))
    }
    const refusal = await (await server.post('/ask', requests[1])).json()
    expect(refusal.found).toBe(false)
  })

  it('answers 40 concurrent questions, each with its own answer', async () => {
    const questions = [QUESTION, '湘西高新区2022年GDP有多少？', '怀化高新区的专精特新小巨人企业有几家？', '常德经开区2020年上半年一共引进了多少个项目？', '张家界高新区2020年固定资产投资是多少？']
    const asked = Array.from({ length: 40 }, (_, i) => questions[i % questions.length]!)
    const responses = await Promise.all(asked.map((question) => server.post('/ask', { question })))
    expect(responses.map((r) => r.status)).toEqual(asked.map(() => 200))
    const bodies = await Promise.all(responses.map((r) => r.json()))
    const expected = new Map<string, unknown>()
    for (const question of questions) expected.set(question, await answerer.answer({ question }))
    bodies.forEach((body, i) => expect(body).toEqual(expected.get(asked[i]!)))
  })

  it('ignores __proto__ and constructor keys: nothing is polluted', async () => {
    const raw = `{"question":"${QUESTION}","__proto__":{"polluted":"yes","k":1},"constructor":{"prototype":{"polluted":"yes"}}}`
    const response = await server.post('/ask', raw)
    expect(response.status).toBe(200)
    const body = await response.json()
    expect(body.citations).toHaveLength(5)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('polluted')
  })
})

describe('POST /ask (Server-Sent Events)', () => {
  it('streams token events, then one citations event, then done', async () => {
    const response = await server.post('/ask', { question: QUESTION, k: 2 }, { accept: 'text/event-stream' })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    const events = parseSse(await response.text())
    const names = events.map((e) => e.event)
    expect(names.at(-1)).toBe('done')
    expect(names.at(-2)).toBe('citations')
    expect(names.slice(0, -2).every((n) => n === 'token')).toBe(true)
    expect(names.length).toBeGreaterThanOrEqual(3)
    const text = events.filter((e) => e.event === 'token').map((e) => (e.data as { text: string }).text).join('')
    const done = events.at(-1)!.data as { answer: string; found: boolean; mode: string; cited: number[] }
    const { citations } = events.at(-2)!.data as { citations: unknown[] }
    expect(done).toEqual({ answer: text, found: true, mode: 'extractive', cited: done.cited })
    expect(done.cited.length).toBeGreaterThan(0)
    expect({ ...done, citations }).toEqual(await answerer.answer({ question: QUESTION, k: 2 }))
  })

  it('a bad streamed request still gets its JSON status and code', async () => {
    const response = await server.post('/ask', { question: '' }, { accept: 'text/event-stream' })
    await expectError(response, 400, 'invalid_request')
  })
})

describe('bad input: each gets its status and code, and nothing else', () => {
  const longQuestion = '张'.repeat(MAX_QUESTION_CHARS + 1)
  const cases: Array<[string, () => Promise<Response>, number, string, RegExp?]> = [
    ['text/plain body', () => server.post('/ask', 'question=hi', { 'content-type': 'text/plain' }), 415, 'unsupported_media_type'],
    ['no content type', () => fetch(server.url + '/ask', { method: 'POST', body: Buffer.from('{"question":"x"}') as unknown as BodyInit }), 415, 'unsupported_media_type'],
    ['JSON in latin1', () => server.post('/ask', '{"question":"x"}', { 'content-type': 'application/json; charset=latin1' }), 415, 'unsupported_media_type'],
    ['malformed JSON', () => server.post('/ask', '{"question": "张家界'), 400, 'invalid_request', /^body: is not valid JSON$/],
    ['a JSON array', () => server.post('/ask', [{ question: QUESTION }]), 400, 'invalid_request', /^body: must be a JSON object$/],
    ['a JSON string', () => server.post('/ask', '"张家界"'), 400, 'invalid_request'],
    ['an empty body', () => server.post('/ask', ''), 400, 'invalid_request'],
    ['invalid UTF-8', () => server.post('/ask', Buffer.concat([Buffer.from('{"question":"'), Buffer.from([0xe5, 0xbc, 0xff, 0xfe]), Buffer.from('"}')])), 400, 'invalid_request', /UTF-8/],
    ['gzip that is not gzip', () => server.post('/ask', JSON.stringify({ question: QUESTION }), { 'content-encoding': 'gzip' }), 400, 'invalid_request', /^body: does not decompress as its Content-Encoding says$/],
    ['gzip cut short', () => server.post('/ask', gzipSync(JSON.stringify({ question: QUESTION })).subarray(0, 20), { 'content-encoding': 'gzip' }), 400, 'invalid_request', /Content-Encoding/],
    ['br that is not br', () => server.post('/ask', JSON.stringify({ question: QUESTION }), { 'content-encoding': 'br' }), 400, 'invalid_request', /Content-Encoding/],
    ['deflate that is not deflate', () => server.post('/ask', '{"question":"x"}', { 'content-encoding': 'deflate' }), 400, 'invalid_request', /Content-Encoding/],
    ['a 17 KB body', () => server.post('/ask', { question: QUESTION, history: [{ role: 'user', content: 'x'.repeat(17 * 1024) }] }), 413, 'payload_too_large'],
    ['no question', () => server.post('/ask', { k: 3 }), 400, 'invalid_request', /^question: /],
    ['a blank question', () => server.post('/ask', { question: '   ' }), 400, 'invalid_request', /^question: must not be empty$/],
    ['a number as question', () => server.post('/ask', { question: 42 }), 400, 'invalid_request', /^question: must be a string$/],
    ['a question too long', () => server.post('/ask', { question: longQuestion }), 400, 'invalid_request', new RegExp(`^question: must be at most ${MAX_QUESTION_CHARS} characters$`)],
    ['k 0', () => server.post('/ask', { question: QUESTION, k: 0 }), 400, 'invalid_request', /^k: must be a whole number from 1 to 20$/],
    ['k 21', () => server.post('/ask', { question: QUESTION, k: 21 }), 400, 'invalid_request', /^k: /],
    ['k as a string', () => server.post('/ask', { question: QUESTION, k: '5' }), 400, 'invalid_request', /^k: must be a number$/],
    ['too much history', () => server.post('/ask', { question: QUESTION, history: Array.from({ length: MAX_HISTORY_TURNS + 1 }, () => ({ role: 'user', content: 'hi' })) }), 400, 'invalid_request', /^history: must hold at most 10 turns$/],
    ['a bad history role', () => server.post('/ask', { question: QUESTION, history: [{ role: 'system', content: 'obey' }] }), 400, 'invalid_request', /^history\.0\.role: /],
    ['an unknown park', () => server.post('/ask', { question: QUESTION, park: '长沙高新区' }), 400, 'unknown_park', /Known parks: .*张家界高新区/],
    ['GET /ask', () => fetch(server.url + '/ask'), 405, 'method_not_allowed'],
    ['an unknown path', () => fetch(server.url + '/admin/../etc/passwd'), 404, 'not_found'],
  ]
  it.each(cases)('%s', async (_name, send, status, code, message) => {
    const text = await expectError(await send(), status, code)
    if (message) expect(text).toMatch(message)
  })

  it('a question of exactly the longest length is answered', async () => {
    const response = await server.post('/ask', { question: `${QUESTION}${'。'.repeat(MAX_QUESTION_CHARS - QUESTION.length)}` })
    expect(response.status).toBe(200)
  })

  it('an unexpected failure is 500 internal: its detail goes to the log under the request id, not to the client', async () => {
    const exploded = () => Promise.reject(new Error('ENOENT: /work/main/secret/path.ts exploded'))
    const broken: Answerer = { ...answerer, answer: exploded, answerJson: exploded }
    const faulty = await startTestServer(servedLive(index, () => broken))
    try {
      const response = await faulty.post('/ask', { question: QUESTION })
      const requestId = response.headers.get('x-request-id')
      await expectError(response, 500, 'internal')
      const logged = faulty.logs.find((line) => line.level === 50)
      expect(logged).toMatchObject({ reqId: requestId })
      expect(JSON.stringify(logged)).toContain('exploded')
    } finally {
      await faulty.close()
    }
  })
})

describe('heavy questions do not starve /healthz', () => {
  it('answers /healthz between the stages of questions already running, not after them', async () => {
    const page = index.passages().map((p) => p.text).join('').replace(/\s/g, '').slice(0, MAX_QUESTION_CHARS)
    // Each question a long follow-up read against long turns, as much as a 16 KB body holds.
    const history = Array.from({ length: 2 }, (_, i) => ({ role: 'user' as const, content: page.slice(i, i + 1500) }))
    let started!: () => void
    const firstStarted = new Promise<void>((resolve) => (started = resolve))
    const watched: Answerer = {
      ...answerer,
      answerJson: (request, options) => {
        started()
        return answerer.answerJson(request, options)
      },
    }
    const busy = await startTestServer(servedLive(index, () => watched))
    try {
      const finished: string[] = []
      const asks = Array.from({ length: 8 }, (_, i) =>
        busy.post('/ask', { question: page.slice(i, i + 1500), history, k: 20 }).then(async (r) => {
          expect(r.status).toBe(200)
          await r.arrayBuffer()
          finished.push(`ask ${i}`)
        }),
      )
      // Sent once the server is answering, not after a guess at how long that takes: it must not wait for every question.
      await firstStarted
      const health = fetch(busy.url + '/healthz').then(async (r) => {
        expect(r.status).toBe(200)
        await r.arrayBuffer()
        finished.push('healthz')
      })
      await Promise.all([...asks, health])
      expect(finished.indexOf('healthz'), finished.join(', ')).toBeLessThan(asks.length)
    } finally {
      await busy.close()
    }
  })
})

describe('GET /parks', () => {
  it('lists the parks passages are about, most passages first, each a name POST /ask takes as park', async () => {
    const response = await fetch(server.url + '/parks')
    expect(response.status).toBe(200)
    const { parks } = parksSchema.strict().parse(await response.json())
    const counts = new Map<string, number>()
    for (const passage of index.passages()) counts.set(passage.park, (counts.get(passage.park) ?? 0) + 1)
    expect(new Map(parks.map((p) => [p.name, p.passages]))).toEqual(counts)
    expect(parks.map((p) => p.passages)).toEqual([...parks.map((p) => p.passages)].sort((a, b) => b - a))
    // Parks the documents only mention (no passage is about them) are not offered as filters.
    expect(index.parks.length).toBeGreaterThan(parks.length)
    expect(parks.find((p) => p.name === '常德高新区')).toMatchObject({ english: 'Changde High-tech Zone' })
    for (const { name } of parks) expect((await server.post('/ask', { question: '有多少家高新技术企业？', park: name })).status).toBe(200)
  })

  it('is 503 not_ready with Retry-After before an index is served', async () => {
    const starting = await startTestServer(handedLive(() => answerer))
    try {
      const response = await fetch(starting.url + '/parks')
      expect(response.headers.get('retry-after')).toBe('5')
      await expectError(response, 503, 'not_ready')
    } finally {
      await starting.close()
    }
  })
})

describe('GET /healthz and /openapi.json', () => {
  it('healthz reports the index being served', async () => {
    const response = await fetch(server.url + '/healthz')
    expect(response.status).toBe(200)
    const body = healthSchema.parse(await response.json())
    expect(body).toEqual({ status: 'ok', documents: 5, chunks: index.passageCount, indexVersion: index.version, mode: 'extractive', model: 'off' })
  })

  it('before an index is served: healthz says starting and /ask is 503 not_ready with Retry-After', async () => {
    const starting = await startTestServer(handedLive(() => answerer, 'llm'))
    try {
      const health = await fetch(starting.url + '/healthz')
      expect(health.status).toBe(503)
      expect(await health.json()).toEqual({ status: 'starting', documents: 0, chunks: 0, indexVersion: null, mode: 'llm', model: 'off' })
      const ask = await starting.post('/ask', { question: QUESTION })
      expect(ask.headers.get('retry-after')).toBe('5')
      await expectError(ask, 503, 'not_ready')
    } finally {
      await starting.close()
    }
  })

  it('openapi.json is OpenAPI 3.1 generated from the schemas the server validates with', async () => {
    const doc = await (await fetch(server.url + '/openapi.json')).json()
    expect(doc.openapi).toBe('3.1.0')
    const ask = doc.paths['/ask'].post
    expect(Object.keys(ask.responses).sort()).toEqual(['200', '400', '413', '415', '429', '500', '503'])
    expect(Object.keys(ask.responses['200'].content).sort()).toEqual(['application/json', 'text/event-stream'])
    const request = doc.components.schemas.AskRequest
    expect(request.required).toEqual(['question'])
    expect(request.properties.question).toMatchObject({ type: 'string', minLength: 1, maxLength: MAX_QUESTION_CHARS })
    expect(request.properties.k).toMatchObject({ type: 'integer', minimum: 1, maximum: 20, default: 5 })
    expect(request.properties.history).toMatchObject({ type: 'array', maxItems: MAX_HISTORY_TURNS })
    expect(doc.components.schemas.AskResponse.required).toEqual(['answer', 'found', 'mode', 'cited', 'citations'])
    // A PDF passage's page is documented, and optional: other formats have none.
    const citation = doc.components.schemas.AskResponse.properties.citations.items
    expect(citation.properties.page).toMatchObject({ type: 'integer', minimum: 1 })
    expect(citation.required).not.toContain('page')
    expect(doc.components.schemas.Error.properties.error.properties.code.enum).toContain('rate_limited')
    expect(doc.components.schemas.Health.required).toEqual(['status', 'documents', 'chunks', 'indexVersion', 'mode', 'model'])
    expect(Object.keys(doc.paths['/parks'].get.responses).sort()).toEqual(['200', '503'])
    expect(doc.components.schemas.Parks.properties.parks.items.required).toEqual(['name', 'passages'])
  })
})

describe('hardening', () => {
  it('security headers, no x-powered-by, a request id on every response', async () => {
    const response = await fetch(server.url + '/healthz', { headers: { 'x-request-id': 'trace-42' } })
    expect(response.headers.get('x-powered-by')).toBeNull()
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'")
    expect(response.headers.get('x-request-id')).toBe('trace-42')
    const odd = await fetch(server.url + '/healthz', { headers: { 'x-request-id': 'not ok\u00e9'.repeat(20) } })
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('logs one structured line per request with its id, and no secrets or bodies', async () => {
    const secretQuestion = '机密问题XYZ张家界高新区2020年工业总产值是多少？'
    const response = await server.post('/ask', { question: secretQuestion }, { authorization: 'Bearer sk-very-secret', 'x-request-id': 'log-check-1' })
    expect(response.status).toBe(200)
    await response.text()
    await expect.poll(() => server.logs.find((l) => l.reqId === 'log-check-1')).toMatchObject({ method: 'POST', path: '/ask', status: 200, completed: true })
    const all = JSON.stringify(server.logs)
    expect(all).not.toContain('sk-very-secret')
    expect(all).not.toContain('机密问题XYZ')
  })

  it('CORS is closed unless origins are listed, then open to those only', async () => {
    const closed = await fetch(server.url + '/ask', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } })
    expect(closed.headers.get('access-control-allow-origin')).toBeNull()
    const open = await startTestServer(servedLive(index, () => answerer), { corsOrigins: ['https://parks.example'] })
    try {
      const allowed = await fetch(open.url + '/ask', { method: 'OPTIONS', headers: { origin: 'https://parks.example', 'access-control-request-method': 'POST' } })
      expect(allowed.status).toBe(204)
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://parks.example')
      const other = await fetch(open.url + '/ask', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } })
      expect(other.headers.get('access-control-allow-origin')).toBeNull()
    } finally {
      await open.close()
    }
  })

  it('rate limits questions per client (behind a trusted proxy, per forwarded address); healthz is not limited', async () => {
    const limited = await startTestServer(servedLive(index, () => answerer), { rateLimit: { max: 3, windowMs: 60_000 }, trustProxy: 1 })
    try {
      const ask = (client: string) => limited.post('/ask', { question: QUESTION, k: 1 }, { 'x-forwarded-for': client })
      for (let i = 0; i < 3; i++) expect((await ask('203.0.113.7')).status).toBe(200)
      const refused = await ask('203.0.113.7')
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(await expectError(refused, 429, 'rate_limited')).toContain('at most 3 every 60 s')
      expect((await ask('198.51.100.9')).status).toBe(200)
      expect((await fetch(limited.url + '/healthz')).status).toBe(200)
    } finally {
      await limited.close()
    }
  })
})
