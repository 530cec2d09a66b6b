// `socklab udp-ping` and `socklab udp-ping-server`: the textbook's UDP Pinger lab. The client
// prints the assignment's own lines (each reply with its RTT, or `Request timed out`), never
// translated, then the statistics in the CLI's language; the server says which pings it dropped.

import { parseArgs } from 'node:util'
import { DEFAULT_PORT, defaultClientAddress, defaultServerAddress, parseCoursePort, PORT_RULE } from '../shared/address'
import type { Family } from '../shared/events'
import { formatTuple } from '../shared/events'
import { PING_DEFAULTS, PingClient, PingServer, replyLine, TIMED_OUT, TEXTBOOK_LOSS_PCT, type PingSummary } from '../engine/pinger'
import { fixedMs, interrupted, relayWords, type Output, type TFunction } from './relay-command'

export interface PingOptions {
  /** The server (default 127.0.0.1, or ::1 with -6). */
  address: string
  port: number
  family?: Family
  count: number
  timeoutMs: number
}

export interface PingServerOptions {
  address: string
  port: number
  /** Per cent dropped; absent, the textbook's randint(0, 10) < 4. */
  loss?: number
  seed?: number
  quiet?: boolean
}

const STD: Output = { out: process.stdout, err: process.stderr }

export const PING_LIMITS = { count: 100_000, timeoutS: 60 } as const

/**
 * `udp-ping [-a ADDR] [-p PORT] [-6] [-c COUNT] [--timeout S]`: the options, or the sentence that
 * says what is wrong (the port rule is the course's own line, never translated).
 */
