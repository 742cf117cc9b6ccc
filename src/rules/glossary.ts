import { z } from 'zod'
import { readTable, table, wordList } from '../text/table.js'

/** The domain vocabulary (`glossary.json`): short forms, English terms, synonym groups and the named measures. */

const glossarySchema = table({
  shortForms: z.record(z.string().min(1), wordList()),
  english: z.record(z.string().min(1), wordList()),
  synonyms: z.array(wordList(2)),
  problemEndings: wordList(),
  measures: z.array(wordList()).superRefine((groups, ctx) => {
    // A name in two groups would make one figure two measures.
    const seen = new Map<string, number>()
    groups.forEach((group, i) =>
      group.forEach((name, j) => {
        if (seen.has(name)) ctx.addIssue({ code: 'custom', path: [i, j], message: `"${name}" is already in measure group ${seen.get(name)}` })
        seen.set(name, i)
      }),
    )
  }),
})

export type Glossary = z.infer<typeof glossarySchema> & {
  /** Short forms, longest first, so that a longer one is replaced before a shorter one inside it. */
  shortFormsLongestFirst: Array<[string, string[]]>
}

export function loadGlossary(file: URL = new URL('./glossary.json', import.meta.url)): Glossary {
  const parsed = readTable(file, glossarySchema)
  return { ...parsed, shortFormsLongestFirst: Object.entries(parsed.shortForms).sort((a, b) => b[0].length - a[0].length) }
}

export const glossary = loadGlossary()
