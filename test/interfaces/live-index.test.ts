import fs from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createAnswerer } from '../../src/answer/answer.js'
import { loadIndex } from '../../src/index/search-index.js'
import { CURRENT_FILE } from '../../src/index/store.js'
import { LiveIndex } from '../../src/interfaces/live-index.js'
import { createLogger, silentLogger } from '../../src/log.js'
import { copySeedIndex, corruptNewerVersion, localConfig } from '../helpers.js'

/** A LiveIndex over a copy of the seed index, logging to `lines`. */
async function liveOverACopy(): Promise<{ indexDir: string; lines: string[]; live: LiveIndex }> {
  const indexDir = await copySeedIndex()
  const lines: string[] = []
  const live = new LiveIndex({
    indexDir,
    logger: createLogger('info', (line) => lines.push(line)),
    mode: 'extractive',
    load: (version) => loadIndex({ indexDir, config: localConfig, ef: 64, version }),
    answererFor: (index) => createAnswerer({ index, logger: silentLogger }),
  })
  return { indexDir, lines, live }
}

describe('LiveIndex', () => {
  it('keeps serving its version when CURRENT names one that cannot be loaded, and says so once', async () => {
    // A copy: the test switches its CURRENT.
    const { indexDir, lines, live } = await liveOverACopy()
    expect(() => live.current()).toThrow(expect.objectContaining({ code: 'not_ready' }))
    expect(await live.refresh()).toBe(true)
    const served = live.current().index.version
    expect(await live.refresh()).toBe(false)

    await fs.writeFile(path.join(indexDir, CURRENT_FILE), 'v-broken\n')
    expect(await Promise.all([live.refresh(), live.refresh()])).toEqual([false, false])
    expect(await live.refresh()).toBe(false)
    expect(live.current().index.version).toBe(served)
    expect(lines.filter((l) => l.includes('v-broken'))).toEqual([expect.stringMatching(/^error: index version v-broken cannot be served .*; still serving v/)])
  })

  it('does not hot-load a version whose bytes changed on disk: the served one stays, and the log says corrupt', async () => {
    const { indexDir, lines, live } = await liveOverACopy()
    expect(await live.refresh()).toBe(true)
    const served = live.current().index.version
    const { corrupt: newer } = await corruptNewerVersion(indexDir)

    expect(await live.refresh()).toBe(false)
    expect(live.current().index.version).toBe(served)
    expect(lines.filter((l) => l.includes(newer))).toEqual([expect.stringMatching(new RegExp(`^error: index version ${newer} cannot be served \\(.*is corrupt: vectors\\.bin does not match its checksum.*\\); still serving ${served}$`))])
  })
})
