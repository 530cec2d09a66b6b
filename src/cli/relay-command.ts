// `socklab relay`: a relay between a client and a server that loses, duplicates, reorders and
// delays on purpose. The engine reports what it does as records; this file words them through
// the `relay` catalog, in the CLI's language, and prints what was done each way on Ctrl-C.

import { parseArgs } from 'node:util'
import type { TFunction as AnyT } from 'i18next'
import type { Namespace } from '../shared/i18n/resources'
import { formatTuple } from '../shared/events'
import { startRelay } from '../engine/relay'
import { DIRECTIONS, RELAY_DEFAULTS, TCP_IMPAIRMENTS, UDP_IMPAIRMENTS, type Direction, type DirectionChoice, type FlowEnd, type Impairments, type Relay, type RelayConfig, type RelayRecord, type RelayStats } from '../engine/relay/types'
import { cliLang, cliT } from './words'

/**
 * Milliseconds in prose with a fixed number of decimals (2.763,7 and 2.769,0, never 2.769 next to
 * 2.763,7), grouped as the CLI's language writes them; a string, which `{{x, n}}` prints as it is.
 */
export function fixedMs(ms: number, digits: number): string {
  const lang = cliLang()
  return new Intl.NumberFormat(lang === 'pseudo' ? 'en' : lang, { useGrouping: 'always', minimumFractionDigits: digits, maximumFractionDigits: digits } as Intl.NumberFormatOptions).format(ms)
}

/** A t() that takes keys of every namespace (`relay:…`). */
export type TFunction = AnyT<Namespace[]>
/** The CLI's words, in its language. */
export const relayWords = (): TFunction => cliT() as unknown as TFunction

export interface RelayOptions {
  udp: boolean
  /** Where the relay listens (default 0.0.0.0, or :: with -6). */
  listenAddress: string
  listenPort: number
  /** The server: an IP literal or a host name, and its port. */
  toHost: string
  toPort: number
  c2s: Impairments
  s2c: Impairments
  seed?: number
  /** Only the start lines and the summary, no line per record. */
  quiet?: boolean
}

export interface Output {
  out: NodeJS.WritableStream
  err: NodeJS.WritableStream
}

const STD: Output = { out: process.stdout, err: process.stderr }

/** Every impairment option, by its flag, with the field it sets. */
export const IMPAIRMENT_FLAGS = {
  loss: 'loss',
  duplicate: 'duplicate',
  reorder: 'reorder',
  delay: 'delay',
  jitter: 'jitter',
  rate: 'rate',
  slice: 'slice',
  'slice-delay': 'sliceDelay',
  limit: 'limit',
  'reset-after': 'resetAfter'
} as const satisfies Record<string, keyof Impairments>

const PERCENT = new Set<keyof Impairments>(['loss', 'duplicate', 'reorder'])

/** The relay's options, as its parser reads them (and the CLI checks them first, to word a wrong one: network-commands.ts). */
export const RELAY_OPTIONS = {
  listen: { type: 'string' },
  to: { type: 'string' },
  udp: { type: 'boolean' },
  ipv6: { type: 'boolean', short: '6' },
  seed: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  c2s: { type: 'boolean' },
  s2c: { type: 'boolean' },
  both: { type: 'boolean' },
  ...(Object.fromEntries(Object.keys(IMPAIRMENT_FLAGS).map((k) => [k, { type: 'string' }])) as Record<keyof typeof IMPAIRMENT_FLAGS, { type: 'string' }>)
} as const

/**
 * Options as they come, in order: an impairment applies to the direction chosen by the last
 * --c2s, --s2c or --both before it (both by default), so `--c2s --loss 20 --s2c --delay 100` drops
 * a fifth of the requests and delays every reply. Returns the options, or the flag that is wrong.
 */
