import type { ParkCatalog } from '../retrieve/parks.js'
import { periodsIn, readFollowup, yearsIn, type FollowupReading } from '../retrieve/query.js'
import { followupWords } from '../rules/followup.js'
import { MAX_QUESTION_CHARS } from './request.js'
import type { Turn } from './types.js'

/**
 * Rule-based rewriting of a follow-up into a standalone question (the offline path; the LLM path
 * uses prompts/condense-follow-up.md). "那2019年呢？" after "南通高新区2020年工业总产值是多少？"
 * becomes "南通高新区2019年工业总产值是多少？"; "它的研发投入呢？" inherits the park.
 */

/** The longest question an elliptical opener (那…呢) may lead with one content word. */
const ELLIPTICAL_CHARS = 14

const isContent = (term: string) => !yearsIn(term).length && !periodsIn(term).length

function isElliptical(question: string, q: FollowupReading): boolean {
  // A longer question is elliptical only without any content word: a glossary word leading its
  // terms settles that before a long turn is cut into words.
  if (question.length > ELLIPTICAL_CHARS && q.leadingTerm !== undefined && isContent(q.leadingTerm)) return false
  const contentTerms = q.terms.map((g) => g[0]!).filter(isContent)
  return contentTerms.length === 0 || (followupWords.ellipticalOpener.test(question.trim()) && contentTerms.length <= 1 && question.length <= ELLIPTICAL_CHARS)
}

function replaceAll(text: string, from: readonly string[], to: string): string {
  let out = text
  for (const f of from) out = out.split(f).join(to)
  return out
}

/** One step: the follow-up read against the previous standalone question. */
export function condenseOne(question: string, previous: string, catalog: ParkCatalog, analyse = (text: string) => readFollowup(text, catalog)): string {
  const q = analyse(question)
  const p = analyse(previous)
  if (q.english !== p.english) return question
  if (isElliptical(question, q)) {
    let out = previous
    if (q.years.length > 0) {
      out = p.years.length > 0 ? replaceAll(out, p.years, q.years[0]!) : `${q.years[0]}年${out}`
    }
    const periods = periodsIn(question)
    if (periods.length > 0) {
      const old = periodsIn(previous)
      const year = /\d{4}\s*年/.exec(out)
      if (old.length > 0) out = replaceAll(out, old, periods[0]!)
      else if (year) out = out.slice(0, year.index + year[0].length) + periods[0] + out.slice(year.index + year[0].length)
      else out = `${periods[0]}${out}`
    }
    if (q.parks.length > 0 && p.parks.length > 0) {
      const names = catalog.parks.find((park) => park.name === p.parks[0])
      out = replaceAll(out, [p.parks[0]!, ...(names?.aliases ?? [])].sort((a, b) => b.length - a.length), q.parks[0]!)
    }
    return out
  }
  if (q.parks.length === 0 && p.parks.length > 0) {
    const rest = question.trim().replace(followupWords.reference, '')
    // Same park, and the same year unless the follow-up names one.
    const year = q.years.length === 0 && p.years.length > 0 ? `${p.years[0]}年` : ''
    return q.english ? `${question} (${[p.parks[0], year].filter(Boolean).join(' ')})` : `${p.parks[0]}${year}${rest}`
  }
  return question
}

/** How many earlier questions a follow-up is read against: a chain of ellipses rarely runs longer. */
export const FOLDED_TURNS = 3

/**
 * Folds the user turns of the history, oldest first, then the question. A turn longer than a
 * question may be was not one, and a rewrite that would grow past that limit keeps the question
 * as asked: the work per question stays bounded whatever the history holds.
 */
export function condense(question: string, history: Turn[], catalog: ParkCatalog): string {
  const asked = history
    .filter((turn) => turn.role === 'user' && turn.content.trim().length > 0 && turn.content.length <= MAX_QUESTION_CHARS)
    .map((turn) => turn.content)
    .slice(-FOLDED_TURNS)
  if (asked.length === 0) return question
  const within = (rewritten: string, asIs: string): string => (rewritten.length <= MAX_QUESTION_CHARS ? rewritten : asIs)
  // A turn read as the follow-up is often the next step's standalone question: analysed once.
  const analysed = new Map<string, FollowupReading>()
  const analyse = (text: string): FollowupReading => analysed.get(text) ?? analysed.set(text, readFollowup(text, catalog)).get(text)!
  let standalone = asked[0]!
  for (const turn of asked.slice(1)) standalone = within(condenseOne(turn, standalone, catalog, analyse), turn)
  return within(condenseOne(question, standalone, catalog, analyse), question)
}
