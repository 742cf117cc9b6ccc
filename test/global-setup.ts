import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { ingest } from '../src/index/ingest.js'
import { silentLogger } from '../src/log.js'
import { localConfig, SEED_CORPUS, SEED_EF } from './helpers.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Parent of every temporary directory of the run (tempDir()); removed at teardown. */
    tempRoot: string
    /** INDEX_DIR holding the seed corpus's index, built once per run; tests only read it (seedIndex()). */
    seedIndexDir: string
  }
}

/** Ingests the fixture seed corpus into `indexDir`, whatever CORPUS_DIR says: the gate and the answer tests are about these documents only. */
export async function buildSeedIndex(indexDir: string): Promise<void> {
  await ingest({ corpusDir: SEED_CORPUS, indexDir, config: localConfig, ef: SEED_EF, logger: silentLogger })
}

/**
 * Once per `vitest run`, before any test file: builds the seed index, so that the test files
 * that answer questions load one prebuilt index instead of each embedding the corpus again.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const tempRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'parkqa-test-'))
  const removeAll = () => fs.rm(tempRoot, { recursive: true, force: true, maxRetries: 3 })
  try {
    const seedIndexDir = path.join(tempRoot, 'seed-index')
    await buildSeedIndex(seedIndexDir)
    project.provide('tempRoot', tempRoot)
    project.provide('seedIndexDir', seedIndexDir)
  } catch (error) {
    await removeAll()
    throw error
  }
  return removeAll
}
