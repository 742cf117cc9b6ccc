import autocannon from 'autocannon'
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
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
  /** The server process's CPU time (all its threads) per request, where /proc tells it (Linux). */
  serverCpuMs?: number
}

export interface HttpResult {
  connections: number
  /** The server's answer worker threads (WORKERS) */
  workers: number
  seconds: number
  /** /healthz and /ask measured in turn this many times, so that a machine slowing down mid-run weighs on both. */
  rounds: number
  /** Over the rounds: requests/s over the whole time; percentiles and CPU the median round's. */
  healthz: LoadResult
  ask: LoadResult
  /** /ask requests/s as a share of /healthz requests/s: the median of the rounds' ratios */
  ratio: number
  /** Each round's ratio, in order. */
  roundRatios: number[]
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

export async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** `npm start`'s own entry in a child process, so that the load generator has its own core. */
export async function startServer(root: string, env: NodeJS.ProcessEnv, port: number): Promise<ChildProcess> {
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

/** CPU milliseconds the process has used (user + system), from /proc; undefined where there is none. */
function cpuMs(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    // utime and stime, in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return undefined
  }
}

/** One endpoint under load for `seconds`, with the server's CPU time per request. */
async function measure(options: autocannon.Options, seconds: number, pid: number): Promise<{ result: autocannon.Result; cpuMs?: number }> {
  const before = cpuMs(pid)
  const result = await load({ ...options, duration: seconds })
  const after = cpuMs(pid)
  return { result, ...(before !== undefined && after !== undefined && result.requests.total > 0 ? { cpuMs: (after - before) / result.requests.total } : {}) }
}

const middle = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

/** The rounds of one endpoint as one result: requests over the whole time, percentiles and CPU of the median round. */
function summary(runs: Array<{ result: autocannon.Result; cpuMs?: number }>, seconds: number): LoadResult {
  const requests = runs.reduce((sum, r) => sum + r.result.requests.total, 0)
  const cpu = runs.flatMap((r) => (r.cpuMs === undefined ? [] : [r.cpuMs]))
  return {
    requestsPerS: round(requests / seconds, 1),
    p50Ms: middle(runs.map((r) => r.result.latency.p50)),
    p99Ms: middle(runs.map((r) => r.result.latency.p99)),
    requests,
    errors: runs.reduce((sum, r) => sum + r.result.errors + r.result.timeouts + r.result.non2xx, 0),
    ...(cpu.length === runs.length ? { serverCpuMs: round(middle(cpu), 3) } : {}),
  }
}

/** How many times /healthz and /ask take turns. */
const ROUNDS = 3

/**
 * Seconds of load before measuring. The answer path has many branches, and V8 keeps compiling
 * them for several seconds of varied questions: measured here, its compiler threads took about
 * 0.27 ms of CPU per /ask in the first seconds and about 0.03 ms once warm. A server runs warm.
 */
const WARM_UP_S = { healthz: 2, ask: 10 }

/**
 * `/healthz` and `/ask` on one server, `CONNECTIONS` connections each, taking turns ROUNDS times
 * for `seconds` in all per endpoint, after a warm-up (WARM_UP_S). Every /ask request carries the next
 * eval question, so no two in a row repeat.
 */
/** Stops a server startServer started, and waits until it has exited. */
export async function stopServer(server: ChildProcess): Promise<void> {
  server.kill('SIGTERM')
  await new Promise((resolve) => (server.exitCode !== null ? resolve(undefined) : server.once('exit', resolve)))
}

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
    const each = Math.max(1, Math.round(seconds / ROUNDS))
    await load({ ...healthz, duration: WARM_UP_S.healthz })
    await load({ ...ask, duration: WARM_UP_S.ask })
    const health: Array<{ result: autocannon.Result; cpuMs?: number }> = []
    const asked: Array<{ result: autocannon.Result; cpuMs?: number }> = []
    const probes: number[] = []
    for (let r = 0; r < ROUNDS; r++) {
      health.push(await measure(healthz, each, server.pid!))
      const asking = measure(ask, each, server.pid!)
      probes.push(...(await probe(url, asking)))
      asked.push(await asking)
    }
    probes.sort((a, b) => a - b)
    const roundRatios = asked.map((a, r) => round(a.result.requests.total / Math.max(1, health[r]!.result.requests.total), 3))
    const healthzDuringAsk = { p50Ms: round(percentile(probes, 50), 1), p99Ms: round(percentile(probes, 99), 1), probes: probes.length }
    return {
      connections: CONNECTIONS,
      workers: loadConfig(env, root).workers,
      seconds: each * ROUNDS,
      rounds: ROUNDS,
      healthz: summary(health, each * ROUNDS),
      ask: summary(asked, each * ROUNDS),
      ratio: middle(roundRatios),
      roundRatios,
      healthzDuringAsk,
    }
  } finally {
    await stopServer(server)
  }
}
