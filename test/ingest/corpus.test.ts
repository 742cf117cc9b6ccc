import fs from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadCorpus } from '../../src/ingest/corpus.js'
import { CorpusError } from '../../src/errors.js'
import { createLogger, silentLogger } from '../../src/log.js'
import { copyCorpus, tempDir } from '../helpers.js'

function recordingLogger() {
  const lines: string[] = []
  return { logger: createLogger('debug', (line) => lines.push(line)), lines }
}

async function expectCorpusError(promise: Promise<unknown>, code: string, mention: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(CorpusError)
  expect((error as CorpusError).code).toBe(code)
  expect((error as CorpusError).message).toContain(mention)
}

describe('loadCorpus', () => {
  it('reads the seed corpus and its metadata', async () => {
    const corpus = await loadCorpus(await copyCorpus(), silentLogger)
    expect(corpus.documents).toHaveLength(5)
    expect(corpus.metadata.parks.map((p) => p.name)).toContain('常德经开区')
    expect(corpus.documents.every((d) => /^[0-9a-f]{64}$/.test(d.contentHash))).toBe(true)
  })

  it('skips unsupported files with a warning that names them, and reads .md and sub-folders', async () => {
    const dir = await copyCorpus()
    await fs.writeFile(path.join(dir, 'photo.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0]))
    await fs.mkdir(path.join(dir, 'more'))
    await fs.writeFile(path.join(dir, 'more', 'note.md'), '# 说明\n\n怀化高新区今年签约项目26个。\n')
    const { logger, lines } = recordingLogger()
    const corpus = await loadCorpus(dir, logger)
    expect(corpus.documents.map((d) => d.source)).toContain('more/note.md')
    expect(corpus.documents.map((d) => d.source)).not.toContain('photo.jpg')
    expect(lines.some((line) => line.includes('photo.jpg'))).toBe(true)
  })

  it('rejects a file that is not UTF-8, naming it', async () => {
    const dir = await copyCorpus()
    await fs.writeFile(path.join(dir, 'gbk.txt'), Buffer.from([0xd5, 0xc5, 0xbc, 0xd2, 0xbd, 0xe7, 0xff, 0xfe]))
    await expectCorpusError(loadCorpus(dir, silentLogger), 'file_not_utf8', 'gbk.txt')
  })

  it('rejects a missing and an empty corpus', async () => {
    await expectCorpusError(loadCorpus('/nonexistent/parkqa-corpus', silentLogger), 'corpus_missing', '/nonexistent/parkqa-corpus')
    const empty = await tempDir()
    await fs.writeFile(path.join(empty, 'blank.txt'), '  \n\n')
    await expectCorpusError(loadCorpus(empty, silentLogger), 'corpus_empty', empty)
  })

  it('rejects an unreadable file, naming it', async () => {
    const dir = await copyCorpus()
    // A dangling symlink cannot be read, even by root.
    await fs.symlink(path.join(dir, 'gone.txt'), path.join(dir, 'broken.txt'))
    await expectCorpusError(loadCorpus(dir, silentLogger), 'file_unreadable', 'broken.txt')
  })

  it('rejects broken metadata with a message that says what is wrong', async () => {
    const dir = await copyCorpus()
    await fs.writeFile(path.join(dir, 'documents.json'), '{"documents": [{"source": "x.txt"}]}')
    await expectCorpusError(loadCorpus(dir, silentLogger), 'metadata_invalid', 'documents.0.title')
    await fs.writeFile(path.join(dir, 'documents.json'), '{not json')
    await expectCorpusError(loadCorpus(dir, silentLogger), 'metadata_invalid', 'not valid JSON')
  })

  it('skips a file whose content duplicates another', async () => {
    const dir = await copyCorpus()
    await fs.copyFile(path.join(dir, '000_ef3de33d80b76fbe.txt'), path.join(dir, 'zz-copy.txt'))
    const { logger, lines } = recordingLogger()
    const corpus = await loadCorpus(dir, logger)
    expect(corpus.documents).toHaveLength(5)
    expect(lines.some((line) => line.includes('zz-copy.txt') && line.includes('000_ef3de33d80b76fbe.txt'))).toBe(true)
  })
})