export function parseRelayArgv(argv: string[]): RelayOptions | { bad: string; rule: 'percent' | 'number' | 'port' | 'target' | 'udpOnly' | 'tcpOnly' | 'unknown' } {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      tokens: true,
      strict: true,
      options: RELAY_OPTIONS
    })
  } catch (err) {
    return { bad: (err as Error).message.split('\n')[0], rule: 'unknown' }
  }
  const v = parsed.values as Record<string, string | boolean | undefined>
  const listen = parseHostPort(typeof v.listen === 'string' ? v.listen : '', v.ipv6 ? '::' : '0.0.0.0')
  if (!listen) return { bad: '--listen', rule: 'port' }
  const to = parseHostPort(typeof v.to === 'string' ? v.to : '', undefined)
  if (!to) return { bad: '--to', rule: 'target' }
  const options: RelayOptions = { udp: v.udp === true, listenAddress: listen.host, listenPort: listen.port, toHost: to.host, toPort: to.port, c2s: {}, s2c: {}, quiet: v.quiet === true }
  if (typeof v.seed === 'string') {
    if (!/^\d{1,10}$/.test(v.seed) || Number(v.seed) > 0xffffffff) return { bad: '--seed', rule: 'number' }
    options.seed = Number(v.seed)
  }
  let choice: DirectionChoice = 'both'
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option') continue
    if (token.name === 'c2s' || token.name === 's2c' || token.name === 'both') choice = token.name
    const field = (IMPAIRMENT_FLAGS as Record<string, keyof Impairments>)[token.name]
    if (!field) continue
    // A TCP relay cannot lose, duplicate or reorder (the kernels would undo it); a UDP one has no stream to pace, slice or cut.
    if (!(options.udp ? UDP_IMPAIRMENTS : TCP_IMPAIRMENTS).includes(field)) return { bad: `--${token.name}`, rule: options.udp ? 'tcpOnly' : 'udpOnly' }
    const value = Number(token.value)
    const percent = PERCENT.has(field)
    if (token.value === undefined || token.value.trim() === '' || !Number.isFinite(value) || value < 0 || (percent && value > 100)) return { bad: `--${token.name}`, rule: percent ? 'percent' : 'number' }
    if (choice !== 's2c') options.c2s[field] = value
    if (choice !== 'c2s') options.s2c[field] = value
  }
  return options
}

/** `PORT`, `HOST:PORT` or `[V6]:PORT`; a bare port takes `host` (none: refused). */
export function parseHostPort(text: string, host: string | undefined): { host: string; port: number } | undefined {
  const m = /^(?:\[([^\]]+)\]:|([^:[\]]+):)?(\d{1,5})$/.exec(text.trim())
  if (!m) return undefined
  const port = Number(m[3])
  const h = m[1] ?? m[2] ?? host
  if (h === undefined || port < 1 || port > 65535) return undefined
  return { host: h, port }
}

export function relayConfigOf(o: RelayOptions): RelayConfig {
  return { proto: o.udp ? 'udp' : 'tcp', listen: { address: o.listenAddress, port: o.listenPort }, target: { host: o.toHost, port: o.toPort }, c2s: o.c2s, s2c: o.s2c, seed: o.seed }
}

/**
 * Runs a relay until `until` settles (the CLI passes Ctrl-C or SIGTERM), then prints what it did
 * each way. 0 once stopped, 1 if it could not start.
 */
export async function runRelay(o: RelayOptions, until: Promise<unknown> = interrupted(), io: Output = STD): Promise<number> {
  const t = relayWords()
  let relay: Relay
  try {
    relay = await startRelay(relayConfigOf(o))
  } catch (err) {
    io.err.write(`ERROR: ${startError(t, err as NodeJS.ErrnoException, o)}\n`)
    return 1
  }
  relay.on('record', (r) => {
    const line = r.type === 'listening' || r.type === 'closed' ? undefined : o.quiet && r.type !== 'error' ? undefined : recordLine(t, r, o.udp)
    if (line) (r.type === 'error' ? io.err : io.out).write(`${line}\n`)
  })
  for (const line of startLines(t, relay, o)) io.out.write(`${line}\n`)
  await until
  await relay.close()
  for (const line of summaryLines(t, relay.stats(), o.udp)) io.out.write(`${line}\n`)
  return 0
}

