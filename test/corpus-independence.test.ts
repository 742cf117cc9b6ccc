import fs from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { loadConfig } from '../src/config.js'
import { loadCorpus } from '../src/ingest/corpus.js'
import { loadIndex } from '../src/index/search-index.js'
import { evalCommand } from '../src/interfaces/eval/command.js'
import { markedSection } from '../src/interfaces/eval/report.js'
import { silentLogger } from '../src/log.js'
import { buildSeedIndex } from './global-setup.js'
import { copyCorpus, localConfig, ROOT, SEED_CORPUS, SEED_EF, tempDir } from './helpers.js'
import { commandEnv } from './interfaces/process.js'

/**
 * `npm test` must stay green when users add a document to their documents folder, as the README
 * tells them to: the eval sets, the gate's thresholds and the README's Quality table are about the
 * five seed documents, which the tests keep in evals/corpus/seed. Two halves: no test reads the
 * user’s documents (the sources say where every test's documents come from), and the gate's inputs
 * come from the fixture even when CORPUS_DIR holds a document that would break the gate.
 */

const SELF = 'test/corpus-independence.test.ts'

async function testSources(): Promise<Map<string, string>> {
  const files = (await fs.readdir(path.join(ROOT, 'test'), { recursive: true })).filter((f) => f.endsWith('.ts')).map((f) => path.join('test', f))
  const sources = new Map<string, string>()
  for (const file of [...files, 'vitest.config.ts']) sources.set(file.split(path.sep).join('/'), await fs.readFile(path.join(ROOT, file), 'utf8'))
  return sources
}

/**
 * The user's documents: the folder the configuration reads when CORPUS_DIR is not set. Its name is
 * taken from there, not spelled here, so that this file does not itself look like a test reading it.
 */
const USER_DIR = path.basename(loadConfig({ CORPUS_DIR: '' }, ROOT).corpusDir)

/**
 * Ways a test source can reach the user's documents: the folder joined to ROOT, as a path relative
 * to the working directory (the package root, for vitest and for the commands the tests start), as
 * a relative CORPUS_DIR, or CORPUS_DIR taken from the environment.
 */
