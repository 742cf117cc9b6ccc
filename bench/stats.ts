/** Small, dependency-free statistics for the benchmark: percentiles, rates, recall. */

export interface LatencySummary {
  n: number
  p50: number
  p99: number
  mean: number
}

/** Nearest-rank percentile of already sorted samples (p in 0–100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!
}

export function summarize(samplesMs: readonly number[]): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b)
  const mean = sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1)
  return { n: sorted.length, p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), mean: round(mean) }
}

/** Rounds to `digits` decimals (3 by default): enough for milliseconds, short in JSON. */
export function round(value: number, digits = 3): number {
  const scale = 10 ** digits
  return Math.round(value * scale) / scale
}

/** Share of the exact top-k labels that the approximate top-k found, averaged over queries. */
export function recallAtK(approximate: readonly (readonly number[])[], exact: readonly (readonly number[])[], k: number): number {
  if (exact.length !== approximate.length) throw new Error(`recall: ${approximate.length} approximate result lists for ${exact.length} exact ones`)
  if (exact.length === 0) return Number.NaN
  let total = 0
  exact.forEach((truth, i) => {
    const wanted = truth.slice(0, k)
    const found = new Set(approximate[i]!.slice(0, k))
    total += wanted.filter((label) => found.has(label)).length / (wanted.length || 1)
  })
  return total / exact.length
}

/** Times `run` once per item; returns the latency of each call in milliseconds. */
export async function timeEach<T>(items: readonly T[], run: (item: T) => unknown): Promise<number[]> {
  const samples: number[] = []
  for (const item of items) {
    const started = performance.now()
    await run(item)
    samples.push(performance.now() - started)
  }
  return samples
}

export const MB = 1024 * 1024
