// A TCP relay: each connection a client makes to the relay gets its own connection to the server,
// and the two byte streams are copied across, each way. What arrives in one read may be held
// (delay ± jitter, never out of order: TCP keeps order), paced (rate), cut into small writes
// (slice), cut off (limit), or the whole connection reset after a while (resetAfter). It cannot
// lose a segment: the kernels on both sides retransmit, so a student sees delay, not loss.

import net from 'node:net'
import type { SockAddr } from '../../shared/events'
import { boundAddr, sockAddr } from '../endpoint'
import { jittered, type Random } from './prng'
import { RelayBase } from './relay-base'
import { DIRECTIONS, type Direction, type FlowEnd, type Impairments, type Relay, type RelayConfig } from './types'

/** Bytes held in one direction before the relay stops reading from that side (TCP's flow control then slows the sender). */
const HIGH_WATER = 1 << 20
const LOW_WATER = 256 << 10

interface Item {
  /** A piece to write; none for a marker. */
  buf?: Buffer
  /** End of stream from the source: half-close the destination. */
  eof?: boolean
  /** The limit is reached: close the connection. */
  limit?: boolean
  due: number
  /** A slice of a read: written alone, not together with the next. */
  sliced?: boolean
}

interface Pipe {
  dir: Direction
  src: net.Socket
  dst: net.Socket
  imp: Impairments
  plain: boolean
  n: number
  admitted: number
  queue: Item[]
  queuedBytes: number
  lastDue: number
  rateFreeAt: number
  timer?: NodeJS.Timeout
  immediate?: NodeJS.Immediate
  draining: boolean
  pausedByUs: boolean
  limitReached: boolean
  ended: boolean
  delay: Random
}

interface Conn {
  id: number
  client: net.Socket
  server: net.Socket
  pipes?: Record<Direction, Pipe>
  reason?: FlowEnd
  code?: string
  closedSockets: number
  done: boolean
  resetTimers: NodeJS.Timeout[]
}

export class TcpRelay extends RelayBase implements Relay {
  private server?: net.Server
  private readonly conns = new Set<Conn>()
  private nextConn = 1
  local!: SockAddr

  constructor(config: RelayConfig) {
    super({ ...config, proto: 'tcp' })
  }

