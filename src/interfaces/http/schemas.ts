import { z } from 'zod'

/**
 * The shapes `/ask`, `/healthz`, `/parks` and errors send back, as zod schemas: `/openapi.json` is generated
 * from them (and from the answerer's request schema), and the tests check real responses against
 * them, so the documentation cannot drift from what the server does.
 */

export const citationSchema = z.object({
  n: z.number().int().min(1).describe('The number the answer uses to cite this passage, as [n].'),
  id: z.string().describe('Passage id in the index.'),
  source: z.string().describe('Corpus file the passage comes from.'),
  title: z.string(),
  park: z.string().describe('The park the passage is about.'),
  page: z.number().int().min(1).optional().describe('For a PDF: the page the passage starts on (1-based). Absent for other formats.'),
  text: z.string().describe('The passage, as indexed.'),
  score: z.number().describe('Retrieval score (higher is closer).'),
})

export const answerModeSchema = z.enum(['extractive', 'llm'])

export const answerResponseSchema = z.object({
  answer: z.string(),
  found: z.boolean().describe('false: the documents do not say; the citations are then the closest passages.'),
  mode: answerModeSchema,
  cited: z.array(z.number().int().min(1)).describe('The [n] the answer uses, in order of first use (empty when found is false): which citations back the answer.'),
  citations: z.array(citationSchema),
})

export const errorCodeSchema = z.enum([
  'invalid_request',
  'unknown_park',
  'payload_too_large',
  'unsupported_media_type',
  'not_found',
  'method_not_allowed',
  'unauthorized',
  'rate_limited',
  'not_ready',
  'internal',
])

export type ErrorCode = z.infer<typeof errorCodeSchema>

export const errorResponseSchema = z.object({
  error: z.object({ code: errorCodeSchema, message: z.string().describe('Safe to show to a user.') }),
})

export const healthSchema = z.object({
  status: z.enum(['ok', 'starting']),
  documents: z.number().int(),
  chunks: z.number().int(),
  indexVersion: z.string().nullable(),
  mode: answerModeSchema,
  model: z.enum(['ok', 'degraded', 'off']).describe('off: no model configured; degraded: the model kept failing and answers are extractive until it recovers.'),
})

export const parksSchema = z.object({
  parks: z
    .array(
      z.object({
        name: z.string().describe('The name to send as `park` in POST /ask.'),
        english: z.string().optional().describe('An English name, when the index knows one.'),
        passages: z.number().int().min(1).describe('How many passages are about this park.'),
      }),
    )
    .describe('The parks passages are about, most passages first.'),
})

/** Server-Sent Events of a streamed answer, in order: token*, citations, done (or error). */
export const streamEventSchemas = {
  token: z.object({ text: z.string() }).describe('Answer text as it is produced. When the model fails mid-way, `done.answer` supersedes what was streamed.'),
  citations: z.object({ citations: z.array(citationSchema) }),
  done: answerResponseSchema.omit({ citations: true }).describe('The final answer.'),
  error: errorResponseSchema.shape.error,
}
