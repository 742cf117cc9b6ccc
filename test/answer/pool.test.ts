import fs from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createAnswerer, type AnswerEvent, type Answerer } from '../../src/answer/answer.js'
import { createAnswerPool, type AnswerPool } from '../../src/answer/pool.js'
import type { AnswerRequest } from '../../src/answer/types.js'
import { loadConfig } from '../../src/config.js'
import { RequestError } from '../../src/errors.js'
import { ingest } from '../../src/index/ingest.js'
import type { SearchIndex } from '../../src/index/search-index.js'
import { startService } from '../../src/interfaces/http/service.js'
import { loadDataset } from '../../src/interfaces/eval/run.js'
import { silentLogger } from '../../src/log.js'
import { captureLog } from '../interfaces/http/client.js'
import { copyCorpus, copySeedIndex, ROOT, seedIndex, testConfig } from '../helpers.js'

/**
 * Extractive answers on worker threads (WORKERS): real workers loading the real index. Their
 * answers must be the ones the main thread gives, and the thread serving HTTP must stay free to
 * answer /healthz while they work. Nothing here measures time: only answers and order.
 */

let index: SearchIndex
let local: Answerer
let pool: AnswerPool
let questions: string[]

beforeAll(async () => {
  index = await seedIndex()
  local = createAnswerer({ index, logger: silentLogger })
  const config = testConfig({ EMBEDDINGS: 'local' })
  // Workers load the very version of the shared seed index this file loaded.
  pool = createAnswerPool({ input: { indexDir: inject('seedIndexDir'), version: index.version, config }, workers: 2, logger: silentLogger, local })
  await pool.started
  questions = (await loadDataset(path.join(ROOT, 'evals'))).items.map(({ item }) => item.question)
})

afterAll(() => pool.close())

async function events(answerer: Answerer, request: AnswerRequest): Promise<AnswerEvent[]> {
  const out: AnswerEvent[] = []
  for await (const event of answerer.stream(request)) out.push(event)
  return out
}

describe('the answer pool', () => {
  it('gives the answers the main thread gives, for every eval question, with filters, k, follow-ups and streams', async () => {
    const requests: AnswerRequest[] = [
      ...questions.map((question) => ({ question })),
      ...questions.slice(0, 20).map((question) => ({ question, k: 20 })),
      { question: '新增了多少家高新技术企业？', park: 'Changde High-tech Zone', k: 4 },
      { question: '那2019年呢？', history: [{ role: 'user', content: '张家界高新区2020年工业总产值是多少？' }, { role: 'assistant', content: '23.05亿元[1]' }] },
      { question: '张家界高新区2020年出口额有多少？' },
    ]
    // All at once: both workers answer, in whatever order they finish.
    const pooled = await Promise.all(requests.map((request) => pool.answer(request)))
    for (const [i, request] of requests.entries()) expect(pooled[i], request.question).toEqual(await local.answer(request))
    for (const request of requests.slice(0, 10)) expect(await events(pool, request)).toEqual(await events(local, request))
  })

  it("hands on a worker's answer as the JSON text it came in: the main thread's answer, written as JSON", async () => {
    const requests: AnswerRequest[] = questions.slice(0, 30).map((question) => ({ question }))
    const texts = await Promise.all(requests.map((request) => pool.answerJson(request)))
    for (const [i, request] of requests.entries()) expect(texts[i], request.question).toBe(JSON.stringify(await local.answer(request)))
    await expect(pool.answerJson({ question: '' })).rejects.toBeInstanceOf(RequestError)
  })

  it('reports request errors as the main thread does', async () => {
    await expect(pool.answer({ question: '产值是多少？', park: '无此园区' })).rejects.toMatchObject({ constructor: RequestError, code: 'unknown_park' })
    await expect(pool.answer({ question: '产值是多少？', k: 50 })).rejects.toMatchObject({ constructor: RequestError, code: 'invalid_request' })
  })
})

describe('the HTTP service with WORKERS=2', () => {
  it('answers /ask on workers as the main thread would, keeps /healthz answering while they are busy, and follows a new index version', async () => {
    const corpusDir = await copyCorpus()
    const indexDir = await copySeedIndex()
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', CORPUS_DIR: corpusDir, INDEX_DIR: indexDir, INDEX_POLL_MS: '100', RATE_LIMIT_MAX: '0', WORKERS: '2', LOG_LEVEL: 'info' })
    const { log, logs } = captureLog()
    const service = await startService(config, log)
    const ask = (request: AnswerRequest) =>
      fetch(service.url + '/ask', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) }).then(async (r) => {
        expect(r.status).toBe(200)
        return r.json()
      })
    try {
      await service.ready
      const onWorkers = () => logs.filter((l) => String(l.msg).includes('extractive answers on 2 worker threads')).length
      await expect.poll(onWorkers, { timeout: 60_000 }).toBe(1)

      // Many heavy questions in flight, then /healthz: it is answered while workers still hold some.
      const batch = questions.map((question) => ({ question, k: 20 }))
      let answered = 0
      const asked = batch.map((request) => ask(request).then((body) => (answered++, body)))
      const health = await fetch(service.url + '/healthz')
      const answeredAtHealth = answered
      expect(health.status).toBe(200)
      const bodies = await Promise.all(asked)
      expect(answeredAtHealth).toBeLessThan(batch.length)
      for (const [i, request] of batch.entries()) expect(bodies[i]).toEqual(await local.answer(request))

      // A new version written by an ingest is answered from, on the workers too.
      await fs.writeFile(path.join(corpusDir, '999_new.txt'), '# 张家界高新区云鹭计划\n\n2025年，张家界高新区启动云鹭计划，计划总投资7.77亿元，建设智慧园区数据中心。\n')
      await ingest({ corpusDir, indexDir, config, ef: config.hnswEf, logger: silentLogger })
      await expect.poll(onWorkers, { timeout: 60_000 }).toBe(2)
      expect(((await ask({ question: '张家界高新区云鹭计划计划总投资多少？', k: 3 })) as { answer: string }).answer).toContain('7.77亿元')
    } finally {
      await service.stop()
    }
  })
})
