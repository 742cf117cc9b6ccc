import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeOpenAI, type FakeOpenAI } from '../../fakes/openai-server.js'
import { CORPUS_DIR, ROOT, tempDir } from '../../helpers.js'

/** `npm start` as a real process: its log lines, its errors, and SIGTERM with a question in flight. */

let fake: FakeOpenAI

beforeAll(async () => {
  fake = await startFakeOpenAI()
})

afterAll(async () => {
  await fake.close()
})

interface Started {
  child: ChildProcess
  lines: Array<Record<string, unknown>>
  stderr: () => string
  exited: Promise<number | null>
}

function start(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/interfaces/http/main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', CORPUS_DIR, ...env },
  })
  const lines: Array<Record<string, unknown>> = []
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8')
    const parts = stdout.split('\n')
    stdout = parts.pop()!
    for (const line of parts) if (line.trim()) lines.push(JSON.parse(line))
  })
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, lines, stderr: () => stderr, exited }
}

describe('npm start', () => {
  it('serves; on SIGTERM stops accepting, lets the question in flight finish, and exits 0', async () => {
    const service = start({ PORT: '0', HOST: '127.0.0.1', INDEX_DIR: path.join(await tempDir(), 'index'), OPENAI_BASE_URL: fake.baseURL, LLM_TIMEOUT_MS: '30000' })
    try {
      await expect.poll(() => service.lines.find((l) => String(l.msg).startsWith('serving index version')), { timeout: 90_000, interval: 200 }).toBeTruthy()
      const url = service.lines.find((l) => typeof l.url === 'string')!.url as string

      fake.behaviour = { kind: 'stall', ms: 2000 }
      const arrived = fake.nextRequest()
      const inFlight = fetch(url + '/ask', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: '张家界高新区2020年工业总产值是多少？' }) })
      await arrived
      service.child.kill('SIGTERM')

      const response = await inFlight
      expect(response.status).toBe(200)
      expect(await response.json()).toMatchObject({ mode: 'llm', found: true, answer: 'too late [1]' })
      expect(await service.exited).toBe(0)
      const messages = service.lines.map((l) => l.msg)
      expect(messages).toContain('SIGTERM: no new connections; letting requests in flight finish')
      expect(messages.at(-1)).toBe('stopped')
      await expect(fetch(url + '/healthz')).rejects.toThrow()
    } finally {
      service.child.kill('SIGKILL')
    }
  })

  it('a bad setting stops it at once with a message naming the variable', async () => {
    const service = start({ PORT: 'eighty', RATE_LIMIT_MAX: '-1' })
    expect(await service.exited).toBe(1)
    expect(service.stderr()).toMatch(/^error \[invalid_config\]: Invalid configuration:\n {2}- PORT must be a whole number/)
    expect(service.stderr()).toContain('RATE_LIMIT_MAX must be a whole number from 0 to 1000000, got "-1"')
    expect(service.stderr()).not.toMatch(/\n\s+at /)
  })
})
