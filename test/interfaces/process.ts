import { execFile, spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { inject } from 'vitest'
import { ROOT, SEED_CORPUS } from '../helpers.js'

/*
 * Budgets for tests of real processes. On CI's loaded 2-core machine a `node --import tsx` start
 * has taken close to a minute before the command did anything, and building the seed index about
 * as long again; these budgets leave room for several such steps in one test.
 */
/** A whole test that runs commands. */
export const PROCESS_TEST_MS = 600_000
/** Until a started service says it serves (having built its index first, if it had none). */
export const READY_MS = 300_000

/**
 * The environment of a command under test: only PATH, HOME, the fixture corpus and `env`. Always
 * a CORPUS_DIR: without one a command reads corpus/, whatever documents the user has put there.
 */
export const commandEnv = (env: Record<string, string>) => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', CORPUS_DIR: SEED_CORPUS, ...env })

/**
 * Where commands run unless a test says otherwise: an empty directory of the run, not the
 * repository. Commands read `.env` from their working directory, and a developer's own .env in
 * the repository must not configure the commands under test.
 */
function defaultCwd(): string {
  const dir = path.join(inject('tempRoot'), 'command-cwd')
  fs.mkdirSync(dir, { recursive: true })
  return dir
}

export interface CommandOptions {
  /** The working directory (relative settings and .env resolve against it); default an empty one. */
  cwd?: string
  /** Plain `node ENTRY` (compiled JavaScript, as in production) rather than through tsx. */
  compiled?: boolean
}

/** `node --import tsx ENTRY` (tsx found from here rather than from the working directory), or plain `node ENTRY`; ENTRY relative to the repository. */
const nodeArgs = (entry: string, args: string[], options: CommandOptions) => [...(options.compiled ? [] : ['--import', import.meta.resolve('tsx')]), path.resolve(ROOT, entry), ...args]

export interface Finished {
  code: number
  stdout: string
  stderr: string
}

/** A one-shot command (`npm run ask`, `ingest`, `eval`) run to its end. */
export function runCommand(entry: string, env: Record<string, string>, args: string[] = [], options: CommandOptions = {}): Promise<Finished> {
  return promisify(execFile)(process.execPath, nodeArgs(entry, args, options), { cwd: options.cwd ?? defaultCwd(), env: commandEnv(env) }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: Finished) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  )
}

/** A long-running command (`npm start`, `npm run bot`) as a real process: its JSON log lines, stderr and exit code. */
export interface Started {
  child: ChildProcess
  lines: Array<Record<string, unknown>>
  stdout: () => string
  stderr: () => string
  exited: Promise<number | null>
}

export function startProcess(entry: string, env: Record<string, string>, args: string[] = [], options: CommandOptions = {}): Started {
  const child = spawn(process.execPath, nodeArgs(entry, args, options), { cwd: options.cwd ?? defaultCwd(), env: commandEnv(env) })
  const lines: Array<Record<string, unknown>> = []
  let all = ''
  let partial = ''
  let stderr = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    all += chunk.toString('utf8')
    partial += chunk.toString('utf8')
    const parts = partial.split('\n')
    partial = parts.pop()!
    for (const line of parts) if (line.trim()) lines.push(JSON.parse(line))
  })
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, lines, stdout: () => all, stderr: () => stderr, exited }
}
