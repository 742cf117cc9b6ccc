import type { LogLevel } from './config.js'

export interface Logger {
  debug(message: string): void
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

/** Human-readable logs on stderr, so that stdout stays free for command output (`ask --json`). */
export function createLogger(level: LogLevel, write: (line: string) => void = (line) => process.stderr.write(line + '\n')): Logger {
  const at = (lineLevel: Exclude<LogLevel, 'silent'>) => (message: string) => {
    if (rank[lineLevel] >= rank[level]) write(lineLevel === 'info' ? message : `${lineLevel}: ${message}`)
  }
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

export const silentLogger: Logger = createLogger('silent')

/** The same interface over a structured (pino) logger, for the long-running service. */
export function fromPino(logger: { debug(m: string): void; info(m: string): void; warn(m: string): void; error(m: string): void }): Logger {
  return {
    debug: (message) => logger.debug(message),
    info: (message) => logger.info(message),
    warn: (message) => logger.warn(message),
    error: (message) => logger.error(message),
  }
}
