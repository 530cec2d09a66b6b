// `socklab relay`, `socklab udp-ping` and `socklab udp-ping-server` as commands: the same rules as
// the course's programs (one `ERROR:` line and exit 2 for bad usage, -h in the CLI's language,
// --lang), and a clean end on Ctrl-C, SIGTERM or SIGHUP (the terminal closed) with what was done.

import { addressProblem } from '../shared/address'
import { said } from '../shared/i18n/said'
import { commonOptionLines, parseCommandLine, UsageError } from './args'
import { parsePingArgv, parsePingServerArgv, pingHelp, pingServerHelp, runPing, runPingServer } from './ping-command'
import { IMPAIRMENT_FLAGS, parseRelayArgv, relayArgvProblem, relayHelp, relayWords, runRelay } from './relay-command'
import { cliWords, verbatim } from './words'

export const NETWORK_COMMANDS = ['relay', 'udp-ping', 'udp-ping-server'] as const
export type NetworkCommand = (typeof NETWORK_COMMANDS)[number]

export const isNetworkCommand = (command: string): command is NetworkCommand => (NETWORK_COMMANDS as readonly string[]).includes(command)

type Spec = Record<string, { type: 'string' | 'boolean'; short?: string }>

const help = { help: { type: 'boolean', short: 'h' } } satisfies Spec
const place = { address: { type: 'string', short: 'a' }, port: { type: 'string', short: 'p' }, ipv6: { type: 'boolean', short: '6' } } satisfies Spec

/** The options each command takes, as its own parser reads them: checked first so that a wrong one is said in the CLI's language. */
const SPECS: Record<NetworkCommand, Spec> = {
  relay: {
    ...help,
    listen: { type: 'string' },
    to: { type: 'string' },
    udp: { type: 'boolean' },
    ipv6: { type: 'boolean', short: '6' },
    seed: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    c2s: { type: 'boolean' },
    s2c: { type: 'boolean' },
    both: { type: 'boolean' },
    ...Object.fromEntries(Object.keys(IMPAIRMENT_FLAGS).map((flag) => [flag, { type: 'string' as const }]))
  },
  'udp-ping': { ...help, ...place, count: { type: 'string', short: 'c' }, timeout: { type: 'string' } },
  'udp-ping-server': { ...help, ...place, loss: { type: 'string' }, seed: { type: 'string' }, quiet: { type: 'boolean', short: 'q' } }
}

/**
 * The signals that end a running relay, pinger or ping server: Ctrl-C, SIGTERM (kill, a service
 * manager) and SIGHUP (the terminal window closed). Each then stops, says what it did, and exits 0:
 * stopping is what it was asked for, as the course's servers here exit 0 on Ctrl-C.
 */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

export function stopRequested(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const done = (signal: NodeJS.Signals): void => {
      for (const s of STOP_SIGNALS) process.off(s, done)
      resolve(signal)
    }
    for (const s of STOP_SIGNALS) process.on(s, done)
  })
}

/** `socklab <command> -h`: the synopsis under the CLI's "Usage:", the command's own lines, then --lang and -h. */
export function networkUsage(command: NetworkCommand): string {
  const t = relayWords()
  const text = command === 'relay' ? relayHelp(t) : command === 'udp-ping' ? pingHelp(t) : pingServerHelp(t)
  const [synopsis, ...rest] = text.split('\n')
  return [cliWords()('cli:usage.title', { synopsis: synopsis.replace(/^Usage: /, '') }), ...rest, ...commonOptionLines()].join('\n')
}

/** Runs one of the three; a UsageError for what the command line got wrong (main() prints one line, exit 2). */
export async function runNetworkCommand(command: NetworkCommand, argv: string[], until?: Promise<unknown>): Promise<number> {
  const { values } = parseCommandLine(command, argv, SPECS[command])
  if (values.help === true) {
    process.stdout.write(`${networkUsage(command)}\n`)
    return 0
  }
  const t = relayWords()
  if (command === 'relay') {
    const o = parseRelayArgv(argv)
    if ('bad' in o) throw new UsageError(verbatim(relayArgvProblem(t, o)))
    return runRelay(o, until ?? stopRequested())
  }
  const o = command === 'udp-ping' ? parsePingArgv(t, argv) : parsePingServerArgv(t, argv)
  if ('error' in o) throw new UsageError(verbatim(o.error))
  if ('help' in o) return 0
  if (addressProblem(o.address)) throw new UsageError(said('cli:errors.invalidAddress', { address: o.address }))
  // The signals are taken only now: until then Ctrl-C ends the process as it ends any other.
  return 'count' in o ? runPing(o, until ?? stopRequested()) : runPingServer(o, until ?? stopRequested())
}