const USER_CORPUS = [
  new RegExp(`\\bROOT\\b[^\\n)]*?['"\`](?:\\./)?${USER_DIR}\\b`),
  new RegExp(`\\(\\s*['"\`](?:\\.\\.?/)*${USER_DIR}(?:/[^'"\`]*)?['"\`]`),
  new RegExp(`['"\`](?:\\.\\.?/)+${USER_DIR}\\b`),
  new RegExp(`['"\`]${USER_DIR}/`),
  new RegExp(`CORPUS_DIR['"\`]?\\s*[:=]\\s*['"\`](?:\\./)?${USER_DIR}\\b`),
  /process\.env(?:\.CORPUS_DIR|\[\s*['"`]CORPUS_DIR)/,
]
const readsUserCorpus = (source: string) => source.split('\n').filter((line) => USER_CORPUS.some((pattern) => pattern.test(line)))

/** The argument text of every call of `name(` in `source`. */
function callArguments(source: string, name: string): string[] {
  const calls: string[] = []
  for (let at = source.indexOf(`${name}(`); at >= 0; at = source.indexOf(`${name}(`, at + 1)) {
    let depth = 0
    let end = at + name.length
    do {
      if (source[end] === '(') depth++
      else if (source[end] === ')') depth--
      end++
    } while (depth > 0 && end < source.length)
    calls.push(source.slice(at + name.length + 1, end - 1))
  }
  return calls
}

describe('no test reads the user’s documents folder', () => {
  it('recognises the ways of reaching it (so that the next check can fail)', () => {
    const named = [
      `export const CORPUS_DIR = path.join(ROOT, '${USER_DIR}')`,
      `await fs.readdir(path.join(ROOT, '${USER_DIR}', SEED.xiangxi))`,
      `loadCorpus('${USER_DIR}', silentLogger)`,
      `const dir = path.resolve('./${USER_DIR}')`,
      `fs.readFile('${USER_DIR}/documents.json', 'utf8')`,
      `new URL('../../${USER_DIR}/', import.meta.url)`,
      `runCommand('src/interfaces/cli/ask.ts', { CORPUS_DIR: '${USER_DIR}', INDEX_DIR: indexDir }, args)`,
      'const corpusDir = process.env.CORPUS_DIR ?? SEED_CORPUS',
    ]
    for (const line of named) expect(readsUserCorpus(line), line).toEqual([line])
    const others = [`path.join(ROOT, 'evals/${USER_DIR}/seed')`, `const target = path.join(await tempDir(), '${USER_DIR}')`, 'const corpus = await copyCorpus()']
    for (const line of others) expect(readsUserCorpus(line), line).toEqual([])
  })

  it('no test source names the repository’s documents folder or the environment’s CORPUS_DIR', async () => {
    const found: string[] = []
    for (const [file, source] of await testSources()) {
      // This file spells those ways out above, as examples.
      if (file !== SELF) for (const line of readsUserCorpus(source)) found.push(`${file}: ${line.trim()}`)
    }
    expect(found).toEqual([])
  })

  it('every configuration a test builds names its CORPUS_DIR (the default is the user’s documents folder)', async () => {
    const unnamed: string[] = []
    for (const [file, source] of await testSources()) {
      // config.test.ts checks how values are parsed and reads no documents.
      if (file === 'test/config.test.ts' || file === SELF) continue
      for (const args of callArguments(source, 'loadConfig')) if (!args.includes('CORPUS_DIR')) unnamed.push(`${file}: loadConfig(${args})`)
    }
    expect(unnamed).toEqual([])
  })

  it('processes are started only by test/interfaces/process.ts, and every command it starts is given the fixture corpus', async () => {
    const sources = await testSources()
    const spawning = [...sources].filter(([, source]) => /from ['"](?:node:)?child_process['"]/.test(source)).map(([file]) => file)
    expect(spawning).toEqual(['test/interfaces/process.ts'])
    const processes = sources.get('test/interfaces/process.ts')!
    expect(processes.match(/\b(?:spawn|execFile)\)?\(/g)).toHaveLength(2)
    expect(processes.match(/\benv: commandEnv\(env\)/g)).toHaveLength(2)

    const previous = process.env.CORPUS_DIR
    // A user's documents named by the environment: the command still gets the fixture.
    process.env.CORPUS_DIR = await tempDir()
    try {
      expect(commandEnv({ INDEX_DIR: '/tmp/x' })).toEqual({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', CORPUS_DIR: SEED_CORPUS, INDEX_DIR: '/tmp/x' })
    } finally {
      if (previous === undefined) delete process.env.CORPUS_DIR
      else process.env.CORPUS_DIR = previous
    }
  })
})

/** A document a user might add: it answers d002-14, one of the eval's unanswerable questions. */
const ADDED = { source: 'xiangxi_2021.txt', text: '# 湘西高新区2021年经济运行简报\n\n2021年，湘西高新区实现地区生产总值（GDP）76.3亿元，同比增长9.1%，园区经济稳中有进。\n' }

async function corpusWithAddedDocument(): Promise<string> {
  const corpus = await copyCorpus()
  await fs.writeFile(path.join(corpus, ADDED.source), ADDED.text)
  return corpus
}

describe('the gate’s inputs come from evals/corpus/seed, whatever CORPUS_DIR holds', () => {
  it('the shared seed index holds exactly the fixture’s documents, also when built with CORPUS_DIR naming another corpus', async () => {
    const fixture = (await loadCorpus(SEED_CORPUS, silentLogger)).documents.map((d) => d.source)
    const documentsOf = async (indexDir: string) => (await loadIndex({ indexDir, config: localConfig, ef: SEED_EF })).sources()
    expect(await documentsOf(inject('seedIndexDir'))).toEqual(fixture)

    const previous = process.env.CORPUS_DIR
    process.env.CORPUS_DIR = await corpusWithAddedDocument()
    try {
      const indexDir = path.join(await tempDir(), 'index')
      await buildSeedIndex(indexDir)
      expect(await documentsOf(indexDir)).toEqual(fixture)
    } finally {
      if (previous === undefined) delete process.env.CORPUS_DIR
      else process.env.CORPUS_DIR = previous
    }
  })

  it('npm run quality, with CORPUS_DIR holding the added document, passes the gate and writes the README’s table; over that corpus the gate fails', async () => {
    // package.json's own command line, from the package root as npm runs it.
    expect(process.cwd()).toBe(ROOT)
    // The first command is the seed corpus's; the others measure corpora of their own (evals/corpus/new-*).
    const script: string = JSON.parse(await fs.readFile(path.join(ROOT, 'package.json'), 'utf8')).scripts.quality.split(' && ')[0]
    const [command, args] = script.split(' -- ')
    expect(command).toBe('npm run eval')
    const argv = args!.trim().split(/\s+/)
    const valueOf = (name: string) => argv.indexOf(name) + 1
    const replaced = (name: string, value: string) => argv.map((arg, i) => (i === valueOf(name) ? value : arg))

    const dir = await tempDir()
    const readme = path.join(dir, 'README.md')
    await fs.copyFile(path.join(ROOT, argv[valueOf('--md')]!), readme)
    const added = await corpusWithAddedDocument()
    const env = { CORPUS_DIR: added, INDEX_DIR: path.join(dir, 'index'), LOG_LEVEL: 'warn' }
    const run = async (argv: string[]) => {
      let err = ''
      const code = await evalCommand(argv, { env, out: () => {}, err: (text) => (err += text) })
      return { code, err }
    }

    const quality = await run(replaced('--md', readme))
    expect(quality.err).toBe('')
    expect(quality.code).toBe(0)
    expect(markedSection(await fs.readFile(readme, 'utf8'))).toBe(markedSection(await fs.readFile(path.join(ROOT, 'README.md'), 'utf8')))

    // The control: measured over the corpus with the added document, the same gate fails.
    const failed = await run(replaced('--corpus', added).filter((_, i) => i !== valueOf('--md') - 1 && i !== valueOf('--md')))
    expect(failed.code).toBe(1)
    expect(failed.err).toMatch(/^gate: refusal_accuracy 0\.\d+ is below its minimum/m)
  })
})
