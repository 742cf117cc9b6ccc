import fs from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listen } from '../../../src/interfaces/http/server.js'
import { startFakeOpenAI, type FakeOpenAI } from '../../fakes/openai-server.js'
import { copySeedIndex, tempDir } from '../../helpers.js'
import { PROCESS_TEST_MS, READY_MS, runCommand, startProcess } from '../process.js'

/** `npm start` as a real process: its log lines, its errors, and SIGTERM with a question in flight. */

let fake: FakeOpenAI

beforeAll(async () => {
  fake = await startFakeOpenAI()
})

afterAll(async () => {
  await fake.close()
})

const MAIN = 'src/interfaces/http/main.ts'
const start = (env: Record<string, string>) => startProcess(MAIN, env)

describe('npm start', { timeout: PROCESS_TEST_MS }, () => {
  it('serves; on SIGTERM stops accepting, lets the question in flight finish, and exits 0', async () => {
    const service = start({ PORT: '0', HOST: '127.0.0.1', INDEX_DIR: await copySeedIndex(), OPENAI_BASE_URL: fake.baseURL, LLM_TIMEOUT_MS: '30000', TELEGRAM_BOT_TOKN: '123:abc' })
    try {
      await expect.poll(() => service.lines.find((l) => String(l.msg).startsWith('serving index version')), { timeout: READY_MS, interval: 200 }).toBeTruthy()
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
      expect(messages).toContain('telegram bot off: TELEGRAM_BOT_TOKEN is not set')
      expect(service.lines.find((l) => String(l.msg).startsWith('TELEGRAM_BOT_TOKN'))).toMatchObject({
        level: 40,
        msg: 'TELEGRAM_BOT_TOKN is not a parkqa setting and is ignored; did you mean TELEGRAM_BOT_TOKEN?',
      })
      const signalled = messages.indexOf('SIGTERM: no new connections or updates; letting work in flight finish')
      expect(signalled).toBeGreaterThanOrEqual(0)
      // The in-flight request's own log line may land just before or after "stopped".
      expect(messages.indexOf('stopped')).toBeGreaterThan(signalled)
      await expect(fetch(url + '/healthz')).rejects.toThrow()
    } finally {
      service.child.kill('SIGKILL')
    }
  })

  it('on SIGTERM with the model too slow for the grace period, answers the question in flight extractively, logs it, and exits 0', async () => {
    const service = start({ PORT: '0', HOST: '127.0.0.1', INDEX_DIR: await copySeedIndex(), OPENAI_BASE_URL: fake.baseURL, LLM_TIMEOUT_MS: '120000', SHUTDOWN_GRACE_MS: '3000' })
    try {
      await expect.poll(() => service.lines.find((l) => String(l.msg).startsWith('serving index version')), { timeout: READY_MS, interval: 200 }).toBeTruthy()
      const url = service.lines.find((l) => typeof l.url === 'string')!.url as string

      fake.behaviour = { kind: 'stall', ms: 600_000 }
      const arrived = fake.nextRequest()
      const inFlight = fetch(url + '/ask', { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'in-flight-at-sigterm' }, body: JSON.stringify({ question: '张家界高新区2020年工业总产值是多少？' }) })
      await arrived
      service.child.kill('SIGTERM')

      const response = await inFlight
      expect(response.status).toBe(200)
      const body = await response.json()
      expect(body).toMatchObject({ mode: 'extractive', found: true })
      expect(body.answer).toContain('23.05亿元')
      expect(await service.exited).toBe(0)
      expect(service.lines.find((l) => l.reqId === 'in-flight-at-sigterm')).toMatchObject({ msg: 'request', path: '/ask', status: 200, completed: true })
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

  it('--help prints the usage and starts nothing; an unknown option is invalid_usage', async () => {
    const help = await runCommand(MAIN, { PORT: 'not even read' }, ['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^Usage: npm start \[-- --help\]\n {7}node dist\/interfaces\/http\/main\.js/)
    const unknown = await runCommand(MAIN, {}, ['--port', '80'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/^error \[invalid_usage\]: Unknown option '--port'/)
  })

  it('a port in use ends it with one line naming PORT', async () => {
    const taken = await listen((_req, res) => void res.end(), 0, '127.0.0.1')
    try {
      const result = await runCommand(MAIN, { PORT: String(taken.port), HOST: '127.0.0.1', INDEX_DIR: await copySeedIndex() })
      expect(result.code).toBe(1)
      expect(result.stderr).toBe(`error [port_in_use]: Port 127.0.0.1:${taken.port} is already in use (another parkqa, or another program): stop it, or set PORT to a free port\n`)
    } finally {
      await taken.close()
    }
  })

  it('reads .env from its working directory', async () => {
    const cwd = await tempDir()
    await fs.writeFile(path.join(cwd, '.env'), 'RATE_LIMIT_MAX=-1\n')
    const result = await runCommand(MAIN, {}, [], { cwd })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('RATE_LIMIT_MAX must be a whole number from 0 to 1000000, got "-1"')
  })
})
