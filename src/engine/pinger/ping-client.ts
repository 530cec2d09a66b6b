// The textbook's UDP Pinger client: sends `count` pings, one at a time, each `Ping <seq> <time>`,
// and waits up to `timeoutMs` for its reply. A reply that comes after its own timeout (or any
// datagram that is not the awaited reply) is reported as late and not counted.

import dgram from 'node:dgram'
import { EventEmitter } from 'node:events'
import type { Family, SockAddr } from '../../shared/events'
import { sockAddr } from '../endpoint'
import { resolveHost } from '../net-util'
import { sourceAddressFor } from '../udp-util'
import type { Untimed } from '../relay/types'
import { parsePingSeq, pingMessage } from './ping-message'

export interface PingConfig {
  address: string
  port: number
  /** Pings to send (the assignment sends 10). */
  count?: number
  /** How long to wait for each reply (the assignment: one second). */
  timeoutMs?: number
  /** For a host name: the family to resolve it to. */
  family?: Family
  /** The least time from one ping's send to the next's (0: the next goes as soon as the last is answered or timed out). */
  intervalMs?: number
}

export const PING_DEFAULTS = { count: 10, timeoutMs: 1000, intervalMs: 0 } as const

export type PingRecord =
  /** `local`: the client's socket, bound before the first ping (as sendto() binds it). */
  | { type: 'start'; at: number; count: number; timeoutMs: number; intervalMs: number; local?: SockAddr; to: SockAddr }
  | { type: 'sent'; at: number; seq: number; message: string; to: SockAddr; local?: SockAddr }
  | { type: 'reply'; at: number; seq: number; rttMs: number; message: string; from: SockAddr }
  | { type: 'timeout'; at: number; seq: number }
  /** A datagram that was not the awaited reply: an earlier ping's reply after its timeout, or a stranger's. */
  | { type: 'late'; at: number; seq?: number; message: string; from: SockAddr }
  | { type: 'error'; at: number; seq: number; code?: string; message: string }

export interface PingSummary {
  sent: number
  received: number
  lost: number
  /** Per cent of pings with no reply in time. */
  lossPct: number
  /** Round trip times of the replies in ms; undefined when none came. */
  minMs?: number
  avgMs?: number
  maxMs?: number
  /** Per ping, its RTT in ms, or null for a timeout. */
  rtts: (number | null)[]
}

export function summarize(rtts: (number | null)[]): PingSummary {
  const got = rtts.filter((r): r is number => r !== null)
  const sent = rtts.length
  const sum = got.reduce((a, b) => a + b, 0)
  return {
    sent,
    received: got.length,
    lost: sent - got.length,
    lossPct: sent ? ((sent - got.length) / sent) * 100 : 0,
    minMs: got.length ? Math.min(...got) : undefined,
    avgMs: got.length ? sum / got.length : undefined,
    maxMs: got.length ? Math.max(...got) : undefined,
    rtts
  }
}

export class PingClient extends EventEmitter {
  private socket?: dgram.Socket
  private readonly t0 = performance.now()
  private stopped = false
  private wake?: () => void

  constructor(readonly config: PingConfig) {
    super()
  }

  private record(r: Untimed<PingRecord>): void {
    this.emit('record', { ...r, at: Math.round((performance.now() - this.t0) * 1000) / 1000 } as PingRecord)
  }

  /** Sends the pings one after the other and resolves with the statistics. */
  async run(): Promise<PingSummary> {
    const count = this.config.count ?? PING_DEFAULTS.count
    const timeoutMs = this.config.timeoutMs ?? PING_DEFAULTS.timeoutMs
    const target = await resolveHost(this.config.address, this.config.family)
    const to = sockAddr(target.address, this.config.port)!
    const socket = dgram.createSocket(target.family === 'IPv6' ? 'udp6' : 'udp4')
    this.socket = socket
    const intervalMs = this.config.intervalMs ?? PING_DEFAULTS.intervalMs
    // Bound first, as sendto() binds implicitly (any address, a free port): its port is known before the first ping.
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      socket.bind(0, () => {
        socket.off('error', reject)
        resolve()
      })
    }).catch(async (err) => {
      await this.close()
      throw err
    })
    // The socket is bound to the wildcard, which no datagram carries: the source the system gives these pings is the one shown.
    const source = await sourceAddressFor(target.family === 'IPv6' ? 'udp6' : 'udp4', target.address, this.config.port)
    const local = sockAddr(source ?? socket.address().address, socket.address().port)
    let awaited: { seq: number; sentAt: number; resolve: (r: { rttMs: number; message: string; from: SockAddr } | null) => void } | undefined
    socket.on('message', (msg, rinfo) => {
      const receivedAt = performance.now()
      const message = msg.toString('latin1')
      const from = sockAddr(rinfo.address, rinfo.port)!
      const seq = parsePingSeq(message)
      if (awaited && seq === awaited.seq) {
        const a = awaited
        awaited = undefined
        a.resolve({ rttMs: receivedAt - a.sentAt, message, from })
      } else this.record({ type: 'late', seq, message, from })
    })
    // A receive error (an ICMP message the system passes on) ends no ping: the timeout does.
    socket.on('error', (err: NodeJS.ErrnoException) => this.record({ type: 'error', seq: awaited?.seq ?? 0, code: err.code, message: err.message }))
    const rtts: (number | null)[] = []
    this.record({ type: 'start', count, timeoutMs, intervalMs, local, to })
    let lastSent: number | undefined
    try {
      for (let seq = 1; seq <= count && !this.stopped; seq++) {
        if (intervalMs > 0 && lastSent !== undefined) {
          const wait = lastSent + intervalMs - performance.now()
          if (wait > 0) await this.pause(wait)
          if (this.stopped) break
        }
        lastSent = performance.now()
        const message = pingMessage(seq, (performance.timeOrigin + performance.now()) / 1000)
        const reply = new Promise<{ rttMs: number; message: string; from: SockAddr } | null>((resolve) => {
          const timer = setTimeout(() => {
            awaited = undefined
            resolve(null)
          }, timeoutMs)
          this.wake = () => {
            clearTimeout(timer)
            awaited = undefined
            resolve(null)
          }
          awaited = {
            seq,
            sentAt: performance.now(),
            resolve: (r) => {
              clearTimeout(timer)
              resolve(r)
            }
          }
        })
        this.record({ type: 'sent', seq, message, to, local })
        const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => socket.send(message, to.port, to.address, (err) => resolve(err)))
        if (error) {
          this.wake?.()
          this.record({ type: 'error', seq, code: error.code, message: error.message })
          await reply
          rtts.push(null)
          continue
        }
        const r = await reply
        if (this.stopped && !r) break
        if (r) {
          rtts.push(r.rttMs)
          this.record({ type: 'reply', seq, rttMs: r.rttMs, message: r.message, from: r.from })
        } else {
          rtts.push(null)
          this.record({ type: 'timeout', seq })
        }
      }
    } finally {
      await this.close()
    }
    return summarize(rtts)
  }

  /** Waits `ms`, or less if stop() comes first. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms)
      this.wake = () => {
        clearTimeout(timer)
        resolve()
      }
    })
  }

  /** Stops after the ping under way (Ctrl-C): the summary covers the pings answered or timed out. */
  stop(): void {
    this.stopped = true
    this.wake?.()
  }

  private async close(): Promise<void> {
    const socket = this.socket
    this.socket = undefined
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()))
  }
}
