import fs from 'node:fs'
import { z } from 'zod'

/** The domain vocabulary (`glossary.json`): short forms, English terms and the named measures. */

const glossarySchema = z.object({
  shortForms: z.record(z.string(), z.array(z.string().min(1)).min(1)),
  english: z.record(z.string(), z.array(z.string().min(1)).min(1)),
  measures: z.array(z.array(z.string().min(1)).min(1)),
})

export type Glossary = z.infer<typeof glossarySchema> & {
  /** Short forms, longest first, so that a longer one is replaced before a shorter one inside it. */
  shortFormsLongestFirst: Array<[string, string[]]>
}

let cached: Glossary | undefined

export function glossary(): Glossary {
  if (!cached) {
    const parsed = glossarySchema.parse(JSON.parse(fs.readFileSync(new URL('./glossary.json', import.meta.url), 'utf8')))
    cached = { ...parsed, shortFormsLongestFirst: Object.entries(parsed.shortForms).sort((a, b) => b[0].length - a[0].length) }
  }
  return cached
}
