import fs from 'node:fs/promises'
import { z } from 'zod'
import { ConfigError } from '../../errors.js'
import { RETRIEVER_MODES } from '../../retrieve/retriever.js'
import type { Summary } from './run.js'

/**
 * The quality gate (`evals/thresholds.json`): minimums for the higher-is-better metrics and a
 * maximum for the false refusal rate, set just under what the offline eval measures today.
 * Thresholds only move up (a ratchet): `ratchet()` proposes the tightest ones the run allows.
 */

const score = z.number().min(0).max(1)

export const thresholdsSchema = z.object({
  dataset: z.string().min(1),
  mode: z.enum(['extractive', 'llm']),
  retriever: z.enum(RETRIEVER_MODES),
  k: z.number().int().min(1).max(20),
  min: z.object({
    hit_at_1: score,
    hit_at_5: score,
    mrr: score,
    answer_accuracy: score,
    refusal_accuracy: score,
    citation_precision: score,
  }),
  max: z.object({ false_refusal_rate: score }),
})

export type Thresholds = z.infer<typeof thresholdsSchema>

export async function readThresholds(file: string): Promise<Thresholds> {
  let json: unknown
  try {
    json = JSON.parse(await fs.readFile(file, 'utf8'))
  } catch (error) {
    throw new ConfigError(`${file}: cannot read thresholds (${(error as Error).message})`)
  }
  const parsed = thresholdsSchema.safeParse(json)
  if (!parsed.success) throw new ConfigError(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
  return parsed.data
}

/** Metrics below their minimum (or above their maximum), each as a sentence; [] passes. */
export function gateFailures(summary: Summary, thresholds: Thresholds): string[] {
  const failures: string[] = []
  for (const [metric, min] of Object.entries(thresholds.min) as [keyof Thresholds['min'], number][]) {
    const value = summary[metric]
    if (value !== null && value < min) failures.push(`${metric} ${value} is below its minimum ${min}`)
  }
  const falseRefusals = summary.false_refusal_rate
  if (falseRefusals !== null && falseRefusals > thresholds.max.false_refusal_rate) failures.push(`false_refusal_rate ${falseRefusals} is above its maximum ${thresholds.max.false_refusal_rate}`)
  return failures
}

const down = (x: number) => Math.floor(x * 100 + 1e-9) / 100
const up = (x: number) => Math.ceil(x * 100 - 1e-9) / 100

/** Thresholds raised to just under this run (two decimals), never lowered. */
export function ratchet(thresholds: Thresholds, summary: Summary): Thresholds {
  const min = { ...thresholds.min }
  for (const metric of Object.keys(min) as (keyof Thresholds['min'])[]) {
    const value = summary[metric]
    if (value !== null) min[metric] = Math.max(min[metric], down(value))
  }
  const falseRefusals = summary.false_refusal_rate
  const max = { false_refusal_rate: falseRefusals === null ? thresholds.max.false_refusal_rate : Math.min(thresholds.max.false_refusal_rate, up(falseRefusals)) }
  return { ...thresholds, min, max }
}
