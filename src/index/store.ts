import fs from 'node:fs/promises'
import path from 'node:path'
import { IndexError } from '../errors.js'

/**
 * On-disk layout under INDEX_DIR:
 *   CURRENT            name of the version being served (switched atomically by rename)
 *   versions/<name>/   one complete index each; never modified once CURRENT points at it
 *   ingest.lock        held by the one ingest allowed at a time
 * A reader that follows CURRENT always finds a complete, fsynced version: a new one is written
 * beside it and only then made current, so a failed or killed ingest leaves the served one as it was.
 */

export const CURRENT_FILE = 'CURRENT'
export const VERSIONS_DIR = 'versions'
export const LOCK_FILE = 'ingest.lock'
export const KEEP_VERSIONS = 2

export async function readCurrentVersion(indexDir: string): Promise<string | undefined> {
  try {
    const name = (await fs.readFile(path.join(indexDir, CURRENT_FILE), 'utf8')).trim()
    return name === '' ? undefined : name
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

export function versionPath(indexDir: string, version: string): string {
  return path.join(indexDir, VERSIONS_DIR, version)
}

/** Sortable by creation time, unique across processes. */
export function newVersionName(now: Date = new Date()): string {
  // Milliseconds included: versions written in the same second must still sort by age.
  const stamp = now.toISOString().replace(/[-:.]/g, '')
  return `v${stamp}-${process.pid.toString(36)}${Math.random().toString(36).slice(2, 8)}`
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Takes the ingest lock (O_EXCL create). A lock left by a process that no longer runs is stale
 * and taken over; a live holder makes this fail with `index_locked`.
 */
export async function acquireIngestLock(indexDir: string): Promise<() => Promise<void>> {
  await fs.mkdir(indexDir, { recursive: true })
  const lockPath = path.join(indexDir, LOCK_FILE)
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await fs.open(lockPath, 'wx')
      await handle.writeFile(JSON.stringify({ pid: process.pid, since: new Date().toISOString() }))
      await handle.close()
      return async () => {
        await fs.rm(lockPath, { force: true })
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      let holder: { pid?: number; since?: string } = {}
      try {
        holder = JSON.parse(await fs.readFile(lockPath, 'utf8'))
      } catch {
        // Unreadable or half-written lock: its writer died between create and write.
      }
      if (typeof holder.pid === 'number' && isAlive(holder.pid)) {
        throw new IndexError('index_locked', `Another ingest (pid ${holder.pid}, since ${holder.since ?? '?'}) is writing ${indexDir}; wait for it to finish`)
      }
      await fs.rm(lockPath, { force: true })
    }
  }
  throw new IndexError('index_locked', `Could not take the ingest lock ${lockPath}`)
}

async function fsyncPath(target: string): Promise<void> {
  const handle = await fs.open(target, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Flushes every file of a version and the directory entries themselves to disk. */
export async function syncDirectory(dir: string): Promise<void> {
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    if (entry.isFile()) await fsyncPath(path.join(dir, entry.name))
  }
  await fsyncPath(dir)
}

/** Makes `version` the served one: write a temporary pointer, fsync, rename over CURRENT. */
export async function switchCurrent(indexDir: string, version: string): Promise<void> {
  const temporary = path.join(indexDir, `${CURRENT_FILE}.${process.pid}.tmp`)
  const handle = await fs.open(temporary, 'w')
  try {
    await handle.writeFile(version + '\n')
    await handle.sync()
  } finally {
    await handle.close()
  }
  await fs.rename(temporary, path.join(indexDir, CURRENT_FILE))
  await fsyncPath(indexDir)
}

/**
 * Deletes versions other than the current one and the newest `keep - 1` before it, including
 * directories left half-written by a failed ingest. Called only while holding the ingest lock.
 */
export async function pruneVersions(indexDir: string, keep: number = KEEP_VERSIONS): Promise<string[]> {
  const current = await readCurrentVersion(indexDir)
  const root = path.join(indexDir, VERSIONS_DIR)
  let names: string[]
  try {
    names = (await fs.readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name)
  } catch {
    return []
  }
  const complete = new Set<string>()
  for (const name of names) {
    try {
      await fs.access(path.join(root, name, 'manifest.json'))
      complete.add(name)
    } catch {
      // No manifest: the ingest that wrote it failed before finishing.
    }
  }
  const older = names.filter((n) => complete.has(n) && n !== current && (!current || n < current)).sort().reverse()
  const kept = new Set([...(current ? [current] : []), ...older.slice(0, Math.max(0, keep - 1))])
  const removed = names.filter((n) => !kept.has(n))
  for (const name of removed) await fs.rm(path.join(root, name), { recursive: true, force: true })
  return removed
}
