import { memoizeByText } from '../text/memo.js'

/**
 * Proper names an English question writes in pinyin (the Xinshuo project, Hunan Shanxing Tiye) and
 * the passages write in Chinese (鑫烁, 湖南闪星锑业). No glossary can hold every company's name, but
 * the passages retrieved for the question do: their characters are read in pinyin (every reading of
 * a character with several, as names use any) and the question's names looked for among them.
 */

/** Every pinyin reading of a character, without tones, in lower case. */
export type Readings = (char: string) => readonly string[]

let loading: Promise<Readings> | undefined

/** pinyin-pro, loaded on the first question that needs it: most of it is its dictionary. */
export function loadReadings(): Promise<Readings> {
  loading ??= import('pinyin-pro').then(({ polyphonic }) => {
    const cache = new Map<string, readonly string[]>()
    return (char: string) => {
      let readings = cache.get(char)
      if (!readings) cache.set(char, (readings = [...new Set(polyphonic(char, { toneType: 'none', type: 'array' })[0] ?? [])].map((r) => r.toLowerCase())))
      return readings
    }
  })
  return loading
}

/** Runs of capitalised Latin words (Shanxing Tiye); the question's first word is no name (What). */
const CAPITALISED_RUN = /\b[A-Z][a-z]+(?:[\s-]+[A-Z][a-z]+)*\b/g

/** A name shorter than this in letters (Co, Ltd) is too easily met by chance. */
const MIN_LETTERS = 4

/**
 * The capitalised words of an English question that it still holds after its known words (parks,
 * glossary terms) became Chinese: the names it may write in pinyin, longest runs first.
 */
export function latinNames(normalized: string): string[][] {
  const runs: string[][] = []
  for (const match of normalized.matchAll(CAPITALISED_RUN)) {
    const words = match[0].split(/[\s-]+/)
    if (match.index === 0 || /^\s*$/.test(normalized.slice(0, match.index))) words.shift()
    if (words.length > 0) runs.push(words)
  }
  return runs
}

/** The Chinese characters of a text in runs, each with its offset. */
const cjkRuns = memoizeByText((text: string): ReadonlyArray<{ at: number; chars: string }> => [...text.matchAll(/[\u4e00-\u9fff]{2,}/g)].map((m) => ({ at: m.index, chars: m[0] })))

/** The first Chinese string of the texts that reads as `target` (xinshuo → 鑫烁), at least two characters long. */
function writtenAs(target: string, texts: readonly string[], readings: Readings): string | undefined {
  for (const text of texts) {
    for (const { chars } of cjkRuns(text)) {
      for (let start = 0; start < chars.length - 1; start++) {
        const end = matchFrom(chars, start, target, 0, readings)
        if (end !== undefined && end - start >= 2) return chars.slice(start, end)
      }
    }
  }
  return undefined
}

/** Where a reading of chars[at…] that spells target[from…] to its end stops, if one does. */
function matchFrom(chars: string, at: number, target: string, from: number, readings: Readings): number | undefined {
  if (from === target.length) return at
  if (at >= chars.length) return undefined
  for (const reading of readings(chars[at]!)) {
    if (reading !== '' && target.startsWith(reading, from)) {
      const end = matchFrom(chars, at + 1, target, from + reading.length, readings)
      if (end !== undefined) return end
    }
  }
  return undefined
}

/**
 * The question with the Chinese of each pinyin name it holds in corner brackets after it (Xinshuo →
 * Xinshuo 「鑫烁」: query.ts reads it as a name, not a park or place asked about), found in the texts; undefined when it names none they hold. Of a run of
 * capitalised words the longest part that the texts write is taken (Hunan Shaoyu Intelligent → 湖南韶宇).
 */
export function withChineseNames(question: string, normalized: string, texts: readonly string[], readings: Readings): string | undefined {
  let out = question
  let found = false
  for (const words of latinNames(normalized)) {
    let from = 0
    while (from < words.length) {
      let matched = 0
      for (let to = words.length; to > from && matched === 0; to--) {
        const latin = words.slice(from, to)
        const target = latin.join('').toLowerCase()
        if (target.length < MIN_LETTERS) continue
        const chinese = writtenAs(target, texts, readings)
        if (chinese === undefined) continue
        const written = new RegExp(latin.join('[\\s-]+'))
        const at = written.exec(out)
        if (!at) continue
        out = `${out.slice(0, at.index + at[0].length)} 「${chinese}」${out.slice(at.index + at[0].length)}`
        found = true
        matched = to - from
      }
      from += Math.max(1, matched)
    }
  }
  return found ? out : undefined
}
