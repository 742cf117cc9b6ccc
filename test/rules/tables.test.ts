import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadClauseCues } from '../../src/rules/clauses.js'
import { loadFigureRules } from '../../src/rules/figures.js'
import { loadFollowupWords } from '../../src/rules/followup.js'
import { loadGlossary } from '../../src/rules/glossary.js'
import { loadKindCues } from '../../src/rules/kinds.js'
import { loadParkWords } from '../../src/rules/park-words.js'
import { loadTimeRules } from '../../src/rules/time.js'
import { loadStopwords } from '../../src/text/stopwords.js'
import { tableOf } from '../rule-fixtures.js'

// A table as parsed JSON, for a case to spoil one entry of.
type Json = Record<string, any>

/** The shipped table `file` with one entry spoilt by `spoil`, written to a temporary file. */
function spoilt(file: string, spoil: (table: Json) => void): URL {
  const table = tableOf<Json>(file)
  spoil(table)
  const target = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parkqa-rules-')), path.basename(file))
  fs.writeFileSync(target, JSON.stringify(table))
  return pathToFileURL(target)
}

const cases: Array<{ file: string; load: (file: URL) => unknown; spoil: (table: Json) => void; error: RegExp }> = [
  { file: 'text/stopwords.json', load: loadStopwords, spoil: (t) => t.frameWords.push('总额'), error: /frameWords\.\d+ \("总额"\): "总额" is listed twice/ },
  { file: 'rules/glossary.json', load: loadGlossary, spoil: (t) => t.measures.push(['营收']), error: /measures\.\d+\.0 \("营收"\): "营收" is already in measure group/ },
  { file: 'rules/time.json', load: loadTimeRules, spoil: (t) => (t.namedRanges['1-6月'] = '上半'), error: /namedRanges\.1-6月 \("上半"\): "上半" is neither a period word nor a quarter/ },
  { file: 'rules/time.json', load: loadTimeRules, spoil: (t) => (t.englishMonths.sept = 9), error: /englishMonths\.sept \(9\): month 9 has two names/ },
  { file: 'rules/kinds.json', load: loadKindCues, spoil: (t) => t.chinese[0].cues.push('哪(天'), error: /chinese\.0\.cues\.\d+ \("哪\(天"\): is not a valid regular expression/ },
  { file: 'rules/figures.json', load: loadFigureRules, spoil: (t) => (t.units[0].kind = 'weight'), error: /units\.0\.kind \("weight"\)/ },
  { file: 'rules/clauses.json', load: loadClauseCues, spoil: (t) => (t.reasonCue = ['通过']), error: /top level: .*"reasonCue"/ },
  { file: 'rules/park-words.json', load: loadParkWords, spoil: (t) => (t.words[0].short = '高新'), error: /words\.0\.short \("高新"\): "高新" is not one of the words/ },
  { file: 'rules/followup.json', load: loadFollowupWords, spoil: (t) => (t.pronouns = []), error: /pronouns \(\[\]\)/ },
]

describe('rule tables are checked when they load', () => {
  it.each(cases)('$file: a bad entry is an error naming the file and the entry ($error)', ({ file, load, spoil, error }) => {
    const url = spoilt(file, spoil)
    expect(() => load(url)).toThrow(new RegExp(`Rule table .*${path.basename(file).replace('.', '\\.')}: ${error.source}`))
    // The shipped table itself loads.
    expect(() => load(new URL(`../../src/${file}`, import.meta.url))).not.toThrow()
  })
})