/** Resolves on the first Ctrl-C or SIGTERM. */
export function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done)
      process.off('SIGTERM', done)
      resolve()
    }
    process.once('SIGINT', done)
    process.once('SIGTERM', done)
  })
}

function startError(t: TFunction, err: NodeJS.ErrnoException, o: RelayOptions): string {
  switch (err.code) {
    case 'EADDRINUSE':
      return t('relay:error.inUse', { port: o.listenPort, address: o.listenAddress })
    case 'EADDRNOTAVAIL':
      return t('relay:error.notLocal', { address: o.listenAddress })
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NODATA':
      return t('relay:error.resolve', { host: o.toHost })
    default:
      return t('relay:error.other', { code: err.code ?? '', message: err.message })
  }
}

export const dirWords = (t: TFunction, dir: Direction): string => (dir === 'c2s' ? t('relay:dir.c2s') : t('relay:dir.s2c'))

/** What an impairment set does, as a list ("loss 20%, delay 100 ms"). */
export function impairmentWords(t: TFunction, imp: Impairments): string {
  const parts: string[] = []
  const add = (v: number | undefined, word: (value: number) => string): void => {
    if (v) parts.push(word(v))
  }
  add(imp.loss, (value) => t('relay:impairment.loss', { value }))
  add(imp.duplicate, (value) => t('relay:impairment.duplicate', { value }))
  add(imp.reorder, (value) => t('relay:impairment.reorder', { value }))
  add(imp.delay, (value) => t('relay:impairment.delay', { value }))
  add(imp.jitter, (value) => t('relay:impairment.jitter', { value }))
  add(imp.rate, (value) => t('relay:impairment.rate', { value }))
  add(imp.slice, (value) => t('relay:impairment.slice', { value }))
  add(imp.sliceDelay, (value) => t('relay:impairment.sliceDelay', { value }))
  add(imp.limit, (value) => t('relay:impairment.limit', { value }))
  add(imp.resetAfter, (value) => t('relay:impairment.resetAfter', { value }))
  return parts.length ? parts.join(', ') : t('relay:impairment.none')
}

export function startLines(t: TFunction, relay: Relay, o: RelayOptions): string[] {
  const config = relayConfigOf(o)
  const lines = [t('relay:start.listening', { proto: o.udp ? 'UDP' : 'TCP', local: formatTuple(relay.local.address, relay.local.port), target: formatTuple(o.toHost, o.toPort), seed: relay.seed })]
  for (const dir of DIRECTIONS) lines.push(t('relay:start.direction', { dir: dirWords(t, dir), list: impairmentWords(t, config[dir] ?? {}) }))
  // Said only where a student may expect a TCP relay to lose what it delays or slows down.
  if (!o.udp && [o.c2s, o.s2c].some((imp) => imp.delay || imp.jitter || imp.rate)) lines.push(t('relay:start.tcpNote'))
  return lines
}

function reasonWords(t: TFunction, reason: FlowEnd): string {
  // t('relay:reason.idle') t('relay:reason.evicted') t('relay:reason.relayClosed') t('relay:reason.clientClosed')
  // t('relay:reason.serverClosed') t('relay:reason.clientReset') t('relay:reason.serverReset') t('relay:reason.refused')
  // t('relay:reason.limit') t('relay:reason.reset') t('relay:reason.error')
  const key = reason.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())
  return (t as (key: string) => string)(`relay:reason.${key}`)
}

const sideWords = (t: TFunction, side: 'listen' | 'client' | 'server'): string => (side === 'listen' ? t('relay:side.listen') : side === 'client' ? t('relay:side.client') : t('relay:side.server'))

