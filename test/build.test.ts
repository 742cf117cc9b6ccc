import fs from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeOpenAI, type FakeOpenAI } from './fakes/openai-server.js'
import { copySeedIndex, ROOT, tempDir } from './helpers.js'
import { PROCESS_TEST_MS, READY_MS, runCommand, startProcess } from './interfaces/process.js'

/**
 * The production entry: `npm run build` (tsc with tsconfig.build.json, then the rule tables) and
 * `node dist/interfaces/http/main.js`, with no tsx. Built into a copy of the repository's layout
 * (dist/ beside package.json and prompts/), so that the repository's own dist/ is left alone.
 */

let fake: FakeOpenAI

beforeAll(async () => {
  fake = await startFakeOpenAI()
})

afterAll(async () => {
  await fake.close()
})

describe('npm run build', { timeout: PROCESS_TEST_MS }, () => {
  it('compiles a server that plain node runs: rule tables and prompts found, SIGTERM handled', async () => {
    const app = await tempDir('parkqa-app-')
    const dist = path.join(app, 'dist')
    const tsc = await runCommand('node_modules/typescript/bin/tsc', {}, ['-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', dist], { compiled: true })
    expect(tsc.stdout + tsc.stderr).toBe('')
    expect(tsc.code).toBe(0)
    const assets = await runCommand('scripts/copy-assets.mjs', {}, [dist], { compiled: true })
    expect(assets.stdout).toMatch(/^build: \d+ rule tables and \d+ web page files copied to /)
    for (const shared of ['package.json', 'prompts', 'node_modules']) await fs.symlink(path.join(ROOT, shared), path.join(app, shared))

    const service = startProcess(path.join(dist, 'interfaces/http/main.js'), { PORT: '0', HOST: '127.0.0.1', INDEX_DIR: await copySeedIndex(), OPENAI_BASE_URL: fake.baseURL }, [], { compiled: true })
    try {
      await expect.poll(() => service.lines.find((l) => String(l.msg).startsWith('serving index version')), { timeout: READY_MS, interval: 200 }).toBeTruthy()
      const url = service.lines.find((l) => typeof l.url === 'string')!.url as string
      fake.behaviour = { kind: 'reply', content: '张家界高新区完成工业总产值23.05亿元 [1]' }
      const response = await fetch(url + '/ask', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: '张家界高新区2020年工业总产值是多少？' }) })
      // mode llm: prompts/answer.md was found from dist/; the answer needed the rule tables.
      expect(await response.json()).toMatchObject({ mode: 'llm', found: true, answer: '张家界高新区完成工业总产值23.05亿元 [1]' })
      // The web page: its html and css copied, its modules compiled, the shared one where the page imports it.
      for (const [file, type] of [['/', /^text\/html/], ['/style.css', /^text\/css/], ['/app.js', /javascript/], ['/answer/quotes.js', /javascript/]] as const) {
        const page = await fetch(url + file)
        expect({ file, status: page.status }).toEqual({ file, status: 200 })
        expect(page.headers.get('content-type')).toMatch(type)
      }
      service.child.kill('SIGTERM')
      expect(await service.exited).toBe(0)
      expect(service.lines.map((l) => l.msg)).toContain('stopped')
    } finally {
      service.child.kill('SIGKILL')
    }
  })
})

describe('package.json scripts', () => {
  it('start and bot exec node: a SIGTERM to npm (a supervisor, docker stop) reaches the server instead of orphaning it', async () => {
    const { scripts } = JSON.parse(await fs.readFile(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    expect(scripts.start).toBe('exec node --import tsx src/interfaces/http/main.ts')
    expect(scripts.bot).toBe('exec node --import tsx src/interfaces/telegram/main.ts')
    expect(scripts['start:prod']).toBe('node dist/interfaces/http/main.js')
  })
})
