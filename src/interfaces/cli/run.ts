import { parseArgs } from 'node:util'
import { AppError, UsageError } from '../../errors.js'

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

/**
 * For a command whose only option is --help (-h): true, with the usage printed, when it was asked
 * for; an unknown option or argument is a UsageError carrying the usage.
 */
export function helpAsked(usage: string, argv: string[] = process.argv.slice(2)): boolean {
  let help: boolean | undefined
  try {
    help = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' } } }).values.help
  } catch (error) {
    throw new UsageError('invalid_usage', `${(error as Error).message}\n${usage}`)
  }
  if (help) process.stdout.write(usage + '\n')
  return help === true
}
