// `socklab <program>`: the course's six programs on the socklab engine, plus the browser host.
// Output is the course programs' own lines; failures are one `ERROR:` line and a non-zero exit
// (2 for bad usage, 1 for network failures), never a stack trace.

import type { Command } from './args'
import { COMMANDS, parseOptions, topUsage, usage, UsageError } from './args'
import { runProgram } from './programs'
import { runWatch } from './watch'

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    console.log(topUsage())
    return
  }
  if (command === 'watch') {
    try {
      process.exit(await runWatch(rest))
    } catch (err) {
      fail((err as Error)?.message ?? String(err), err instanceof UsageError ? 2 : 1)
    }
  }
  if (!(COMMANDS as readonly string[]).includes(command)) {
    fail(`unknown program <${command}>: socklab -h lists the programs`, 2)
  }
  const cmd = command as Command
  try {
    const options = parseOptions(cmd, rest)
    if (options.help) return console.log(usage(cmd))
    // exit() rather than waiting for the loop to drain: a prompt's reader keeps stdin open.
    process.exit(await runProgram(cmd, options))
  } catch (err) {
    if (err instanceof UsageError) fail(err.message, 2)
    fail((err as Error)?.message ?? String(err), 1)
  }
}

/** One line, then exit: the usage text is one `-h` away and would bury the reason. */
function fail(message: string, status: number): never {
  process.stderr.write(`ERROR: ${message}\n`)
  process.exit(status)
}
