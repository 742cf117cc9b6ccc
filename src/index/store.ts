import { createHash, randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { AppError, IndexError } from '../errors.js'

/**
 * On-disk layout under INDEX_DIR:
 *   CURRENT            name of the version being served (switched atomically by rename)
 *   versions/<name>/   one complete index each; never modified once CURRENT points at it
 *   ingest.lock        held by the one ingest allowed at a time
 * Each version's manifest.json holds a sha256 of every other file of the version, checked before
 * the version is served. A reader that follows CURRENT always finds a complete, fsynced version: a new one is written
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
 * When a process started, as the kernel counts it (field 22 of /proc/<pid>/stat, clock ticks
 * since boot); undefined without /proc (macOS) or when the process is gone. A PID reused by
 * another process — a restarted container's first process gets its predecessor's PID — has a
 * different start time.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Field 2, the command name, is in parentheses and may hold spaces: count from after it.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  } catch {
    return undefined
  }
}

interface LockHolder {
  pid?: number
  /** Random per acquisition: the holder's own process can tell its lock from a dead namesake's. */
  token?: string
  /** processStartTime(pid) when the lock was taken. */
  started?: string
  host?: string
  since?: string
}

/** Tokens of the locks this process holds now. */
const heldTokens = new Set<string>()

/** How often a holder touches its lock, and how old an untouched lock from another host may get before it counts as abandoned. */
const LOCK_HEARTBEAT_MS = 30_000
export const FOREIGN_LOCK_LEASE_MS = 10 * 60_000
/** A lock file still empty this long after it was created belongs to a writer that died. */
const UNWRITTEN_LOCK_MS = 10_000

/**
 * Whether the lock's writer still holds it. On this host the PID decides, but only with the same
 * start time (else the PID was reused) and, for our own PID, only with a token we issued. A lock
 * from another host (a container that shares INDEX_DIR, or a recreated one) cannot be checked
 * that way: it holds while its holder keeps touching it.
 */
async function stillHeld(holder: LockHolder, lockPath: string): Promise<boolean> {
  if (typeof holder.pid !== 'number') return false
  if (holder.host !== undefined && holder.host !== os.hostname()) {
    const touched = (await fs.stat(lockPath).catch(() => undefined))?.mtimeMs ?? 0
    return Date.now() - touched < FOREIGN_LOCK_LEASE_MS
  }
  if (holder.pid === process.pid) return holder.token !== undefined && heldTokens.has(holder.token)
  if (!isAlive(holder.pid)) return false
  const started = processStartTime(holder.pid)
  return holder.started === undefined || started === undefined || started === holder.started
}

/**
 * Takes the ingest lock (O_EXCL create). A lock whose writer no longer runs — dead, or its PID now
 * another process's — is stale and taken over; a live holder makes this fail with `index_locked`.
 */
export async function acquireIngestLock(indexDir: string): Promise<() => Promise<void>> {
  await fs.mkdir(indexDir, { recursive: true })
  const lockPath = path.join(indexDir, LOCK_FILE)
  for (let attempt = 0; attempt < 2; attempt++) {
    let handle: fs.FileHandle
    try {
      handle = await fs.open(lockPath, 'wx')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      let holder: LockHolder | undefined
      try {
        holder = JSON.parse(await fs.readFile(lockPath, 'utf8')) as LockHolder
      } catch {
        // Unreadable or half-written: its writer is between create and write, or died there.
        const age = Date.now() - ((await fs.stat(lockPath).catch(() => undefined))?.mtimeMs ?? 0)
        if (age < UNWRITTEN_LOCK_MS) throw new IndexError('index_locked', `Another ingest is starting to write ${indexDir}; try again in a few seconds`)
      }
      if (holder && (await stillHeld(holder, lockPath))) {
        const where = holder.host && holder.host !== os.hostname() ? ` on host ${holder.host}` : ''
        throw new IndexError('index_locked', `Another ingest (pid ${holder.pid}${where}, since ${holder.since ?? '?'}) is writing ${indexDir}; wait for it to finish`)
      }
      await fs.rm(lockPath, { force: true })
      continue
    }
    const token = randomUUID()
    const holder: LockHolder = { pid: process.pid, token, started: processStartTime(process.pid), host: os.hostname(), since: new Date().toISOString() }
    try {
      await handle.writeFile(JSON.stringify(holder))
    } catch (error) {
      // A lock without its holder (disk full) would read as stale anyway; leave none.
      await fs.rm(lockPath, { force: true }).catch(() => undefined)
      throw error
    } finally {
      await handle.close()
    }
    heldTokens.add(token)
    const heartbeat = setInterval(() => {
      const now = new Date()
      fs.utimes(lockPath, now, now).catch(() => undefined)
    }, LOCK_HEARTBEAT_MS)
    heartbeat.unref()
    return async () => {
      clearInterval(heartbeat)
      heldTokens.delete(token)
      await fs.rm(lockPath, { force: true })
    }
  }
  throw new IndexError('index_locked', `Could not take the ingest lock ${lockPath}`)
}

