// A relay between the lab's client and its server, as an endpoint of the lab: it wraps the relay
// engine (engine/relay) and reports what it does as lab events. Each datagram or read it takes in
// is a `recv` on the leg it came by, each datagram or write it makes a `send` on the leg it goes
// by (client ↔ relay: the relay's listening address and the client's; relay ↔ server: the relay's
// own socket to the server and the server's), so that the packet log and the Ladder can match
// both legs. Each drop, duplicate and delay is an event of its own (kinds drop, duplicate,
// delay, with a typed detail); everything else the relay does is a `relay` event.

import type { ConfigOf } from '../shared/endpoint-kinds'
import type { SockAddr } from '../shared/events'
import type { RelayActDetail } from '../shared/relay-events'
import type { Endpoint, Reporter } from './endpoint'
import { explainError } from './errors'
import { TcpRelay, UdpRelay, type Direction, type RelayRecord, type RelayStats } from './relay'

export type RelayEndpointConfig = ConfigOf<'tcp-relay'> | ConfigOf<'udp-relay'>

interface FlowPlace {
  client?: SockAddr
  upstream?: SockAddr
  /** Records that came before the flow's addresses were known (a UDP flow's socket binds after its first datagram came in). */
  pending: RelayRecord[]
}

export class RelayEndpoint implements Endpoint {
  private relay?: UdpRelay | TcpRelay
  private local?: SockAddr
  private target?: SockAddr
  private readonly flows = new Map<number, FlowPlace>()
  private readonly udp: boolean

  constructor(
    readonly id: string,
    readonly config: RelayEndpointConfig,
    private readonly report: Reporter
  ) {
    this.udp = config.kind === 'udp-relay'
  }

  async start(): Promise<SockAddr | undefined> {
    const { address, port, toAddress, toPort, seed, c2s, s2c } = this.config
    const config = { proto: this.udp ? ('udp' as const) : ('tcp' as const), listen: { address, port }, target: { host: toAddress, port: toPort }, seed, c2s, s2c }
    const relay = this.udp ? new UdpRelay(config) : new TcpRelay(config)
    relay.on('record', (r) => this.onRecord(r))
    try {
      this.local = await relay.start()
    } catch (err) {
      await relay.close().catch(() => undefined)
      throw explainError(err, { address, port, action: 'bind' })
    }
    this.relay = relay
    return this.local
  }

  async stop(): Promise<void> {
    const relay = this.relay
    this.relay = undefined
    if (relay) await relay.close()
  }

  /** What the relay did each way so far (the window's counters come from the events; this is for tests). */
  stats(): RelayStats | undefined {
    return this.relay?.stats()
  }

  get seed(): number | undefined {
    return this.relay?.seed
  }

  private flow(id: number): FlowPlace {
    let f = this.flows.get(id)
    if (!f) this.flows.set(id, (f = { pending: [] }))
    return f
  }

  /** The leg a datagram or read of direction `dir` travels as it comes in (`in`) or goes out. */
  private leg(f: FlowPlace, dir: Direction, inbound: boolean): { local?: SockAddr; remote?: SockAddr } {
    const clientSide = (dir === 'c2s') === inbound
    return clientSide ? { local: this.local, remote: f.client } : { local: f.upstream, remote: this.target }
  }

  private act(r: { dir: Direction; flow: number; n: number; bytes: number }): RelayActDetail {
    return { dir: r.dir, flow: r.flow, n: r.n, bytes: r.bytes, seed: this.relay?.seed ?? 0, unit: this.udp ? 'datagram' : 'read' }
  }

  private onRecord(r: RelayRecord): void {
    const report = this.report
    switch (r.type) {
      case 'listening':
        this.target = r.target
        report.event('relay', { local: r.local, remote: r.target, detail: { what: 'listening', proto: r.proto, target: r.target, seed: r.seed, c2s: r.c2s, s2c: r.s2c } })
        return
      case 'flow-open': {
        const f = this.flow(r.flow)
        f.client = r.client
        f.upstream = r.upstream
        report.event('relay', { conn: this.udp ? 0 : r.flow, local: this.local, remote: r.client, detail: { what: 'flow-open', flow: r.flow, client: r.client, upstream: r.upstream } })
        const pending = f.pending.splice(0)
        for (const p of pending) this.onRecord(p)
        return
      }
      case 'flow-close':
        report.event('relay', { conn: this.udp ? 0 : r.flow, local: this.local, remote: this.flows.get(r.flow)?.client, detail: { what: 'flow-close', flow: r.flow, reason: r.reason, code: r.code } })
        this.flows.delete(r.flow)
        return
      case 'closed':
        report.event('relay', { local: this.local, detail: { what: 'stopped', stats: r.stats } })
        return
      case 'error':
        report.error(r.code ? `${r.code} ${r.message}` : r.message, r.code, { local: this.local })
        return
      case 'reset':
        report.event('relay', { conn: this.udp ? 0 : r.flow, local: this.local, remote: this.flows.get(r.flow)?.client, detail: { what: 'reset', flow: r.flow, afterMs: r.afterMs, sides: r.sides } })
        return
      default:
    }
    // The rest belong to one flow, on one of its legs.
    const f = this.flow(r.flow)
    if (!f.client) {
      f.pending.push(r)
      return
    }
    const conn = this.udp ? 0 : r.flow
    switch (r.type) {
      case 'in':
        report.data('recv', r.data, {
          conn,
          ...this.leg(f, r.dir, true),
          detail: this.udp ? { what: 'datagram', recvSize: 65_535 } : { what: 'stream', leftover: 0, eof: false, waiting: 0 }
        })
        return
      case 'out':
        report.data('send', r.data, { conn, ...this.leg(f, r.dir, false), detail: { what: 'bytes' } })
        return
      // A drop, duplicate or delay happens between the two legs: shown on the leg the datagram came by.
      case 'drop':
        report.event('drop', { conn, ...this.leg(f, r.dir, true), length: r.bytes, detail: this.act(r) })
        return
      case 'duplicate':
        report.event('duplicate', { conn, ...this.leg(f, r.dir, true), length: r.bytes, detail: this.act(r) })
        return
      case 'delay':
        report.event('delay', { conn, ...this.leg(f, r.dir, true), length: r.bytes, detail: { ...this.act(r), delayMs: r.delayMs } })
        return
      case 'reorder':
        report.event('relay', { conn, ...this.leg(f, r.dir, true), detail: { what: 'reorder', dir: r.dir, flow: r.flow, n: r.n, overtakenBy: r.overtakenBy, seed: this.relay?.seed ?? 0 } })
        return
      case 'slice':
        report.event('relay', { conn, ...this.leg(f, r.dir, false), detail: { what: 'slice', dir: r.dir, flow: r.flow, n: r.n, bytes: r.bytes, pieces: r.pieces } })
        return
      case 'limit':
        report.event('relay', { conn, ...this.leg(f, r.dir, false), detail: { what: 'limit', dir: r.dir, flow: r.flow, limit: r.limit } })
        return
    }
  }
}
