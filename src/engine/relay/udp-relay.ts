// A UDP relay: datagrams from a client go on to the server from a socket of the relay's own, one
// per client address (as a NAT keeps one mapping per client), and the server's replies come back
// to that client from the relay's listening port. Each datagram, each way, may be dropped,
// duplicated, held back until the next one has gone (reordered), or delayed, by seeded draws.

import dgram from 'node:dgram'
import type { SockAddr } from '../../shared/events'
import { boundAddr, sockAddr } from '../endpoint'
import { closeUdp } from '../udp-util'
import { bindUdpSocket } from '../server-core'
import { happens, jittered, type Random } from './prng'
import { RelayBase } from './relay-base'
import { DIRECTIONS, RELAY_DEFAULTS, type Direction, type FlowEnd, type Relay, type RelayConfig } from './types'

/** Socket buffers asked for (the kernel caps them at net.core.rmem_max / wmem_max). */
const LISTEN_BUFFER = 4 << 20
const FLOW_BUFFER = 1 << 20

interface Draws {
  loss: Random
  duplicate: Random
  reorder: Random
  delay: Random
}

interface Datagram {
  n: number
  buf: Buffer
  /** One delay per copy (a duplicate has its own draw, so it may land apart from the original). */
  delays: number[]
}

interface Flow {
  id: number
  key: string
  client: SockAddr
  socket: dgram.Socket
  lastActive: number
  closed: boolean
  n: Record<Direction, number>
  draws: Record<Direction, Draws>
  held: Partial<Record<Direction, { datagram: Datagram; timer: NodeJS.Timeout }>>
}

export class UdpRelay extends RelayBase implements Relay {
  private socket?: dgram.Socket
  private readonly flows = new Map<string, Flow>()
  private nextFlow = 1
  /**
   * When flows were last active, coarsely: set as each new client comes and at each sweep (a
   * fraction of idleMs), so that a datagram costs no clock read. Idle flows go after idleMs plus at
   * most one sweep interval, and eviction ranks by it, the newest client always ranking last.
   */
  private clock = 0
  private sweeper?: NodeJS.Timeout
  private readonly maxFlows: number
  private readonly idleMs: number
  private readonly reorderHoldMs: number
  local!: SockAddr

  constructor(config: RelayConfig) {
    super({ ...config, proto: 'udp' })
    this.maxFlows = Math.max(1, config.maxFlows ?? RELAY_DEFAULTS.maxFlows)
    this.idleMs = Math.max(1, config.idleMs ?? RELAY_DEFAULTS.idleMs)
    this.reorderHoldMs = Math.max(0, config.reorderHoldMs ?? RELAY_DEFAULTS.reorderHoldMs)
    const plain = (i: typeof this.imp.c2s): boolean => !i.loss && !i.duplicate && !i.reorder && !i.delay && !i.jitter
    this.plain = { c2s: plain(this.imp.c2s), s2c: plain(this.imp.s2c) }
  }

  /** No impairment this way: nothing to draw, each datagram goes on at once. */
  private readonly plain: Record<Direction, boolean>

