import fs from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { copyCorpus, FIXTURES, tempDir } from '../../helpers.js'
import { PROCESS_TEST_MS, runCommand } from '../process.js'

const ingestCli = (env: Record<string, string>, args: string[] = []) => runCommand('src/interfaces/cli/ingest.ts', env, args)

describe('npm run ingest', { timeout: PROCESS_TEST_MS }, () => {
  it('builds the index and ends with a one-line summary; a bad corpus exits 1 and leaves it as it was', async () => {
    const corpusDir = await copyCorpus()
    const indexDir = path.join(await tempDir(), 'index')
    const env = { CORPUS_DIR: corpusDir, INDEX_DIR: indexDir }

    const ok = await ingestCli(env)
    expect(ok.code).toBe(0)
    expect(ok.stdout.trim().split('\n')).toHaveLength(1)
    expect(ok.stdout).toMatch(/^ingest: 5 documents \(5 txt\), \d+ passages → version v\S+, [\d.]+ MB, [\d.]+ s; added 5 .*embedded \d+ passages$/m)
    const again = await ingestCli(env)
    expect(again.stdout).toMatch(/^ingest: up to date — 5 documents \(5 txt\), \d+ passages, version v\S+, [\d.]+ MB; nothing changed/)

    // The counts per format say which loaders read the corpus.
    await fs.copyFile(path.join(FIXTURES, 'formats', 'article.pdf'), path.join(corpusDir, 'article.pdf'))
    const withPdf = await ingestCli(env)
    expect(withPdf.stdout).toMatch(/^ingest: 6 documents \(5 txt, 1 pdf\), \d+ passages → version v\S+, .*added 1 \(article\.pdf\)/m)
    const current = await fs.readFile(path.join(indexDir, 'CURRENT'), 'utf8')

    await fs.writeFile(path.join(corpusDir, '报告.txt'), Buffer.from([0xb3, 0xa3, 0xb5, 0xc2, 0x0a, 0xff]))
    const bad = await ingestCli(env)
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('error [file_not_utf8]: 报告.txt is not valid UTF-8')
    expect(bad.stderr).not.toMatch(/\n\s+at /)
    expect(await fs.readFile(path.join(indexDir, 'CURRENT'), 'utf8')).toBe(current)

    const missing = await ingestCli({ CORPUS_DIR: path.join(corpusDir, 'nope'), INDEX_DIR: indexDir })
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('corpus_missing')
    expect(await fs.readFile(path.join(indexDir, 'CURRENT'), 'utf8')).toBe(current)
  })

  it('rejects bad configuration and unknown options with a message, not a stack', async () => {
    const badEnv = await ingestCli({ EMBEDDINGS: 'word2vec' })
    expect(badEnv.code).toBe(1)
    expect(badEnv.stderr).toContain('EMBEDDINGS must be "local" or "openai"')
    const badFlag = await ingestCli({}, ['--fast'])
    expect(badFlag.code).toBe(1)
    expect(badFlag.stderr).toContain("Unknown option '--fast'")
    expect(badFlag.stderr).not.toMatch(/\n\s+at /)
  })
})
