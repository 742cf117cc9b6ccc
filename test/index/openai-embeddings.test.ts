import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Config } from '../../src/config.js'
import { EmbeddingError } from '../../src/errors.js'
import { ingest } from '../../src/index/ingest.js'
import { LocalHashEmbeddings } from '../../src/index/local-embeddings.js'
import { loadIndex } from '../../src/index/search-index.js'
import { silentLogger } from '../../src/log.js'
import { copyCorpus, tempDir } from '../helpers.js'

/** A fake OpenAI-compatible embeddings server on 127.0.0.1: deterministic 64-d vectors. */
const vectors = new LocalHashEmbeddings({ id: 'local-hashed-tfidf-v1', dimensions: 64, documents: 1, df: {} })
const seen = { requests: 0, inputs: 0, authorization: '' as string | undefined, failing: false }
let server: http.Server
let baseURL: string

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      seen.requests++
      seen.authorization = req.headers.authorization
      if (req.url !== '/v1/embeddings' || seen.failing) {
        res.writeHead(seen.failing ? 500 : 404, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ error: { message: 'upstream exploded', type: 'server_error' } }))
        return
      }
      const { input, model } = JSON.parse(body) as { input: string | string[]; model: string }
      const inputs = Array.isArray(input) ? input : [input]
      seen.inputs += inputs.length
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          object: 'list',
          model,
          data: inputs.map((text, index) => ({ object: 'embedding', index, embedding: vectors.embed(text) })),
          usage: { prompt_tokens: 1, total_tokens: 1 },
        }),
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`
})

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

function openaiConfig(): Pick<Config, 'embeddings' | 'embeddingModel' | 'openai' | 'embeddingsBaseURL'> {
  // The chat server's URL is not where embeddings go: they have their own.
  return { embeddings: 'openai', embeddingModel: 'fake-embed', openai: { apiKey: 'sk-test-secret', baseURL: 'http://127.0.0.1:9/v1' }, embeddingsBaseURL: baseURL }
}

describe('EMBEDDINGS=openai', () => {
  it('embeds through EMBEDDINGS_BASE_URL and pays for unchanged documents only once', async () => {
    const corpusDir = await copyCorpus()
    const indexDir = path.join(await tempDir(), 'index')
    const options = { corpusDir, indexDir, config: openaiConfig(), ef: 64, logger: silentLogger }
    seen.requests = 0
    seen.inputs = 0
    const first = await ingest(options)
    expect(seen.inputs).toBe(first.chunks)
    expect(seen.authorization).toBe('Bearer sk-test-secret')

    seen.requests = 0
    const second = await ingest(options)
    expect(second.reused).toHaveLength(5)
    expect(seen.requests).toBe(0)

    const index = await loadIndex({ indexDir, config: openaiConfig(), ef: 64 })
    expect(index.embedder).toEqual({ id: 'openai:fake-embed', dimensions: 64 })
    const hits = await index.dense('常德经开区今年上半年共引进项目47个', 5)
    expect(hits).toHaveLength(5)
    expect(seen.requests).toBe(1)
  })

  it('fails with a typed error that carries no key when the server fails', async () => {
    const indexDir = path.join(await tempDir(), 'index')
    seen.failing = true
    try {
      const error = await ingest({ corpusDir: await copyCorpus(), indexDir, config: openaiConfig(), ef: 64, logger: silentLogger }).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(EmbeddingError)
      expect((error as Error).message).not.toContain('sk-test-secret')
    } finally {
      seen.failing = false
    }
  })
})
