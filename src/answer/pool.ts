import { Worker } from 'node:worker_threads'
import type { Config } from '../config.js'
import { AbortedError, AppError, RequestError, type RequestErrorCode } from '../errors.js'
import type { Logger } from '../log.js'
import type { RetrieverMode } from '../retrieve/retriever.js'
import type { AnswerEvent, Answerer, AnswerOptions } from './answer.js'
import type { AnswerRequest, AnswerResponse } from './types.js'

/*
 * Extractive answers on worker threads. An extractive answer is milliseconds of synchronous CPU
 * work; on the thread that serves HTTP it holds every other request (and /healthz) up meanwhile,
 * and it uses one core however many the machine has. Each worker loads the same index version and
 * answers with the same code, so an answer is the one the HTTP thread would give.
 */

export interface WorkerInput {
  indexDir: string
  version: string
  config: Config
  retriever?: RetrieverMode
}

/** Main thread → worker. */
export type ToWorker = { id: number; kind: 'answer' | 'stream'; request: AnswerRequest } | { id: number; kind: 'abort' }

/** A failure, as a worker reports it: request errors keep their class and code. */
export interface WorkerFailure {
  name: string
  code?: string
  message: string
  stack?: string
}

/** Worker → main thread. */
export type FromWorker =
  | { kind: 'ready' }
  | { kind: 'failed'; error: WorkerFailure }
  | { id: number; kind: 'event'; event: AnswerEvent }
  /** The response as JSON: a string crosses threads several times faster than the object's structured clone. */
  | { id: number; kind: 'done'; response?: string }
  | { id: number; kind: 'error'; error: WorkerFailure }

export function toFailure(error: unknown): WorkerFailure {
  const e = error instanceof Error ? error : new Error(String(error))
  return { name: e.name, code: e instanceof AppError ? e.code : undefined, message: e.message, stack: e.stack }
}

function fromFailure(failure: WorkerFailure): Error {
  if (failure.name === 'AbortedError') return new AbortedError(failure.message)
  if (failure.name === 'RequestError') return new RequestError(failure.code as RequestErrorCode, failure.message)
  const error = new Error(failure.message)
  error.stack = failure.stack
  return error
}

/** One question on its way through a worker: its events go to `push`, its end (with the response as JSON, when asked whole) to `end`. */
interface Pending {
  push(event: AnswerEvent): void
  end(error?: Error, json?: string): void
}

interface Thread {
  worker: Worker
  ready: boolean
  pending: Map<number, Pending>
}

export interface PoolDeps {
  input: WorkerInput
  workers: number
  logger: Logger
  /** Answers on this thread while the workers load the index, and if they fail. */
  local: Answerer
}

export interface AnswerPool extends Answerer {
  /** Resolves once every worker has loaded the index (or failed to: `local` then answers). */
  readonly started: Promise<void>
  /** Stops each worker once the questions it holds are answered. */
  close(): void
}

/**
 * A worker running the module beside this one: the built `.js`, or under tsx (development, tests)
 * the `.ts` through tsx's loader, which a worker thread does not inherit from its parent.
 */