  async start(): Promise<SockAddr> {
    await this.resolveTarget()
    const server = net.createServer({ pauseOnConnect: true, noDelay: true, allowHalfOpen: true })
    const { address, port } = this.config.listen
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen({ host: address, port, exclusive: true }, () => {
        server.off('error', reject)
        resolve()
      })
    })
    this.server = server
    this.local = boundAddr(server.address())!
    server.on('connection', (socket) => this.accept(socket))
    server.on('error', (err: NodeJS.ErrnoException) => this.record({ type: 'error', side: 'listen', code: err.code, message: err.message }))
    this.listening(this.local)
    return this.local
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.clearTimers()
    for (const conn of [...this.conns]) this.finish(conn, 'relay-closed', 'destroy')
    const server = this.server
    this.server = undefined
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
    this.finished()
  }

  /** Connections open now (for tests and the window). */
  connectionCount(): number {
    return this.conns.size
  }

  private accept(client: net.Socket): void {
    if (this.closed) return void client.destroy()
    const id = this.nextConn++
    const server = net.connect({ host: this.target.address, port: this.target.port, family: this.target.family === 'IPv6' ? 6 : 4, noDelay: true, allowHalfOpen: true })
    const conn: Conn = { id, client, server, closedSockets: 0, done: false, resetTimers: [] }
    this.conns.add(conn)
    this.flowCounts.opened++
    this.flowCounts.open++
    client.setNoDelay(true)
    const counted = (): void => {
      if (++conn.closedSockets === 2) this.closedBoth(conn)
    }
    client.once('close', counted)
    // The client went before the server answered the relay's connect: nothing to relay.
    client.once('close', () => {
      if (!conn.pipes) this.finish(conn, 'client-closed', 'destroy')
    })
    server.once('close', counted)
    client.on('error', (err: NodeJS.ErrnoException) => this.socketError(conn, 'client', err))
    server.on('error', (err: NodeJS.ErrnoException) => this.socketError(conn, 'server', err))
    server.once('connect', () => {
      if (conn.done) return
      this.record({ type: 'flow-open', flow: id, client: sockAddr(client.remoteAddress, client.remotePort)!, upstream: sockAddr(server.localAddress, server.localPort) })
      conn.pipes = { c2s: this.pipe(conn, 'c2s', client, server), s2c: this.pipe(conn, 's2c', server, client) }
      this.armResets(conn)
      client.resume()
    })
  }

  private socketError(conn: Conn, side: 'client' | 'server', err: NodeJS.ErrnoException): void {
    if (conn.done) return
    this.record({ type: 'error', flow: conn.id, side, code: err.code, message: err.message })
    const reason: FlowEnd = !conn.pipes && side === 'server' ? 'refused' : err.code === 'ECONNRESET' ? (side === 'client' ? 'client-reset' : 'server-reset') : 'error'
    // A reset on one side is passed on as a reset to the other: each peer sees what a direct connection would show.
    this.finish(conn, reason, 'reset', err.code)
  }

  /** resetAfter: one timer per distinct value, resetting the peers whose direction asked for it. */
  private armResets(conn: Conn): void {
    const byMs = new Map<number, Direction[]>()
    for (const dir of DIRECTIONS) {
      const ms = this.imp[dir].resetAfter
      if (ms) byMs.set(ms, [...(byMs.get(ms) ?? []), dir])
    }
    for (const [ms, dirs] of byMs) {
      conn.resetTimers.push(
        this.later(ms, () => {
          if (conn.done) return
          // c2s goes to the server, s2c to the client: each resets the peer it goes to.
          const sides = dirs.map((d) => (d === 'c2s' ? 'server' : 'client') as 'client' | 'server')
          this.record({ type: 'reset', flow: conn.id, afterMs: ms, sides })
          this.finish(conn, 'reset', sides)
        })
      )
    }
  }

  /**
   * Ends a connection once: 'destroy' closes both sockets at once, 'reset' resets both, a list of
   * sides resets those and closes the other after what it was sent, 'graceful' closes both after
   * what they were sent.
   */
  private finish(conn: Conn, reason: FlowEnd, how: 'destroy' | 'reset' | 'graceful' | ('client' | 'server')[], code?: string): void {
    if (conn.done) return
    conn.done = true
    conn.reason = reason
    conn.code = code
    for (const t of conn.resetTimers) this.cancel(t)
    for (const pipe of Object.values(conn.pipes ?? {})) this.stopPipe(pipe)
    for (const side of ['client', 'server'] as const) {
      const socket = conn[side]
      socket.removeAllListeners('data')
      if (socket.destroyed) continue
      const reset = how === 'reset' || (Array.isArray(how) && how.includes(side))
      if (reset) socket.resetAndDestroy()
      else if (how === 'destroy') socket.destroy()
      else {
        socket.end()
        socket.destroySoon()
      }
    }
  }

  private closedBoth(conn: Conn): void {
    if (!conn.done) {
      conn.done = true
      for (const t of conn.resetTimers) this.cancel(t)
    }
    this.conns.delete(conn)
    this.flowCounts.open--
    this.record({ type: 'flow-close', flow: conn.id, reason: conn.reason ?? 'client-closed', code: conn.code })
  }

  private pipe(conn: Conn, dir: Direction, src: net.Socket, dst: net.Socket): Pipe {
    const imp = this.imp[dir]
    const plain = !imp.delay && !imp.jitter && !imp.rate && !imp.slice && !imp.sliceDelay && !imp.limit
    const pipe: Pipe = { dir, src, dst, imp, plain, n: 0, admitted: 0, queue: [], queuedBytes: 0, lastDue: 0, rateFreeAt: 0, draining: false, pausedByUs: false, limitReached: false, ended: false, delay: this.rng(conn.id, dir, 'delay') }
    src.on('data', (chunk: Buffer) => (plain ? this.forwardPlain(conn, pipe, chunk) : this.admit(conn, pipe, chunk)))
    src.once('end', () => {
      pipe.ended = true
      if (plain) this.endPipe(conn, pipe)
      else {
        pipe.queue.push({ eof: true, due: pipe.lastDue })
        this.pump(conn, pipe)
      }
    })
    return pipe
  }

  /** No impairment this way: copy as fast as the destination takes it. */
  private forwardPlain(conn: Conn, pipe: Pipe, chunk: Buffer): void {
    if (conn.done) return
    const n = ++pipe.n
    const c = this.counters[pipe.dir]
    c.forwarded++
    c.bytes += chunk.length
    if (this.recording) {
      this.record({ type: 'in', dir: pipe.dir, flow: conn.id, n, bytes: chunk.length, data: chunk })
      this.record({ type: 'out', dir: pipe.dir, flow: conn.id, bytes: chunk.length, data: chunk })
    }
    if (!pipe.dst.write(chunk)) {
      pipe.src.pause()
      pipe.dst.once('drain', () => {
        if (!conn.done) pipe.src.resume()
      })
    }
  }

  /** The source's end of stream, passed on as a half-close; both ways ended, the connection closes. */
  private endPipe(conn: Conn, pipe: Pipe): void {
    if (conn.done) return
    if (!conn.reason) conn.reason = pipe.dir === 'c2s' ? 'client-closed' : 'server-closed'
    pipe.dst.end()
  }

  /** One read: held, paced and sliced as the impairments say, its pieces queued in order. */
  private admit(conn: Conn, pipe: Pipe, chunk: Buffer): void {
    if (conn.done || pipe.limitReached) return
    const n = ++pipe.n
    if (this.recording) this.record({ type: 'in', dir: pipe.dir, flow: conn.id, n, bytes: chunk.length, data: chunk })
    const { imp } = pipe
    let buf = chunk
    if (imp.limit) {
      const room = imp.limit - pipe.admitted
      if (buf.length >= room) {
        buf = buf.subarray(0, Math.max(0, room))
        pipe.limitReached = true
        pipe.src.pause()
      }
    }
    pipe.admitted += buf.length
    const now = this.now()
    const pieceSize = Math.min(imp.slice || Infinity, imp.rate ? Math.max(1, Math.round(imp.rate * 50)) : Infinity)
    const pieces: Buffer[] = []
    if (pieceSize === Infinity || buf.length <= pieceSize) {
      if (buf.length) pieces.push(buf)
    } else for (let i = 0; i < buf.length; i += pieceSize) pieces.push(buf.subarray(i, i + pieceSize))
    let due = Math.max(now + jittered(imp.delay ?? 0, imp.jitter ?? 0, pipe.delay()), pipe.lastDue)
    const sliced = !!imp.slice && pieces.length > 1
    pieces.forEach((piece, i) => {
      if (i > 0 && imp.sliceDelay) due += imp.sliceDelay
      if (imp.rate) {
        due = Math.max(due, pipe.rateFreeAt)
        pipe.rateFreeAt = due + piece.length / imp.rate
      }
      pipe.queue.push({ buf: piece, due, sliced })
      pipe.queuedBytes += piece.length
      if (i === 0 && due - now >= 1) {
        this.counters[pipe.dir].delayed++
        this.record({ type: 'delay', dir: pipe.dir, flow: conn.id, n, bytes: buf.length, delayMs: Math.round((due - now) * 1000) / 1000 })
      }
    })
    pipe.lastDue = due
    if (sliced) {
      this.counters[pipe.dir].sliced += pieces.length
      this.record({ type: 'slice', dir: pipe.dir, flow: conn.id, n, bytes: buf.length, pieces: pieces.length })
    }
    if (pipe.limitReached) pipe.queue.push({ limit: true, due })
    if (pipe.queuedBytes > HIGH_WATER && !pipe.pausedByUs && !pipe.limitReached) {
      pipe.pausedByUs = true
      pipe.src.pause()
    }
    this.pump(conn, pipe)
  }

  /** Writes what is due, in order; waits for the next due time, or for the destination to drain. */
  private pump(conn: Conn, pipe: Pipe): void {
    if (conn.done || pipe.draining || pipe.timer || pipe.immediate) return
    while (pipe.queue.length) {
      const head = pipe.queue[0]
      const wait = head.due - this.now()
      if (wait >= 1) {
        pipe.timer = this.later(wait, () => {
          pipe.timer = undefined
          this.pump(conn, pipe)
        })
        return
      }
      pipe.queue.shift()
      if (head.eof) {
        this.endPipe(conn, pipe)
        continue
      }
      if (head.limit) {
        this.record({ type: 'limit', dir: pipe.dir, flow: conn.id, limit: pipe.imp.limit! })
        this.finish(conn, 'limit', 'graceful')
        return
      }
      const buf = head.buf!
      pipe.queuedBytes -= buf.length
      const c = this.counters[pipe.dir]
      c.forwarded++
      c.bytes += buf.length
      if (this.recording) this.record({ type: 'out', dir: pipe.dir, flow: conn.id, bytes: buf.length, data: buf })
      const ok = pipe.dst.write(buf)
      if (pipe.pausedByUs && pipe.queuedBytes < LOW_WATER) {
        pipe.pausedByUs = false
        pipe.src.resume()
      }
      if (!ok) {
        pipe.draining = true
        pipe.dst.once('drain', () => {
          pipe.draining = false
          this.pump(conn, pipe)
        })
        return
      }
      // A slice is a write of its own: the next one goes on a later turn, not in the same writev().
      if (head.sliced && pipe.queue.length) {
        pipe.immediate = setImmediate(() => {
          pipe.immediate = undefined
          this.pump(conn, pipe)
        })
        return
      }
    }
  }

  private stopPipe(pipe: Pipe): void {
    this.cancel(pipe.timer)
    pipe.timer = undefined
    if (pipe.immediate) clearImmediate(pipe.immediate)
    pipe.immediate = undefined
    pipe.queue = []
    pipe.queuedBytes = 0
  }
}
