import http from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A fake OpenAI-compatible chat server on 127.0.0.1 for LLM tests: it records every request and
 * answers according to `behaviour` (a reply, a 500, a stall, garbage, a reply held back until the
 * test releases it), streaming when asked.
 */

export type Behaviour =
  | { kind: 'reply'; content: string }
  | { kind: 'error'; status: number }
  | { kind: 'stall'; ms: number }
  | { kind: 'garbage' }
  /** Streams `content` `pieceChars` (default 4) characters at a time, `pieceMs` apart (or replies after the whole time). */
  | { kind: 'slow'; content: string; pieceMs: number; pieceChars?: number }
  /** Replies with `content` only when the test calls `release()`, so that requests pile up in flight. */
  | { kind: 'hold'; content: string }

export interface FakeOpenAI {
  baseURL: string
  requests: Array<{ path: string; body: { model?: string; messages: Array<{ role: string; content: string }>; stream?: boolean; temperature?: number } }>
  behaviour: Behaviour
  /** Requests whose connection the client closed before the reply was complete. */
  disconnects: number
  /** Requests received whose reply is not complete yet (nor their connection closed). */
  inFlight: number
  /** Sends the replies held back so far (behaviour `hold`). */
  release(): void
  /** Resolves when the next request arrives. */
  nextRequest(): Promise<void>
  close(): Promise<void>
}

function completion(content: string): string {
  return JSON.stringify({
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 0,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  })
}

function streamChunk(delta: Record<string, unknown>, finish: string | null): string {
  return `data: ${JSON.stringify({ id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 0, model: 'gpt-4o-mini', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`
}

/** `content` cut into pieces of at most `chars` characters (code points), as a model streams it. */
const piecesOf = (content: string, chars: number): string[] => content.match(new RegExp(`.{1,${chars}}`, 'gsu')) ?? []

/** The whole reply at once, or as a stream of small pieces when the request asked to stream. */
function reply(res: http.ServerResponse, stream: boolean, content: string): void {
  if (!stream) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(completion(content))
    return
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' })
  res.write(streamChunk({ role: 'assistant', content: '' }, null))
  for (const piece of piecesOf(content, 4)) res.write(streamChunk({ content: piece }, null))
  res.write(streamChunk({}, 'stop'))
  res.end('data: [DONE]\n\n')
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  let arrivals: Array<() => void> = []
  let held: Array<() => void> = []
  const fake: Omit<FakeOpenAI, 'baseURL' | 'close'> = {
    requests: [],
    behaviour: { kind: 'reply', content: 'ok [1]' },
    disconnects: 0,
    inFlight: 0,
    release: () => {
      const replies = held
      held = []
      for (const reply of replies) reply()
    },
    nextRequest: () => new Promise<void>((resolve) => arrivals.push(resolve)),
  }
  const server = http.createServer((req, res) => {
    let raw = ''
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')))
    res.on('close', () => {
      if (!res.writableFinished) fake.disconnects++
    })
    req.on('end', () => {
      const body = JSON.parse(raw || '{}')
      fake.inFlight++
      res.on('close', () => fake.inFlight--)
      fake.requests.push({ path: req.url ?? '', body })
      for (const arrived of arrivals) arrived()
      arrivals = []
      const b = fake.behaviour
      if (b.kind === 'error') {
        res.writeHead(b.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'boom', type: 'server_error' } }))
      } else if (b.kind === 'stall') {
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(completion('too late [1]')), b.ms).unref()
      } else if (b.kind === 'slow') {
        const pieces = piecesOf(b.content, b.pieceChars ?? 4)
        if (!body.stream) {
          setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(completion(b.content)), b.pieceMs * pieces.length).unref()
          return
        }
        res.writeHead(200, { 'content-type': 'text/event-stream' })
        res.write(streamChunk({ role: 'assistant', content: '' }, null))
        let next = 0
        const timer = setInterval(() => {
          if (res.destroyed) return clearInterval(timer)
          const piece = pieces[next++]
          if (piece !== undefined) return void res.write(streamChunk({ content: piece }, null))
          clearInterval(timer)
          res.write(streamChunk({}, 'stop'))
          res.end('data: [DONE]\n\n')
        }, b.pieceMs)
        timer.unref()
      } else if (b.kind === 'garbage') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"choices": [nonsense')
      } else if (b.kind === 'hold') {
        held.push(() => {
          // A client that gave up has nothing to be answered.
          if (!res.destroyed) reply(res, body.stream === true, b.content)
        })
      } else {
        reply(res, body.stream === true, b.content)
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return Object.assign(fake, {
    baseURL: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  })
}
