/**
 * Run in a fresh process by the benchmark: how long a new process takes to load an index and
 * give its first answer, and the memory it then holds. Prints one JSON line.
 * Usage: node --import tsx bench/cold-start.ts <indexDir> <question>
 */
const [indexDir, question] = process.argv.slice(2)
if (!indexDir || !question) throw new Error('usage: cold-start.ts <indexDir> <question>')

const booted = performance.now()
const { loadConfig } = await import('../src/config.js')
const { loadIndex } = await import('../src/index/search-index.js')
const { createAnswerer } = await import('../src/answer/answer.js')
const { silentLogger } = await import('../src/log.js')
const imported = performance.now()

const config = loadConfig({ ...process.env, INDEX_DIR: indexDir })
const index = await loadIndex({ indexDir, config, ef: config.hnswEf })
const loaded = performance.now()
const answerer = createAnswerer({ index, logger: silentLogger })
const answer = await answerer.answer({ question })
const answered = performance.now()

process.stdout.write(
  JSON.stringify({
    bootMs: booted,
    importMs: imported - booted,
    loadMs: loaded - imported,
    firstAnswerMs: answered - loaded,
    totalMs: answered,
    found: answer.found,
    rss: process.memoryUsage().rss,
  }) + '\n',
)
