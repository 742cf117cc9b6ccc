import fs from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { CorpusError } from '../errors.js'
import { parkMentions } from './derive.js'

/** `corpus/documents.json`: the parks the corpus knows and what is known about each document. */
export const METADATA_FILE = 'documents.json'

const parkSchema = z.object({
  name: z.string().min(1),
  aliases: z.array(z.string().min(1)).default([]),
  english: z.array(z.string().min(1)).default([]),
})

const articleSchema = z.object({
  title: z.string().min(1),
  park: z.string().min(1),
  /** The opening words of the article as they read in the cleaned text. */
  start: z.string().min(4),
})

const documentSchema = z.object({
  source: z.string().min(1),
  title: z.string().min(1),
  parks: z.array(z.string().min(1)).min(1),
  date: z.string().optional(),
  /** For a file holding several articles, where each begins and which park it is about. */
  articles: z.array(articleSchema).optional(),
})

const metadataSchema = z.object({
  parks: z.array(parkSchema).default([]),
  documents: z.array(documentSchema).default([]),
})

export type Park = z.infer<typeof parkSchema>
export type DocumentMeta = z.infer<typeof documentSchema>
export type CorpusMetadata = z.infer<typeof metadataSchema>

export async function loadMetadata(corpusDir: string): Promise<CorpusMetadata> {
  const file = path.join(corpusDir, METADATA_FILE)
  let raw: string
  try {
    raw = await fs.readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { parks: [], documents: [] }
    throw new CorpusError('file_unreadable', `Cannot read ${METADATA_FILE}: ${(error as Error).message}`, METADATA_FILE)
  }
  let json: unknown
  try {
    json = JSON.parse(raw)
  } catch (error) {
    throw new CorpusError('metadata_invalid', `${METADATA_FILE} is not valid JSON: ${(error as Error).message}`, METADATA_FILE)
  }
  const parsed = metadataSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new CorpusError('metadata_invalid', `${METADATA_FILE}: ${issue.path.join('.')} ${issue.message}`, METADATA_FILE)
  }
  const known = new Set(parsed.data.parks.map((park) => park.name))
  for (const doc of parsed.data.documents) {
    for (const park of [...doc.parks, ...(doc.articles ?? []).map((article) => article.park)]) {
      if (known.size > 0 && !known.has(park)) {
        throw new CorpusError('metadata_invalid', `${METADATA_FILE}: document ${doc.source} names park "${park}", which is not in "parks"`, METADATA_FILE)
      }
    }
  }
  return parsed.data
}

/**
 * Finds which parks a text is about by counting mentions, longest name first so that 南通高新区
 * does not also count as 南通市. Known parks come from metadata; other "XX高新区/XX经开区" names
 * are counted too, so that documents about new parks still get one.
 */
export function countParkMentions(text: string, parks: Park[]): Map<string, number> {
  const names: Array<{ surface: string; park: string }> = []
  for (const park of parks) for (const surface of [park.name, ...park.aliases]) names.push({ surface, park: park.name })
  names.sort((a, b) => b.surface.length - a.surface.length)

  const counts = new Map<string, number>()
  let rest = text
  for (const { surface, park } of names) {
    const pieces = rest.split(surface)
    if (pieces.length > 1) {
      counts.set(park, (counts.get(park) ?? 0) + pieces.length - 1)
      rest = pieces.join('\u0000')
    }
  }
  for (const { name } of parkMentions(rest)) counts.set(name, (counts.get(name) ?? 0) + 1)
  return counts
}

export function mostMentionedPark(text: string, parks: Park[], atLeast = 1): string | undefined {
  let best: string | undefined
  let bestCount = atLeast - 1
  for (const [park, count] of countParkMentions(text, parks)) {
    if (count > bestCount) {
      best = park
      bestCount = count
    }
  }
  return best
}
