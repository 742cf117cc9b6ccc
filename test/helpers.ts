import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Config } from '../src/config.js'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const CORPUS_DIR = path.join(ROOT, 'corpus')
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

export async function tempDir(prefix = 'parkqa-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix))
}

/** A private copy of the seed corpus that a test may change. */
export async function copyCorpus(): Promise<string> {
  const dir = await tempDir('parkqa-corpus-')
  await fs.cp(CORPUS_DIR, dir, { recursive: true })
  return dir
}

export async function readFixture(name: string): Promise<string> {
  return fs.readFile(path.join(FIXTURES, name), 'utf8')
}

/** The seed corpus ingested into a fresh temporary index (one per test file that asks). */
export async function seedIndex(): Promise<import('../src/index/search-index.js').SearchIndex> {
  const { ingest } = await import('../src/index/ingest.js')
  const { loadIndex } = await import('../src/index/search-index.js')
  const { silentLogger } = await import('../src/log.js')
  const indexDir = path.join(await tempDir(), 'index')
  await ingest({ corpusDir: CORPUS_DIR, indexDir, config: localConfig, ef: 128, logger: silentLogger })
  return loadIndex({ indexDir, config: localConfig, ef: 128 })
}
