import { z } from 'zod'
import { requestSchema } from '../../answer/request.js'
import { answerResponseSchema, errorResponseSchema, healthSchema, parksSchema, streamEventSchemas } from './schemas.js'

type JsonSchema = Record<string, unknown>

/** JSON Schema 2020-12, which OpenAPI 3.1 uses as is; `io: input` documents what a client sends. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12' }) as JsonSchema
  return rest
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })

function errorResponse(description: string) {
  return { description, content: { 'application/json': { schema: ref('Error') } } }
}

/** The OpenAPI 3.1 document of the HTTP API, generated from the zod schemas the server uses. */
export function openApiDocument(version: string): JsonSchema {
  const events = Object.fromEntries(Object.entries(streamEventSchemas).map(([name, schema]) => [name, jsonSchema(schema)]))
  return {
    openapi: '3.1.0',
    info: {
      title: 'parkqa',
      version,
      description:
        "Cited answers from documents about Hunan's high-tech industrial parks. Answers come only from the documents; `found: false` means the documents do not say.",
    },
    paths: {
      '/ask': {
        post: {
          operationId: 'ask',
          summary: 'Answer a question from the documents, with the passages used as citations',
          requestBody: { required: true, content: { 'application/json': { schema: ref('AskRequest') } } },
          responses: {
            '200': {
              description:
                'The answer. With `Accept: text/event-stream` the answer streams as Server-Sent Events: `token` events, then one `citations` event, then `done` (or `error`); each event\'s data is JSON (see x-events).',
              content: {
                'application/json': { schema: ref('AskResponse') },
                'text/event-stream': { schema: { type: 'string' }, 'x-events': events },
              },
            },
            '400': errorResponse('invalid_request (names the field and why) or unknown_park'),
            '413': errorResponse('payload_too_large: the body is over 16 KB'),
            '415': errorResponse('unsupported_media_type: the body is not application/json in UTF-8'),
            '429': errorResponse('rate_limited: too many questions from this client; see Retry-After'),
            '503': errorResponse('not_ready: the index is still loading; see Retry-After'),
            '500': errorResponse('internal'),
          },
        },
      },
      '/healthz': {
        get: {
          operationId: 'health',
          summary: 'Liveness and the index being served',
          responses: {
            '200': { description: 'Serving', content: { 'application/json': { schema: ref('Health') } } },
            '503': { description: 'Starting: the index is not loaded yet', content: { 'application/json': { schema: ref('Health') } } },
          },
        },
      },
      '/parks': {
        get: {
          operationId: 'parks',
          summary: 'The parks a question can be limited to (the `park` of POST /ask)',
          responses: {
            '200': { description: 'The parks of the index being served', content: { 'application/json': { schema: ref('Parks') } } },
            '503': errorResponse('not_ready: the index is still loading; see Retry-After'),
          },
        },
      },
      '/openapi.json': {
        get: { operationId: 'openapi', summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1 document' } } },
      },
    },
    components: {
      schemas: {
        AskRequest: jsonSchema(requestSchema, 'input'),
        AskResponse: jsonSchema(answerResponseSchema),
        Health: jsonSchema(healthSchema),
        Parks: jsonSchema(parksSchema),
        Error: jsonSchema(errorResponseSchema),
      },
    },
  }
}
