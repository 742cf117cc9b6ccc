import { execFile } from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs, promisify } from 'node:util'
import { loadConfig } from '../src/config.js'
import { ConfigError } from '../src/errors.js'
import { ingest } from '../src/index/ingest.js'
import { loadIndex } from '../src/index/search-index.js'
import { silentLogger } from '../src/log.js'
import { runCli } from '../src/interfaces/cli/run.js'
import { writeMarkdown } from '../src/interfaces/eval/report.js'
import { loadDataset } from '../src/interfaces/eval/run.js'
import { evidenceOf } from '../src/interfaces/eval/dataset.js'
import { benchHttp } from './http.js'
import { benchIngest, benchPdfIngest, copiesFor, replicateCorpus } from './ingest.js'
import { benchLatency } from './latency.js'
import { describeMachine } from './machine.js'
import { checkTargets, renderMarkdown, type BenchResults, type ColdStart } from './report.js'
import { benchScale } from './scale.js'
import { MB, round } from './stats.js'

const ROOT = path.resolve(import.meta.dirname, '..')
const SECTIONS = ['ingest', 'cold', 'latency', 'http', 'scale'] as const
type Section = (typeof SECTIONS)[number]

const USAGE = `Usage: npm run bench -- [--scale N] [--seconds S] [--only ${SECTIONS.join(',')}] [--out FILE] [--md FILE]
  --scale N     synthetic passages for the scale test (default 100000)
  --seconds S   autocannon run per endpoint (default 10)
  --only LIST   run only these sections
  --out FILE    results as JSON (default bench/results.json)
  --md FILE     also write the Markdown table; between <!-- bench:begin --> and <!-- bench:end -->
                when FILE holds them (npm run bench -- --md docs/BENCHMARKS.md)`

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      scale: { type: 'string', default: '100000' },
      seconds: { type: 'string', default: '10' },
      only: { type: 'string', default: SECTIONS.join(',') },
      out: { type: 'string', default: path.join(ROOT, 'bench/results.json') },
      md: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  const scale = Number(values.scale)
  const seconds = Number(values.seconds)
  if (!Number.isInteger(scale) || scale < 1000) throw new ConfigError(`--scale must be a whole number ≥ 1000\n${USAGE}`)
  if (!Number.isFinite(seconds) || seconds < 1) throw new ConfigError(`--seconds must be ≥ 1\n${USAGE}`)
  const only = values.only.split(',').map((s) => s.trim())
  for (const s of only) if (!SECTIONS.includes(s as Section)) throw new ConfigError(`--only: unknown section "${s}" (${SECTIONS.join(', ')})`)
  return { help: values.help, scale, seconds, only: new Set(only as Section[]), out: values.out, md: values.md }
}

const run = promisify(execFile)

async function coldStart(indexDir: string, question: string, env: NodeJS.ProcessEnv): Promise<ColdStart> {
  const runs: ColdStart[] = []
  for (let i = 0; i < 3; i++) {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/cold-start.ts'), indexDir, question], { cwd: ROOT, env })
    const r = JSON.parse(stdout) as Omit<ColdStart, 'rssMb'> & { rss: number }
    runs.push({ bootMs: r.bootMs, importMs: r.importMs, loadMs: r.loadMs, firstAnswerMs: r.firstAnswerMs, rssMb: r.rss / MB })
  }
  const median = (key: keyof ColdStart) => round(runs.map((r) => r[key]).sort((a, b) => a - b)[1]!, 1)
  return { bootMs: median('bootMs'), importMs: median('importMs'), loadMs: median('loadMs'), firstAnswerMs: median('firstAnswerMs'), rssMb: median('rssMb') }
}

runCli(async () => {
  const o = options(process.argv.slice(2))
  if (o.help) {
    process.stdout.write(USAGE + '\n')
    return
  }
  const started = performance.now()
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`)
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'parkqa-bench-'))
  try {
    // Extractive answers and the local embedder, whatever the caller's environment says.
    const env: NodeJS.ProcessEnv = { ...process.env, EMBEDDINGS: 'local', RATE_LIMIT_MAX: '0', LOG_LEVEL: 'warn' }
    for (const key of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'TELEGRAM_BOT_TOKEN']) delete env[key]
    const config = loadConfig(env, ROOT)
    const seedIndex = path.join(work, 'seed-index')
    await ingest({ corpusDir: config.corpusDir, indexDir: seedIndex, config, ef: config.hnswEf, logger: silentLogger })
    const evalItems = (await loadDataset(path.join(ROOT, 'evals'))).items.map(({ item }) => ({ question: item.question, evidence: evidenceOf(item) }))
    const questions = evalItems.map((item) => item.question)
    const results: Omit<BenchResults, 'targets' | 'seconds'> = { startedAt: new Date().toISOString(), machine: describeMachine() }
    log(`machine: ${JSON.stringify(results.machine)}`)

    if (o.only.has('ingest')) {
      const corpus = path.join(work, 'corpus-5mb')
      const copies = await copiesFor(config.corpusDir, 5 * MB)
      await replicateCorpus(config.corpusDir, corpus, copies)
      results.ingest = await benchIngest(corpus, path.join(work, 'index-5mb'), config)
      log(`ingest: ${JSON.stringify(results.ingest)}`)
      results.pdfIngest = await benchPdfIngest(path.join(ROOT, 'test', 'fixtures', 'formats'), 2 * MB)
      log(`pdf ingest: ${JSON.stringify(results.pdfIngest)}`)
    }
    if (o.only.has('cold')) {
      results.coldStart = await coldStart(seedIndex, questions[0]!, { ...env, CORPUS_DIR: config.corpusDir })
      log(`cold start: ${JSON.stringify(results.coldStart)}`)
    }
    const index = await loadIndex({ indexDir: seedIndex, config, ef: config.hnswEf })
    if (o.only.has('latency')) {
      const names = (await fs.readdir(config.corpusDir)).filter((f) => f.endsWith('.txt')).sort()
      const corpusText = (await Promise.all(names.map((f) => fs.readFile(path.join(config.corpusDir, f), 'utf8')))).join('\n')
      results.latency = await benchLatency(index, questions, corpusText)
      log(`latency: ${JSON.stringify(results.latency)}`)
    }
    if (o.only.has('http')) {
      results.http = await benchHttp(ROOT, { ...env, CORPUS_DIR: config.corpusDir, INDEX_DIR: seedIndex }, questions, o.seconds)
      log(`http: ${JSON.stringify(results.http)}`)
    }
    if (o.only.has('scale')) results.scale = await benchScale(index, evalItems, o.scale, config.hnswEf, work, { root: ROOT, env }, log)

    const finished: BenchResults = { ...results, seconds: round((performance.now() - started) / 1000, 1), targets: checkTargets(results) }
    await fs.mkdir(path.dirname(o.out), { recursive: true })
    await fs.writeFile(o.out, JSON.stringify(finished, null, 2) + '\n')
    const markdown = renderMarkdown(finished)
    process.stdout.write(markdown + '\n')
    if (o.md) await writeMarkdown(o.md, markdown, 'bench')
    log(`results in ${path.relative(process.cwd(), o.out)}`)
  } finally {
    await fs.rm(work, { recursive: true, force: true })
  }
})