function startWorker(input: WorkerInput): Worker {
  const url = new URL('./pool-worker.js', import.meta.url)
  if (!import.meta.url.endsWith('.ts')) return new Worker(url, { workerData: input })
  const tsx = import.meta.resolve('tsx/esm/api')
  const source = new URL('./pool-worker.ts', import.meta.url).href
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(source)}) })`
  return new Worker(boot, { eval: true, workerData: input })
}

export function createAnswerPool({ input, workers, logger, local }: PoolDeps): AnswerPool {
  const threads: Thread[] = []
  let nextId = 0
  let closing = false

  const starts: Array<Promise<void>> = []
  for (let i = 0; i < workers; i++) {
    const worker = startWorker(input)
    // Idle workers must not keep a process alive that is otherwise done.
    worker.unref()
    const thread: Thread = { worker, ready: false, pending: new Map() }
    threads.push(thread)
    starts.push(
      new Promise<void>((resolve) => {
        worker.on('message', (message: FromWorker) => {
          if (message.kind === 'ready') {
            thread.ready = true
            resolve()
          } else if (message.kind === 'failed') {
            logger.error(`answer worker ${i + 1} cannot load index version ${input.version}: ${message.error.message}; answering on the main thread`)
            void worker.terminate()
            resolve()
          } else {
            const pending = thread.pending.get(message.id)
            if (!pending) return
            if (message.kind === 'event') return pending.push(message.event)
            thread.pending.delete(message.id)
            pending.end(message.kind === 'error' ? fromFailure(message.error) : undefined, message.kind === 'done' ? message.response : undefined)
            if (closing && thread.pending.size === 0) void worker.terminate()
          }
        })
        worker.on('error', (error) => logger.error(`answer worker ${i + 1} failed: ${error.message}`))
        worker.on('exit', () => {
          thread.ready = false
          threads.splice(threads.indexOf(thread), 1)
          // Questions it held are answered here rather than lost (answers are pure: asking again is safe).
          for (const pending of thread.pending.values()) pending.end(new WorkerGone())
          thread.pending.clear()
          resolve()
        })
      }),
    )
  }

  /** The ready worker with the fewest questions in hand; none while they load or once all failed. */
  function pick(): Thread | undefined {
    let best: Thread | undefined
    for (const thread of threads) if (thread.ready && (!best || thread.pending.size < best.pending.size)) best = thread
    return best
  }

  /** Sends a question to a worker; its events arrive through `pending`. */
  function send(thread: Thread, kind: 'answer' | 'stream', request: AnswerRequest, signal: AbortSignal | undefined, pending: Pending): void {
    const id = nextId++
    const onAbort = () => {
      thread.pending.delete(id)
      thread.worker.postMessage({ id, kind: 'abort' } satisfies ToWorker)
      pending.end(new AbortedError())
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    thread.pending.set(id, {
      push: pending.push,
      end: (error, json) => {
        signal?.removeEventListener('abort', onAbort)
        pending.end(error, json)
      },
    })
    try {
      thread.worker.postMessage({ id, kind, request } satisfies ToWorker)
    } catch {
      // A request that cannot be copied to another thread (not plain data) is answered here.
      thread.pending.get(id)?.end(new WorkerGone())
      thread.pending.delete(id)
    }
  }

  /**
   * A whole answer from a worker, read from the JSON it sends (`read`), or from `locally` on this
   * thread while no worker is ready, for a traced question, or when its worker exits with it.
   */
  async function whole<T>(request: AnswerRequest, options: AnswerOptions, read: (json: string) => T, locally: (request: AnswerRequest, options: AnswerOptions) => Promise<T>): Promise<T> {
    const thread = pick()
    if (!thread || options.callbacks) return locally(request, options)
    if (options.signal?.aborted) throw new AbortedError()
    try {
      return read(
        await new Promise<string>((resolve, reject) =>
          send(thread, 'answer', request, options.signal, { push: () => undefined, end: (error, json) => (error ? reject(error) : resolve(json!)) }),
        ),
      )
    } catch (error) {
      if (error instanceof WorkerGone) return locally(request, options)
      throw error
    }
  }

  const answerJson = (request: AnswerRequest, options: AnswerOptions = {}): Promise<string> => whole(request, options, (json) => json, local.answerJson)
  const answer = (request: AnswerRequest, options: AnswerOptions = {}): Promise<AnswerResponse> => whole(request, options, (json) => JSON.parse(json) as AnswerResponse, local.answer)

  async function* stream(request: AnswerRequest, options: AnswerOptions = {}): AsyncGenerator<AnswerEvent> {
    const thread = pick()
    if (!thread || options.callbacks) return yield* local.stream(request, options)
    if (options.signal?.aborted) throw new AbortedError()
    const queue: AnswerEvent[] = []
    let finished: { error?: Error } | undefined
    let wake: (() => void) | undefined
    send(thread, 'stream', request, options.signal, {
      push: (event) => {
        queue.push(event)
        wake?.()
      },
      end: (error) => {
        finished = { error }
        wake?.()
      },
    })
    let yielded = false
    for (;;) {
      while (queue.length > 0) {
        yielded = true
        yield queue.shift()!
      }
      if (finished) break
      await new Promise<void>((resolve) => (wake = resolve))
      wake = undefined
    }
    if (finished.error instanceof WorkerGone && !yielded) return yield* local.stream(request, options)
    if (finished.error) throw finished.error
  }

  return {
    answer,
    answerJson,
    stream,
    catalog: local.catalog,
    mode: local.mode,
    started: Promise.all(starts).then(() => undefined),
    close() {
      closing = true
      for (const thread of [...threads]) if (thread.pending.size === 0) void thread.worker.terminate()
    },
  }
}

/** A worker exited with the question in hand: it is answered on this thread instead. */
class WorkerGone extends Error {}
