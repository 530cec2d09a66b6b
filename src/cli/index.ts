// `socklab <program>`: the course's six programs on the socklab engine, the browser host, `watch`,
// and the lossy network's relay and the textbook's UDP Pinger (`relay`, `udp-ping`, `udp-ping-server`).
// Output is the course programs' own lines; failures are one `ERROR:` line and a non-zero exit
// (2 for bad usage, 1 for network failures), never a stack trace. Like any Unix tool it prints
// through a pipe exactly what it prints to a file, and a reader that stops early (`| head`) ends
// it quietly. The CLI's own words (usage, errors, notes) are in the language of --lang it|en, else
// of LC_ALL / LC_MESSAGES / LANG; the course programs' lines are the same in every language.

import type { Command } from './args'
import { COMMANDS, parseOptions, topUsage, usage, UsageError } from './args'
import { closeInput, runProgram } from './programs'
import { runWatch } from './watch'
import { isNetworkCommand, runNetworkCommand } from './network-commands'
import { runCheckCommand } from './check-command'
import { runAddresses } from './addresses'
import { EMPTY_SEND } from '../engine/errors'
import { said } from '../shared/i18n/said'
import { setCliLang, spoken, takeLang } from './words'

export async function main(argv: string[]): Promise<void> {
  // The language first: everything after may print.
  const { lang, rest, problem } = takeLang(argv)
  setCliLang(lang)
  // watch stops its capture itself when its reader goes, so that tshark ends with it.
  endQuietlyWhenTheReaderGoes(rest[0] === 'watch' ? [process.stderr] : [process.stdout, process.stderr])
  process.exitCode = problem ? fail(spoken(problem), 2) : await run(rest)
  closeInput()
  exitIfStuck()
}

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(`${topUsage()}\n`)
    return 0
  }
  // No program named is a usage error, as for any command line tool: the list goes to stderr, exit 2.
  if (command === undefined) {
    process.stderr.write(`${topUsage()}\n`)
    return 2
  }
  if (command === 'watch') {
    try {
      return await runWatch(rest)
    } catch (err) {
      return fail(spoken(err), err instanceof UsageError ? 2 : 1)
    }
  }
  if (command === 'check') {
    try {
      return await runCheckCommand(rest)
    } catch (err) {
      return fail(spoken(err), err instanceof UsageError ? 2 : 1)
    }
  }
  if (command === 'addresses') {
    try {
      return runAddresses(rest)
    } catch (err) {
      return fail(spoken(err), err instanceof UsageError ? 2 : 1)
    }
  }
  if (isNetworkCommand(command)) {
    try {
      return await runNetworkCommand(command, rest)
    } catch (err) {
      return fail(spoken(err), err instanceof UsageError ? 2 : 1)
    }
  }
  if (!(COMMANDS as readonly string[]).includes(command)) return fail(spoken(said('cli:errors.unknownProgram', { program: command })), 2)
  const cmd = command as Command
  try {
    const options = parseOptions(cmd, rest)
    if (options.help) {
      process.stdout.write(`${usage(cmd)}\n`)
      return 0
    }
    return await runProgram(cmd, options)
  } catch (err) {
    const usageError = err instanceof UsageError || (err as { code?: string })?.code === EMPTY_SEND
    return fail(spoken(err), usageError ? 2 : 1)
  }
}

/**
 * One line: the usage text is one `-h` away and would bury the reason. `ERROR:` as the course's
 * programs write it, in every language (their own error lines are printed as they are).
 */
function fail(message: string, status: number): number {
  process.stderr.write(`ERROR: ${message}\n`)
  return status
}

/**
 * `socklab … | head -3`: once the reader has gone, the next write fails with EPIPE. Nothing more
 * can be shown, so end at once and quietly, as `cat` and `grep` do; the system frees the ports.
 */
function endQuietlyWhenTheReaderGoes(streams: NodeJS.WriteStream[]): void {
  for (const stream of streams) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') process.stderr.write(`ERROR: ${spoken(said('cli:errors.cannotWrite', { reason: err.message }))}\n`)
      process.exit(err.code === 'EPIPE' ? 0 : 1)
    })
  }
  process.on('uncaughtException', (err) => {
    process.stderr.write(`ERROR: ${spoken(err)}\n`)
    process.exit(1)
  })
}

/**
 * The program has finished and the process ends by itself once its output is written (exit()
 * would drop what a pipe has not taken yet). If some handle still held it a second after
 * everything was written, that would be a bug, and a lab PC must not hang on it.
 */
function exitIfStuck(): void {
  process.stdout.write('', () => process.stderr.write('', () => setTimeout(() => process.exit(), 1000).unref()))
}
