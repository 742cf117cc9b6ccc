import type { Park } from '../ingest/metadata.js'
import { RequestError } from '../errors.js'

/**
 * The parks the index knows (from the corpus metadata, stored in the manifest) and how a question
 * names them: full name, alias or English name. Matching is longest-first, so that 常德高新区 is
 * not also read as 常德 (the city).
 */
export class ParkCatalog {
  private readonly names: Array<{ surface: string; park: string; latin: boolean }>

  constructor(readonly parks: Park[]) {
    this.names = parks
      .flatMap((park) => [park.name, ...park.aliases, ...park.english].map((surface) => ({ surface: surface.toLowerCase(), park: park.name, latin: /^[\x00-\x7f]+$/.test(surface) })))
      .sort((a, b) => b.surface.length - a.surface.length)
  }

  /** Parks a text names, in order of first mention, each once. */
  mentioned(text: string): string[] {
    return [...new Set(this.scan(text).hits.map((hit) => hit.park))]
  }

  /** The text with every park name blanked out (so that names do not count as topic words). */
  withoutNames(text: string): string {
    return this.scan(text).rest.replace(/\u0000+/g, ' ')
  }

  private scan(text: string): { hits: Array<{ park: string; at: number }>; rest: string } {
    let rest = text.normalize('NFKC').toLowerCase()
    const hits: Array<{ park: string; at: number }> = []
    for (const { surface, park, latin } of this.names) {
      let at = rest.indexOf(surface)
      while (at >= 0) {
        const end = at + surface.length
        // "Changde" must not match inside another Latin word.
        const whole = !latin || (!/[a-z]/.test(rest[at - 1] ?? '') && !/[a-z]/.test(rest[end] ?? ''))
        if (whole) {
          hits.push({ park, at })
          rest = rest.slice(0, at) + '\u0000'.repeat(surface.length) + rest.slice(end)
        }
        at = rest.indexOf(surface, whole ? end : at + 1)
      }
    }
    return { hits: hits.sort((a, b) => a.at - b.at), rest }
  }

  /** The park an explicit filter names (any of its names), or a typed error listing the known ones. */
  resolve(name: string): string {
    const wanted = name.normalize('NFKC').trim().toLowerCase()
    const hit = this.names.find((n) => n.surface === wanted)
    if (hit) return hit.park
    const known = this.parks.map((p) => p.name).join('、')
    throw new RequestError('unknown_park', `Unknown park "${name}". Known parks: ${known || '(none in this index)'}`)
  }
}
