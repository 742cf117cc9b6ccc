import { z } from 'zod'
import { alternation, readTable, table, wordList } from '../text/table.js'

/** `clauses.json`: the words that make a clause fit a reason or list question, or complete a figure. */

const clausesSchema = table({
  reasonCues: wordList(),
  listJoiners: wordList(),
  growth: z.strictObject({ comparisons: wordList(), changes: wordList() }),
  plans: wordList(),
  planQuestions: wordList(),
})

export interface ClauseCues {
  /** A clause telling how or why (实施, 通过 …). */
  reason: RegExp
  /** A clause listing things (、, 和, 及). */
  list: RegExp
  /** A clause that completes the figure before it: (同比)增长5.2%. */
  growth: RegExp
  /** A comparison with another year (同比, 比上年 …; global): it dates nothing itself. */
  comparison: RegExp
  /** A plan or target (力争, 目标 …), not a result. */
  plan: RegExp
  /** A question that asks about plans. */
  asksPlan: RegExp
}

export function loadClauseCues(file: URL = new URL('./clauses.json', import.meta.url)): ClauseCues {
  const data = readTable(file, clausesSchema)
  return {
    reason: new RegExp(alternation(data.reasonCues)),
    list: new RegExp(alternation(data.listJoiners)),
    growth: new RegExp(`^\\s*(?:${alternation(data.growth.comparisons)})?\\s*(?:${alternation(data.growth.changes)})`),
    comparison: new RegExp(alternation(data.growth.comparisons), 'g'),
    plan: new RegExp(alternation(data.plans)),
    asksPlan: new RegExp(alternation(data.planQuestions)),
  }
}

export const clauseCues = loadClauseCues()
