import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'

/**
 * Rule tables are JSON files beside their loader (`src/text/*.json`, `src/rules/*.json`), read
 * once at import and validated here, so that a mistyped entry stops the program at start with the
 * file and the entry named, instead of quietly changing answers.
 */

export function readTable<T extends z.ZodType>(file: URL, schema: T): z.output<T> {
  const name = fileURLToPath(file)
  let json: unknown
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (error) {
    throw new Error(`Rule table ${name}: ${(error as Error).message}`, { cause: error })
  }
  const parsed = schema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const entry = issue.path.length > 0 ? `${issue.path.join('.')} (${JSON.stringify(valueAt(json, issue.path))})` : 'top level'
    throw new Error(`Rule table ${name}: ${entry}: ${issue.message}`)
  }
  return parsed.data
}

function valueAt(json: unknown, path: readonly PropertyKey[]): unknown {
  let value = json
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined
  return value
}

/** A top-level `_comment` says what the table is for; any other unknown key is a mistake. */
export function table<T extends z.ZodRawShape>(shape: T) {
  return z.strictObject({ _comment: z.string().optional(), ...shape })
}

/** A list of distinct, non-empty words (a repeated word is a mistake made while editing). */
export function wordList(min = 1) {
  return z
    .array(z.string().min(1))
    .min(min)
    .superRefine((list, ctx) => {
      list.forEach((word, i) => {
        if (list.indexOf(word) !== i) ctx.addIssue({ code: 'custom', path: [i], message: `"${word}" is listed twice` })
      })
    })
}

/** A fragment of a regular expression, checked to compile. */
export const pattern = z.string().min(1).refine((source) => {
  try {
    new RegExp(source)
    return true
  } catch {
    return false
  }
}, 'is not a valid regular expression')

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * Literal words as one alternation, longest first: where two words start at the same place
 * (多少钱, 多少) the longer one wins whatever order the file lists them in.
 */
export function alternation(words: readonly string[]): string {
  return [...words].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|')
}
