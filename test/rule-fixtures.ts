import fs from 'node:fs'
import type { Vocabulary } from '../src/answer/extractive.js'
import type { NumberedPassage } from '../src/answer/types.js'
import { ParkCatalog } from '../src/retrieve/parks.js'
import { analyzeQuestion, type Question } from '../src/retrieve/query.js'

/**
 * A small hand-made world for the rule tests: three parks, questions read against them, passages
 * and a vocabulary made up on the spot, so that a rule is checked without ingesting the seed corpus.
 */

export const catalog = new ParkCatalog([
  { name: '湘西高新区', aliases: ['湘西国家高新区'], english: ['Xiangxi High-tech Zone', 'Xiangxi'] },
  { name: '怀化高新区', aliases: ['怀化国家高新区'], english: ['Huaihua High-tech Zone', 'Huaihua'] },
  { name: '常德经开区', aliases: ['常德经济技术开发区'], english: ['Changde Economic Development Zone', 'Changde ETDZ'] },
])

export function ask(question: string): Question {
  return analyzeQuestion(question, catalog)
}

/**
 * Every word weighs the same and sits in 100 passages (too common to be a focus word), except
 * `rare` words (in one passage) and `absent` words (in none).
 */
export function vocabulary(rare: readonly string[] = [], absent: readonly string[] = []): Vocabulary {
  return {
    catalog,
    weight: () => 1,
    passagesWith: (word) => (absent.includes(word) ? 0 : rare.includes(word) ? 1 : 100),
    passageCount: 100,
  }
}

let ids = 0

export function passage(text: string, fields: Partial<NumberedPassage> = {}): NumberedPassage {
  ids++
  return { n: 1, id: `p${ids}`, source: 'made-up.txt', title: '', park: '', section: '', start: 0, end: text.length, text, score: 1, ...fields }
}

/** A rule table as written, to go through its rows; `file` is relative to src/ (rules/figures.json). */
export function tableOf<T>(file: string): T {
  return JSON.parse(fs.readFileSync(new URL(`../src/${file}`, import.meta.url), 'utf8')) as T
}
