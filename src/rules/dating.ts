import { readTable, table, wordList } from '../text/table.js'

/** `dating.json`: the cues ingest reads a document's year from when no metadata gives it. */

const datingSchema = table({
  datelineCues: wordList(),
  targetBefore: wordList(),
  targetAfter: wordList(),
  comparisons: wordList(),
  forecasts: wordList(),
  founding: wordList(),
})

export type DatingRules = ReturnType<typeof loadDatingRules>

export function loadDatingRules(file: URL = new URL('./dating.json', import.meta.url)) {
  const data = readTable(file, datingSchema)
  return {
    /** Does text just before a year open a dateline? */
    opensDateline: (before: string) => data.datelineCues.some((cue) => before.replace(/[（(][^）)]*[）)]\s*$/, '').trimEnd().endsWith(cue)),
    /** Does a sentence compare two years (由…增至, 比 …)? */
    compares: (sentence: string) => data.comparisons.some((cue) => sentence.includes(cue)),
    /** Does the clause after a year tell a founding (经国务院批准设立)? */
    founds: (after: string) => data.founding.some((cue) => after.split(/[，,。；;]/, 1)[0]!.includes(cue)),
    /** Does a clause look ahead (预计有, 力争, 将) rather than report? */
    forecasts: (clause: string) => [...data.targetBefore, ...data.forecasts].some((cue) => clause.includes(cue)),
    /** Is the year between `before` and `after` a target or a deadline? */
    isTarget: (before: string, after: string) => data.targetBefore.some((cue) => before.endsWith(cue)) || data.targetAfter.some((cue) => after.startsWith(cue)),
  }
}

export const datingRules = loadDatingRules()
