import os from 'node:os'
import { percentile, round } from './stats.js'

export interface CpuCheck {
  /** one fixed slice of integer arithmetic, timed 2,000 times */
  p50Ms: number
  p99Ms: number
  maxMs: number
  /**
   * Share of the wall time lost to stalls: 1 − (slices × median slice) ÷ total. About 0 on a
   * quiet machine; on a shared or throttled VM every p99 of the run is mostly this.
   */
  stalled: number
}

export interface Machine {
  cpus: number
  cpuModel: string
  memoryGb: number
  node: string
  platform: string
  cpuCheck: CpuCheck
}

function cpuCheck(): CpuCheck {
  const slices: number[] = []
  let sum = 0
  for (let run = 0; run < 2000; run++) {
    const started = performance.now()
    for (let i = 0; i < 100_000; i++) sum = (sum + i * 7) | 0
    slices.push(performance.now() - started)
  }
  // Keeps the loop from being optimised away.
  if (sum === 42) slices.push(0)
  const total = slices.reduce((a, b) => a + b, 0)
  const sorted = slices.sort((a, b) => a - b)
  const p50 = percentile(sorted, 50)
  return { p50Ms: round(p50, 3), p99Ms: round(percentile(sorted, 99), 2), maxMs: round(sorted.at(-1)!, 1), stalled: round(Math.max(0, 1 - (slices.length * p50) / total), 3) }
}

export function describeMachine(): Machine {
  const cpus = os.cpus()
  return {
    cpus: os.availableParallelism?.() ?? cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGb: round(os.totalmem() / 1024 ** 3, 1),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpuCheck: cpuCheck(),
  }
}