const UNWRITABLE: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
}

/**
 * A failure to write INDEX_DIR as a typed error naming the directory and the cause; anything else
 * unchanged. Typed, it lets a service keep serving the index already there.
 */
export function unwritableIndex(error: unknown, indexDir: string): unknown {
  if (error instanceof AppError) return error
  const code = (error as NodeJS.ErrnoException | null)?.code
  const reason = code === undefined ? undefined : UNWRITABLE[code]
  if (!reason) return error
  return new IndexError(
    'index_unwritable',
    `Cannot write the index in ${indexDir} (INDEX_DIR): ${reason} (${code}). Free some space or point INDEX_DIR at a writable directory; the index already there is unchanged`,
    { cause: error },
  )
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
  try {
    const handle = await fs.open(temporary, 'w')
    try {
      await handle.writeFile(version + '\n')
      await handle.sync()
    } finally {
      await handle.close()
    }
    await fs.rename(temporary, path.join(indexDir, CURRENT_FILE))
  } catch (error) {
    // A full disk leaves the pointer empty: it must not stay behind.
    await fs.rm(temporary, { force: true }).catch(() => undefined)
    throw error
  }
  await fsyncPath(indexDir)
}

const sha256File = async (file: string) => createHash('sha256').update(await fs.readFile(file)).digest('hex')

/** sha256 of every file of a version directory but `except` (the manifest that will hold them). */
export async function fileChecksums(dir: string, except: string): Promise<Record<string, string>> {
  const names = (await fs.readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && e.name !== except).map((e) => e.name)
  const sums: Record<string, string> = {}
  for (const name of names.sort()) sums[name] = await sha256File(path.join(dir, name))
  return sums
}

/** The first file of `dir` that is missing or whose bytes do not match `sums`; undefined when all match. */
export async function firstMismatch(dir: string, sums: Record<string, string>): Promise<string | undefined> {
  for (const [name, sum] of Object.entries(sums)) {
    const actual = await sha256File(path.join(dir, name)).catch(() => undefined)
    if (actual !== sum) return actual === undefined ? `${name} is missing` : `${name} does not match its checksum`
  }
  return undefined
}

/** The version directories under INDEX_DIR, finished or not (none when there is no such folder). */
async function versionDirectories(indexDir: string): Promise<string[]> {
  const root = path.join(indexDir, VERSIONS_DIR)
  try {
    return (await fs.readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name)
  } catch {
    return []
  }
}

/** Versions whose ingest finished (they have a manifest), newest first. */
export async function completeVersions(indexDir: string): Promise<string[]> {
  const root = path.join(indexDir, VERSIONS_DIR)
  const names = await versionDirectories(indexDir)
  const complete: string[] = []
  for (const name of names) {
    const finished = await fs.access(path.join(root, name, 'manifest.json')).then(
      () => true,
      () => false,
    )
    if (finished) complete.push(name)
  }
  return complete.sort().reverse()
}

/**
 * Deletes versions other than the current one and the newest complete one before it — directories
 * left half-written by a failed or killed ingest included, and `corrupt`, a version known to fail
 * its checksums — and pointers a failed switch left (CURRENT.<pid>.tmp). Called only while holding
 * the ingest lock, on every ingest.
 */
export async function pruneVersions(indexDir: string, keep: number = KEEP_VERSIONS, corrupt?: string): Promise<string[]> {
  const current = await readCurrentVersion(indexDir)
  for (const name of await fs.readdir(indexDir).catch(() => [])) {
    if (name.startsWith(`${CURRENT_FILE}.`) && name.endsWith('.tmp')) await fs.rm(path.join(indexDir, name), { force: true })
  }
  const root = path.join(indexDir, VERSIONS_DIR)
  const names = await versionDirectories(indexDir)
  if (names.length === 0) return []
  const older = (await completeVersions(indexDir)).filter((n) => n !== current && n !== corrupt && (!current || n < current))
  const kept = new Set([...(current ? [current] : []), ...older.slice(0, Math.max(0, keep - 1))])
  const removed = names.filter((n) => !kept.has(n))
  for (const name of removed) await fs.rm(path.join(root, name), { recursive: true, force: true })
  return removed
}
