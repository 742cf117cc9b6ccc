import autocannon from 'autocannon'
import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { loadConfig } from '../src/config.js'
import { percentile, round } from './stats.js'

export const CONNECTIONS = 16

export interface LoadResult {
  requestsPerS: number
  p50Ms: number
  p99Ms: number
  requests: number
  /** connection errors, timeouts and non-2xx answers */
  errors: number
}

export interface HttpResult {
  connections: number
  /** The server's answer worker threads (WORKERS) */
  workers: number
  seconds: number
  healthz: LoadResult
  ask: LoadResult
  /** /ask requests/s as a share of /healthz requests/s */
  ratio: number
  /** /healthz asked once every PROBE_MS while /ask is under load: does the server stay responsive? */
  healthzDuringAsk: { p50Ms: number; p99Ms: number; probes: number }
}

const PROBE_MS = 20

/** /healthz latencies, one probe at a time every PROBE_MS, until `done` resolves. */
async function probe(url: string, done: Promise<unknown>): Promise<number[]> {
  let finished = false
  void done.finally(() => (finished = true))
  const samples: number[] = []
  while (!finished) {
    const started = performance.now()
    await fetch(`${url}/healthz`).then((r) => r.arrayBuffer())
    samples.push(performance.now() - started)
    await sleep(PROBE_MS)
  }
  return samples
}

async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** `npm start`'s own entry in a child process, so that the load generator has its own core. */
async function startServer(root: string, env: NodeJS.ProcessEnv, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/interfaces/http/main.ts')], { cwd: root, env: { ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (data: Buffer) => (stderr += data.toString()))
  const deadline = Date.now() + 180_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}: ${stderr.slice(-2000)}`)
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)
    if (ok) return child
    await sleep(200)
  }
  child.kill('SIGKILL')
  throw new Error(`the server did not become ready within 180 s: ${stderr.slice(-2000)}`)
}

function load(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)))
  })
}

function summary(result: autocannon.Result): LoadResult {
  return {
    requestsPerS: round(result.requests.average, 1),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx,
  }
}

/**
 * `/healthz` then `/ask` on one server, `CONNECTIONS` connections each for `seconds`, after a
 * short warm-up. Every /ask request carries the next eval question, so no two in a row repeat.
 */
export async function benchHttp(root: string, env: NodeJS.ProcessEnv, questions: readonly string[], seconds: number): Promise<HttpResult> {
  const port = await freePort()
  const server = await startServer(root, env, port)
  try {
    const url = `http://127.0.0.1:${port}`
    let next = 0
    const ask: autocannon.Options = {
      url: `${url}/ask`,
      connections: CONNECTIONS,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          setupRequest: (request) => ({ ...request, body: JSON.stringify({ question: questions[next++ % questions.length] }) }),
        },
      ],
    }
    const healthz: autocannon.Options = { url: `${url}/healthz`, connections: CONNECTIONS }
    await load({ ...healthz, duration: 2 })
    const health = summary(await load({ ...healthz, duration: seconds }))
    await load({ ...ask, duration: 2 })
    const asking = load({ ...ask, duration: seconds })
    const probes = (await probe(url, asking)).sort((a, b) => a - b)
    const answers = summary(await asking)
    const healthzDuringAsk = { p50Ms: round(percentile(probes, 50), 1), p99Ms: round(percentile(probes, 99), 1), probes: probes.length }
    return { connections: CONNECTIONS, workers: loadConfig(env, root).workers, seconds, healthz: health, ask: answers, ratio: round(answers.requestsPerS / health.requestsPerS, 3), healthzDuringAsk }
  } finally {
    server.kill('SIGTERM')
    await new Promise((resolve) => (server.exitCode !== null ? resolve(undefined) : server.once('exit', resolve)))
  }
}
