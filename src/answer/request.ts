import { z } from 'zod'
import { RequestError } from '../errors.js'
import type { AnswerRequest } from './types.js'

/*
 * What a question may be, apart from the answering machinery so that a command can refuse a bad
 * request before it loads an index.
 */

export const MAX_QUESTION_CHARS = 2000
export const MAX_HISTORY_TURNS = 10
export const MAX_TURN_CHARS = 4000

/** Messages name no field: errors are reported as `field: message`. */
export const requestSchema = z
  .object(
    {
      question: z
        .string({ error: 'must be a string' })
        .trim()
        .min(1, 'must not be empty')
        .max(MAX_QUESTION_CHARS, `must be at most ${MAX_QUESTION_CHARS} characters`)
        .describe('The question, in Chinese or English.'),
      k: z
        .number({ error: 'must be a number' })
        .int('must be a whole number from 1 to 20')
        .min(1, 'must be a whole number from 1 to 20')
        .max(20, 'must be a whole number from 1 to 20')
        .default(5)
        .describe('How many passages to retrieve and return as citations.'),
      park: z
        .string({ error: 'must be a string' })
        .trim()
        .min(1, 'must not be empty')
        .max(100, 'must be at most 100 characters')
        .optional()
        .describe('Only passages about this park: a name, alias or English name the index knows.'),
      history: z
        .array(
          z.object(
            {
              role: z.enum(['user', 'assistant'], { error: 'must be "user" or "assistant"' }),
              content: z.string({ error: 'must be a string' }).max(MAX_TURN_CHARS, `must be at most ${MAX_TURN_CHARS} characters`),
            },
            { error: 'must be an object {role, content}' },
          ),
          { error: 'must be an array of turns' },
        )
        .max(MAX_HISTORY_TURNS, `must hold at most ${MAX_HISTORY_TURNS} turns`)
        .default([])
        .describe('Earlier turns of the conversation, oldest first, for follow-up questions.'),
    },
    { error: 'must be a JSON object' },
  )

export type ParsedRequest = z.infer<typeof requestSchema>

/** The request with its defaults, or a RequestError naming the first bad field. */
export function parseRequest(request: AnswerRequest): ParsedRequest {
  const parsed = requestSchema.safeParse(request)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const field = issue.path.join('.')
    throw new RequestError('invalid_request', `${field || 'body'}: ${issue.message}`)
  }
  return parsed.data
}