  async start(): Promise<SockAddr> {
    await this.resolveTarget()
    const { address, port } = this.config.listen
    // Room for bursts: a relay that falls behind for a moment should not lose what the kernel could keep (capped by net.core.rmem_max).
    const socket = await bindUdpSocket(address, port, { bufferSize: LISTEN_BUFFER })
    this.socket = socket
    this.local = boundAddr(socket.address())!
    socket.on('message', (msg, rinfo) => this.fromClient(msg, rinfo))
    socket.on('error', (err: NodeJS.ErrnoException) => this.record({ type: 'error', side: 'listen', code: err.code, message: err.message }))
    const every = Math.min(Math.max(this.idleMs / 2, 10), 5000)
    this.sweeper = setInterval(() => this.sweep(), every)
    this.sweeper.unref()
    this.listening(this.local)
    return this.local
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.sweeper) clearInterval(this.sweeper)
    this.clearTimers()
    const closing: Promise<void>[] = []
    for (const flow of [...this.flows.values()]) closing.push(this.endFlow(flow, 'relay-closed'))
    const socket = this.socket
    this.socket = undefined
    if (socket) closing.push(closeUdp(socket))
    await Promise.all(closing)
    this.finished()
  }

  private fromClient(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.closed) return
    const key = `${rinfo.address}|${rinfo.port}`
    const flow = this.flows.get(key) ?? this.openFlow(key, sockAddr(rinfo.address, rinfo.port)!)
    flow.lastActive = this.clock
    this.ingress(flow, 'c2s', msg)
  }

  private openFlow(key: string, client: SockAddr): Flow {
    this.clock = this.now()
    while (this.flows.size >= this.maxFlows) {
      // The least recently active goes (a scan, only when a new client finds the table full).
      let oldest: Flow | undefined
      for (const f of this.flows.values()) if (!oldest || f.lastActive < oldest.lastActive) oldest = f
      this.flowCounts.evicted++
      void this.endFlow(oldest!, 'evicted')
    }
    const id = this.nextFlow++
    const socket = dgram.createSocket({ type: this.target.family === 'IPv6' ? 'udp6' : 'udp4', recvBufferSize: FLOW_BUFFER, sendBufferSize: FLOW_BUFFER })
    const draws = (dir: Direction): Draws => ({
      loss: this.rng(id, dir, 'loss'),
      duplicate: this.rng(id, dir, 'duplicate'),
      reorder: this.rng(id, dir, 'reorder'),
      delay: this.rng(id, dir, 'delay')
    })
    const flow: Flow = { id, key, client, socket, lastActive: this.now(), closed: false, n: { c2s: 0, s2c: 0 }, draws: { c2s: draws('c2s'), s2c: draws('s2c') }, held: {} }
    this.flows.set(key, flow)
    this.flowCounts.opened++
    this.flowCounts.open++
    socket.on('message', (msg, rinfo) => {
      // Only the server's datagrams go back: anyone else's to this port is not a reply.
      if (rinfo.port !== this.target.port || !sameHost(rinfo.address, this.target.address)) return
      flow.lastActive = this.clock
      this.ingress(flow, 's2c', msg)
    })
    socket.on('error', (err: NodeJS.ErrnoException) => this.record({ type: 'error', flow: id, side: 'server', code: err.code, message: err.message }))
    socket.once('listening', () => this.record({ type: 'flow-open', flow: id, client, upstream: boundAddr(socket.address()) }))
    // Sends made before the bind completes wait in Node's queue.
    socket.bind({ port: 0, address: this.target.family === 'IPv6' ? '::' : '0.0.0.0' })
    return flow
  }

  private endFlow(flow: Flow, reason: FlowEnd): Promise<void> {
    if (flow.closed) return Promise.resolve()
    flow.closed = true
    for (const dir of DIRECTIONS) this.cancel(flow.held[dir]?.timer)
    flow.held = {}
    if (this.flows.get(flow.key) === flow) this.flows.delete(flow.key)
    this.flowCounts.open--
    this.record({ type: 'flow-close', flow: flow.id, reason })
    return closeUdp(flow.socket)
  }

  private sweep(): void {
    const now = (this.clock = this.now())
    for (const flow of [...this.flows.values()]) {
      if (now - flow.lastActive >= this.idleMs) {
        this.flowCounts.expired++
        void this.endFlow(flow, 'idle')
      }
    }
  }

  /** One datagram in one direction: every stream draws once per datagram, whatever the others decide. */
  private ingress(flow: Flow, dir: Direction, buf: Buffer): void {
    const n = ++flow.n[dir]
    if (this.recording) this.record({ type: 'in', dir, flow: flow.id, n, bytes: buf.length, data: buf })
    const imp = this.imp[dir]
    if (this.plain[dir]) return this.send(flow, dir, buf)
    const d = flow.draws[dir]
    const lost = happens(d.loss(), imp.loss ?? 0)
    const twice = happens(d.duplicate(), imp.duplicate ?? 0)
    const hold = happens(d.reorder(), imp.reorder ?? 0)
    const delays = [jittered(imp.delay ?? 0, imp.jitter ?? 0, d.delay()), jittered(imp.delay ?? 0, imp.jitter ?? 0, d.delay())]
    const c = this.counters[dir]
    if (lost) {
      c.dropped++
      this.record({ type: 'drop', dir, flow: flow.id, n, bytes: buf.length })
      return
    }
    if (twice) {
      c.duplicated++
      this.record({ type: 'duplicate', dir, flow: flow.id, n, bytes: buf.length })
    }
    const datagram: Datagram = { n, buf, delays: twice ? delays : [delays[0]] }
    const held = flow.held[dir]
    if (held) {
      // This one overtakes the one held back, which follows it at once.
      this.cancel(held.timer)
      flow.held[dir] = undefined
      this.schedule(flow, dir, datagram)
      c.reordered++
      this.record({ type: 'reorder', dir, flow: flow.id, n: held.datagram.n, overtakenBy: n })
      this.schedule(flow, dir, held.datagram)
      return
    }
    if (hold) {
      const timer = this.later(this.reorderHoldMs, () => {
        // Nothing came to overtake it: it goes, late.
        flow.held[dir] = undefined
        this.schedule(flow, dir, datagram)
      })
      flow.held[dir] = { datagram, timer }
      return
    }
    this.schedule(flow, dir, datagram)
  }

  private schedule(flow: Flow, dir: Direction, datagram: Datagram): void {
    for (const delayMs of datagram.delays) {
      if (delayMs > 0) {
        this.counters[dir].delayed++
        this.record({ type: 'delay', dir, flow: flow.id, n: datagram.n, bytes: datagram.buf.length, delayMs: Math.round(delayMs * 1000) / 1000 })
        this.later(delayMs, () => this.send(flow, dir, datagram.buf))
      } else this.send(flow, dir, datagram.buf)
    }
  }

  private send(flow: Flow, dir: Direction, buf: Buffer): void {
    if (flow.closed || this.closed) return
    if (dir === 'c2s') flow.socket.send(buf, this.target.port, this.target.address)
    else if (this.socket) this.socket.send(buf, flow.client.port, flow.client.address)
    else return
    const c = this.counters[dir]
    c.forwarded++
    c.bytes += buf.length
    if (this.recording) this.record({ type: 'out', dir, flow: flow.id, bytes: buf.length, data: buf })
  }

  /** Client addresses open now (for tests and the window). */
  flowCount(): number {
    return this.flows.size
  }
}

/**
 * The same host, also when one side writes an IPv4 address as IPv4-mapped IPv6. A server named by
 * a wildcard (0.0.0.0, ::) is this machine, and answers from whichever of its addresses it likes.
 */
function sameHost(from: string, target: string): boolean {
  const bare = (x: string): string => x.replace(/^::ffff:/i, '').toLowerCase()
  return bare(from) === bare(target) || target === '0.0.0.0' || target === '::'
}
