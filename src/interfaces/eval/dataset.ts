import fs from 'node:fs/promises'
import { z } from 'zod'

/** One line of an `evals/*.jsonl` file (schema in DEVELOPERS.md). */

export const EVAL_TYPES = ['numeric', 'entity', 'list', 'date', 'why_how', 'cross_doc', 'english', 'unanswerable'] as const

const evidenceString = z.string().refine((s) => [...s].length >= 10 && [...s].length <= 80, 'evidence must be 10–80 characters')

export const evalItemSchema = z
  .object({
    id: z.string().min(1),
    question: z.string().trim().min(1),
    answers: z.array(z.string().min(1)),
    // An unanswerable item may give null for both (nothing tempts) or leave them out.
    source: z.string().min(1).nullish(),
    sources: z.array(z.string().min(1)).min(1).optional(),
    evidence: z.union([evidenceString, z.array(evidenceString).min(1)]).nullish(),
    type: z.enum(EVAL_TYPES),
  })
  .refine((item) => item.source != null || item.sources !== undefined || item.type === 'unanswerable', 'needs source or sources')
  .refine((item) => item.answers.length > 0 || item.type === 'unanswerable', 'answers is empty but type is not unanswerable')
  .refine((item) => item.answers.length === 0 || item.evidence != null, 'an answerable item needs evidence')

export type EvalItem = z.infer<typeof evalItemSchema>

export interface DatasetLine {
  line: number
  item?: EvalItem
  error?: string
}

/** NFKC with all whitespace removed: how answers, evidence and passages are compared. */
export function squeeze(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '')
}

export function sourcesOf(item: EvalItem): string[] {
  return item.sources ?? (item.source ? [item.source] : [])
}

export function evidenceOf(item: EvalItem): string[] {
  return item.evidence == null ? [] : Array.isArray(item.evidence) ? item.evidence : [item.evidence]
}

/** Parses a JSONL dataset; a malformed line is reported with its number and the rest still load. */
export async function readDataset(file: string): Promise<DatasetLine[]> {
  const text = await fs.readFile(file, 'utf8')
  const out: DatasetLine[] = []
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return
    const line = index + 1
    let json: unknown
    try {
      json = JSON.parse(raw)
    } catch (error) {
      out.push({ line, error: `not JSON: ${(error as Error).message}` })
      return
    }
    const parsed = evalItemSchema.safeParse(json)
    if (parsed.success) out.push({ line, item: parsed.data })
    else out.push({ line, error: parsed.error.issues.map((i) => `${i.path.join('.') || 'item'}: ${i.message}`).join('; ') })
  })
  return out
}

/**
 * Checks an item against the raw corpus files: every evidence string is in one of its sources,
 * every answer is in its evidence (or source), and no answer gives itself away in the question.
 */
export function checkAgainstCorpus(item: EvalItem, rawFiles: Map<string, string>): string[] {
  const problems: string[] = []
  const sources = sourcesOf(item)
  for (const source of sources) if (!rawFiles.has(source)) problems.push(`source ${source} is not in the corpus`)
  const texts = sources.map((s) => rawFiles.get(s) ?? '')
  for (const evidence of evidenceOf(item)) {
    if (!texts.some((t) => t.includes(evidence))) problems.push(`evidence "${evidence}" is not an exact substring of ${sources.join(' or ')}`)
  }
  const haystack = squeeze(evidenceOf(item).join('|') || texts.join('|'))
  const sourceText = squeeze(texts.join('|'))
  for (const answer of item.answers) {
    if (!haystack.includes(squeeze(answer)) && !sourceText.includes(squeeze(answer))) problems.push(`answer "${answer}" is in neither its evidence nor its source`)
    if (squeeze(item.question).includes(squeeze(answer))) problems.push(`answer "${answer}" occurs in the question`)
  }
  return problems
}
