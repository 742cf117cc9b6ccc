import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { Embeddings } from '@langchain/core/embeddings'
import { describe, expect, it } from 'vitest'
import { AppError, EmbeddingError, IndexError } from '../../src/errors.js'
import { chunkDocument, indexedText } from '../../src/ingest/chunk.js'
import { loadCorpus } from '../../src/ingest/corpus.js'
import { ingest, type IngestOptions } from '../../src/index/ingest.js'
import { LocalHashEmbeddings } from '../../src/index/local-embeddings.js'
import { loadIndex } from '../../src/index/search-index.js'
import { acquireIngestLock, CURRENT_FILE, LOCK_FILE, readCurrentVersion, versionPath, VERSIONS_DIR } from '../../src/index/store.js'
import { silentLogger } from '../../src/log.js'
import { copyCorpus, FIXTURES, localConfig, SEED, tempDir } from '../helpers.js'

async function setup(overrides: Partial<IngestOptions> = {}) {
  const corpusDir = await copyCorpus()
  const indexDir = path.join(await tempDir(), 'index')
  const options: IngestOptions = { corpusDir, indexDir, config: localConfig, ef: 64, logger: silentLogger, ...overrides }
  return { corpusDir, indexDir, options, run: (more: Partial<IngestOptions> = {}) => ingest({ ...options, ...more }) }
}

/** Every file of the index directory with a hash of its bytes: equal snapshots mean nothing changed. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const full = path.join(entry.parentPath, entry.name)
    out[path.relative(dir, full)] = createHash('sha256').update(await fs.readFile(full)).digest('hex')
  }
  return out
}

async function versions(indexDir: string): Promise<string[]> {
  return (await fs.readdir(path.join(indexDir, VERSIONS_DIR))).sort()
}

/** Delegates to a real embedder, but fails on a given call or returns vectors of mixed lengths. */
class FaultyEmbeddings extends Embeddings {
  calls = 0
  constructor(
    private readonly inner: Embeddings,
    private readonly failOnCall?: number,
    private readonly dimensions?: number,
  ) {
    super({})
  }
  async embedDocuments(texts: string[]): Promise<number[][]> {
    this.calls++
    if (this.calls === this.failOnCall) throw new Error('embedding service went away')
    const vectors = await this.inner.embedDocuments(texts)
    return this.dimensions ? vectors.map((v, i) => v.slice(0, i % 2 ? this.dimensions : undefined)) : vectors
  }
  embedQuery(text: string): Promise<number[]> {
    return this.inner.embedQuery(text)
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected a failure'),
    (error: unknown) => error,
  )
}

