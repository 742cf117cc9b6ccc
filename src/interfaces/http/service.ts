import fs from 'node:fs'
import type { Logger as Pino } from 'pino'
import { Slots } from '../../answer/slots.js'
import type { Config } from '../../config.js'
import { fromPino } from '../../log.js'
import { liveIndexFor, openServedIndex } from '../setup.js'
import { createApp } from './app.js'
import { listen, type RunningServer } from './server.js'

export interface Service {
  url: string
  port: number
  /** Graceful: no new connections, requests in flight finish (up to `graceMs`), the index watcher stops. */
  stop(graceMs?: number): Promise<void>
  /** Resolves once the first index is served; rejects when none can be. */
  ready: Promise<void>
}

function packageVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string }
  return manifest.version ?? '0.0.0'
}

/**
 * The HTTP service: it listens at once (answering `not_ready` meanwhile), brings the index up to
 * date with the corpus, serves it, and follows new index versions written by `npm run ingest`.
 */
export async function startService(config: Config, log: Pino): Promise<Service> {
  const logger = fromPino(log)
  const live = liveIndexFor(config, logger, { llmSlots: new Slots(config.http.llmConcurrency, config.http.llmQueue) })
  const app = createApp({ live, logger: log, http: config.http, version: packageVersion() })
  const server: RunningServer = await listen(app, config.port, config.http.host)
  log.info({ url: server.url, mode: live.mode }, `listening on ${server.url}`)
  const ready = openServedIndex(config, logger).then((index) => {
    live.serve(index)
    live.watch(config.indexPollMs)
  })
  return {
    url: server.url,
    port: server.port,
    ready,
    async stop(graceMs) {
      live.stop()
      await server.close(graceMs)
    },
  }
}
