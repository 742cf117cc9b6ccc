/**
 * Graceful stop of a long-running command on SIGTERM or SIGINT: it logs what happens, runs `stop`
 * once (a second signal while stopping changes nothing), logs "stopped" and exits 0.
 */
export function stopOnSignals(log: { info(message: string): void }, announce: string, stop: () => Promise<void>): void {
  let stopping = false
  async function shutdown(signal: string): Promise<void> {
    if (stopping) return
    stopping = true
    log.info(`${signal}: ${announce}`)
    await stop()
    log.info('stopped')
    process.exit(0)
  }
  process.once('SIGTERM', () => void shutdown('SIGTERM'))
  process.once('SIGINT', () => void shutdown('SIGINT'))
}
