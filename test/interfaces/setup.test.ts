import fs from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { readCurrentVersion, versionPath, VERSIONS_DIR, CURRENT_FILE } from '../../src/index/store.js'
import { openServedIndex } from '../../src/interfaces/setup.js'
import { createLogger } from '../../src/log.js'
import { copyCorpus, copySeedIndex, corruptNewerVersion, SEED, testConfig } from '../helpers.js'

/** The index a service starts on when the corpus cannot be ingested: the existing one, or the newest intact one. */

function captured() {
  const lines: string[] = []
  return { lines, logger: createLogger('info', (line) => lines.push(line)) }
}

describe('openServedIndex', () => {
  it('serves the existing index when the disk is full, saying so', async () => {
    const indexDir = await copySeedIndex()
    const served = await readCurrentVersion(indexDir)
    const corpusDir = await copyCorpus()
    await fs.appendFile(path.join(corpusDir, SEED.huaihua), '\n\n怀化高新区新增一家研发中心。\n')
    await fs.symlink('/dev/full', path.join(indexDir, `${CURRENT_FILE}.${process.pid}.tmp`))
    const { lines, logger } = captured()
    const index = await openServedIndex(testConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: indexDir }), logger)
    expect(index.version).toBe(served)
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^warn: the corpus could not be ingested \\(index_unwritable: Cannot write the index in ${indexDir} \\(INDEX_DIR\\): the disk is full`)))
  })

  it('with a corrupt current version and no corpus, falls back to the previous complete version and says why', async () => {
    const indexDir = await copySeedIndex()
    const { good, corrupt } = await corruptNewerVersion(indexDir)
    const { lines, logger } = captured()
    const index = await openServedIndex(testConfig({ CORPUS_DIR: path.join(indexDir, 'no-corpus-here'), INDEX_DIR: indexDir }), logger)
    expect(index.version).toBe(good)
    expect(lines).toContainEqual(
      `warn: index version ${corrupt} cannot be served (Index version ${corrupt} in ${indexDir} is corrupt: vectors.bin does not match its checksum; run \`npm run ingest -- --force\`); serving the previous complete version ${good}`,
    )
    // Nothing written: CURRENT still names the corrupt version until an ingest replaces it.
    expect(await readCurrentVersion(indexDir)).toBe(corrupt)
    expect((await fs.readdir(path.join(indexDir, VERSIONS_DIR))).sort()).toEqual([good, corrupt].sort())
  })

  it('with only a corrupt version and no corpus, fails with the ingest error after logging the corruption', async () => {
    const indexDir = await copySeedIndex()
    const { good } = await corruptNewerVersion(indexDir)
    await fs.rm(versionPath(indexDir, good), { recursive: true })
    const { lines, logger } = captured()
    await expect(openServedIndex(testConfig({ CORPUS_DIR: path.join(indexDir, 'no-corpus-here'), INDEX_DIR: indexDir }), logger)).rejects.toMatchObject({ code: 'corpus_missing' })
    expect(lines).toContainEqual(expect.stringMatching(/^error: no index version can be served: Index version v\S+ in .* is corrupt: vectors\.bin does not match its checksum/))
  })
})
