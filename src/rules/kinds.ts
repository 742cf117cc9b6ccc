import { z } from 'zod'
import { pattern, readTable, table } from '../text/table.js'

/** `kinds.json`: the cues that tell what kind of answer a question wants. */

export const ANSWER_KINDS = ['number', 'percent', 'list', 'date', 'reason', 'entity', 'other'] as const
export type AnswerKind = (typeof ANSWER_KINDS)[number]

const cueList = z
  .array(z.strictObject({ kind: z.enum(ANSWER_KINDS).exclude(['other']), cues: z.array(pattern).min(1) }))
  .superRefine((rows, ctx) => {
    rows.forEach((row, i) => {
      if (rows.findIndex((r) => r.kind === row.kind) !== i) ctx.addIssue({ code: 'custom', path: [i, 'kind'], message: `kind "${row.kind}" is listed twice` })
    })
  })

const kindsSchema = table({ chinese: cueList, english: cueList })

export interface KindCues {
  /** The kind of answer a question asks for: the first kind, in the table's order, with a cue in it. */
  kindOf(text: string, english: boolean): AnswerKind
}

export function loadKindCues(file: URL = new URL('./kinds.json', import.meta.url)): KindCues {
  const data = readTable(file, kindsSchema)
  const compile = (rows: typeof data.chinese) => rows.map(({ kind, cues }) => ({ kind, cue: new RegExp(cues.join('|')) }))
  const chinese = compile(data.chinese)
  const english = compile(data.english)
  return {
    kindOf(text, isEnglish) {
      const t = isEnglish ? text.toLowerCase() : text
      return (isEnglish ? english : chinese).find(({ cue }) => cue.test(t))?.kind ?? 'other'
    },
  }
}

export const kindCues = loadKindCues()
