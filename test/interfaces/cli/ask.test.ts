import fs from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { FIXTURES, tempDir } from '../../helpers.js'
import { PROCESS_TEST_MS, runCommand } from '../process.js'

const askCli = (env: Record<string, string>, args: string[]) => runCommand('src/interfaces/cli/ask.ts', env, args)

describe('npm run ask', { timeout: PROCESS_TEST_MS }, () => {
  it('builds a missing index, prints exactly the /ask body with --json, a readable answer without, and typed errors', async () => {
    const env = { INDEX_DIR: path.join(await tempDir(), 'index') }
    const json = await askCli(env, ['--json', '--k', '3', '常德高新区2019年招商签约的项目总投资额有多大？'])
    expect(json.code).toBe(0)
    const body = JSON.parse(json.stdout)
    expect(Object.keys(body)).toEqual(['answer', 'found', 'mode', 'cited', 'citations'])
    expect(body).toMatchObject({ found: true, mode: 'extractive' })
    expect(body.answer).toContain('263亿元')
    expect(body.citations).toHaveLength(3)
    expect(Object.keys(body.citations[0])).toEqual(['n', 'id', 'source', 'title', 'park', 'text', 'score'])
    expect(json.stderr).toContain('no index')

    const readable = await askCli(env, ['--park', '湘西高新区', '湘西高新区2022年GDP有多少？'])
    expect(readable.code).toBe(0)
    expect(readable.stdout).toContain('84.6亿元')
    expect(readable.stdout).toMatch(/Sources:\n\[1\] .*湘西高新区 \(002_426f90f1a3af3905\.txt, score [\d.]+\)/)

    const unknown = await askCli(env, ['--park', '长沙高新区', '工业总产值'])
    expect(unknown.code).toBe(1)
    expect(unknown.stdout).toBe('')
    expect(unknown.stderr).toMatch(/^error \[unknown_park\]: Unknown park "长沙高新区". Known parks: 张家界高新区、/)
    const badK = await askCli(env, ['--k', '50', '工业总产值'])
    expect(badK.stderr).toContain('error [invalid_request]: k: must be a whole number from 1 to 20')
    const none = await askCli(env, ['--json', '  '])
    expect(none.code).toBe(1)
    expect(none.stderr).toMatch(/^error \[missing_question\]: No question given\.\nUsage: npm run ask/)
  })

  it('shows the page of a PDF citation, readable and in --json', async () => {
    const corpusDir = await tempDir('parkqa-ask-pdf-')
    await fs.copyFile(path.join(FIXTURES, 'formats', 'columns.pdf'), path.join(corpusDir, 'columns.pdf'))
    const env = { CORPUS_DIR: corpusDir, INDEX_DIR: path.join(await tempDir(), 'index') }
    const question = '怀化高新区1到10月合同引资额是多少？'
    const readable = await askCli(env, [question])
    expect(readable.code).toBe(0)
    expect(readable.stdout).toContain('83.17亿元')
    expect(readable.stdout).toMatch(/Sources:\n\[1\] .*\(columns\.pdf, p\. 1, score [\d.]+\)/)
    const json = JSON.parse((await askCli(env, ['--json', question])).stdout)
    expect(json.citations[0]).toMatchObject({ source: 'columns.pdf', page: 1 })
  })
})
