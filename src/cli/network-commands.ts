// `socklab relay`, `socklab udp-ping` and `socklab udp-ping-server` as commands: the same rules as
// the course's programs (one `ERROR:` line and exit 2 for bad usage, -h in the CLI's language,
// --lang), and a clean end on Ctrl-C, SIGTERM or SIGHUP (the terminal closed) with what was done.

import { addressProblem, DEFAULT_PORT, defaultClientAddress, defaultServerAddress, MAX_PORT, MIN_PORT } from '../shared/address'
import { said } from '../shared/i18n/said'
import { PING_DEFAULTS, TEXTBOOK_LOSS_PCT } from '../engine/pinger'
import { commonOptionLines, optionLine, parseCommandLine, typed, UsageError } from './args'
import { parsePingArgv, parsePingServerArgv, runPing, runPingServer } from './ping-command'
import { parseRelayArgv, RELAY_OPTIONS, relayArgvProblem, relayWords, runRelay } from './relay-command'
import { verbatim } from './words'

export const NETWORK_COMMANDS = ['relay', 'udp-ping', 'udp-ping-server'] as const
export type NetworkCommand = (typeof NETWORK_COMMANDS)[number]

export const isNetworkCommand = (command: string): command is NetworkCommand => (NETWORK_COMMANDS as readonly string[]).includes(command)

type Spec = Record<string, { type: 'string' | 'boolean'; short?: string }>

const help = { help: { type: 'boolean', short: 'h' } } satisfies Spec
const place = { address: { type: 'string', short: 'a' }, port: { type: 'string', short: 'p' }, ipv6: { type: 'boolean', short: '6' } } satisfies Spec

/** The options each command takes, as its own parser reads them: checked first so that a wrong one is said in the CLI's language. */
const SPECS: Record<NetworkCommand, Spec> = {
  relay: { ...help, ...RELAY_OPTIONS },
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

/**
 * `socklab <command> -h`, laid out as the course programs' usage (args.ts): the synopsis under the
 * CLI's "Usage:" with its placeholders in the CLI's language (options never translated), what the
 * command is, each option with `-->` and what it does, then --lang and -h.
 */
export function networkUsage(command: NetworkCommand): string {
  const t = relayWords()
  const m = { addr: t('cli:usage.meta.addr'), port: t('cli:usage.meta.port'), pct: t('relay:usage.meta.pct'), bytes: t('relay:usage.meta.bytes'), impairments: t('relay:usage.meta.impairments') }
  const place = (server: boolean): string[] => [
    optionLine(
      `-a ${m.addr}`,
      server
        ? t('cli:usage.serverAddress', { v4: defaultServerAddress('IPv4'), v6: defaultServerAddress('IPv6') })
        : t('cli:usage.clientAddress', { v4: defaultClientAddress('IPv4'), v6: defaultClientAddress('IPv6') })
    ),
    optionLine('-p N', t('cli:usage.port', { min: typed(MIN_PORT), max: typed(MAX_PORT), port: typed(DEFAULT_PORT) })),
    optionLine('-6', t('cli:usage.ipv6'))
  ]
  let synopsis: string
  let lines: string[]
  if (command === 'relay') {
    const v4 = defaultServerAddress('IPv4')
    const v6 = defaultServerAddress('IPv6')
    synopsis = `socklab relay --listen [${m.addr}:]${m.port} --to HOST:${m.port} [--udp] [-6] [--c2s|--s2c|--both] [${m.impairments}] [--seed N] [-q]`
    lines = [
      t('relay:usage.relay.title'),
      optionLine(`--listen [${m.addr}:]${m.port}`, t('relay:usage.relay.listen', { port: m.port, addr: m.addr, v4, v6 })),
      optionLine(`--to HOST:${m.port}`, t('relay:usage.relay.to', { port: m.port })),
      optionLine('--udp', t('relay:usage.relay.udp')),
      optionLine('-6', t('relay:usage.relay.ipv6', { port: m.port, v4, v6 })),
      optionLine('--c2s|--s2c|--both', t('relay:usage.relay.directions')),
      optionLine(m.impairments, t('relay:usage.relay.impairments')),
      optionLine(`  --loss ${m.pct}`, t('relay:usage.relay.loss')),
      optionLine(`  --duplicate ${m.pct}`, t('relay:usage.relay.duplicate')),
      optionLine(`  --reorder ${m.pct}`, t('relay:usage.relay.reorder')),
      optionLine('  --delay MS', t('relay:usage.relay.delay')),
      optionLine('  --jitter MS', t('relay:usage.relay.jitter')),
      optionLine('  --rate KBPS', t('relay:usage.relay.rate')),
      optionLine(`  --slice ${m.bytes}`, t('relay:usage.relay.slice', { bytes: m.bytes })),
      optionLine('  --slice-delay MS', t('relay:usage.relay.sliceDelay')),
      optionLine(`  --limit ${m.bytes}`, t('relay:usage.relay.limit', { bytes: m.bytes })),
      optionLine('  --reset-after MS', t('relay:usage.relay.resetAfter')),
      optionLine('--seed N', t('relay:usage.relay.seed')),
      optionLine('-q', t('relay:usage.relay.quiet'))
    ]
  } else if (command === 'udp-ping') {
    synopsis = `socklab udp-ping [-a ${m.addr}] [-p N] [-6] [-c N] [--timeout S]`
    lines = [
      t('relay:usage.ping.title'),
      ...place(false),
      optionLine('-c N', t('relay:usage.ping.count', { value: typed(PING_DEFAULTS.count) })),
      optionLine('--timeout S', t('relay:usage.ping.timeout', { value: typed(PING_DEFAULTS.timeoutMs / 1000) }))
    ]
  } else {
    synopsis = `socklab udp-ping-server [-a ${m.addr}] [-p N] [-6] [--loss ${m.pct}] [--seed N] [-q]`
    lines = [
      t('relay:usage.pingServer.title'),
      ...place(true),
      optionLine(`--loss ${m.pct}`, t('relay:usage.pingServer.loss', { pct: Math.round(TEXTBOOK_LOSS_PCT) })),
      optionLine('--seed N', t('relay:usage.pingServer.seed')),
      optionLine('-q', t('relay:usage.pingServer.quiet'))
    ]
  }
  return [t('cli:usage.title', { synopsis }), ...lines, ...commonOptionLines()].join('\n')
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
