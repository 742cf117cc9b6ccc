import fs from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig, type Config } from '../../../src/config.js'
import { ingest } from '../../../src/index/ingest.js'
import { startService } from '../../../src/interfaces/http/service.js'
import { silentLogger } from '../../../src/log.js'
import { startFakeOpenAI, type FakeOpenAI } from '../../fakes/openai-server.js'
import { copyCorpus, tempDir } from '../../helpers.js'
import { captureLog } from './client.js'

/**
 * The whole service in-process: it builds a missing index, follows new versions written by an
 * ingest while it runs (questions in flight finish on the version they began with), and brings a
 * stale index up to date with the corpus when it starts.
 */

let fake: FakeOpenAI
let corpusDir: string
let config: Config
const NEW_DOC = '999_cloud_egret.txt'
const docText = (amount: string) => `# 张家界高新区云鹭计划\n\n2025年，张家界高新区启动云鹭计划，计划总投资${amount}亿元，建设智慧园区数据中心。\n`
const QUESTION = '张家界高新区云鹭计划计划总投资多少？'

beforeAll(async () => {
  fake = await startFakeOpenAI()
  corpusDir = await copyCorpus()
  const indexDir = path.join(await tempDir(), 'index')
  config = loadConfig({ PORT: '0', HOST: '127.0.0.1', CORPUS_DIR: corpusDir, INDEX_DIR: indexDir, INDEX_POLL_MS: '100', OPENAI_BASE_URL: fake.baseURL, LLM_TIMEOUT_MS: '30000' })
})

afterAll(async () => {
  await fake.close()
})

async function health(url: string) {
  return (await fetch(url + '/healthz')).json() as Promise<{ status: string; documents: number; indexVersion: string | null; mode: string }>
}

async function ask(url: string) {
  const response = await fetch(url + '/ask', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: QUESTION, k: 3 }) })
  expect(response.status).toBe(200)
  return response.json() as Promise<{ mode: string; citations: Array<{ text: string; source: string }> }>
}

const ingestNow = () => ingest({ corpusDir, indexDir: config.indexDir, config, ef: config.hnswEf, logger: silentLogger })

describe('the HTTP service', () => {
  it('builds a missing index, then picks up new versions without a restart; questions in flight finish on theirs', async () => {
    const { log, logs } = captureLog()
    const service = await startService(config, log)
    try {
      await service.ready
      const first = await health(service.url)
      expect(first).toMatchObject({ status: 'ok', documents: 5, mode: 'llm' })
      expect(logs.some((l) => String(l.msg).startsWith('listening on http://127.0.0.1:'))).toBe(true)

      await fs.writeFile(path.join(corpusDir, NEW_DOC), docText('7.77'))
      await ingestNow()
      await expect.poll(() => health(service.url).then((h) => h.documents), { timeout: 20_000 }).toBe(6)
      const added = await ask(service.url)
      expect(added.citations[0]).toMatchObject({ source: NEW_DOC })
      expect(added.citations[0]!.text).toContain('7.77亿元')

      // A question waits on the model while a new version (with another figure) is written and served.
      fake.behaviour = { kind: 'stall', ms: 3000 }
      const arrived = fake.nextRequest()
      const inFlight = ask(service.url)
      await arrived
      const before = (await health(service.url)).indexVersion
      await fs.writeFile(path.join(corpusDir, NEW_DOC), docText('9.99'))
      await ingestNow()
      await expect.poll(() => health(service.url).then((h) => h.indexVersion), { timeout: 20_000 }).not.toBe(before)
      fake.behaviour = { kind: 'reply', content: '计划总投资[1]' }
      const late = await inFlight
      expect(late.mode).toBe('llm')
      expect(late.citations[0]!.text).toContain('7.77亿元')
      const fresh = await ask(service.url)
      expect(fresh.citations[0]!.text).toContain('9.99亿元')
    } finally {
      await service.stop()
    }
  })

  it('brings an index older than the corpus up to date when it starts', async () => {
    await fs.rm(path.join(corpusDir, NEW_DOC))
    const { log } = captureLog()
    const service = await startService(config, log)
    try {
      await service.ready
      expect(await health(service.url)).toMatchObject({ status: 'ok', documents: 5 })
    } finally {
      await service.stop()
    }
  })
})
