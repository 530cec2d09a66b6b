// What the UDP and the TCP relay share: the records, the counters, the seeded streams and the
// timers that close() must clear.

import { EventEmitter } from 'node:events'
import { ipFamily } from '../../shared/address'
import type { Family, SockAddr } from '../../shared/events'
import { resolveHost } from '../net-util'
import { randomSeed, stream, type Random } from './prng'
import { DIRECTIONS, noCounters, type Counters, type Direction, type Impairments, type RelayConfig, type RelayRecord, type RelayStats, type Untimed } from './types'

export type RecordBody = Untimed<RelayRecord>

/** Only the numbers that mean something: a NaN, a negative or an absent value is no impairment. */
function cleaned(i: Impairments | undefined): Impairments {
  const out: Impairments = {}
  for (const [k, v] of Object.entries(i ?? {})) if (typeof v === 'number' && Number.isFinite(v) && v > 0) out[k as keyof Impairments] = v
  return out
}

export abstract class RelayBase extends EventEmitter {
  readonly seed: number
  protected readonly imp: Record<Direction, Impairments>
  protected readonly counters: Record<Direction, Counters> = { c2s: noCounters(), s2c: noCounters() }
  protected readonly flowCounts = { opened: 0, open: 0, expired: 0, evicted: 0 }
  protected readonly timers = new Set<NodeJS.Timeout>()
  protected closed = false
  private readonly t0 = performance.now()
  protected target!: SockAddr

  constructor(protected readonly config: RelayConfig) {
    super()
    this.seed = (config.seed ?? randomSeed()) >>> 0
    this.imp = { c2s: cleaned(config.c2s), s2c: cleaned(config.s2c) }
  }

  /** Milliseconds since the relay started. */
  protected now(): number {
    return performance.now() - this.t0
  }

  /** Records cost nothing when nobody listens (a relay under a bench). */
  protected get recording(): boolean {
    return this.listenerCount('record') > 0
  }

  protected record(r: RecordBody): void {
    if (this.recording) this.emit('record', { ...r, at: Math.round(this.now() * 1000) / 1000 } as RelayRecord)
  }

  /** The seeded stream for one decision of one flow in one direction. */
  protected rng(flow: number, dir: Direction, what: string): Random {
    return stream(this.seed, `${this.config.proto}/${flow}/${dir}/${what}`)
  }

  protected later(ms: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      fn()
    }, ms)
    this.timers.add(timer)
    return timer
  }

  protected cancel(timer: NodeJS.Timeout | undefined): void {
    if (!timer) return
    clearTimeout(timer)
    this.timers.delete(timer)
  }

  protected clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
  }

  protected async resolveTarget(): Promise<SockAddr> {
    const { host, port } = this.config.target
    const found = ipFamily(host) ? { address: host, family: ipFamily(host) as Family } : await resolveHost(host)
    this.target = { address: found.address, port, family: found.family }
    return this.target
  }

  protected listening(local: SockAddr): void {
    this.record({ type: 'listening', proto: this.config.proto, local, target: this.target, seed: this.seed, c2s: this.imp.c2s, s2c: this.imp.s2c })
  }

  stats(): RelayStats {
    const copy = (d: Direction): Counters => ({ ...this.counters[d] })
    return { c2s: copy('c2s'), s2c: copy('s2c'), flows: { ...this.flowCounts } }
  }

  protected finished(): void {
    this.record({ type: 'closed', stats: this.stats() })
  }
}

export { DIRECTIONS }
