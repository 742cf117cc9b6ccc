import fs from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { inject } from 'vitest'
import { loadConfig, type Config } from '../src/config.js'
import type { SearchIndex } from '../src/index/search-index.js'
import { CURRENT_FILE, readCurrentVersion, versionPath } from '../src/index/store.js'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
/**
 * The tests' own copy of the seed corpus, the documents evals/*.jsonl are about. Never corpus/:
 * users add their documents there, and a test that read it would fail when they do.
 */
export const SEED_CORPUS = path.join(ROOT, 'evals/corpus/seed')
export const FIXTURES = path.join(ROOT, 'test', 'fixtures')

export const SEED = {
  zhangjiajiePark: '000_ef3de33d80b76fbe.txt',
  zhangjiajieCity: '001_836442671836972f.txt',
  xiangxi: '002_426f90f1a3af3905.txt',
  huaihua: '003_ea4dd7bec784dae9.txt',
  changde: '004_5f0466c205263669.txt',
} as const

export const localConfig: Pick<Config, 'embeddings' | 'embeddingModel' | 'openai'> = {
  embeddings: 'local',
  embeddingModel: 'text-embedding-3-small',
  openai: {},
}

/** HNSW search breadth of the shared seed index (HNSW_EF's default). */
export const SEED_EF = 128

/** A configuration from `env` alone, its corpus the fixture: nothing a test configures reads corpus/. */
export function testConfig(env: Record<string, string>): Config {
  return loadConfig({ CORPUS_DIR: SEED_CORPUS, ...env })
}

/** A fresh directory under the run's temporary root, which test/global-setup.ts removes at the end. */
export async function tempDir(prefix = 'parkqa-'): Promise<string> {
  return fs.mkdtemp(path.join(inject('tempRoot'), prefix))
}

/** A private copy of the seed corpus that a test may change. */
export async function copyCorpus(): Promise<string> {
  const dir = await tempDir('parkqa-corpus-')
  await fs.cp(SEED_CORPUS, dir, { recursive: true })
  return dir
}

export async function readFixture(name: string): Promise<string> {
  return fs.readFile(path.join(FIXTURES, name), 'utf8')
}

/**
 * The seed corpus's index, built once per run by test/global-setup.ts and shared by every test
 * file: loading it costs a fraction of an ingest. Read-only: a test that writes to an index (an
 * ingest, a new CURRENT) takes copySeedIndex() instead.
 */
export async function seedIndex(): Promise<SearchIndex> {
  // Imported here, not above: test files that never load an index skip hnswlib and LangChain.
  const { loadIndex } = await import('../src/index/search-index.js')
  return loadIndex({ indexDir: inject('seedIndexDir'), config: localConfig, ef: SEED_EF })
}

/**
 * A private copy of the prebuilt seed index as an INDEX_DIR, for what writes to its index: an
 * ingest (even one that finds nothing to do takes the lock file) or a test that switches CURRENT.
 */
export async function copySeedIndex(): Promise<string> {
  const indexDir = path.join(await tempDir('parkqa-index-'), 'index')
  await fs.cp(inject('seedIndexDir'), indexDir, { recursive: true })
  return indexDir
}

/** A second complete version beside the seed one, made current, with random bytes in its vectors. */
export async function corruptNewerVersion(indexDir: string): Promise<{ good: string; corrupt: string }> {
  const good = (await readCurrentVersion(indexDir))!
  const corrupt = 'v99999999T999999999Z-corrupt'
  await fs.cp(versionPath(indexDir, good), versionPath(indexDir, corrupt), { recursive: true })
  const vectors = path.join(versionPath(indexDir, corrupt), 'vectors.bin')
  const bytes = await fs.readFile(vectors)
  bytes.fill(0x5a, Math.floor(bytes.length / 2), Math.floor(bytes.length / 2) + 64)
  await fs.writeFile(vectors, bytes)
  await fs.writeFile(path.join(indexDir, CURRENT_FILE), corrupt + '\n')
  return { good, corrupt }
}
