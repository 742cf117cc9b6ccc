import { readTable, table, wordList } from '../text/table.js'

/**
 * `places.json`: China's provinces, cities and counties, so that ingest can tell a place before a
 * park word (苏州高新区, 延边高新区) from ordinary words that happen to stand there (个区县和高新区,
 * 计划贡献高新区), and a city (苏州市) from a word that ends in 市.
 */

const placesSchema = table({
  suffixes: wordList(),
  provinces: wordList(),
  cities: wordList(),
  counties: wordList(),
})

export interface Place {
  /** As the text writes it (苏州市, 苏州, 延边朝鲜族自治州, 延边). */
  surface: string
  /** The short name a park is filed under (苏州, 延边). */
  short: string
  /** A prefecture-level city (or its short name): "XX市" then names a city. */
  city: boolean
}

export interface Places {
  /** The longest place name that ends `text` exactly, if any. */
  endingAt(text: string): Place | undefined
  /** Whether some place name ends with this character (when not, `endingAt` finds none). */
  mayEndWith(char: string): boolean
  /** The short name of a place (administrative ending removed; at least two characters). */
  shortName(name: string): string
  /** A district or county by its full name (望城区, 双峰县): a place of its own, not a development zone (新区 may be one). */
  isCounty(name: string): boolean
  /** A city by its name with 市 (浏阳市), a district or a county: a place, as opposed to a zone in it. */
  isCityOrCounty(name: string): boolean
}

export function loadPlaces(file: URL = new URL('./places.json', import.meta.url)): Places {
  const data = readTable(file, placesSchema)
  const suffixes = [...data.suffixes].sort((a, b) => b.length - a.length)
  const shortName = (name: string): string => {
    for (const suffix of suffixes) {
      if (name.endsWith(suffix) && name.length - suffix.length >= 2) return name.slice(0, -suffix.length)
    }
    return name
  }
  const known = new Map<string, Place>()
  const add = (name: string, city: boolean) => {
    const short = shortName(name)
    for (const surface of new Set([name, short])) {
      const existing = known.get(surface)
      // A name that is both a city and a county (a city's own district) is read as the city.
      if (!existing || (city && !existing.city)) known.set(surface, { surface, short, city })
    }
  }
  for (const name of data.provinces) add(name, false)
  for (const name of data.counties) add(name, false)
  for (const name of data.cities) add(name, true)
  // By final character, the lengths of the names ending in it, longest first: a text is cut only
  // at lengths some name could have (most characters end no name, the rest end a few lengths).
  const lengthsByFinal = new Map<string, number[]>()
  for (const name of known.keys()) {
    const lengths = lengthsByFinal.get(name.at(-1)!) ?? []
    if (!lengths.includes(name.length)) lengths.push(name.length)
    lengthsByFinal.set(name.at(-1)!, lengths)
  }
  for (const lengths of lengthsByFinal.values()) lengths.sort((a, b) => b - a)
  const counties = new Set(data.counties.filter((name) => /[区县]$/.test(name) && !name.endsWith('新区') && name.length >= 3))
  return {
    shortName,
    isCounty: (name) => counties.has(name),
    isCityOrCounty: (name) => name.endsWith('市') || counties.has(name),
    mayEndWith: (char) => lengthsByFinal.has(char),
    endingAt(text) {
      for (const length of lengthsByFinal.get(text.at(-1) ?? '') ?? []) {
        if (length > text.length || length < 2) continue
        const place = known.get(text.slice(text.length - length))
        if (place) return place
      }
      return undefined
    },
  }
}

export const places = loadPlaces()
