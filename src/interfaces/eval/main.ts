import { processEnvironment } from '../../config.js'
import { runCli } from '../cli/run.js'
import { evalCommand } from './command.js'

runCli(() => evalCommand(process.argv.slice(2), { env: processEnvironment(), out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) }))
