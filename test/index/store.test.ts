import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { acquireIngestLock, FOREIGN_LOCK_LEASE_MS, LOCK_FILE, processStartTime } from '../../src/index/store.js'
import { tempDir } from '../helpers.js'

/** The ingest lock: who holds it, and when a lock left behind is stale. */

async function lockedWith(holder: Record<string, unknown>): Promise<string> {
  const indexDir = await tempDir()
  await fs.writeFile(path.join(indexDir, LOCK_FILE), JSON.stringify(holder))
  return indexDir
}

async function outcome(indexDir: string): Promise<string> {
  try {
    const release = await acquireIngestLock(indexDir)
    await release()
    return 'taken'
  } catch (error) {
    return (error as { code?: string }).code ?? String(error)
  }
}

const host = os.hostname()
const hasProc = processStartTime(process.pid) !== undefined

describe('ingest lock', () => {
  it('is held by its holder until released: a second acquire is index_locked, then it is free again', async () => {
    const indexDir = await tempDir()
    const release = await acquireIngestLock(indexDir)
    expect(await outcome(indexDir)).toBe('index_locked')
    await release()
    expect(await outcome(indexDir)).toBe('taken')
  })

  it('a lock naming this very process (its PID reused, as in a restarted container) is stale and taken over', async () => {
    expect(await outcome(await lockedWith({ pid: process.pid, token: 'from-before-the-restart', started: processStartTime(process.pid), host, since: 'yesterday' }))).toBe('taken')
    // The format before tokens: the PID alone.
    expect(await outcome(await lockedWith({ pid: process.pid, since: 'yesterday' }))).toBe('taken')
  })

  it.runIf(hasProc)('a lock whose PID now belongs to a process started at another time is stale; the same process still holds it', async () => {
    const other = process.ppid
    expect(await outcome(await lockedWith({ pid: other, token: 't', started: '1', host, since: 'yesterday' }))).toBe('taken')
    expect(await outcome(await lockedWith({ pid: other, token: 't', started: processStartTime(other), host, since: 'now' }))).toBe('index_locked')
  })

  it('a lock from another host holds while it is touched, and is abandoned once untouched for the lease', async () => {
    const fresh = await lockedWith({ pid: 1, token: 't', host: 'another-container', since: 'now' })
    expect(await outcome(fresh)).toBe('index_locked')
    const untouched = await lockedWith({ pid: 1, token: 't', host: 'another-container', since: 'long ago' })
    const past = new Date(Date.now() - FOREIGN_LOCK_LEASE_MS - 60_000)
    await fs.utimes(path.join(untouched, LOCK_FILE), past, past)
    expect(await outcome(untouched)).toBe('taken')
  })

  it('an empty lock file is a writer between create and write while young, a dead one when old', async () => {
    const young = await lockedWith({})
    await fs.writeFile(path.join(young, LOCK_FILE), '')
    expect(await outcome(young)).toBe('index_locked')
    const past = new Date(Date.now() - 60_000)
    await fs.utimes(path.join(young, LOCK_FILE), past, past)
    expect(await outcome(young)).toBe('taken')
  })
})