/** One record as a line of the relay's log, or undefined for those the start and summary lines say. */
export function recordLine(t: TFunction, r: RelayRecord, udp: boolean): string | undefined {
  const at = fixedMs(r.at, 1)
  switch (r.type) {
    case 'listening':
    case 'closed':
    case 'in':
    case 'out':
      return undefined
    case 'flow-open':
      return t('relay:record.flowOpen', { at, flow: r.flow, client: formatTuple(r.client.address, r.client.port), upstream: r.upstream ? formatTuple(r.upstream.address, r.upstream.port) : '?' })
    case 'flow-close':
      return t('relay:record.flowClose', { at, flow: r.flow, reason: reasonWords(t, r.reason) })
    case 'drop':
      return t('relay:record.dropped', { at, dir: dirWords(t, r.dir), flow: r.flow, n: r.n, bytes: r.bytes })
    case 'duplicate':
      return t('relay:record.duplicated', { at, dir: dirWords(t, r.dir), flow: r.flow, n: r.n, bytes: r.bytes })
    case 'reorder':
      return t('relay:record.reordered', { at, dir: dirWords(t, r.dir), flow: r.flow, n: r.n, overtakenBy: r.overtakenBy })
    case 'delay': {
      const params = { at, dir: dirWords(t, r.dir), flow: r.flow, n: r.n, bytes: r.bytes, delay: fixedMs(r.delayMs, 1) }
      return udp ? t('relay:record.delayed', params) : t('relay:record.delayRead', params)
    }
    case 'slice':
      return t('relay:record.sliced', { at, dir: dirWords(t, r.dir), flow: r.flow, n: r.n, bytes: r.bytes, pieces: r.pieces })
    case 'limit':
      return t('relay:record.limit', { at, dir: dirWords(t, r.dir), flow: r.flow, limit: r.limit })
    case 'reset':
      return t('relay:record.reset', { at, flow: r.flow, afterMs: r.afterMs, sides: r.sides.map((s) => sideWords(t, s)).join(', ') })
    case 'error':
      return t('relay:record.error', { at, side: sideWords(t, r.side), code: r.code ?? '', message: r.message })
  }
}

/** What Ctrl-C prints: what was forwarded, dropped, duplicated, reordered and delayed, each way. */
export function summaryLines(t: TFunction, s: RelayStats, udp: boolean): string[] {
  const lines = [t('relay:summary.title')]
  for (const dir of DIRECTIONS) {
    const c = s[dir]
    lines.push(udp ? t('relay:summary.line', { dir: dirWords(t, dir), ...c }) : t('relay:summary.lineTcp', { dir: dirWords(t, dir), ...c }))
  }
  lines.push(udp ? t('relay:summary.udpClients', { ...s.flows, idle: RELAY_DEFAULTS.idleMs / 1000, max: RELAY_DEFAULTS.maxFlows }) : t('relay:summary.connections', s.flows))
  return lines
}

export type RelayArgvProblem = Exclude<ReturnType<typeof parseRelayArgv>, RelayOptions>

/** The sentence for an option parseRelayArgv refused (main() prints it as one `ERROR:` line, exit 2). */
export function relayArgvProblem(t: TFunction, p: RelayArgvProblem): string {
  switch (p.rule) {
    case 'percent':
      return t('relay:usage.percent', { option: p.bad })
    case 'number':
      return t('relay:usage.number', { option: p.bad })
    case 'port':
      return t('relay:usage.port', { port: t('cli:usage.meta.port'), addr: t('cli:usage.meta.addr') })
    case 'target':
      return t('relay:usage.target', { port: t('cli:usage.meta.port') })
    case 'udpOnly':
      return t('relay:usage.udpOnly', { option: p.bad })
    case 'tcpOnly':
      return t('relay:usage.tcpOnly', { option: p.bad })
    case 'unknown':
      return p.bad
  }
}
