import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { CORPUS_DIR, ROOT } from '../helpers.js'

/** A long-running command (`npm start`, `npm run bot`) as a real process: its JSON log lines, stderr and exit code. */
export interface Started {
  child: ChildProcess
  lines: Array<Record<string, unknown>>
  stdout: () => string
  stderr: () => string
  exited: Promise<number | null>
}

export function startProcess(entry: string, env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, entry)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', CORPUS_DIR, ...env },
  })
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