describe('ingest', () => {
  it('writes a version that loads back with real hnswlib and finds what it indexed', async () => {
    const { indexDir, run } = await setup()
    const report = await run()
    expect(report.added).toHaveLength(5)
    expect(report.embedded).toBe(report.chunks)
    expect(await readCurrentVersion(indexDir)).toBe(report.version)

    const index = await loadIndex({ indexDir, config: localConfig, ef: 64 })
    expect(index.passageCount).toBe(report.chunks)
    expect(index.embedder).toEqual({ id: 'local-hashed-tfidf-v1', dimensions: 1024 })
    expect(index.passages()).toHaveLength(report.chunks)
    for (const chunk of [index.passages()[3]!, index.passages()[40]!, index.passages()[80]!]) {
      const [top] = await index.dense(indexedText(chunk), 3)
      expect(top!.passage.id).toBe(chunk.id)
      expect(top!.score).toBeGreaterThan(0.99)
      expect(index.lexical(chunk.text, 1)[0]!.passage.id).toBe(chunk.id)
    }
    const hit = (await index.dense('张家界高新区工业总产值', 5)).find((h) => h.passage.text.includes('完成工业总产值23.05亿元'))
    expect(hit?.passage.park).toBe('张家界高新区')
  })

  it('re-embeds only the chunks of the one document that changed', async () => {
    const corpus = await loadCorpus((await setup()).corpusDir, silentLogger)
    const passages = corpus.documents.flatMap((d) => chunkDocument(d, corpus.metadata)).map(indexedText)
    const embedder = LocalHashEmbeddings.fit(passages)
    const { corpusDir, indexDir, run } = await setup({ embeddings: embedder })
    const first = await run()
    expect(embedder.embeddedCount).toBe(first.chunks)

    const before = (await loadIndex({ indexDir, config: localConfig, ef: 64 })).indexedDocument(SEED.zhangjiajiePark)!
    const file = path.join(corpusDir, SEED.huaihua)
    await fs.appendFile(file, '\n\n怀化高新区新增一家研发中心，研发人员达到120人。\n')
    embedder.embeddedCount = 0
    const second = await run()
    const index = await loadIndex({ indexDir, config: localConfig, ef: 64 })
    // A reused document keeps its vectors (as stored: 32-bit, unit length).
    const after = index.indexedDocument(SEED.zhangjiajiePark)!
    expect(after.passages.map((p) => p.id)).toEqual(before.passages.map((p) => p.id))
    after.sparseVectors().forEach((row, i) => {
      expect(row.indices).toEqual(before.sparseVectors()[i]!.indices)
      row.values.forEach((value, j) => expect(value).toBeCloseTo(before.sparseVectors()[i]!.values[j]!, 6))
    })
    const huaihuaChunks = index.passages().filter((c) => c.source === SEED.huaihua).length
    expect(second.changed).toEqual([SEED.huaihua])
    expect(second.reused).toHaveLength(4)
    expect(embedder.embeddedCount).toBe(huaihuaChunks)
    expect(second.embedded).toBe(huaihuaChunks)
    expect(index.passages().some((c) => c.text.includes('研发人员达到120人'))).toBe(true)
    // Reused vectors still find their passages.
    const zjj = index.passages().find((c) => c.source === SEED.zhangjiajiePark)!
    expect((await index.dense(indexedText(zjj), 1))[0]!.passage.id).toBe(zjj.id)

    await fs.rm(path.join(corpusDir, SEED.xiangxi))
    embedder.embeddedCount = 0
    const third = await run()
    expect(third.removed).toEqual([SEED.xiangxi])
    expect(embedder.embeddedCount).toBe(0)
  })

  it('learns the local embedder afresh and embeds every passage once the corpus has doubled since it learned', async () => {
    const { corpusDir, indexDir, run } = await setup()
    const kept = path.join(await tempDir(), 'kept')
    await fs.mkdir(kept)
    for (const name of [SEED.zhangjiajieCity, SEED.xiangxi, SEED.huaihua, SEED.changde]) await fs.rename(path.join(corpusDir, name), path.join(kept, name))
    const first = await run()
    for (const name of await fs.readdir(kept)) await fs.rename(path.join(kept, name), path.join(corpusDir, name))
    const second = await run()
    expect(second.reused).toEqual([SEED.zhangjiajiePark])
    expect(second.chunks).toBeGreaterThanOrEqual(2 * first.chunks)
    // The document kept is embedded again too: its old vector was weighted by a one-document IDF.
    expect(second.embedded).toBe(second.chunks)
    const index = await loadIndex({ indexDir, config: localConfig, ef: 64 })
    expect((index.embeddings as LocalHashEmbeddings).state.documents).toBe(second.chunks)
  })

  it('writes nothing when no document changed', async () => {
    const { indexDir, run } = await setup()
    const first = await run()
    const before = await snapshot(indexDir)
    const again = await run()
    expect(again).toMatchObject({ upToDate: true, version: first.version, embedded: 0, chunks: first.chunks })
    expect(again.reused).toHaveLength(5)
    expect(await snapshot(indexDir)).toEqual(before)
  })

  it('reuses nothing with --force', async () => {
    const { run } = await setup()
    await run()
    const forced = await run({ force: true })
    expect(forced.reused).toEqual([])
    expect(forced.embedded).toBe(forced.chunks)
  })

  it('leaves CURRENT and the served version untouched when embedding fails midway', async () => {
    const { indexDir, run } = await setup()
    await run()
    const before = await snapshot(indexDir)
    const probe = new FaultyEmbeddings(LocalHashEmbeddings.fit(['园区']), 2)
    const error = await rejection(run({ force: true, embeddings: probe, batchSize: 10 }))
    expect(error).toBeInstanceOf(EmbeddingError)
    expect((error as EmbeddingError).message).toContain('after 10 of')
    expect(await snapshot(indexDir)).toEqual(before)
  })

  it('leaves CURRENT and the served version untouched when building the vector index fails', async () => {
    const { indexDir, run } = await setup()
    await run()
    const before = await snapshot(indexDir)
    // Vectors of two different lengths: hnswlib rejects them after embedding has finished.
    const probe = new FaultyEmbeddings(LocalHashEmbeddings.fit(['园区']), undefined, 512)
    await rejection(run({ force: true, embeddings: probe }))
    expect(await snapshot(indexDir)).toEqual(before)
  })

  it('removes a half-written version when writing it fails, leaving CURRENT as it was', async () => {
    const { indexDir, run } = await setup()
    const first = await run()
    const before = await snapshot(indexDir)
    // The embedder's state is saved after the HNSW files: failing there leaves a partial directory
    // behind unless ingest cleans it up (as a full disk would).
    const embedder = LocalHashEmbeddings.fit(['园区'])
    Object.defineProperty(embedder, 'state', {
      get() {
        throw new Error('ENOSPC: no space left on device')
      },
    })
    const error = await rejection(run({ force: true, embeddings: embedder }))
    expect((error as Error).message).toContain('ENOSPC')
    expect(await snapshot(indexDir)).toEqual(before)
    expect(await versions(indexDir)).toEqual([first.version])
  })

  it('leaves the index untouched when the corpus is bad', async () => {
    const { corpusDir, indexDir, run } = await setup()
    await run()
    const before = await snapshot(indexDir)
    await fs.writeFile(path.join(corpusDir, 'latin1.txt'), Buffer.from('caf\xe9 \xe0 la cr\xe8me', 'latin1'))
    const error = await rejection(run())
    expect((error as AppError).code).toBe('file_not_utf8')
    expect(await snapshot(indexDir)).toEqual(before)
  })

  it('ignores and later prunes a version directory that a crashed ingest left half-written', async () => {
    const { indexDir, run } = await setup()
    const first = await run()
    const crashed = versionPath(indexDir, 'v99999999T999999999Z-crashed')
    await fs.mkdir(crashed)
    await fs.writeFile(path.join(crashed, 'hnswlib.index'), 'partial')
    expect((await loadIndex({ indexDir, config: localConfig, ef: 64 })).version).toBe(first.version)
    const second = await run({ force: true })
    expect(await versions(indexDir)).toEqual([first.version, second.version].sort())
  })

  it('keeps two versions and switches CURRENT atomically', async () => {
    const { indexDir, run } = await setup()
    const reports = [await run(), await run({ force: true }), await run({ force: true })]
    expect(await versions(indexDir)).toEqual([reports[1]!.version, reports[2]!.version])
    expect((await fs.readFile(path.join(indexDir, CURRENT_FILE), 'utf8')).trim()).toBe(reports[2]!.version)
    expect((await fs.readdir(indexDir)).filter((name) => name.endsWith('.tmp'))).toEqual([])
    // An older version stays loadable, for readers that opened it before the switch.
    expect((await loadIndex({ indexDir, config: localConfig, ef: 64, version: reports[1]!.version })).passageCount).toBe(reports[1]!.chunks)
  })

  it('refuses to run while another live ingest holds the lock, and takes over a stale one', async () => {
    const { indexDir, run } = await setup()
    const release = await acquireIngestLock(indexDir)
    const error = await rejection(run())
    expect(error).toBeInstanceOf(IndexError)
    expect((error as IndexError).code).toBe('index_locked')
    expect(await readCurrentVersion(indexDir)).toBeUndefined()
    await release()

    await fs.writeFile(path.join(indexDir, LOCK_FILE), JSON.stringify({ pid: 2 ** 22 + 12345, since: 'long ago' }))
    await run()
    await expect(fs.access(path.join(indexDir, LOCK_FILE))).rejects.toThrow()
  })

  it('a full disk while switching CURRENT is a typed error naming INDEX_DIR; CURRENT, the versions and no pointer are left behind', async () => {
    const { corpusDir, indexDir, run } = await setup()
    const first = await run()
    await fs.appendFile(path.join(corpusDir, SEED.huaihua), '\n\n怀化高新区新增一家研发中心。\n')
    // The kernel's own ENOSPC: every write to /dev/full fails with it.
    await fs.symlink('/dev/full', path.join(indexDir, `${CURRENT_FILE}.${process.pid}.tmp`))
    const error = await rejection(run())
    expect(error).toBeInstanceOf(IndexError)
    expect(error).toMatchObject({ code: 'index_unwritable' })
    expect((error as IndexError).message).toBe(
      `Cannot write the index in ${indexDir} (INDEX_DIR): the disk is full (ENOSPC). Free some space or point INDEX_DIR at a writable directory; the index already there is unchanged`,
    )
    expect(await readCurrentVersion(indexDir)).toBe(first.version)
    expect(await versions(indexDir)).toEqual([first.version])
    expect((await fs.readdir(indexDir)).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })

  it('writes a sha256 of every version file into the manifest, and refuses a version whose bytes changed', async () => {
    const { indexDir, run } = await setup()
    const { version } = await run()
    const dir = versionPath(indexDir, version)
    const manifest = JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8'))
    const files = (await fs.readdir(dir)).filter((name) => name !== 'manifest.json').sort()
    expect(Object.keys(manifest.files).sort()).toEqual(files)
    for (const name of files) expect(manifest.files[name]).toBe(createHash('sha256').update(await fs.readFile(path.join(dir, name))).digest('hex'))

    // Random bytes in the middle of the vectors: they would load without a word and serve wrong neighbours.
    const vectors = path.join(dir, 'vectors.bin')
    const bytes = await fs.readFile(vectors)
    bytes.set(randomBytes(64), Math.floor(bytes.length / 2))
    await fs.writeFile(vectors, bytes)
    const error = await rejection(loadIndex({ indexDir, config: localConfig, ef: 64 }))
    expect(error).toMatchObject({ code: 'index_corrupt' })
    expect((error as IndexError).message).toContain(`Index version ${version} in ${indexDir} is corrupt: vectors.bin does not match its checksum`)
  })

  it('refuses a version whose args.json names another dimension', async () => {
    const { indexDir, run } = await setup()
    const { version } = await run()
    const args = path.join(versionPath(indexDir, version), 'args.json')
    await fs.writeFile(args, JSON.stringify({ ...JSON.parse(await fs.readFile(args, 'utf8')), numDimensions: 512 }))
    const error = await rejection(loadIndex({ indexDir, config: localConfig, ef: 64 }))
    expect((error as IndexError).message).toMatch(/is corrupt: args\.json does not match its checksum/)
  })

  it('a corrupt current version is rebuilt from the corpus and then pruned, not kept as the previous one', async () => {
    const { corpusDir, indexDir, run } = await setup()
    const first = await run()
    await fs.appendFile(path.join(corpusDir, SEED.huaihua), '\n\n怀化高新区新增一家研发中心。\n')
    const second = await run()
    const vectors = path.join(versionPath(indexDir, second.version), 'vectors.bin')
    const bytes = await fs.readFile(vectors)
    bytes.fill(0x33, 100, 164)
    await fs.writeFile(vectors, bytes)
    const third = await run()
    expect(third.reused).toEqual([])
    expect(await versions(indexDir)).toEqual([first.version, third.version])
  })

  it('prunes on every ingest, an up-to-date one too: killed versions and stray pointers go, the current and previous complete versions stay', async () => {
    const { indexDir, run } = await setup()
    const first = await run()
    const second = await run({ force: true })
    const killed = versionPath(indexDir, 'v99999999T999999999Z-killed')
    await fs.mkdir(killed)
    await fs.writeFile(path.join(killed, 'hnswlib.index'), 'partial')
    await fs.writeFile(path.join(indexDir, `${CURRENT_FILE}.4242.tmp`), '')
    const again = await run()
    expect(again.upToDate).toBe(true)
    expect(await versions(indexDir)).toEqual([first.version, second.version].sort())
    expect((await fs.readdir(indexDir)).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })

  it('refuses to load an index built by another embedder, saying to re-ingest', async () => {
    const { indexDir, run } = await setup()
    await run()
    const error = await rejection(loadIndex({ indexDir, config: { ...localConfig, embeddings: 'openai' }, ef: 64 }))
    expect((error as IndexError).code).toBe('index_embedder_mismatch')
    expect((error as IndexError).message).toMatch(/local-hashed-tfidf-v1.*openai:text-embedding-3-small.*ingest -- --force/)
  })

  it('says there is no index yet, and how to build one', async () => {
    const error = await rejection(loadIndex({ indexDir: await tempDir(), config: localConfig, ef: 64 }))
    expect((error as IndexError).code).toBe('index_missing')
    expect((error as IndexError).message).toContain('npm run ingest')
  })
})

describe('ingest of PDF, Word and web files', () => {
  const FORMATS_DIR = path.join(FIXTURES, 'formats')

  it('indexes a PDF beside the .txt files, every passage of it with the page it starts on', async () => {
    const { corpusDir, indexDir, run } = await setup()
    await fs.copyFile(path.join(FORMATS_DIR, 'article.pdf'), path.join(corpusDir, 'zjj-2020.pdf'))
    const report = await run()
    expect(report.added).toContain('zjj-2020.pdf')
    const index = await loadIndex({ indexDir, config: localConfig, ef: 64 })
    const passages = index.indexedDocument('zjj-2020.pdf')!.passages
    expect(passages.length).toBeGreaterThan(3)
    // Four pages, each the start of some passage.
    expect(new Set(passages.map((p) => p.page))).toEqual(new Set([1, 2, 3, 4]))
    // An early figure is on page 1, one of the second part of the article on page 2.
    expect(passages.find((p) => p.text.includes('5.55亿元'))!.page).toBe(1)
    expect(passages.find((p) => p.text.includes('9530.07万美元'))!.page).toBe(2)
    expect(passages.at(-1)!.page).toBe(4)
    // Text files have no pages.
    expect(index.indexedDocument(SEED.huaihua)!.passages.every((p) => p.page === undefined)).toBe(true)
  })

  it.each([
    ['encrypted.pdf', 'file_encrypted'],
    ['scanned.pdf', 'file_no_text'],
    ['truncated.pdf', 'file_corrupt'],
  ])('leaves the served index as it was when the corpus gains %s (%s)', async (fixture, code) => {
    const { corpusDir, indexDir, run } = await setup()
    await run()
    const before = await snapshot(indexDir)
    await fs.copyFile(path.join(FORMATS_DIR, fixture), path.join(corpusDir, `new-${fixture}`))
    const error = await rejection(run())
    expect((error as AppError).code).toBe(code)
    expect((error as AppError).message).toContain(`new-${fixture}`)
    expect(await snapshot(indexDir)).toEqual(before)
  })

  it('leaves the served index as it was for an empty .docx and for a file over the size limit', async () => {
    const { corpusDir, indexDir, run } = await setup()
    await run()
    const before = await snapshot(indexDir)
    await fs.writeFile(path.join(corpusDir, 'empty.docx'), '')
    expect(((await rejection(run())) as AppError).code).toBe('file_empty')
    await fs.rm(path.join(corpusDir, 'empty.docx'))
    await fs.copyFile(path.join(FORMATS_DIR, 'article.html'), path.join(corpusDir, 'page.html'))
    const error = (await rejection(run({ maxFileBytes: 1024 }))) as AppError
    expect(error.code).toBe('file_too_large')
    expect(error.message).toContain('MAX_FILE_MB')
    expect(await snapshot(indexDir)).toEqual(before)
  })
})