export function parsePingArgv(t: TFunction, argv: string[]): PingOptions | { error: string } | { help: true } {
  let v: Record<string, string | boolean | undefined>
  try {
    v = parseArgs({ args: argv, strict: true, options: { address: { type: 'string', short: 'a' }, port: { type: 'string', short: 'p' }, ipv6: { type: 'boolean', short: '6' }, count: { type: 'string', short: 'c' }, timeout: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }).values
  } catch (err) {
    return { error: (err as Error).message.split('\n')[0] }
  }
  if (v.help) return { help: true }
  const family: Family = v.ipv6 ? 'IPv6' : 'IPv4'
  const port = typeof v.port === 'string' ? parseCoursePort(v.port) : DEFAULT_PORT
  if (port === null) return { error: PORT_RULE }
  const count = typeof v.count === 'string' ? (/^\d+$/.test(v.count) ? Number(v.count) : NaN) : PING_DEFAULTS.count
  if (!(count >= 1 && count <= PING_LIMITS.count)) return { error: t('relay:usage.count', { option: '-c', max: PING_LIMITS.count }) }
  const seconds = typeof v.timeout === 'string' && v.timeout.trim() !== '' ? Number(v.timeout) : typeof v.timeout === 'string' ? NaN : PING_DEFAULTS.timeoutMs / 1000
  if (!(seconds > 0 && seconds <= PING_LIMITS.timeoutS)) return { error: t('relay:usage.seconds', { option: '--timeout', max: PING_LIMITS.timeoutS }) }
  return { address: typeof v.address === 'string' ? v.address : defaultClientAddress(family), port, family, count, timeoutMs: Math.round(seconds * 1000) }
}

/** `udp-ping-server [-a ADDR] [-p PORT] [-6] [--loss PCT] [--seed N] [-q]`. */
export function parsePingServerArgv(t: TFunction, argv: string[]): PingServerOptions | { error: string } | { help: true } {
  let v: Record<string, string | boolean | undefined>
  try {
    v = parseArgs({ args: argv, strict: true, options: { address: { type: 'string', short: 'a' }, port: { type: 'string', short: 'p' }, ipv6: { type: 'boolean', short: '6' }, loss: { type: 'string' }, seed: { type: 'string' }, quiet: { type: 'boolean', short: 'q' }, help: { type: 'boolean', short: 'h' } } }).values
  } catch (err) {
    return { error: (err as Error).message.split('\n')[0] }
  }
  if (v.help) return { help: true }
  const port = typeof v.port === 'string' ? parseCoursePort(v.port) : DEFAULT_PORT
  if (port === null) return { error: PORT_RULE }
  const options: PingServerOptions = { address: typeof v.address === 'string' ? v.address : defaultServerAddress(v.ipv6 ? 'IPv6' : 'IPv4'), port, quiet: v.quiet === true }
  if (typeof v.loss === 'string') {
    const loss = v.loss.trim() === '' ? NaN : Number(v.loss)
    if (!(loss >= 0 && loss <= 100)) return { error: t('relay:usage.percent', { option: '--loss' }) }
    options.loss = loss
  }
  if (typeof v.seed === 'string') {
    if (!/^\d{1,10}$/.test(v.seed) || Number(v.seed) > 0xffffffff) return { error: t('relay:usage.number', { option: '--seed' }) }
    options.seed = Number(v.seed)
  }
  return options
}

/**
 * Sends the pings and prints the statistics; stops early on `until` (Ctrl-C). 0 if any reply came,
 * 1 if none or if it could not start (a host that does not resolve): a network failure, as for the
 * course's programs (2 is for bad usage, which the parser refuses before this runs).
 */
export async function runPing(o: PingOptions, until: Promise<unknown> = interrupted(), io: Output = STD): Promise<number> {
  const t = relayWords()
  const client = new PingClient({ address: o.address, port: o.port, count: o.count, timeoutMs: o.timeoutMs, family: o.family })
  client.on('record', (r) => {
    if (r.type === 'reply') io.out.write(`${replyLine(r.message, r.rttMs)}\n`)
    else if (r.type === 'timeout') io.out.write(`${TIMED_OUT}\n`)
    else if (r.type === 'late') io.err.write(`${t('relay:ping.late', { message: r.message })}\n`)
    else if (r.type === 'error') io.err.write(`${t('relay:ping.error', { seq: r.seq, code: r.code ?? '', message: r.message })}\n`)
  })
  void until.then(() => client.stop())
  let summary: PingSummary
  try {
    summary = await client.run()
  } catch (err) {
    io.err.write(`ERROR: ${(err as Error).message}\n`)
    return 1
  }
  for (const line of pingSummaryLines(t, summary, formatTuple(o.address, o.port))) io.out.write(`${line}\n`)
  return summary.received > 0 ? 0 : 1
}


export function pingSummaryLines(t: TFunction, s: PingSummary, target: string): string[] {
  const lines = [t('relay:ping.summary.title', { target }), t('relay:ping.summary.pings', { sent: s.sent, received: s.received, lost: s.lost, loss: Math.round(s.lossPct * 10) / 10 })]
  if (s.minMs === undefined) lines.push(t('relay:ping.summary.noRtt'))
  else lines.push(t('relay:ping.summary.rtt', { min: fixedMs(s.minMs, 3), avg: fixedMs(s.avgMs!, 3), max: fixedMs(s.maxMs!, 3) }))
  return lines
}

/** Serves pings until `until` (Ctrl-C), saying which it answered and which it dropped. */
export async function runPingServer(o: PingServerOptions, until: Promise<unknown> = interrupted(), io: Output = STD): Promise<number> {
  const t = relayWords()
  const server = new PingServer({ address: o.address, port: o.port, loss: o.loss, seed: o.seed })
  let received = 0
  let dropped = 0
  server.on('record', (r) => {
    if (r.type === 'drop' || r.type === 'reply') {
      received++
      if (r.type === 'drop') dropped++
      if (o.quiet) return
      const params = { seq: r.seq ?? '?', from: formatTuple(r.from.address, r.from.port) }
      io.out.write(`${r.type === 'drop' ? t('relay:pingServer.drop', params) : t('relay:pingServer.reply', params)}\n`)
    } else if (r.type === 'error') io.err.write(`ERROR: ${r.code ?? ''} ${r.message}\n`)
  })
  try {
    await server.start()
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    io.err.write(`ERROR: ${e.code === 'EADDRINUSE' ? t('relay:error.inUse', { port: o.port, address: o.address }) : e.code === 'EADDRNOTAVAIL' ? t('relay:error.notLocal', { address: o.address }) : t('relay:error.other', { code: e.code ?? '', message: e.message })}\n`)
    return 1
  }
  const where = formatTuple(o.address, server.local.port)
  const loss = Math.round(server.lossPct * 10) / 10
  io.out.write(`${o.loss === undefined ? t('relay:pingServer.listeningTextbook', { where, loss, seed: server.seed }) : t('relay:pingServer.listening', { where, loss, seed: server.seed })}\n`)
  await until
  await server.close()
  io.out.write(`${t('relay:pingServer.summary', { received, answered: received - dropped, dropped })}\n`)
  return 0
}

export { TEXTBOOK_LOSS_PCT }
