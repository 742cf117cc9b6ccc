import { AppError } from '../../errors.js'

/**
 * Runs a command's main function: expected failures (typed errors) print their message and exit
 * 1 without a stack trace; anything else is a bug and keeps its stack for the report.
 */
export function runCli(main: () => Promise<number | void>): void {
  main().then(
    (code) => {
      process.exitCode = code ?? 0
    },
    (error: unknown) => {
      if (error instanceof AppError) process.stderr.write(`error [${error.code}]: ${error.message}\n`)
      else process.stderr.write(`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
      process.exitCode = 1
    },
  )
}
