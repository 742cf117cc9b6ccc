import { parentPort, workerData } from 'node:worker_threads'
import { loadIndex } from '../index/search-index.js'
import { silentLogger } from '../log.js'
import { createAnswerer } from './answer.js'
import { toFailure, type FromWorker, type ToWorker, type WorkerInput } from './pool.js'

/** One answer worker of `pool.ts`: loads the index version it is given, then answers questions. */

const port = parentPort!
const { indexDir, version, config, retriever } = workerData as WorkerInput
const post = (message: FromWorker) => port.postMessage(message)

try {
  const index = await loadIndex({ indexDir, config, ef: config.hnswEf, version })
  // Extractive answers log nothing; an unexpected failure goes back to the main thread, which logs it.
  const answerer = createAnswerer({ index, logger: silentLogger, retriever })
  const running = new Map<number, AbortController>()

  port.on('message', (message: ToWorker) => {
    if (message.kind === 'abort') return running.get(message.id)?.abort()
    const { id, request } = message
    const controller = new AbortController()
    running.set(id, controller)
    const work = async () => {
      if (message.kind === 'answer') return post({ id, kind: 'done', response: JSON.stringify(await answerer.answer(request, { signal: controller.signal })) })
      for await (const event of answerer.stream(request, { signal: controller.signal })) post({ id, kind: 'event', event })
      post({ id, kind: 'done' })
    }
    work()
      .catch((error: unknown) => post({ id, kind: 'error', error: toFailure(error) }))
      .finally(() => running.delete(id))
  })
  post({ kind: 'ready' })
} catch (error) {
  post({ kind: 'failed', error: toFailure(error) })
}
